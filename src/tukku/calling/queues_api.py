"""Routes of the public Webex Calling call queue API: `/v1/telephony/config/queues` (the
organization's queues) and `/v1/telephony/config/locations/{locationId}/queues[/{queueId}]`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tukku.calling import queues_service as service
from tukku.calling.access import OrgId, for_org
from tukku.calling.queues_models import CallQueue
from tukku.calling.queues_schemas import (
    AgentOut,
    CallPoliciesOut,
    IdAndName,
    QueueCreate,
    QueueCreated,
    QueueListItem,
    QueueOut,
    QueuePage,
    QueueSettingsOut,
    QueueWrite,
)
from tukku.calling.start_paging import start_page, trim_start_page
from tukku.core.deps import ClockDep, DbSession
from tukku.core.routing import api_router
from tukku.identity.deps import requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope

router = api_router(prefix="/v1/telephony/config", tags=["Call queues"])
Reader = Annotated[Principal, Depends(requires(Scope.TELEPHONY_READ))]
Writer = Annotated[Principal, Depends(requires(Scope.TELEPHONY_WRITE))]
HasCxEssentials = Annotated[
    str | None,
    Query(
        alias="hasCxEssentials",
        description="true: a CX Essentials (Customer Assist) queue; on update, upgrades a "
        "basic queue (false on an Essentials queue is refused: no downgrade).",
    ),
]
DEFAULT_MAX = 100
CAP = 1000


def _details(session: DbSession, queue: CallQueue) -> QueueOut:
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
            skill_level=row.agent.skill_level,
            join_enabled=row.agent.join_enabled,
            has_cx_essentials=bool(row.subscriber and row.subscriber.package == "cx_essentials"),
            location=IdAndName(id=row.location.id, name=row.location.name)
            if row.location
            else None,
        )
        for row in service.agents_of(session, queue)
    ]
    return QueueOut(
        id=queue.id,
        name=queue.name,
        enabled=queue.enabled,
        has_cx_essentials=queue.has_cx_essentials,
        language_code=queue.language_code,
        first_name=queue.first_name or ".",
        last_name=queue.last_name or queue.phone_number or queue.name,
        time_zone=queue.time_zone,
        phone_number=queue.phone_number,
        extension=queue.extension,
        calling_line_id_policy=queue.calling_line_id_policy,
        calling_line_id_phone_number=queue.calling_line_id_phone_number,
        call_policies=CallPoliciesOut(routing_type=queue.routing_type, policy=queue.policy),
        queue_settings=QueueSettingsOut(queue_size=queue.queue_size),
        allow_call_waiting_for_agents_enabled=queue.allow_call_waiting_for_agents_enabled,
        agents=agents,
        allow_agent_join_enabled=queue.allow_agent_join_enabled,
        phone_number_for_outgoing_calls_enabled=queue.phone_number_for_outgoing_calls_enabled,
    )


@router.get(
    "/queues",
    response_model=QueuePage,
    response_model_exclude_none=True,
    summary="Read the list of call queues",
)
def list_queues(
    request: Request,
    response: Response,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    location_id: Annotated[str | None, Query(alias="locationId")] = None,
    name: str | None = None,
    phone_number: Annotated[str | None, Query(alias="phoneNumber")] = None,
    has_cx_essentials: HasCxEssentials = None,
    start: str | None = None,
    max_: Annotated[str | None, Query(alias="max")] = None,
) -> QueuePage:
    """The organization's queues by name: basic ones, or Essentials ones with
    `hasCxEssentials=true`; paged by `start`/`max` with a `Link: rel="next"`."""
    page = start_page(start, max_, default=DEFAULT_MAX, cap=CAP)
    filters = service.QueueFilters(
        location_id=location_id,
        name=name,
        phone_number=phone_number,
        has_cx_essentials=bool(service.check_query_flag("hasCxEssentials", has_cx_essentials)),
    )
    scope = for_org(session, principal, org_id)
    found = service.list_(session, scope, filters=filters, page=page)
    rows = trim_start_page(request, response, found, page)
    return QueuePage(
        queues=[
            QueueListItem(
                id=q.id,
                name=q.name,
                location_name=loc.name,
                location_id=loc.id,
                phone_number=q.phone_number,
                extension=q.extension,
                enabled=q.enabled,
                has_cx_essentials=q.has_cx_essentials,
            )
            for q, loc in rows
        ]
    )


@router.post(
    "/locations/{location_id}/queues",
    status_code=201,
    response_model=QueueCreated,
    summary="Create a call queue",
)
def create_queue(
    location_id: str,
    body: QueueCreate,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
    has_cx_essentials: HasCxEssentials = None,
) -> QueueCreated:
    """A new queue in the location (`hasCxEssentials=true`: a CX Essentials queue)."""
    flag = service.check_query_flag("hasCxEssentials", has_cx_essentials)
    scope = for_org(session, principal, org_id)
    queue = service.create(
        session,
        scope,
        location_id=location_id,
        body=body,
        has_cx_essentials=flag,
        now=clock.now(),
    )
    return QueueCreated(id=queue.id)


@router.get(
    "/locations/{location_id}/queues/{queue_id}",
    response_model=QueueOut,
    response_model_exclude_none=True,
    summary="Get details for a call queue",
)
def get_queue(
    location_id: str,
    queue_id: str,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    has_cx_essentials: HasCxEssentials = None,
) -> QueueOut:
    """One queue, basic or Essentials (`hasCxEssentials` is accepted and not needed)."""
    service.check_query_flag("hasCxEssentials", has_cx_essentials)
    scope = for_org(session, principal, org_id)
    return _details(session, service.get_or_404(session, scope, location_id, queue_id))


@router.put(
    "/locations/{location_id}/queues/{queue_id}",
    status_code=204,
    response_class=Response,
    summary="Update a call queue (hasCxEssentials=true upgrades it)",
)
def update_queue(
    location_id: str,
    queue_id: str,
    body: QueueWrite,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
    has_cx_essentials: HasCxEssentials = None,
) -> Response:
    """Change the queue; `hasCxEssentials=true` upgrades a basic queue to Essentials."""
    flag = service.check_query_flag("hasCxEssentials", has_cx_essentials)
    scope = for_org(session, principal, org_id)
    service.update(
        session,
        scope,
        location_id=location_id,
        queue_id=queue_id,
        body=body,
        has_cx_essentials=flag,
        now=clock.now(),
    )
    return Response(status_code=204)


@router.delete(
    "/locations/{location_id}/queues/{queue_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a call queue",
)
def delete_queue(
    location_id: str,
    queue_id: str,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
) -> Response:
    """Remove the queue, its agents and supervisors."""
    scope = for_org(session, principal, org_id)
    service.delete_(session, scope, location_id=location_id, queue_id=queue_id, now=clock.now())
    return Response(status_code=204)
