"""Routes of the public Locations API: `/v1/locations[/{locationId}]` and its floors.

A partner names its customer with `orgId` (on floors, the location says whose it is); a
customer administrator works on its own organization.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tukku.calling import locations as service
from tukku.calling.access import OrgId, OrgScope
from tukku.calling.locations_schemas import (
    FloorIn,
    FloorOut,
    FloorPage,
    LocationIn,
    LocationOut,
    LocationPage,
)
from tukku.calling.resolve import scope_of
from tukku.core.deps import ClockDep, DbSession, MaxParam, OffsetParam, OnBehalfOf
from tukku.core.http import trim_page
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.identity.deps import requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope

router = api_router(prefix="/v1/locations", tags=["Locations"])
Reader = Annotated[Principal, Depends(requires(Scope.LOCATIONS_READ))]
Writer = Annotated[Principal, Depends(requires(Scope.LOCATIONS_WRITE))]


def _scope_of_location(
    session: DbSession,
    principal: Principal,
    location_id: str,
    org_id: str | None,
    on_behalf_of: str | None,
) -> OrgScope:
    return scope_of(
        session,
        principal,
        org_id=org_id,
        on_behalf_of=on_behalf_of,
        owner_of_id=service.owner_org(session, location_id),
        missing=service.location_missing(),
    )


@router.get(
    "", response_model=LocationPage, response_model_exclude_none=True, summary="List locations"
)
def list_locations(
    request: Request,
    response: Response,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
    name: Annotated[str | None, Query(description="Part of the name, any case.")] = None,
    location_id: Annotated[str | None, Query(alias="id")] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> LocationPage:
    """The organization's locations, oldest first (the headquarters first), `Link`-paged
    (default 500, at most 1,000)."""
    scope = scope_of(session, principal, org_id=org_id, on_behalf_of=on_behalf_of)
    page = page_request(offset, max_, default=500, cap=1000)
    filters = service.LocationFilters(name=name, location_id=location_id)
    rows = service.list_locations(session, scope=scope, filters=filters, page=page)
    rows = trim_page(request, response, rows, page)
    return LocationPage(items=[service.to_out(row, scope.org.id) for row in rows])


@router.post(
    "",
    status_code=201,
    response_model=LocationOut,
    response_model_exclude_none=True,
    summary="Create a location",
)
def create_location(
    body: LocationIn,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> LocationOut:
    """A new location; 201 with the location (its `id` first among the fields)."""
    scope = scope_of(session, principal, org_id=org_id, on_behalf_of=on_behalf_of)
    row = service.create_location(session, scope=scope, data=body, now=clock.now())
    return service.to_out(row, scope.org.id)


@router.get(
    "/{location_id}",
    response_model=LocationOut,
    response_model_exclude_none=True,
    summary="Get location details",
)
def get_location(
    location_id: str,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> LocationOut:
    """One location of the organization."""
    scope = _scope_of_location(session, principal, location_id, org_id, on_behalf_of)
    row = service.get_location(session, scope=scope, location_id=location_id)
    return service.to_out(row, scope.org.id)


@router.put("/{location_id}", status_code=204, summary="Update a location")
def update_location(
    location_id: str,
    body: LocationIn,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> Response:
    """Change the fields the body names (204)."""
    scope = _scope_of_location(session, principal, location_id, org_id, on_behalf_of)
    service.update_location(
        session, scope=scope, location_id=location_id, data=body, now=clock.now()
    )
    return Response(status_code=204)


@router.delete("/{location_id}", status_code=204, summary="Delete a location")
def delete_location(
    location_id: str,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> Response:
    """Delete a location nothing is at any more, with its floors (204)."""
    scope = _scope_of_location(session, principal, location_id, org_id, on_behalf_of)
    service.delete_location(session, scope=scope, location_id=location_id, now=clock.now())
    return Response(status_code=204)


@router.get(
    "/{location_id}/floors",
    response_model=FloorPage,
    response_model_exclude_none=True,
    summary="List location floors",
)
def list_floors(
    location_id: str,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> FloorPage:
    """Every floor of the location, lowest first."""
    scope = _scope_of_location(session, principal, location_id, org_id, on_behalf_of)
    rows = service.list_floors(session, scope=scope, location_id=location_id)
    return FloorPage(items=[service.floor_out(row) for row in rows])


@router.post(
    "/{location_id}/floors",
    status_code=201,
    response_model=FloorOut,
    response_model_exclude_none=True,
    summary="Create a location floor",
)
def create_floor(
    location_id: str,
    body: FloorIn,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> FloorOut:
    """A new floor of the location (201)."""
    scope = _scope_of_location(session, principal, location_id, org_id, on_behalf_of)
    row = service.create_floor(
        session, scope=scope, location_id=location_id, data=body, now=clock.now()
    )
    return service.floor_out(row)


@router.get(
    "/{location_id}/floors/{floor_id}",
    response_model=FloorOut,
    response_model_exclude_none=True,
    summary="Get location floor details",
)
def get_floor(
    location_id: str,
    floor_id: str,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> FloorOut:
    """One floor of the location."""
    scope = _scope_of_location(session, principal, location_id, org_id, on_behalf_of)
    row = service.get_floor(session, scope=scope, location_id=location_id, floor_id=floor_id)
    return service.floor_out(row)


@router.put(
    "/{location_id}/floors/{floor_id}",
    response_model=FloorOut,
    response_model_exclude_none=True,
    summary="Update a location floor",
)
def update_floor(
    location_id: str,
    floor_id: str,
    body: FloorIn,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> FloorOut:
    """Replace the floor's number and name (200 with the floor)."""
    scope = _scope_of_location(session, principal, location_id, org_id, on_behalf_of)
    row = service.update_floor(
        session,
        scope=scope,
        location_id=location_id,
        floor_id=floor_id,
        data=body,
        now=clock.now(),
    )
    return service.floor_out(row)


@router.delete(
    "/{location_id}/floors/{floor_id}", status_code=204, summary="Delete a location floor"
)
def delete_floor(
    location_id: str,
    floor_id: str,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> Response:
    """Delete a floor (204)."""
    scope = _scope_of_location(session, principal, location_id, org_id, on_behalf_of)
    service.delete_floor(
        session, scope=scope, location_id=location_id, floor_id=floor_id, now=clock.now()
    )
    return Response(status_code=204)
