"""The operator console's partners: the list (search by name, filter by standing, 25 a page),
setting one up (the API's `PartnerCreate` rules; its administrator is e-mailed a link to choose
a password), one partner's page, suspending and reactivating, through the operations service."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from tukku.accounts import staff
from tukku.accounts.service import ACTIVE, SUSPENDED
from tukku.core.deps import ClockDep, DbSession, SettingsDep
from tukku.core.errors import DomainError
from tukku.core.http import link_base_url
from tukku.core.routing import api_router
from tukku.operations import service
from tukku.operations.schemas import PartnerCreate
from tukku.portal.auth import PortalUser, check_csrf
from tukku.portal.forms import page_number, undo
from tukku.portal.ops import OperatorDep, context, paged, window
from tukku.web.templating import templates

router = api_router(prefix="/portal/ops/partners", include_in_schema=False)
PAGE_SIZE = 25
FormField = Annotated[str, Form()]
FIELDS = ("name", "adminEmail", "adminFirstName", "adminLastName")
OPTIONAL = ("adminFirstName", "adminLastName")


@router.get("", response_class=HTMLResponse)
def partners(
    request: Request,
    session: DbSession,
    user: OperatorDep,
    q: str = "",
    status: str = "",
    page: str | None = None,
) -> Response:
    """Every partner, oldest first, 25 a page."""
    number = page_number(page)
    wanted = status if status in service.STANDINGS else None
    rows = service.list_partners(
        session,
        principal=user.principal,
        status=wanted,
        name=q.strip() or None,
        page=window(number, PAGE_SIZE),
    )

    def link(to: int) -> str:
        query = {k: v for k, v in {"q": q, "status": wanted or "", "page": str(to)}.items() if v}
        return f"/portal/ops/partners?{urlencode(query)}"

    page_context = context(
        user,
        "ops-partners",
        q=q,
        status=wanted or "",
        statuses=service.STANDINGS,
        **paged(rows, number, PAGE_SIZE, link),
    )
    return templates.TemplateResponse(request, "portal/ops_partners.html", page_context)


@router.get("/new", response_class=HTMLResponse)
def new_partner(request: Request, user: OperatorDep) -> Response:
    """The set-up form."""
    page_context = context(user, "ops-partners", values=dict.fromkeys(FIELDS, ""), errors={})
    return templates.TemplateResponse(request, "portal/ops_partner_new.html", page_context)


@router.post("/new", response_class=HTMLResponse)
def create_partner(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    user: OperatorDep,
    name: FormField = "",
    admin_email: Annotated[str, Form(alias="adminEmail")] = "",
    admin_first_name: Annotated[str, Form(alias="adminFirstName")] = "",
    admin_last_name: Annotated[str, Form(alias="adminLastName")] = "",
    csrf: FormField = "",
) -> Response:
    """Set the partner up and show its page; the form again, with the reasons next to the
    fields, when the API would refuse it."""
    check_csrf(request, csrf)
    values = {
        "name": name,
        "adminEmail": admin_email,
        "adminFirstName": admin_first_name,
        "adminLastName": admin_last_name,
    }
    try:
        # An empty optional name is no name; an empty required field is refused as such.
        given = {k: v.strip() or (None if k in OPTIONAL else "") for k, v in values.items()}
        data = PartnerCreate.model_validate(given)
        invitation = staff.invitation_from(link_base_url(request), settings)
        account = service.create_partner(
            session,
            principal=user.principal,
            name=data.name,
            admin_email=data.admin_email,
            admin_first_name=data.admin_first_name,
            admin_last_name=data.admin_last_name,
            invitation=invitation,
            now=clock.now(),
        )
    except ValidationError as invalid:
        errors = {str(e["loc"][0]): e["msg"] for e in invalid.errors()}
        return _form_again(request, user, values, errors)
    except DomainError as refused:
        undo(session)
        if refused.status == 403:
            raise
        errors = {p.field or "form": p.description for p in refused.problems}
        return _form_again(request, user, values, errors)
    return RedirectResponse(f"/portal/ops/partners/{account.org_id}?created=1", status_code=303)


def _form_again(
    request: Request, user: PortalUser, values: dict[str, str], errors: dict[str, str]
) -> HTMLResponse:
    page_context = context(user, "ops-partners", values=values, errors=errors)
    return templates.TemplateResponse(request, "portal/ops_partner_new.html", page_context, 400)


@router.get("/{org_id}", response_class=HTMLResponse)
def partner(
    org_id: str,
    request: Request,
    session: DbSession,
    user: OperatorDep,
    created: str | None = None,
) -> Response:
    """One partner: its subscription, standing and administrators."""
    account = service.get_partner(session, principal=user.principal, org_id=org_id)
    admins = service.partner_admins(session, principal=user.principal, org_id=org_id)
    page_context = context(
        user,
        "ops-partners",
        partner=account,
        admins=admins,
        created=bool(created),
        suspended=account.status == SUSPENDED,
    )
    return templates.TemplateResponse(request, "portal/ops_partner.html", page_context)


@router.post("/{org_id}/suspend")
def suspend(
    org_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: OperatorDep,
    csrf: FormField = "",
) -> Response:
    """Suspend the partner: it and its sub-partners can then only read and delete."""
    return _set_standing(request, session, clock, user, org_id, SUSPENDED, csrf)


@router.post("/{org_id}/reactivate")
def reactivate(
    org_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: OperatorDep,
    csrf: FormField = "",
) -> Response:
    """Let the partner provision and update again."""
    return _set_standing(request, session, clock, user, org_id, ACTIVE, csrf)


def _set_standing(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUser,
    org_id: str,
    state: str,
    csrf: str,
) -> Response:
    check_csrf(request, csrf)
    service.set_partner_standing(
        session, principal=user.principal, org_id=org_id, state=state, now=clock.now()
    )
    return RedirectResponse(f"/portal/ops/partners/{org_id}", status_code=303)
