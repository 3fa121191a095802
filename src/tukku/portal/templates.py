"""The partner portal's onboarding templates: the list, the create form ending with the
`provisioningId` to copy, and retiring a template, through the onboarding service with the
signed-in user's `Actor`. The form is the API's `TemplateWrite`: the same rules, the same
defaults, the same error for the same mistake."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import DomainError
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.identity.permissions import Permission
from tukku.onboarding import service
from tukku.onboarding.schemas import TemplateWrite
from tukku.portal.auth import PortalUser, PortalUserDep, check_csrf
from tukku.portal.forms import undo
from tukku.web.templating import templates

router = api_router(prefix="/portal/templates", include_in_schema=False)
FormField = Annotated[str, Form()]
# The form's fields, in TemplateWrite's (camelCase) names.
FIELDS = ("name", "country", "language", "pstnProvider", "brandName")
# A partner has a handful of templates; one page shows them all.
SHOWN = PageRequest(offset=0, limit=1000)


def _context(user: PortalUser, **more: Any) -> dict[str, Any]:
    return {"user": user, "csrf": user.csrf, "nav": "templates", **more}


@router.get("", response_class=HTMLResponse)
def templates_list(request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """The organization's live templates, oldest first, each with its provisioningId."""
    rows = service.list_(session, actor=user.actor, page=SHOWN)
    context = _context(user, templates=rows, may_write=user.actor.may(Permission.TEMPLATES_WRITE))
    return templates.TemplateResponse(request, "portal/templates.html", context)


@router.get("/new", response_class=HTMLResponse)
def new_template(request: Request, user: PortalUserDep) -> Response:
    """The create form, with the API's defaults shown as hints."""
    user.actor.require(Permission.TEMPLATES_WRITE)
    context = _context(user, values=dict.fromkeys(FIELDS, ""), errors={})
    return templates.TemplateResponse(request, "portal/template_new.html", context)


@router.post("/new", response_class=HTMLResponse)
def create_template(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    name: FormField = "",
    country: FormField = "",
    language: FormField = "",
    pstn_provider: Annotated[str, Form(alias="pstnProvider")] = "",
    brand_name: Annotated[str, Form(alias="brandName")] = "",
    csrf: FormField = "",
) -> Response:
    """Create the template and show its provisioningId; the form again, with the reasons next
    to the fields, when the API would refuse it."""
    check_csrf(request, csrf)
    values = {
        "name": name,
        "country": country,
        "language": language,
        "pstnProvider": pstn_provider,
        "brandName": brand_name,
    }
    try:
        # An empty optional field takes the API's default; an empty name is refused as such.
        given = {k: v.strip() or (None if k != "name" else "") for k, v in values.items()}
        data = TemplateWrite.model_validate(given)
        created = service.create(session, actor=user.actor, data=data, now=clock.now())
    except ValidationError as invalid:
        errors = {str(e["loc"][0]): e["msg"] for e in invalid.errors()}
        return _form_again(request, user, values, errors)
    except DomainError as refused:
        undo(session)
        if refused.status == 403:
            raise
        errors = {p.field or "form": p.description for p in refused.problems}
        return _form_again(request, user, values, errors)
    return RedirectResponse(f"/portal/templates/{created.id}?created=1", status_code=303)


def _form_again(
    request: Request, user: PortalUser, values: dict[str, str], errors: dict[str, str]
) -> HTMLResponse:
    context = _context(user, values=values, errors=errors)
    return templates.TemplateResponse(request, "portal/template_new.html", context, 400)


@router.get("/{template_id}", response_class=HTMLResponse)
def template(
    template_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    created: str | None = None,
) -> Response:
    """One template, its provisioningId ready to copy."""
    found = service.get_or_404(session, actor=user.actor, template_id=template_id)
    context = _context(
        user,
        template=service.to_read(found),
        created=bool(created),
        may_write=user.actor.may(Permission.TEMPLATES_WRITE),
    )
    return templates.TemplateResponse(request, "portal/template.html", context)


@router.post("/{template_id}/delete")
def delete_template(
    template_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Retire the template: new customers can no longer use it; existing ones keep theirs."""
    check_csrf(request, csrf)
    service.delete(session, actor=user.actor, template_id=template_id, now=clock.now())
    return RedirectResponse("/portal/templates", status_code=303)
