"""The partner portal's Setup Assist: the organization's orders (status filter, pages), one
order and where its project stands phase by phase, and ordering onboarding help for a
customer's location from the customer's page, through the Setup Assist service the
`/v1/partner/setupAssist/orders` API uses, with the signed-in user's `Actor`."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tukku.core.deps import ClockDep, DbSession, SettingsDep
from tukku.core.errors import Codes, DomainError, NotFound
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.customers import service as customers
from tukku.customers.models import Customer
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUser, PortalUserDep, check_csrf
from tukku.portal.forms import field_errors, page_number, undo
from tukku.setup_assist import rules, service
from tukku.setup_assist.schemas import OrderIn
from tukku.web.templating import templates

router = api_router(prefix="/portal/setup-assist", include_in_schema=False)
PAGE_SIZE = 25
STATUSES = [s.value for s in rules.Status]
FormField = Annotated[str, Form()]


def _context(user: PortalUser, **more: Any) -> dict[str, Any]:
    return {"user": user, "csrf": user.csrf, "nav": "setup-assist", **more}


@router.get("", response_class=HTMLResponse)
def orders(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    user: PortalUserDep,
    status: str = "",
    page: Annotated[str | None, Query()] = None,
    placed: str | None = None,
) -> Response:
    """The organization's orders, newest first, 25 a page."""
    number = page_number(page)
    wanted = status if status in STATUSES else None
    rows = service.list_orders(
        session,
        actor=user.actor,
        filters=service.OrderFilters(status=wanted),
        page=PageRequest(offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE),
    )
    shown = rows[:PAGE_SIZE]
    holidays = settings.setup_assist_holiday_dates

    def link(to: int) -> str:
        query = {k: v for k, v in {"status": wanted or "", "page": str(to)}.items() if v}
        return f"/portal/setup-assist?{urlencode(query)}"

    context = _context(
        user,
        orders=[service.order_out(session, o, holidays) for o in shown],
        names=service.names_of(session, shown),
        status=wanted or "",
        statuses=STATUSES,
        page=number,
        previous=link(number - 1) if number > 1 else None,
        next=link(number + 1) if len(rows) > PAGE_SIZE else None,
        placed=placed,
    )
    return templates.TemplateResponse(request, "portal/setup_assist.html", context)


def _form(
    request: Request,
    session: Session,
    user: PortalUser,
    customer: Customer,
    values: dict[str, str],
    errors: dict[str, str],
    earliest: str,
    status: int = 200,
) -> Response:
    locations = customers.locations_of_org(session, actor=user.actor, org_id=customer.org_id or "")
    context = _context(
        user,
        customer=customer,
        locations=locations,
        values=values,
        errors=errors,
        earliest=earliest,
    )
    return templates.TemplateResponse(request, "portal/setup_assist_new.html", context, status)


def _orderable(session: Session, user: PortalUser, customer_id: str) -> Customer:
    """A customer of the organization's that has an organization to onboard (404 otherwise)."""
    user.actor.require(Permission.CUSTOMERS_WRITE)
    found = customers.get_or_404(session, actor=user.actor, customer_id=customer_id)
    if found.org_id is None:
        raise NotFound("customer", Codes.CUSTOMER_NOT_FOUND)
    return found


@router.get("/new", response_class=HTMLResponse)
def new_order(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    user: PortalUserDep,
    customer: str = "",
) -> Response:
    """The order form for one customer: which location, how many locations it has, and the
    deployment date (the earliest one offered)."""
    found = _orderable(session, user, customer)
    today = clock.now().astimezone(UTC).date()
    earliest = rules.earliest_deployment(today, settings.setup_assist_holiday_dates).isoformat()
    count = len(customers.locations_of_org(session, actor=user.actor, org_id=found.org_id or ""))
    values = {"locationId": "", "locationCount": str(max(count, 1)), "deploymentDate": earliest}
    return _form(request, session, user, found, values, {}, earliest)


@router.post("/new", response_class=HTMLResponse)
def place_order(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    user: PortalUserDep,
    customer: FormField = "",
    location_id: Annotated[str, Form(alias="locationId")] = "",
    location_count: Annotated[str, Form(alias="locationCount")] = "",
    deployment_date: Annotated[str, Form(alias="deploymentDate")] = "",
    csrf: FormField = "",
) -> Response:
    """Place the order and show it; the form again, with the reasons next to the fields, when
    the service refuses."""
    check_csrf(request, csrf)
    found = _orderable(session, user, customer)
    holidays = settings.setup_assist_holiday_dates
    today = clock.now().astimezone(UTC).date()
    earliest = rules.earliest_deployment(today, holidays).isoformat()
    values = {
        "locationId": location_id,
        "locationCount": location_count,
        "deploymentDate": deployment_date,
    }
    count = location_count.strip()
    if not count.isdigit():
        errors = {"locationCount": "Enter the customer's number of locations, a whole number."}
        return _form(request, session, user, found, values, errors, earliest, 400)
    data = OrderIn(
        partner_org_id=user.actor.org_id,
        customer_org_id=found.org_id or "",
        subscription_id=service.subscription_for(session, found) or "",
        location_count=int(count),
        location_id=location_id,
        deployment_date=deployment_date.strip(),
    )
    try:
        order = service.place_order(
            session, actor=user.actor, data=data, now=clock.now(), holidays=holidays
        )
    except DomainError as refused:
        undo(session)
        if refused.status == 403:
            raise
        errors = field_errors(refused.problems)
        return _form(request, session, user, found, values, errors, earliest, 400)
    return RedirectResponse(f"/portal/setup-assist/{order.id}?placed=1", status_code=303)


@router.get("/{order_id}", response_class=HTMLResponse)
def order(
    order_id: str,
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    user: PortalUserDep,
    placed: str | None = None,
) -> Response:
    """One order: its SKU, seats, deployment date and each phase's progress."""
    found = service.get_order(session, actor=user.actor, order_id=order_id)
    context = _context(
        user,
        order=service.order_out(session, found, settings.setup_assist_holiday_dates),
        names=service.names_of(session, [found]).get(found.id, ("", "")),
        placed=bool(placed),
    )
    return templates.TemplateResponse(request, "portal/setup_assist_order.html", context)
