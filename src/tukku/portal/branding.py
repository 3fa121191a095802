"""The partner portal's branding page: the brand's name, light and dark colours and support
contacts, the logo upload, and a preview of both modes, through the branding service with the
signed-in user's `Actor` (the same rules and refusals as `/v1/partner/branding`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from tukku.branding import rules, service
from tukku.branding.schemas import BrandingWrite
from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import DomainError
from tukku.core.routing import api_router
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUser, PortalUserDep, check_csrf
from tukku.portal.forms import field_errors, undo
from tukku.web.templating import templates

router = api_router(prefix="/portal/branding", include_in_schema=False)
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
}


def _page(
    request: Request,
    session: DbSession,
    user: PortalUser,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    """The page: the form (with `values` as posted, or the brand as saved) and the preview of
    the brand as saved; 400 when it shows refusals."""
    row = service.get_own(session, actor=user.actor)
    saved = service.to_read(row, user.actor.org_id, "")
    shown = values or {k: v or "" for k, v in saved.model_dump(by_alias=True).items()}
    context = {
        "user": user,
        "csrf": user.csrf,
        "nav": "branding",
        "values": shown,
        "errors": errors or {},
        "notice": notice,
        "colours": COLOURS,
        "labels": LABELS,
        "preview": service.brand_for_org(session, user.actor.org_id) if row else None,
        "may_write": user.actor.may(Permission.BRANDING_WRITE),
        "max_kib": rules.MAX_LOGO_BYTES // 1024,
    }
    status = 400 if errors else 200
    return templates.TemplateResponse(request, "portal/branding.html", context, status)


@router.get("", response_class=HTMLResponse)
def branding_page(
    request: Request, session: DbSession, user: PortalUserDep, done: str | None = None
) -> Response:
    """The brand as saved, its form (for those who may change it) and its preview."""
    return _page(request, session, user, notice=NOTICES.get(done or ""))


@router.post("", response_class=HTMLResponse)
def save_branding(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
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
) -> Response:
    """Save the brand as the API would; the form again with the reasons next to the fields
    when it refuses (unreadable colours name the colour and the contrast found)."""
    check_csrf(request, csrf)
    values = {
        "name": name,
        "lightText": lightText,
        "lightBackground": lightBackground,
        "lightAccent": lightAccent,
        "darkText": darkText,
        "darkBackground": darkBackground,
        "darkAccent": darkAccent,
        "supportUrl": supportUrl,
        "supportEmail": supportEmail,
        "supportPhone": supportPhone,
    }
    try:
        data = BrandingWrite.model_validate({k: v.strip() or None for k, v in values.items()})
        service.update_own(session, actor=user.actor, data=data, now=clock.now())
    except ValidationError as invalid:
        errors = {str(e["loc"][0]): e["msg"] for e in invalid.errors()}
        return _page(request, session, user, values=values, errors=errors)
    except DomainError as refused:
        undo(session)
        if refused.status in (403, 404):
            raise
        errors = field_errors(refused.problems)
        return _page(request, session, user, values=values, errors=errors)
    return RedirectResponse("/portal/branding?done=saved", status_code=303)


@router.post("/logo", response_class=HTMLResponse)
def upload_logo(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    logo: Annotated[UploadFile, File()],
    csrf: FormField = "",
) -> Response:
    """Store the uploaded logo (checked by its content, redrawn as PNG); the page again with
    the reason next to the file field when it is refused."""
    check_csrf(request, csrf)
    data = logo.file.read(rules.MAX_LOGO_BYTES + 1)
    try:
        service.set_logo(session, actor=user.actor, data=data, now=clock.now())
    except DomainError as refused:
        undo(session)
        if refused.status in (403, 404):
            raise
        return _page(request, session, user, errors=field_errors(refused.problems))
    return RedirectResponse("/portal/branding?done=logo", status_code=303)


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
