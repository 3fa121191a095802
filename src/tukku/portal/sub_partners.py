"""The partner portal's sub-partners (indirect providers): the list (by state, 50 a page), the
set-up form, each sub-partner's page with its customers, suspending and reactivating, and acting
on a sub-partner's behalf, through the same services as `/v1/partner/subPartners` and
`onBehalfOfSubPartnerOrgId`. Only a top-level partner's people see these pages."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tukku.accounts import service as accounts
from tukku.accounts import staff
from tukku.accounts.models import SubPartner
from tukku.core.deps import ClockDep, DbSession, SettingsDep
from tukku.core.errors import Codes, DomainError, NotFound
from tukku.core.http import link_base_url
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.customers import service as customers
from tukku.identity import actor as actors
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.identity.rules import OrgKind
from tukku.partners import flows
from tukku.partners.schemas import SubPartnerCreate
from tukku.portal.auth import ACTING_COOKIE, PortalUser, PortalUserDep, check_csrf, set_cookie
from tukku.portal.forms import page_number, undo
from tukku.web.templating import templates

router = api_router(prefix="/portal/sub-partners", include_in_schema=False)
FormField = Annotated[str, Form()]
PAGE_SIZE = 50
STATES = (accounts.ACTIVE, accounts.SUSPENDED)
# The set-up form's fields, in SubPartnerCreate's (camelCase) names.
FIELDS = ("name", "adminEmail", "adminFirstName", "adminLastName", "billingStartDate")
CUSTOMERS_SHOWN = 25


def _parent(user: PortalUser) -> Actor:
    """The signed-in partner acting for itself; 404 for a sub-partner's people (they have no
    sub-partners) and anyone else, as the API lists none for them."""
    if user.principal.org_kind != OrgKind.PARTNER:
        raise NotFound("sub-partner", Codes.SUB_PARTNER_NOT_FOUND)
    return user.own_actor


def _context(user: PortalUser, **more: Any) -> dict[str, Any]:
    return {"user": user, "csrf": user.csrf, "nav": "sub-partners", **more}


def _name(session: Session, record: SubPartner) -> str:
    org = identity.get_org_unscoped(session, record.org_id)
    return org.name if org else record.org_id


@router.get("", response_class=HTMLResponse)
def sub_partners(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    state: str = "",
    page: str | None = None,
) -> Response:
    """The partner's sub-partners, oldest first, 50 a page, filtered by state."""
    parent = _parent(user)
    number = page_number(page)
    wanted = state if state in STATES else None
    rows = flows.list_sub_partners(
        session, actor=parent, state=wanted, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )

    def link(to: int) -> str:
        query = {k: v for k, v in {"state": wanted or "", "page": str(to)}.items() if v}
        return f"/portal/sub-partners?{urlencode(query)}"

    context = _context(
        user,
        sub_partners=[(r, _name(session, r)) for r in rows[:PAGE_SIZE]],
        state=wanted or "",
        states=STATES,
        may_write=parent.may(Permission.SUB_PARTNERS_WRITE),
        page=number,
        previous=link(number - 1) if number > 1 else None,
        next=link(number + 1) if len(rows) > PAGE_SIZE else None,
    )
    return templates.TemplateResponse(request, "portal/sub_partners.html", context)


@router.get("/new", response_class=HTMLResponse)
def new_sub_partner(request: Request, user: PortalUserDep) -> Response:
    """The set-up form."""
    _parent(user).require(Permission.SUB_PARTNERS_WRITE)
    context = _context(user, values=dict.fromkeys(FIELDS, ""), errors={})
    return templates.TemplateResponse(request, "portal/sub_partner_new.html", context)


@router.post("/new", response_class=HTMLResponse)
def create_sub_partner(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    user: PortalUserDep,
    name: FormField = "",
    admin_email: Annotated[str, Form(alias="adminEmail")] = "",
    admin_first_name: Annotated[str, Form(alias="adminFirstName")] = "",
    admin_last_name: Annotated[str, Form(alias="adminLastName")] = "",
    billing_start_date: Annotated[str, Form(alias="billingStartDate")] = "",
    csrf: FormField = "",
) -> Response:
    """Set the sub-partner up (its first administrator is invited by e-mail) and show it; the
    form again, with the reasons next to the fields, when the API would refuse it."""
    check_csrf(request, csrf)
    parent = _parent(user)
    values = dict(
        zip(
            FIELDS,
            (name, admin_email, admin_first_name, admin_last_name, billing_start_date),
            strict=True,
        )
    )
    try:
        given = {
            k: v.strip() or (None if k == "billingStartDate" else "") for k, v in values.items()
        }
        data = SubPartnerCreate.model_validate(given)
        invitation = staff.invitation_from(link_base_url(request), settings)
        record = flows.create_sub_partner(
            session, actor=parent, data=data, invitation=invitation, now=clock.now()
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
    return RedirectResponse(f"/portal/sub-partners/{record.org_id}?created=1", status_code=303)


def _form_again(
    request: Request, user: PortalUser, values: dict[str, str], errors: dict[str, str]
) -> HTMLResponse:
    context = _context(user, values=values, errors=errors)
    return templates.TemplateResponse(request, "portal/sub_partner_new.html", context, 400)


@router.post("/stop-acting")
def stop_acting(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Act for one's own organization again."""
    check_csrf(request, csrf)
    if user.acting is not None:
        flows.stop_acting(session, acting=user.acting.actor, now=clock.now())
    response = RedirectResponse("/portal/sub-partners", status_code=303)
    response.delete_cookie(ACTING_COOKIE, path="/")
    return response


@router.get("/{org_id}", response_class=HTMLResponse)
def sub_partner(
    org_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    created: str | None = None,
) -> Response:
    """One sub-partner: its state, administrator, billing start and its first customers."""
    parent = _parent(user)
    record = flows.get_sub_partner(session, actor=parent, org_id=org_id)
    # The customers service sees what the sub-partner sees, as for `onBehalfOfSubPartnerOrgId`.
    acting = actors.resolve(session, user.principal, record.org_id)
    window = PageRequest(offset=0, limit=CUSTOMERS_SHOWN)
    listed = customers.list_(
        session, actor=acting, filters=customers.CustomerFilters(), page=window
    )
    context = _context(
        user,
        record=record,
        name=_name(session, record),
        created=bool(created),
        customers=listed[:CUSTOMERS_SHOWN],
        more_customers=len(listed) > CUSTOMERS_SHOWN,
        acting_now=user.acting is not None and user.acting.actor.org_id == record.org_id,
        may_write=parent.may(Permission.SUB_PARTNERS_WRITE),
    )
    return templates.TemplateResponse(request, "portal/sub_partner.html", context)


def _set_state(
    org_id: str, state: str, session: Session, clock: ClockDep, user: PortalUser
) -> Response:
    flows.set_state(session, actor=_parent(user), org_id=org_id, state=state, now=clock.now())
    return RedirectResponse(f"/portal/sub-partners/{org_id}", status_code=303)


@router.post("/{org_id}/suspend")
def suspend(
    org_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """From now on the sub-partner may only delete customers and subscribers."""
    check_csrf(request, csrf)
    return _set_state(org_id, accounts.SUSPENDED, session, clock, user)


@router.post("/{org_id}/reactivate")
def reactivate(
    org_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """The sub-partner may provision and update again."""
    check_csrf(request, csrf)
    return _set_state(org_id, accounts.ACTIVE, session, clock, user)


@router.post("/{org_id}/act")
def act(
    org_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Act on the sub-partner's behalf: every page (customers, templates, billing, audit log)
    then shows and changes the sub-partner's, until "Stop acting"."""
    check_csrf(request, csrf)
    acting = flows.act_for(session, actor=_parent(user), org_id=org_id, now=clock.now())
    response = RedirectResponse("/portal/customers", status_code=303)
    set_cookie(request, response, ACTING_COOKIE, acting.org_id, max_age=None)
    return response
