"""Routes of the Webex Calling location API: `/v1/telephony/config/locations` (enable a location
for calling, list calling locations) and `/v1/telephony/config/locations/{locationId}` (calling
details, main number), plus `.../connection` (the PSTN connection, which the BroadWorks
migration plan sets).

A partner names its customer with `orgId` (on a location's routes the location says whose it
is, as wxc_sdk sends none unless told); a customer administrator works on its own organization.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tukku.calling import location_calling_service as service
from tukku.calling import locations
from tukku.calling.access import OrgId, OrgScope
from tukku.calling.location_calling_schemas import (
    CallingLineIdOut,
    ConnectionIn,
    ConnectionOut,
    LocationCallingEnable,
    LocationCallingEnabled,
    LocationCallingOut,
    LocationCallingPage,
    LocationCallingUpdate,
)
from tukku.calling.resolve import scope_of
from tukku.calling.start_paging import MaxParam, StartParam, start_page, trim_start_page
from tukku.core.deps import ClockDep, DbSession, OnBehalfOf
from tukku.core.errors import Codes, Invalid, NotFound
from tukku.core.routing import api_router
from tukku.identity.deps import requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope

router = api_router(prefix="/v1/telephony/config/locations", tags=["Location call settings"])
Reader = Annotated[Principal, Depends(requires(Scope.TELEPHONY_READ))]
Writer = Annotated[Principal, Depends(requires(Scope.TELEPHONY_WRITE))]
DEFAULT_MAX = 100
CAP = 1000


def _scope(
    session: DbSession,
    principal: Principal,
    location_id: str | None,
    org_id: str | None,
    on_behalf_of: str | None,
    missing: NotFound,
) -> OrgScope:
    return scope_of(
        session,
        principal,
        org_id=org_id,
        on_behalf_of=on_behalf_of,
        owner_of_id=locations.owner_org(session, location_id) if location_id else None,
        missing=missing,
    )


def to_out(details: service.CallingDetails, org_name: str) -> LocationCallingOut:
    """The wire form of a calling location; the calling line ID's name is the organization's,
    as Webex's default."""
    location, settings = details.location, details.settings
    connection = None
    if settings is not None and settings.connection_type and settings.connection_id:
        connection = ConnectionOut(type=settings.connection_type, id=settings.connection_id)
    return LocationCallingOut(
        id=location.id,
        name=location.name,
        announcement_language=(location.announcement_language or location.language).lower(),
        calling_line_id=CallingLineIdOut(
            name=org_name, phone_number=settings.main_number if settings else None
        ),
        connection=connection,
        p_access_network_info=location.emergency_location_identifier,
    )


@router.post(
    "",
    status_code=201,
    response_model=LocationCallingEnabled,
    summary="Enable a Location for Webex Calling",
)
def enable_location(
    body: LocationCallingEnable,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> LocationCallingEnabled:
    """Add Webex Calling to a location made with `POST /v1/locations` (201 with its `id`);
    409 if it has calling already."""
    missing = NotFound("location", Codes.LOCATION_NOT_FOUND, field_name="id")
    if not body.id:
        raise Invalid("id", "required: the location to enable", Codes.MISSING_FIELD)
    scope = _scope(session, principal, body.id, org_id or body.org_id, on_behalf_of, missing)
    row = service.enable(session, scope=scope, data=body, now=clock.now())
    return LocationCallingEnabled(id=row.id)


@router.get(
    "",
    response_model=LocationCallingPage,
    response_model_exclude_none=True,
    summary="List Locations Webex Calling Details",
)
def list_locations(
    request: Request,
    response: Response,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
    name: Annotated[str | None, Query(description="Part of the name, any case.")] = None,
    order: Annotated[str | None, Query(description="By name: asc (default) or desc.")] = None,
    start: StartParam = None,
    max_: MaxParam = None,
) -> LocationCallingPage:
    """The organization's locations with Webex Calling, by name, `start`/`max`-paged with a
    `Link` header."""
    wanted = (order or "asc").lower()
    if wanted not in ("asc", "desc"):
        raise Invalid("order", "must be asc or desc", Codes.INVALID_QUERY)
    scope = scope_of(session, principal, org_id=org_id, on_behalf_of=on_behalf_of)
    page = start_page(start, max_, default=DEFAULT_MAX, cap=CAP)
    rows = service.list_(session, scope=scope, name=name, descending=wanted == "desc", page=page)
    rows = trim_start_page(request, response, rows, page)
    return LocationCallingPage(locations=[to_out(row, scope.org.name) for row in rows])


@router.get(
    "/{location_id}",
    response_model=LocationCallingOut,
    response_model_exclude_none=True,
    summary="Get Location Webex Calling Details",
)
def get_location(
    location_id: str,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> LocationCallingOut:
    """The calling details of a location; 404 for a location without Webex Calling."""
    missing = locations.location_missing()
    scope = _scope(session, principal, location_id, org_id, on_behalf_of, missing)
    return to_out(service.get(session, scope=scope, location_id=location_id), scope.org.name)


@router.put("/{location_id}", status_code=204, summary="Update Location Webex Calling Details")
def update_location(
    location_id: str,
    body: LocationCallingUpdate,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> Response:
    """Set the main number (`callingLineId.phoneNumber`) and the PSTN connection (204)."""
    missing = locations.location_missing()
    scope = _scope(session, principal, location_id, org_id, on_behalf_of, missing)
    service.update(session, scope=scope, location_id=location_id, data=body, now=clock.now())
    return Response(status_code=204)


@router.put(
    "/{location_id}/connection", status_code=204, summary="Set a location's PSTN connection"
)
def set_connection(
    location_id: str,
    body: ConnectionIn,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> Response:
    """The location's PSTN connection: `{"type": "TRUNK" | "ROUTE_GROUP", "id": ...}` (204)."""
    missing = locations.location_missing()
    scope = _scope(session, principal, location_id, org_id, on_behalf_of, missing)
    service.set_connection(
        session, scope=scope, location_id=location_id, data=body, now=clock.now()
    )
    return Response(status_code=204)
