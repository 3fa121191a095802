"""The customer portal's phone numbers: every number and extension of the organization with
its owner, by location, through the same `calling.numbers` service as the numbers API.
Customer administrators never manage numbers (PRODUCT.md 10.2): they see them read-only; a
partner's staff acting in the organization after a cross-launch add numbers to a location and
remove unassigned ones, where the permission table gives them `calling.phone_numbers.manage`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tukku.calling import locations
from tukku.calling import numbers as service
from tukku.calling.numbers_rules import NumberFilters, numbers_to_add
from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import DomainError, invalid_all
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUserDep, check_csrf
from tukku.portal.forms import page_number
from tukku.portal.hub import Hub, open_hub
from tukku.portal.hub_calling import PAGE_SIZE, errors_of, page_links, page_of, scope_of

router = api_router(prefix="/hub/numbers", include_in_schema=False)
FormField = Annotated[str, Form()]
ALL_LOCATIONS = PageRequest(offset=0, limit=1000)
NOTICES = {"added": "The numbers are added.", "removed": "The number is removed."}


def _numbers_page(
    request: Request,
    session: Session,
    hub: Hub,
    location_id: str,
    number: int,
    status: int = 200,
    **more: Any,
) -> Response:
    scope = scope_of(hub)
    places = locations.list_locations(
        session, scope=scope, filters=locations.LocationFilters(), page=ALL_LOCATIONS
    )
    if location_id:
        locations.get_location(session, scope=scope, location_id=location_id)
    filters = NumberFilters(location_id=location_id or None)
    found = service.list_(session, scope=scope, filters=filters, page=page_of(number))
    context: dict[str, Any] = {
        "nav": "numbers",
        "locations": places,
        "location_id": location_id,
        "numbers": [service.to_out(row) for row in found[:PAGE_SIZE]],
        "page": number,
        "values": {"phoneNumbers": "", "locationId": location_id},
        "errors": {},
        **page_links("/hub/numbers", number, len(found) > PAGE_SIZE, {"location": location_id}),
        **more,
    }
    return hub.page(request, "hub/numbers.html", status, **context)


@router.get("", response_class=HTMLResponse)
def numbers(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    location: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[str | None, Query()] = None,
    done: str | None = None,
) -> Response:
    """The organization's numbers (of one location, if chosen) with their owners, 25 a page."""
    hub = open_hub(request, session, user)
    return _numbers_page(
        request, session, hub, location, page_number(page), notice=NOTICES.get(done or "")
    )


@router.post("", response_class=HTMLResponse)
def add_numbers(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    location_id: Annotated[str, Form(alias="locationId")] = "",
    phone_numbers: Annotated[str, Form(alias="phoneNumbers")] = "",
    csrf: FormField = "",
) -> Response:
    """Add unassigned numbers, one a line, to a location (partners only)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    hub.ctx.require(Permission.PHONE_NUMBERS_MANAGE)
    given = [line.strip() for line in phone_numbers.splitlines() if line.strip()]
    try:
        data, problems = numbers_to_add(given, None, None, None)
        if problems or data is None:
            raise invalid_all(problems)
        service.add(
            session, scope=scope_of(hub), location_id=location_id, data=data, now=clock.now()
        )
    except DomainError as refused:
        errors = errors_of(session, refused, _names(refused))
        values = {"phoneNumbers": phone_numbers, "locationId": location_id}
        return _numbers_page(request, session, hub, "", 1, 400, values=values, errors=errors)
    return RedirectResponse(f"/hub/numbers?location={location_id}&done=added", status_code=303)


def _names(refused: DomainError) -> dict[str, str]:
    """The form has one box of numbers: a problem of any one of them shows there."""
    names = {"locationId": "locationId"}
    for p in refused.problems:
        if p.field and p.field.startswith("phoneNumbers"):
            names[p.field] = "phoneNumbers"
    return names


@router.post("/remove")
def remove_number(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    location_id: Annotated[str, Form(alias="locationId")] = "",
    phone_number: Annotated[str, Form(alias="phoneNumber")] = "",
    csrf: FormField = "",
) -> Response:
    """Remove an unassigned number from its location (partners only)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    service.remove(
        session,
        scope=scope_of(hub),
        location_id=location_id,
        numbers=[phone_number],
        now=clock.now(),
    )
    return RedirectResponse(f"/hub/numbers?location={location_id}&done=removed", status_code=303)
