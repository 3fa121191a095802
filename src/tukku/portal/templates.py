"""The partner portal's onboarding templates: the list, the create form ending with the
`provisioningId` to copy, editing and retiring a template, through the onboarding service
with the signed-in user's `Actor`. The form is the API's `TemplateWrite`: the same rules,
the same defaults, the same error for the same mistake."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import DomainError
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.identity.permissions import Permission
from tukku.onboarding import service
from tukku.onboarding.models import OnboardingTemplate
from tukku.onboarding.schemas import TemplateRead, TemplateWrite
from tukku.portal.auth import PortalUser, PortalUserDep, check_csrf
from tukku.portal.forms import undo
from tukku.web.templating import templates

router = api_router(prefix="/portal/templates", include_in_schema=False)
FormField = Annotated[str, Form()]
# The form's text fields and check boxes, in TemplateWrite's (camelCase) names.
TEXTS = ("name", "country", "language", "pstnProvider", "brandName", "authMode", "idpEntityId")
CHECKS = ("allowAdminInviteEmailsOnAttach", "disableWebexToWebexCalling")
AUTH_MODES = (
    ("webex", "With Webex (Webex identity)"),
    ("partner_saml", "With the partner's identity provider (SAML)"),
    ("partner_oidc", "With the partner's identity provider (OpenID Connect)"),
)
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


def _form(
    request: Request,
    user: PortalUser,
    values: dict[str, Any],
    errors: dict[str, str],
    template_id: str | None = None,
) -> HTMLResponse:
    """The create form, or the edit form of `template_id`; 400 when it shows refusals."""
    if template_id is None:
        where = {"heading": "New onboarding template", "action": "/portal/templates/new"}
        where["button"] = "Create the template"
    else:
        where = {"heading": f"Edit {values['name'] or 'the template'}"}
        where |= {"action": f"/portal/templates/{template_id}/edit", "button": "Save the changes"}
    context = _context(user, values=values, errors=errors, auth_modes=AUTH_MODES, **where)
    status = 400 if errors else 200
    return templates.TemplateResponse(request, "portal/template_form.html", context, status)


class TemplateForm(BaseModel):
    """The template form as posted: text as typed, a ticked box as "on"."""

    model_config = ConfigDict(populate_by_name=True)

    name: str = ""
    country: str = ""
    language: str = ""
    pstn_provider: str = Field("", alias="pstnProvider")
    brand_name: str = Field("", alias="brandName")
    auth_mode: str = Field("webex", alias="authMode")
    idp_entity_id: str = Field("", alias="idpEntityId")
    allow_invites: str = Field("", alias="allowAdminInviteEmailsOnAttach")
    no_webex_calls: str = Field("", alias="disableWebexToWebexCalling")
    csrf: str = ""

    def values(self) -> dict[str, Any]:
        """The form's values by field name, to show again; check boxes as booleans."""
        shown: dict[str, Any] = self.model_dump(by_alias=True, exclude={"csrf"})
        return shown | {k: shown[k] == "on" for k in CHECKS}


PostedForm = Annotated[TemplateForm, Form()]


def _save(
    session: Session,
    request: Request,
    user: PortalUser,
    form: TemplateForm,
    write: Callable[[TemplateWrite], OnboardingTemplate],
    template_id: str | None = None,
) -> Response:
    """Validate the form as the API's body and `write` it; the form again, with the reasons
    next to the fields, when the API would refuse it."""
    check_csrf(request, form.csrf)
    values = form.values()
    try:
        # An empty optional field takes the API's default; an empty name is refused as such.
        given = {k: v.strip() or None for k, v in values.items() if isinstance(v, str)}
        given |= {"name": values["name"].strip(), "authMode": values["authMode"] or "webex"}
        given |= {k: values[k] for k in CHECKS}
        saved = write(TemplateWrite.model_validate(given))
    except ValidationError as invalid:
        errors = {str(e["loc"][0]): e["msg"] for e in invalid.errors()}
        return _form(request, user, values, errors, template_id)
    except DomainError as refused:
        undo(session)
        if refused.status in (403, 404):
            raise
        errors = {p.field or "form": p.description for p in refused.problems}
        return _form(request, user, values, errors, template_id)
    done = "created" if template_id is None else "saved"
    return RedirectResponse(f"/portal/templates/{saved.id}?{done}=1", status_code=303)


@router.get("/new", response_class=HTMLResponse)
def new_template(request: Request, user: PortalUserDep) -> Response:
    """The create form, with the API's defaults shown as hints."""
    user.actor.require(Permission.TEMPLATES_WRITE)
    values: dict[str, Any] = dict.fromkeys(TEXTS, "") | dict.fromkeys(CHECKS, False)
    return _form(request, user, values | {"authMode": "webex"}, {})


@router.post("/new", response_class=HTMLResponse)
def create_template(
    request: Request, session: DbSession, clock: ClockDep, user: PortalUserDep, form: PostedForm
) -> Response:
    """Create the template and show its provisioningId."""

    def write(data: TemplateWrite) -> OnboardingTemplate:
        return service.create(session, actor=user.actor, data=data, now=clock.now())

    return _save(session, request, user, form, write)


def _values_of(template: TemplateRead) -> dict[str, Any]:
    return {
        "name": template.name,
        "country": template.country,
        "language": template.language,
        "pstnProvider": template.pstn_provider or "",
        "brandName": template.brand_name,
        "authMode": template.auth_mode,
        "idpEntityId": template.idp_entity_id or "",
        "allowAdminInviteEmailsOnAttach": template.allow_admin_invite_emails_on_attach,
        "disableWebexToWebexCalling": template.disable_webex_to_webex_calling,
    }


@router.get("/{template_id}", response_class=HTMLResponse)
def template(
    template_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    created: str | None = None,
    saved: str | None = None,
) -> Response:
    """One template, its provisioningId ready to copy."""
    found = service.get_or_404(session, actor=user.actor, template_id=template_id)
    context = _context(
        user,
        template=service.to_read(found),
        created=bool(created),
        saved=bool(saved),
        may_write=user.actor.may(Permission.TEMPLATES_WRITE),
    )
    return templates.TemplateResponse(request, "portal/template.html", context)


@router.get("/{template_id}/edit", response_class=HTMLResponse)
def edit_form(
    template_id: str, request: Request, session: DbSession, user: PortalUserDep
) -> Response:
    """The template's settings to change."""
    user.actor.require(Permission.TEMPLATES_WRITE)
    found = service.get_or_404(session, actor=user.actor, template_id=template_id)
    return _form(request, user, _values_of(service.to_read(found)), {}, found.id)


@router.post("/{template_id}/edit", response_class=HTMLResponse)
def edit_template(
    template_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    form: PostedForm,
) -> Response:
    """Replace the template's settings, as `PUT` does: customers provisioned with it keep
    theirs; new ones get the new settings."""

    def write(data: TemplateWrite) -> OnboardingTemplate:
        actor = user.actor
        return service.replace(
            session, actor=actor, template_id=template_id, data=data, now=clock.now()
        )

    return _save(session, request, user, form, write, template_id)


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
