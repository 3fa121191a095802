"""Routes of `/v1/workspaces`, as the public Webex workspaces API serves them: a partner names
its customer's organization with `orgId`, a customer administrator works on its own."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response

from tukku.calling import locations
from tukku.calling import workspaces as service
from tukku.calling.access import OrgId, OrgScope, for_org
from tukku.calling.resolve import scope_of
from tukku.calling.start_paging import MaxParam, StartParam, start_page, trim_start_page
from tukku.calling.workspaces_rules import (
    CALLING_TYPES,
    SUPPORTED_DEVICES,
    WORKSPACE_TYPES,
    defaults_match,
)
from tukku.calling.workspaces_schemas import (
    CapabilitiesOut,
    WorkspaceOut,
    WorkspacePage,
    WorkspaceWrite,
)
from tukku.core.deps import ClockDep, DbSession, ReadOnlySession
from tukku.core.errors import Codes, DomainError, Invalid
from tukku.core.routing import api_router
from tukku.identity.deps import requires
from tukku.identity.principal import Principal
from tukku.identity.rules import PARTNER_KINDS, Scope

router = api_router(prefix="/v1/workspaces", tags=["Workspaces"])
Reader = Annotated[Principal, Depends(requires(Scope.WORKSPACES_READ))]
Writer = Annotated[Principal, Depends(requires(Scope.WORKSPACES_WRITE))]
Q = Query


def _choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise Invalid(name, f"one of {', '.join(allowed)}", Codes.INVALID_QUERY)
    return value


def _capacity(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise Invalid("capacity", "a whole number of -1 or more", Codes.INVALID_QUERY) from None
    if number < -1 or number != int(number):
        raise Invalid("capacity", "a whole number of -1 or more", Codes.INVALID_QUERY)
    return int(number)


def _scope_of_workspace(
    session: Any, principal: Principal, org_id: str | None, workspace_id: str
) -> OrgScope:
    """The reference's operations on one workspace take no `orgId`: the workspace says whose
    it is (an `orgId` given is still honoured)."""
    return scope_of(
        session,
        principal,
        org_id=org_id,
        owner_of_id=service.owner_org(session, workspace_id),
        missing=service.workspace_missing(),
    )


def _scope_of_new(
    session: Any, principal: Principal, org_id: str | None, body: WorkspaceWrite
) -> OrgScope:
    """The organization of a new workspace: `orgId` in the body (the reference's place) or the
    query; else, for a partner, the organization of the location the body names (wxc_sdk's
    `WorkspacesApi.create` sends no `orgId`), a location the partner cannot reach answering as
    an unknown one."""
    if org_id and body.org_id and org_id != body.org_id:
        raise Invalid("orgId", "the query and the body name different organizations")
    wanted = org_id or body.org_id
    webex = body.calling.webex_calling if body.calling else None
    field, named = (
        ("locationId", body.location_id)
        if body.location_id
        else ("calling.webexCalling.locationId", webex.location_id if webex else None)
    )
    if wanted or named is None or principal.org_kind not in PARTNER_KINDS:
        return for_org(session, principal, wanted)
    unknown = Invalid(field, f"the organization has no location {named}", Codes.LOCATION_UNKNOWN)
    owner = locations.owner_org(session, named)
    if owner is None:
        raise unknown
    try:
        return for_org(session, principal, owner)
    except DomainError as refused:
        if refused.status == 404:
            raise unknown from None
        raise


def _one(session: Any, workspace: Any) -> dict[str, Any]:
    return service.to_out(workspace, service.license_of(session, workspace))


@router.get(
    "",
    response_model=WorkspacePage,
    response_model_exclude_none=True,
    summary="List Workspaces",
)
def list_workspaces(
    request: Request,
    response: Response,
    session: ReadOnlySession,
    principal: Reader,
    org_id: OrgId = None,
    location_id: Annotated[str | None, Q(alias="locationId")] = None,
    workspace_location_id: Annotated[str | None, Q(alias="workspaceLocationId")] = None,
    floor_id: Annotated[str | None, Q(alias="floorId")] = None,
    display_name: Annotated[str | None, Q(alias="displayName")] = None,
    capacity: str | None = None,
    type_: Annotated[str | None, Q(alias="type")] = None,
    calling: str | None = None,
    supported_devices: Annotated[str | None, Q(alias="supportedDevices")] = None,
    calendar: str | None = None,
    device_hosted_meetings: Annotated[str | None, Q(alias="deviceHostedMeetingsEnabled")] = None,
    device_platform: Annotated[str | None, Q(alias="devicePlatform")] = None,
    health_level: Annotated[str | None, Q(alias="healthLevel")] = None,
    planned_maintenance: Annotated[str | None, Q(alias="plannedMaintenance")] = None,
    start: StartParam = None,
    max_: MaxParam = None,
) -> dict[str, Any]:
    """The organization's workspaces, filtered, `start`/`max` paged (default 100, at most
    1000) with a `Link` to the next page."""
    page = start_page(start, max_, default=100, cap=1000)
    filters = service.WorkspaceFilters(
        location_id=location_id or workspace_location_id,
        floor_id=floor_id,
        display_name=display_name,
        capacity=_capacity(capacity),
        type=_choice("type", type_, WORKSPACE_TYPES),
        calling=_choice("calling", calling, CALLING_TYPES),
        supported_devices=_choice("supportedDevices", supported_devices, SUPPORTED_DEVICES),
    )
    scope = for_org(session, principal, org_id)
    rows = service.list_(session, scope=scope, filters=filters, page=page)
    defaults = {
        "calendar": calendar,
        "deviceHostedMeetingsEnabled": device_hosted_meetings,
        "devicePlatform": device_platform,
        "healthLevel": health_level,
        "plannedMaintenance": planned_maintenance,
    }
    if not defaults_match(defaults):
        rows = []
    rows = trim_start_page(request, response, rows, page)
    return {"items": [_one(session, w) for w in rows]}


@router.post(
    "",
    status_code=201,
    response_model=WorkspaceOut,
    response_model_exclude_none=True,
    summary="Create a Workspace",
)
def create_workspace(
    body: WorkspaceWrite,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
) -> dict[str, Any]:
    """A new workspace; with `calling.type` `webexCalling`, the customer's Common Area package
    (billed from now), a location and an extension and/or phone number."""
    scope = _scope_of_new(session, principal, org_id, body)
    workspace = service.create(session, scope=scope, data=body, now=clock.now())
    return _one(session, workspace)


@router.get(
    "/{workspace_id}",
    response_model=WorkspaceOut,
    response_model_exclude_none=True,
    summary="Get Workspace Details",
)
def get_workspace(
    workspace_id: str, session: ReadOnlySession, principal: Reader, org_id: OrgId = None
) -> dict[str, Any]:
    """One workspace of the organization."""
    scope = _scope_of_workspace(session, principal, org_id, workspace_id)
    return _one(session, service.get(session, scope=scope, workspace_id=workspace_id))


@router.put(
    "/{workspace_id}",
    response_model=WorkspaceOut,
    response_model_exclude_none=True,
    summary="Update a Workspace",
)
def update_workspace(
    workspace_id: str,
    body: WorkspaceWrite,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
) -> dict[str, Any]:
    """Replace a workspace's details (see the service for what is kept when left out)."""
    scope = _scope_of_workspace(session, principal, org_id, workspace_id)
    workspace = service.update(
        session, scope=scope, workspace_id=workspace_id, data=body, now=clock.now()
    )
    return _one(session, workspace)


@router.delete("/{workspace_id}", status_code=204, summary="Delete a Workspace")
def delete_workspace(
    workspace_id: str,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
) -> Response:
    """Delete a workspace; its billing stops and its numbers return to its location."""
    scope = _scope_of_workspace(session, principal, org_id, workspace_id)
    service.delete_(session, scope=scope, workspace_id=workspace_id, now=clock.now())
    return Response(status_code=204)


@router.get(
    "/{workspace_id}/capabilities",
    response_model=CapabilitiesOut,
    summary="Get Workspace Capabilities",
)
def workspace_capabilities(
    workspace_id: str, session: ReadOnlySession, principal: Reader, org_id: OrgId = None
) -> CapabilitiesOut:
    """What the workspace's devices support: tukku has no sensors, so nothing is."""
    scope = _scope_of_workspace(session, principal, org_id, workspace_id)
    service.get(session, scope=scope, workspace_id=workspace_id)
    return CapabilitiesOut()
