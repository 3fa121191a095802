"""Routes of the public Webex Calling hunt group API: `/v1/telephony/config/huntGroups` (the
organization's hunt groups) and
`/v1/telephony/config/locations/{locationId}/huntGroups[/{huntGroupId}]`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tukku.calling import hunt_groups_service as service
from tukku.calling.access import OrgId, for_org
from tukku.calling.hunt_groups_models import HuntGroup
from tukku.calling.hunt_groups_rules import SYSTEM_MAX_RINGS
from tukku.calling.hunt_groups_schemas import (
    AgentOut,
    AlternateNumberOut,
    AlternateNumberSettingsOut,
    CallPoliciesOut,
    HuntGroupCreate,
    HuntGroupCreated,
    HuntGroupListItem,
    HuntGroupOut,
    HuntGroupPage,
    HuntGroupWrite,
    IdAndName,
    NoAnswerOut,
    RedirectOut,
)
from tukku.calling.start_paging import start_page, trim_start_page
from tukku.core.deps import ClockDep, DbSession
from tukku.core.routing import api_router
from tukku.identity.deps import requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope

router = api_router(prefix="/v1/telephony/config", tags=["Hunt groups"])
Reader = Annotated[Principal, Depends(requires(Scope.TELEPHONY_READ))]
Writer = Annotated[Principal, Depends(requires(Scope.TELEPHONY_WRITE))]
DEFAULT_MAX = 100
CAP = 1000


def _details(session: DbSession, group: HuntGroup) -> HuntGroupOut:
    agents = [
        AgentOut(
            id=row.agent.agent_id,
            type=row.agent.kind,
            first_name=row.subscriber.first_name
            if row.subscriber
            else row.workspace.display_name
            if row.workspace
            else None,
            last_name=row.subscriber.last_name if row.subscriber else None,
            phone_number=row.number.phone_number if row.number else None,
            extension=row.number.extension if row.number else None,
            weight=None if row.agent.weight is None else str(row.agent.weight),
            location=IdAndName(id=row.location.id, name=row.location.name)
            if row.location
            else None,
        )
        for row in service.agents_of(session, group)
    ]
    alternates = [
        AlternateNumberOut(phone_number=a.phone_number, ring_pattern=a.ring_pattern)
        for a in service.alternate_numbers_of(session, group)
    ]
    return HuntGroupOut(
        id=group.id,
        name=group.name,
        enabled=group.enabled,
        phone_number=group.phone_number,
        extension=group.extension,
        language_code=group.language_code,
        first_name=group.first_name or ".",
        last_name=group.last_name or group.phone_number or group.name,
        time_zone=group.time_zone,
        alternate_numbers=alternates,
        alternate_number_settings=AlternateNumberSettingsOut(
            distinctive_ring_enabled=group.distinctive_ring_enabled, alternate_numbers=alternates
        ),
        call_policies=CallPoliciesOut(
            policy=group.policy,
            waiting_enabled=group.waiting_enabled,
            group_busy_enabled=group.group_busy_enabled,
            allow_members_to_control_group_busy_enabled=group.allow_members_to_control_group_busy_enabled,
            no_answer=NoAnswerOut(
                next_agent_enabled=group.next_agent_enabled,
                next_agent_rings=group.next_agent_rings,
                forward_enabled=group.forward_enabled,
                destination=group.forward_destination,
                number_of_rings=group.number_of_rings,
                system_max_number_of_rings=SYSTEM_MAX_RINGS,
                destination_voicemail_enabled=group.forward_voicemail_enabled,
            ),
            busy_redirect=RedirectOut(
                enabled=group.busy_redirect_enabled,
                destination=group.busy_redirect_destination,
                destination_voicemail_enabled=group.busy_redirect_voicemail_enabled,
            ),
            business_continuity_redirect=RedirectOut(
                enabled=group.continuity_redirect_enabled,
                destination=group.continuity_redirect_destination,
                destination_voicemail_enabled=group.continuity_redirect_voicemail_enabled,
            ),
        ),
        agents=agents,
        hunt_group_caller_id_for_outgoing_calls_enabled=group.caller_id_for_outgoing_calls_enabled,
    )


def _page(
    request: Request,
    response: Response,
    session: DbSession,
    principal: Principal,
    org_id: str | None,
    filters: service.HuntGroupFilters,
    start: str | None,
    max_: str | None,
) -> HuntGroupPage:
    page = start_page(start, max_, default=DEFAULT_MAX, cap=CAP)
    scope = for_org(session, principal, org_id)
    found = service.list_(session, scope, filters=filters, page=page)
    rows = trim_start_page(request, response, found, page)
    return HuntGroupPage(
        hunt_groups=[
            HuntGroupListItem(
                id=g.id,
                name=g.name,
                location_name=loc.name,
                location_id=loc.id,
                phone_number=g.phone_number,
                extension=g.extension,
                enabled=g.enabled,
            )
            for g, loc in rows
        ]
    )


@router.get(
    "/huntGroups",
    response_model=HuntGroupPage,
    response_model_exclude_none=True,
    summary="Read the list of hunt groups",
)
def list_hunt_groups(
    request: Request,
    response: Response,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    location_id: Annotated[str | None, Query(alias="locationId")] = None,
    name: str | None = None,
    phone_number: Annotated[str | None, Query(alias="phoneNumber")] = None,
    start: str | None = None,
    max_: Annotated[str | None, Query(alias="max")] = None,
) -> HuntGroupPage:
    """The organization's hunt groups by name, filtered by location, name (contains) and
    primary phone number or extension; paged by `start`/`max` with a `Link: rel="next"`."""
    filters = service.HuntGroupFilters(
        location_id=location_id, name=name, phone_number=phone_number
    )
    return _page(request, response, session, principal, org_id, filters, start, max_)


@router.get(
    "/locations/{location_id}/huntGroups",
    response_model=HuntGroupPage,
    response_model_exclude_none=True,
    summary="Read the list of a location's hunt groups",
)
def list_location_hunt_groups(
    location_id: str,
    request: Request,
    response: Response,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    name: str | None = None,
    phone_number: Annotated[str | None, Query(alias="phoneNumber")] = None,
    start: str | None = None,
    max_: Annotated[str | None, Query(alias="max")] = None,
) -> HuntGroupPage:
    """The location's hunt groups (404 for a location the organization does not have)."""
    service.location_of(session, for_org(session, principal, org_id), location_id)
    filters = service.HuntGroupFilters(
        location_id=location_id, name=name, phone_number=phone_number
    )
    return _page(request, response, session, principal, org_id, filters, start, max_)


@router.post(
    "/locations/{location_id}/huntGroups",
    status_code=201,
    response_model=HuntGroupCreated,
    summary="Create a hunt group",
)
def create_hunt_group(
    location_id: str,
    body: HuntGroupCreate,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
) -> HuntGroupCreated:
    """A new hunt group in the location."""
    scope = for_org(session, principal, org_id)
    group = service.create(session, scope, location_id=location_id, body=body, now=clock.now())
    return HuntGroupCreated(id=group.id)


@router.get(
    "/locations/{location_id}/huntGroups/{hunt_group_id}",
    response_model=HuntGroupOut,
    response_model_exclude_none=True,
    summary="Get details for a hunt group",
)
def get_hunt_group(
    location_id: str,
    hunt_group_id: str,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
) -> HuntGroupOut:
    """One hunt group with its routing, agents and alternate numbers."""
    scope = for_org(session, principal, org_id)
    return _details(session, service.get_or_404(session, scope, location_id, hunt_group_id))


@router.put(
    "/locations/{location_id}/huntGroups/{hunt_group_id}",
    status_code=204,
    response_class=Response,
    summary="Update a hunt group",
)
def update_hunt_group(
    location_id: str,
    hunt_group_id: str,
    body: HuntGroupWrite,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
) -> Response:
    """Change the hunt group; `agents` and alternate numbers, when given, replace its own."""
    scope = for_org(session, principal, org_id)
    service.update(
        session,
        scope,
        location_id=location_id,
        group_id=hunt_group_id,
        body=body,
        now=clock.now(),
    )
    return Response(status_code=204)


@router.delete(
    "/locations/{location_id}/huntGroups/{hunt_group_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a hunt group",
)
def delete_hunt_group(
    location_id: str,
    hunt_group_id: str,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
) -> Response:
    """Remove the hunt group and its agents; its phone numbers stay at the location."""
    scope = for_org(session, principal, org_id)
    service.delete_(
        session, scope, location_id=location_id, group_id=hunt_group_id, now=clock.now()
    )
    return Response(status_code=204)
