"""The partner portal's branding pages: the partner's own brand (`/portal/branding`) and the
override it sets for one of its customers (`/portal/customers/{id}/branding`), each with the
brand's name, light and dark colours and support contacts, the logo upload, and a preview of
both modes, through the branding service with the signed-in user's `Actor` (the same rules and
refusals as `/v1/partner/branding` and `/v1/partner/customers/{id}/branding`).

Both pages are one page (`_page`, templates/portal/branding_form.html) told whose brand it
edits: `customer_id` None for the partner's own.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tukku.branding import rules, service
from tukku.branding.models import BrandRow
from tukku.branding.schemas import BrandingWrite
from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import DomainError
from tukku.core.routing import api_router
from tukku.customers import service as customers
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUser, PortalUserDep, check_csrf
from tukku.portal.forms import field_errors, undo
from tukku.web.templating import templates

router = api_router(prefix="/portal/branding", include_in_schema=False)
customer_router = api_router(
    prefix="/portal/customers/{customer_id}/branding", include_in_schema=False
)
FormField = Annotated[str, Form()]
COLOURS = (
    ("light", "Light mode", ("lightText", "lightBackground", "lightAccent")),
    ("dark", "Dark mode", ("darkText", "darkBackground", "darkAccent")),
)
LABELS = {"Text": "Text colour", "Background": "Background colour", "Accent": "Link colour"}
TEXTS = ("name", "supportUrl", "supportEmail", "supportPhone")
NOTICES = {
    "saved": "The brand is saved.",
    "logo": "The logo is saved.",
    "logo-removed": "The logo is removed.",
    "override-removed": "The override is removed: the customer's users see your brand again.",
}


def _base(customer_id: str | None) -> str:
    """The page's address; its forms post below it."""
    return f"/portal/customers/{customer_id}/branding" if customer_id else "/portal/branding"


def _saved(session: Session, user: PortalUser, customer_id: str | None) -> BrandRow | None:
    """The brand as set (None if never set): the partner's own, or the customer's override (404
    for a customer the user's organization does not manage)."""
    if customer_id is None:
        return service.get_own(session, actor=user.actor)
    return service.get_for_customer(session, actor=user.actor, customer_id=customer_id)


def _page(
    request: Request,
    session: Session,
    user: PortalUser,
    customer_id: str | None,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    """The page: the form (with `values` as posted, or the brand as saved) and the preview of
    the brand as saved; 400 when it shows refusals."""
    row = _saved(session, user, customer_id)
    saved = service.to_read(row, user.actor.org_id, "")
    shown = values or {k: v or "" for k, v in saved.model_dump(by_alias=True).items()}
    context: dict[str, Any] = {
        "user": user,
        "csrf": user.csrf,
        "nav": "branding" if customer_id is None else "customers",
        "base": _base(customer_id),
        "values": shown,
        "errors": errors or {},
        "notice": notice,
        "colours": COLOURS,
        "labels": LABELS,
        "preview": service.brand_for_org(session, row.org_id) if row else None,
        "may_write": user.actor.may(Permission.BRANDING_WRITE),
        "max_kib": rules.MAX_LOGO_BYTES // 1024,
    }
    template = "portal/branding.html"
    if customer_id is not None:
        template = "portal/branding_customer.html"
        context["customer"] = customers.get_or_404(
            session, actor=user.actor, customer_id=customer_id
        )
    status = 400 if errors else 200
    return templates.TemplateResponse(request, template, context, status)


def _save(
    request: Request,
    session: Session,
    clock: ClockDep,
    user: PortalUser,
    customer_id: str | None,
    values: dict[str, str],
) -> Response:
    """Save the brand as the API would; the form again with the reasons next to the fields
    when it refuses (unreadable colours name the colour and the contrast found)."""
    try:
        data = BrandingWrite.model_validate({k: v.strip() or None for k, v in values.items()})
        if customer_id is None:
            service.update_own(session, actor=user.actor, data=data, now=clock.now())
        else:
            service.update_for_customer(
                session, actor=user.actor, customer_id=customer_id, data=data, now=clock.now()
            )
    except ValidationError as invalid:
        errors = {str(e["loc"][0]): e["msg"] for e in invalid.errors()}
        return _page(request, session, user, customer_id, values=values, errors=errors)
    except DomainError as refused:
        undo(session)
        if refused.status in (403, 404):
            raise
        errors = field_errors(refused.problems)
        return _page(request, session, user, customer_id, values=values, errors=errors)
    return RedirectResponse(f"{_base(customer_id)}?done=saved", status_code=303)


def _upload(
    request: Request,
    session: Session,
    clock: ClockDep,
    user: PortalUser,
    customer_id: str | None,
    logo: UploadFile,
) -> Response:
    """Store the uploaded logo (checked by its content, redrawn as PNG); the page again with
    the reason next to the file field when it is refused."""
    data = logo.file.read(rules.MAX_LOGO_BYTES + 1)
    try:
        service.set_logo(
            session, actor=user.actor, data=data, now=clock.now(), customer_id=customer_id
        )
    except DomainError as refused:
        undo(session)
        if refused.status in (403, 404):
            raise
        errors = field_errors(refused.problems)
        return _page(request, session, user, customer_id, errors=errors)
    return RedirectResponse(f"{_base(customer_id)}?done=logo", status_code=303)


def _brand_form(
    name: FormField = "",
    lightText: FormField = "",  # noqa: N803 - the form's fields are the API's names
    lightBackground: FormField = "",  # noqa: N803
    lightAccent: FormField = "",  # noqa: N803
    darkText: FormField = "",  # noqa: N803
    darkBackground: FormField = "",  # noqa: N803
    darkAccent: FormField = "",  # noqa: N803
    supportUrl: FormField = "",  # noqa: N803
    supportEmail: FormField = "",  # noqa: N803
    supportPhone: FormField = "",  # noqa: N803
) -> dict[str, str]:
    """The brand form's fields as posted, by the API's names (both pages post the same form)."""
    fields = ("name", *COLOURS[0][2], *COLOURS[1][2], *TEXTS[1:])
    posted = (
        name,
        *(lightText, lightBackground, lightAccent),
        *(darkText, darkBackground, darkAccent),
        *(supportUrl, supportEmail, supportPhone),
    )
    return dict(zip(fields, posted, strict=True))


BrandForm = Annotated[dict[str, str], Depends(_brand_form)]


@router.get("", response_class=HTMLResponse)
def branding_page(
    request: Request, session: DbSession, user: PortalUserDep, done: str | None = None
) -> Response:
    """The brand as saved, its form (for those who may change it) and its preview."""
    return _page(request, session, user, None, notice=NOTICES.get(done or ""))


@router.post("", response_class=HTMLResponse)
def save_branding(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    values: BrandForm,
    csrf: FormField = "",
) -> Response:
    """Save the partner's own brand."""
    check_csrf(request, csrf)
    return _save(request, session, clock, user, None, values)


@router.post("/logo", response_class=HTMLResponse)
def upload_logo(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    logo: Annotated[UploadFile, File()],
    csrf: FormField = "",
) -> Response:
    """Store the partner's logo."""
    check_csrf(request, csrf)
    return _upload(request, session, clock, user, None, logo)


@router.post("/logo/remove", response_class=HTMLResponse)
def remove_logo(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Remove the logo; the brand's name shows instead."""
    check_csrf(request, csrf)
    service.remove_logo(session, actor=user.actor, now=clock.now())
    return RedirectResponse("/portal/branding?done=logo-removed", status_code=303)


@customer_router.get("", response_class=HTMLResponse)
def customer_branding_page(
    customer_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    done: str | None = None,
) -> Response:
    """One customer's brand override as saved (or that it has none), its form and preview."""
    return _page(request, session, user, customer_id, notice=NOTICES.get(done or ""))


@customer_router.post("", response_class=HTMLResponse)
def save_customer_branding(
    customer_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    values: BrandForm,
    csrf: FormField = "",
) -> Response:
    """Set or replace the customer's override, which its users see instead of your brand."""
    check_csrf(request, csrf)
    return _save(request, session, clock, user, customer_id, values)


@customer_router.post("/logo", response_class=HTMLResponse)
def upload_customer_logo(
    customer_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    logo: Annotated[UploadFile, File()],
    csrf: FormField = "",
) -> Response:
    """Store the override's logo (an override with tukku's default colours if none was set)."""
    check_csrf(request, csrf)
    return _upload(request, session, clock, user, customer_id, logo)


@customer_router.post("/logo/remove", response_class=HTMLResponse)
def remove_customer_logo(
    customer_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Remove the override's logo; its name shows instead."""
    check_csrf(request, csrf)
    service.remove_logo(session, actor=user.actor, now=clock.now(), customer_id=customer_id)
    return RedirectResponse(f"{_base(customer_id)}?done=logo-removed", status_code=303)


@customer_router.post("/remove", response_class=HTMLResponse)
def remove_override(
    customer_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Drop the override: the customer's users see your brand again."""
    check_csrf(request, csrf)
    service.remove_for_customer(session, actor=user.actor, customer_id=customer_id, now=clock.now())
    return RedirectResponse(f"{_base(customer_id)}?done=override-removed", status_code=303)
