"""The customer portal's locations: the list, adding a location, editing one and its floors,
through the same `calling.locations` service as `/v1/locations`, whose rules (every problem of
a location at once, names unique) come back next to the fields. Administrators whose roles
do not manage locations see them read-only, and the service refuses their posts (403)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tukku.calling import location_calling_service as location_calling
from tukku.calling import locations as service
from tukku.calling.location_calling_schemas import LocationCallingEnable
from tukku.calling.locations_schemas import FloorIn, LocationAddressIn, LocationIn
from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import DomainError
from tukku.core.routing import api_router
from tukku.customers.models import Location
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUserDep, check_csrf
from tukku.portal.forms import PostedForm, page_number
from tukku.portal.hub import Hub, open_hub
from tukku.portal.hub_calling import errors_of, page_links, page_of, scope_of

router = api_router(prefix="/hub/locations", include_in_schema=False)
FormField = Annotated[str, Form()]
# The form's fields, named as the Locations API names them (so its refusals name them too).
ADDRESS = ("address1", "address2", "city", "state", "postalCode", "country")
FIELDS = (
    "name",
    "timeZone",
    "preferredLanguage",
    "announcementLanguage",
    *(f"address.{part}" for part in ADDRESS),
    "notes",
)
NOTICES = {
    "added": "The location is added.",
    "edited": "The location is changed.",
    "floor": "The floor is added.",
    "floor-deleted": "The floor is deleted.",
    "deleted": "The location is deleted.",
}


def _values_of(location: Location | None) -> dict[str, str]:
    if location is None:
        return dict.fromkeys(FIELDS, "")
    out = service.to_out(location, "")
    address = out.address
    return {
        "name": out.name,
        "timeZone": out.time_zone,
        "preferredLanguage": out.preferred_language,
        "announcementLanguage": out.announcement_language or "",
        "address.address1": address.address1,
        "address.address2": address.address2 or "",
        "address.city": address.city,
        "address.state": address.state or "",
        "address.postalCode": address.postal_code or "",
        "address.country": address.country,
        "notes": out.notes or "",
    }


def _posted(form: Any) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip() for name in FIELDS}


def _body(values: dict[str, str]) -> LocationIn:
    """What the form says, as the API's request body: every field given, so an emptied one is
    cleared (and a required one refused)."""
    address = {part: values[f"address.{part}"] for part in ADDRESS}
    return LocationIn.model_validate(
        {
            **{k: v for k, v in values.items() if not k.startswith("address.")},
            "address": LocationAddressIn.model_validate(address),
        }
    )


@router.get("", response_class=HTMLResponse)
def locations(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    page: Annotated[str | None, Query()] = None,
    done: str | None = None,
) -> Response:
    """The organization's locations, the headquarters first, 25 a page."""
    hub = open_hub(request, session, user)
    number = page_number(page)
    found = service.list_locations(
        session, scope=scope_of(hub), filters=service.LocationFilters(), page=page_of(number)
    )
    return hub.page(
        request,
        "hub/locations.html",
        nav="locations",
        locations=found[: page_of(number).limit],
        page=number,
        notice=NOTICES.get(done or ""),
        **page_links("/hub/locations", number, len(found) > page_of(number).limit),
    )


def _form_page(
    request: Request, hub: Hub, location: Location | None, status: int = 200, **more: Any
) -> Response:
    context: dict[str, Any] = {
        "nav": "locations",
        "location": location,
        "values": _values_of(location),
        "errors": {},
        **more,
    }
    return hub.page(request, "hub/location_form.html", status, **context)


@router.get("/new", response_class=HTMLResponse)
def new_location(request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """The form of a new location."""
    hub = open_hub(request, session, user)
    hub.ctx.require(Permission.LOCATIONS_MANAGE)
    return _form_page(request, hub, None)


@router.post("/new", response_class=HTMLResponse)
def add_location(
    request: Request, session: DbSession, clock: ClockDep, user: PortalUserDep, form: PostedForm
) -> Response:
    """Add the location, with Webex Calling; every problem of the form at once, next to its
    field."""
    check_csrf(request, str(form.get("csrf", "")))
    hub = open_hub(request, session, user)
    values = _posted(form)
    scope, now = scope_of(hub), clock.now()
    try:
        row = service.create_location(session, scope=scope, data=_body(values), now=now)
        # As Control Hub sets calling up with a new location, the portal's have it at once.
        location_calling.enable(
            session, scope=scope, data=LocationCallingEnable(id=row.id), now=now
        )
    except DomainError as refused:
        errors = errors_of(session, refused)
        return _form_page(request, hub, None, 400, values=values, errors=errors)
    return RedirectResponse(f"/hub/locations/{row.id}?done=added", status_code=303)


def _location_page(
    request: Request,
    session: Session,
    hub: Hub,
    location_id: str,
    status: int = 200,
    **more: Any,
) -> Response:
    scope = scope_of(hub)
    location = service.get_location(session, scope=scope, location_id=location_id)
    context: dict[str, Any] = {
        "nav": "locations",
        "location": location,
        "values": _values_of(location),
        "errors": {},
        "floors": service.list_floors(session, scope=scope, location_id=location.id),
        "floor_values": {"floorNumber": "", "displayName": ""},
        "floor_errors": {},
        **more,
    }
    return hub.page(request, "hub/location.html", status, **context)


@router.get("/{location_id}", response_class=HTMLResponse)
def location(
    location_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    done: str | None = None,
) -> Response:
    """One location: its details (a form, for those who manage locations) and its floors."""
    hub = open_hub(request, session, user)
    return _location_page(request, session, hub, location_id, notice=NOTICES.get(done or ""))


@router.post("/{location_id}", response_class=HTMLResponse)
def edit_location(
    location_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    form: PostedForm,
) -> Response:
    """Change the location; checked as a whole, like a new one."""
    check_csrf(request, str(form.get("csrf", "")))
    hub = open_hub(request, session, user)
    values = _posted(form)
    try:
        service.update_location(
            session,
            scope=scope_of(hub),
            location_id=location_id,
            data=_body(values),
            now=clock.now(),
        )
    except DomainError as refused:
        errors = errors_of(session, refused)
        return _location_page(request, session, hub, location_id, 400, values=values, errors=errors)
    return RedirectResponse(f"/hub/locations/{location_id}?done=edited", status_code=303)


@router.post("/{location_id}/floors", response_class=HTMLResponse)
def add_floor(
    location_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    floor_number: Annotated[str, Form(alias="floorNumber")] = "",
    display_name: Annotated[str, Form(alias="displayName")] = "",
    csrf: FormField = "",
) -> Response:
    """Add a floor to the location (its number unique there)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    values = {"floorNumber": floor_number.strip(), "displayName": display_name.strip()}
    data = FloorIn(
        floor_number=values["floorNumber"] or None, display_name=values["displayName"] or None
    )
    try:
        service.create_floor(
            session, scope=scope_of(hub), location_id=location_id, data=data, now=clock.now()
        )
    except DomainError as refused:
        errors = errors_of(session, refused)
        return _location_page(
            request, session, hub, location_id, 400, floor_values=values, floor_errors=errors
        )
    return RedirectResponse(f"/hub/locations/{location_id}?done=floor", status_code=303)


@router.post("/{location_id}/floors/{floor_id}/delete")
def delete_floor(
    location_id: str,
    floor_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Delete a floor of the location."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    service.delete_floor(
        session, scope=scope_of(hub), location_id=location_id, floor_id=floor_id, now=clock.now()
    )
    return RedirectResponse(f"/hub/locations/{location_id}?done=floor-deleted", status_code=303)


@router.post("/{location_id}/delete", response_class=HTMLResponse)
def delete_location(
    location_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Delete the location and its floors; its page again, saying why, while anything is at it
    (users, numbers, workspaces, call queues, a Setup Assist order) or for the headquarters."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    try:
        service.delete_location(
            session, scope=scope_of(hub), location_id=location_id, now=clock.now()
        )
    except DomainError as refused:
        reasons = errors_of(session, refused).values()  # about the location: no field's
        return _location_page(
            request, session, hub, location_id, 409, errors={"form": " ".join(reasons)}
        )
    return RedirectResponse("/hub/locations?done=deleted", status_code=303)
