"""The customer portal's account and organization settings: the company name, the verified
domains, the e-mail settings and how users sign in, through the same `customer_admin.service`
as `/v1/customer/organization`, validated by the same request models.

What restricted-by-partner mode makes read-only is shown as plain facts, without a form, to the
customer's own administrators while it is on, and the service refuses a forged post (403); a
read-only role likewise. The partner's administrators acting in the organization (cross-launch)
are not restricted: the mode is theirs to set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from tukku.catalog.locales import locale_table
from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import DomainError
from tukku.core.routing import api_router
from tukku.customer_admin import service as admin
from tukku.customer_admin.schemas import (
    AuthenticationIn,
    DomainsIn,
    EmailSettingsIn,
    OrganizationOut,
    OrganizationUpdate,
)
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUserDep, check_csrf
from tukku.portal.forms import field_errors, undo
from tukku.portal.hub import Hub, open_hub

router = api_router(prefix="/hub/organization", include_in_schema=False)
P = Permission
FormField = Annotated[str, Form()]
AUTH_MODES = (
    ("webex", "Passwords kept here"),
    ("partner_saml", "A SAML 2.0 identity provider"),
    ("partner_oidc", "An OpenID Connect identity provider"),
)
NOTICES = {
    "name": "The company name is changed.",
    "domains": "The domains are saved.",
    "email": "The e-mail settings are saved.",
    "authentication": "The sign-in settings are saved.",
}


def _values(org: OrganizationOut) -> dict[str, str]:
    """The forms' fields as saved (the request models' names)."""
    return {
        "name": org.name,
        "domains": "\n".join(org.verified_domains),
        "blockAdminInviteEmails": "on" if org.block_admin_invite_emails else "",
        "emailLocale": org.email_locale or "",
        "mode": org.auth_mode,
        "idpEntityId": org.idp_entity_id or "",
    }


def _page(
    request: Request,
    hub: Hub,
    *,
    posted: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    """The settings page: each form with the settings as saved, or as posted when refused
    (400, the reasons next to the fields and on top)."""
    org = admin.organization(hub.ctx)
    return hub.page(
        request,
        "hub/organization.html",
        400 if errors else 200,
        nav="organization",
        org=org,
        values={**_values(org), **(posted or {})},
        errors=errors or {},
        notice=notice,
        modes=AUTH_MODES,
        locales=sorted(locale_table().supported),
    )


@router.get("", response_class=HTMLResponse)
def organization(
    request: Request, session: DbSession, user: PortalUserDep, done: str | None = None
) -> Response:
    """The company name and organization settings; forms for what the user may change."""
    hub = open_hub(request, session, user)
    return _page(request, hub, notice=NOTICES.get(done or ""))


def _save(
    request: Request,
    session: Session,
    hub: Hub,
    permission: Permission,
    posted: dict[str, str],
    model: type[BaseModel],
    body: dict[str, Any],
    change: Callable[[Any], None],
    done: str,
) -> Response:
    """Validate `body` as the API's request `model`, make the `change` with it, and go back to
    the page with a notice; or the page again with the reasons. A post the user may not make
    is refused (403) before its fields are even read, never shown as a field's problem."""
    hub.ctx.require(permission)
    try:
        change(model.model_validate(body))
    except ValidationError as invalid:
        errors = {str(e["loc"][0]) if e["loc"] else "form": e["msg"] for e in invalid.errors()}
    except DomainError as refused:
        undo(session)
        if refused.status in (403, 404):
            raise
        errors = field_errors(refused.problems)
    else:
        return RedirectResponse(f"/hub/organization?done={done}", status_code=303)
    return _page(request, hub, posted=posted, errors=errors)


@router.post("/name", response_class=HTMLResponse)
def rename(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    name: FormField = "",
    csrf: FormField = "",
) -> Response:
    """Change the company name (read-only in restricted mode)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)

    def change(data: OrganizationUpdate) -> None:
        admin.rename(session, hub.ctx, data.name, clock.now())

    posted = {"name": name}
    body = {"name": name.strip()}
    return _save(
        request, session, hub, P.COMPANY_NAME_EDIT, posted, OrganizationUpdate, body, change, "name"
    )


@router.post("/domains", response_class=HTMLResponse)
def set_domains(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    domains: FormField = "",
    csrf: FormField = "",
) -> Response:
    """Replace the verified domains, one a line (read-only in restricted mode)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)

    def change(data: DomainsIn) -> None:
        admin.set_domains(session, hub.ctx, data.domains, clock.now())

    listed = [d.strip() for d in domains.replace(",", "\n").splitlines() if d.strip()]
    posted = {"domains": domains}
    body = {"domains": listed}
    return _save(request, session, hub, P.DOMAINS_EDIT, posted, DomainsIn, body, change, "domains")


@router.post("/email", response_class=HTMLResponse)
def set_email_settings(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    block: Annotated[str, Form(alias="blockAdminInviteEmails")] = "",
    locale: Annotated[str, Form(alias="emailLocale")] = "",
    csrf: FormField = "",
) -> Response:
    """Block admin invite e-mails, choose the e-mail language (read-only in restricted mode)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)

    def change(data: EmailSettingsIn) -> None:
        admin.set_email_settings(
            session,
            hub.ctx,
            block_invites=data.block_admin_invite_emails,
            locale=data.email_locale,
            now=clock.now(),
        )

    posted = {"blockAdminInviteEmails": block, "emailLocale": locale}
    body = {"blockAdminInviteEmails": bool(block), "emailLocale": locale.strip() or None}
    permission = P.EMAIL_SETTINGS_EDIT
    return _save(request, session, hub, permission, posted, EmailSettingsIn, body, change, "email")


@router.post("/authentication", response_class=HTMLResponse)
def set_authentication(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    mode: FormField = "",
    idp: Annotated[str, Form(alias="idpEntityId")] = "",
    csrf: FormField = "",
) -> Response:
    """Choose how the organization's users sign in (read-only in restricted mode)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)

    def change(data: AuthenticationIn) -> None:
        admin.set_authentication(session, hub.ctx, data, clock.now())

    posted = {"mode": mode, "idpEntityId": idp}
    body = {"mode": mode, "idpEntityId": idp.strip() or None}
    permission = P.AUTHENTICATION_EDIT
    model = AuthenticationIn
    return _save(request, session, hub, permission, posted, model, body, change, "authentication")
