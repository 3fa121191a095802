"""Call queues of a customer's locations: list, create, read, update (and upgrade to CX
Essentials), delete. Every query is scoped by the customer of the `OrgScope`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.calling import queues_rules as rules
from tukku.calling.access import OrgScope
from tukku.calling.queues_models import CallQueue, CallQueueAgent, CallQueueSupervisor
from tukku.calling.queues_rules import Agent, AgentKind, Policy
from tukku.calling.queues_schemas import AgentIn, QueueCreate, QueueWrite
from tukku.calling.workspaces_models import Workspace
from tukku.catalog.packages import catalog
from tukku.core.errors import Codes, Conflict, DomainError, Invalid, NotFound, Problem
from tukku.core.ids import new_id
from tukku.core.pagination import PageRequest
from tukku.core.validation import is_extension, normalize_phone_number
from tukku.customers.models import Location
from tukku.identity.permissions import Permission
from tukku.subscribers.models import DirectoryNumber, Subscriber
from tukku.subscribers.rules import Numbers, Status
from tukku.subscribers.service import hold_numbers, number_problems, release_numbers_of

AUDITED = (
    "name",
    "location_id",
    "extension",
    "phone_number",
    "policy",
    "queue_size",
    "enabled",
    "has_cx_essentials",
)
QUEUE_AGENT = "call_queue_agent"
Row = tuple[CallQueue, Location]


@dataclass(frozen=True)
class QueueFilters:
    """The org-wide list's filters (`locationId`, `name`, `phoneNumber`, `hasCxEssentials`)."""

    location_id: str | None = None
    name: str | None = None
    phone_number: str | None = None
    has_cx_essentials: bool = False


@dataclass(frozen=True)
class AgentRow:
    """An agent of a queue with what its subscriber or workspace says about it."""

    agent: CallQueueAgent
    subscriber: Subscriber | None
    workspace: Workspace | None
    number: DirectoryNumber | None
    location: Location | None


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise DomainError(problems)


def _location(session: Session, scope: OrgScope, location_id: str) -> Location:
    found = None
    if scope.customer is not None:
        found = session.scalars(
            select(Location).where(
                Location.id == location_id, Location.customer_id == scope.customer.id
            )
        ).first()
    if found is None:
        raise NotFound("location", Codes.QUEUE_LOCATION_NOT_FOUND, field_name="locationId")
    return found


def get_or_404(session: Session, scope: OrgScope, location_id: str, queue_id: str) -> CallQueue:
    """The queue `queue_id` of the scope's location `location_id`; 404 for anything else."""
    scope.actor.require(Permission.CALLING_READ)
    location = _location(session, scope, location_id)
    found = session.scalars(
        select(CallQueue).where(
            CallQueue.id == queue_id,
            CallQueue.location_id == location.id,
            CallQueue.customer_id == location.customer_id,
        )
    ).first()
    if found is None:
        raise NotFound("call queue", Codes.QUEUE_NOT_FOUND, field_name="queueId")
    return found


def list_(
    session: Session, scope: OrgScope, *, filters: QueueFilters, page: PageRequest
) -> list[Row]:
    """The organization's queues matching `filters`, by name, one row past the page (look-ahead
    for the `Link` header). Without `hasCxEssentials=true` only basic queues are listed, as the
    public API says."""
    scope.actor.require(Permission.CALLING_READ)
    if scope.customer is None:
        return []
    query = (
        select(CallQueue, Location)
        .join(Location, Location.id == CallQueue.location_id)
        .where(
            CallQueue.customer_id == scope.customer.id,
            CallQueue.has_cx_essentials.is_(filters.has_cx_essentials),
        )
    )
    if filters.location_id is not None:
        query = query.where(CallQueue.location_id == filters.location_id)
    if filters.name:
        query = query.where(func.lower(CallQueue.name).contains(filters.name.lower()))
    if filters.phone_number:
        wanted = filters.phone_number
        query = query.where(or_(CallQueue.phone_number == wanted, CallQueue.extension == wanted))
    query = query.order_by(CallQueue.name, CallQueue.seq).offset(page.offset)
    return [(q, loc) for q, loc in session.execute(query.limit(page.limit + 1))]


def agents_of(session: Session, queue: CallQueue) -> list[AgentRow]:
    """The queue's agents in routing order, with their subscribers' or workspaces' names and
    numbers."""
    rows = session.scalars(
        select(CallQueueAgent)
        .where(CallQueueAgent.queue_id == queue.id)
        .order_by(CallQueueAgent.position)
    ).all()
    ids = [r.agent_id for r in rows]
    people = _subscribers(session, queue.customer_id, ids)
    places = _calling_workspaces(session, queue.customer_id, ids)
    numbers: dict[str, DirectoryNumber] = {}
    for n in session.scalars(
        select(DirectoryNumber).where(
            or_(
                DirectoryNumber.subscriber_id.in_([s.id for s in people.values()]),
                DirectoryNumber.workspace_id.in_(list(places)),
            )
        )
    ):
        numbers[n.subscriber_id or n.workspace_id or ""] = n
    location_ids = {s.location_id for s in people.values() if s.location_id}
    location_ids |= {w.location_id for w in places.values() if w.location_id}
    locations = {
        loc.id: loc
        for loc in session.scalars(select(Location).where(Location.id.in_(location_ids)))
    }
    result = []
    for row in rows:
        sub, place = people.get(row.agent_id), places.get(row.agent_id)
        number = numbers.get(sub.id) if sub else numbers.get(place.id) if place else None
        where = sub.location_id if sub else place.location_id if place else None
        result.append(AgentRow(row, sub, place, number, locations.get(where) if where else None))
    return result


def _subscribers(session: Session, customer_id: str, ids: Sequence[str]) -> dict[str, Subscriber]:
    if not ids:
        return {}
    found = session.scalars(
        select(Subscriber).where(
            Subscriber.customer_id == customer_id,
            Subscriber.user_id.in_(list(ids)),
            Subscriber.removed_at.is_(None),
            Subscriber.status == Status.PROVISIONED,
        )
    )
    return {s.user_id: s for s in found if s.user_id}


def _calling_workspaces(
    session: Session, customer_id: str, ids: Sequence[str]
) -> dict[str, Workspace]:
    """The customer's workspaces with Webex Calling among `ids` (only those take calls)."""
    if not ids:
        return {}
    found = session.scalars(
        select(Workspace).where(
            Workspace.customer_id == customer_id,
            Workspace.id.in_(list(ids)),
            Workspace.calling_type == "webexCalling",
        )
    )
    return {w.id: w for w in found}


def _agents(session: Session, customer_id: str, given: Sequence[AgentIn]) -> list[Agent]:
    """The agents of a body as the rules see them; 404 naming any ID that is no provisioned
    person or no workspace with Webex Calling of the customer. tukku has no virtual lines, so
    a virtual line ID names nothing here either."""
    _raise(rules.duplicate_agent_problems([a.id for a in given]))
    ids = [a.id for a in given]
    people = _subscribers(session, customer_id, ids)
    places = _calling_workspaces(session, customer_id, ids)
    result = []
    for i, item in enumerate(given):
        kind = rules.agent_kind(item.id)
        sub = people.get(item.id)
        known = (kind is AgentKind.PEOPLE and sub is not None) or (
            kind is AgentKind.PLACE and item.id in places
        )
        if not known:
            field = f"agents[{i}].id"
            raise NotFound("agent", Codes.QUEUE_AGENT_NOT_FOUND, field_name=field)
        assert kind is not None
        package = sub.package if sub else None
        eligible = sub is None or catalog().has_capability([sub.package], QUEUE_AGENT)
        result.append(Agent(item.id, kind, package, item.weight, eligible))
    return result


def _stored_agents(session: Session, queue: CallQueue) -> list[Agent]:
    rows = agents_of(session, queue)
    return [
        Agent(
            r.agent.agent_id,
            AgentKind(r.agent.kind),
            r.subscriber.package if r.subscriber else None,
            r.agent.weight,
        )
        for r in rows
    ]


def _numbers(body: QueueWrite) -> tuple[str | None, str | None]:
    extension = (body.extension or "").strip() or None
    given = (body.phone_number or "").strip() or None
    problems = []
    if extension is not None and not is_extension(extension):
        problems.append(Problem(Codes.EXTENSION_INVALID, "extension: must be 2 to 10 digits"))
    number = normalize_phone_number(given) if given else None
    if given is not None and number is None:
        reason = "phoneNumber: must be an E.164 number, e.g. +14085550100"
        problems.append(Problem(Codes.PHONE_NUMBER_INVALID, reason, "phoneNumber"))
    _raise(problems)
    return extension, number


def _check_name(session: Session, queue: CallQueue) -> None:
    """Names are unique per location. Checked before the row is flushed (no autoflush), so a
    taken name answers 409 rather than failing a constraint."""
    with session.no_autoflush:
        taken = session.scalar(
            select(CallQueue.id).where(
                CallQueue.location_id == queue.location_id,
                CallQueue.name == queue.name,
                CallQueue.id != queue.id,
            )
        )
    if taken:
        raise Conflict(
            "name", "a call queue of this location has this name", Codes.QUEUE_NAME_TAKEN
        )


def _check_numbers(session: Session, queue: CallQueue, location: Location) -> None:
    """The queue's extension must be free in the customer and its phone number on the platform,
    as for subscribers and workspaces: a number its location has unassigned is free for it (the
    public API's way: add numbers to the location, then give one to the queue); one held by
    anyone, or at another location, is a conflict (409). Checked before the queue is flushed."""
    with session.no_autoflush:
        problems = number_problems(
            session,
            queue.customer_id,
            Numbers(queue.extension, queue.phone_number),
            None,
            location,
            number_field="phoneNumber",
        )
    if problems:
        raise DomainError(problems, status=409)


def _hold_numbers(session: Session, queue: CallQueue, location: Location, now: datetime) -> None:
    """The queue holds its checked numbers at its location (a new phone number is added)."""
    if queue.extension is None and queue.phone_number is None:
        return
    hold_numbers(
        session,
        customer_id=queue.customer_id,
        location_id=location.id,
        holder=DirectoryNumber.queue_id,
        holder_id=queue.id,
        numbers=Numbers(queue.extension, queue.phone_number),
        now=now,
    )
    session.flush()


def _replace_agents(
    session: Session, queue: CallQueue, given: Sequence[AgentIn], join_default: bool
) -> None:
    session.execute(delete(CallQueueAgent).where(CallQueueAgent.queue_id == queue.id))
    for position, item in enumerate(given):
        kind = rules.agent_kind(item.id)
        assert kind is not None  # _agents refused any other ID
        session.add(
            CallQueueAgent(
                queue_id=queue.id,
                position=position,
                kind=kind.value,
                agent_id=item.id,
                weight=item.weight,
                skill_level=item.skill_level,
                join_enabled=join_default if item.join_enabled is None else item.join_enabled,
            )
        )


def _audit(
    session: Session,
    scope: OrgScope,
    queue: CallQueue,
    action: str,
    now: datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit.record(
        session,
        actor=scope.actor,
        action=action,
        target_type="call_queue",
        target_id=queue.id,
        now=now,
        partner_org_id=scope.customer.partner_org_id if scope.customer else None,
        owner_org_id=scope.owner_org_id,
        before=before,
        after=after,
    )


def create(
    session: Session,
    scope: OrgScope,
    *,
    location_id: str,
    body: QueueCreate,
    has_cx_essentials: bool | None,
    now: datetime,
) -> CallQueue:
    """A new queue in the location; Essentials when `hasCxEssentials` (query or body) is true,
    whose agents must then all hold `cx_essentials`."""
    scope.actor.require(Permission.QUEUES_MANAGE)
    location = _location(session, scope, location_id)
    extension, number = _numbers(body)
    _raise(rules.number_problems(extension, number))
    essentials = bool(
        has_cx_essentials if has_cx_essentials is not None else body.has_cx_essentials
    )
    agents = _agents(session, location.customer_id, body.agents)
    policies = body.call_policies
    policy = policies.policy if policies and policies.policy else Policy.CIRCULAR
    _check_agents(agents, policy, essentials=essentials)
    queue = CallQueue(
        id=new_id("CALL_QUEUE"),
        customer_id=location.customer_id,
        location_id=location.id,
        name=body.name,
        extension=extension,
        phone_number=number,
        first_name=body.first_name,
        last_name=body.last_name,
        language_code=body.language_code or location.language,
        time_zone=body.time_zone or location.timezone,
        calling_line_id_policy=body.calling_line_id_policy or "DIRECT_LINE",
        calling_line_id_phone_number=body.calling_line_id_phone_number,
        routing_type=(policies.routing_type if policies else None) or "PRIORITY_BASED",
        policy=policy.value,
        queue_size=body.queue_settings.queue_size if body.queue_settings.queue_size else 10,
        enabled=True if body.enabled is None else body.enabled,
        has_cx_essentials=essentials,
        allow_agent_join_enabled=bool(body.allow_agent_join_enabled),
        allow_call_waiting_for_agents_enabled=bool(body.allow_call_waiting_for_agents_enabled),
        phone_number_for_outgoing_calls_enabled=bool(body.phone_number_for_outgoing_calls_enabled),
        created_at=now,
    )
    _check_name(session, queue)
    _check_numbers(session, queue, location)
    session.add(queue)
    session.flush()
    _hold_numbers(session, queue, location, now)
    _replace_agents(session, queue, body.agents, join_default=True)
    _audit(session, scope, queue, "call_queue.created", now, None, audit.snapshot(queue, AUDITED))
    return queue


def _check_agents(agents: list[Agent], policy: Policy, *, essentials: bool) -> None:
    problems = rules.eligibility_problems(agents)
    if essentials:
        problems += rules.essentials_agent_problems(agents)
    _raise(problems + rules.policy_problems(policy, is_essentials=essentials, agents=agents))


def update(
    session: Session,
    scope: OrgScope,
    *,
    location_id: str,
    queue_id: str,
    body: QueueWrite,
    has_cx_essentials: bool | None,
    now: datetime,
) -> CallQueue:
    """Change the fields the body gives. `hasCxEssentials=true` (query or body) upgrades a basic
    queue to Essentials, keeping agents, supervisors and settings; WEIGHTED routing becomes
    top-down. An Essentials queue never goes back (409)."""
    scope.actor.require(Permission.QUEUES_MANAGE)
    queue = get_or_404(session, scope, location_id, queue_id)
    before = audit.snapshot(queue, AUDITED)
    wanted = has_cx_essentials if has_cx_essentials is not None else body.has_cx_essentials
    _raise(rules.kind_change_problems(is_essentials=queue.has_cx_essentials, wanted=wanted))
    upgrading = rules.is_upgrade(is_essentials=queue.has_cx_essentials, wanted=wanted)
    given = "agents" in body.model_fields_set and body.agents is not None
    agents = (
        _agents(session, queue.customer_id, body.agents or [])
        if given
        else _stored_agents(session, queue)
    )
    policies = body.call_policies
    policy = Policy(policies.policy if policies and policies.policy else queue.policy)
    if upgrading:
        _raise(rules.upgrade_problems(agents))
        policy = rules.policy_after_upgrade(policy)
    essentials = queue.has_cx_essentials or upgrading
    _check_agents(agents, policy, essentials=essentials)
    extension, number = queue.extension, queue.phone_number
    if {"extension", "phone_number"} & body.model_fields_set:
        new_extension, new_number = _numbers(body)
        if "extension" in body.model_fields_set:
            extension = new_extension
        if "phone_number" in body.model_fields_set:
            number = new_number
        _raise(rules.number_problems(extension, number))
    renumbered = (extension, number) != (queue.extension, queue.phone_number)
    if renumbered:
        release_numbers_of(session, DirectoryNumber.queue_id, queue.id)
    _apply(queue, body)
    queue.extension, queue.phone_number = extension, number
    queue.policy, queue.has_cx_essentials = policy.value, essentials
    _check_name(session, queue)
    if renumbered:
        location = _location(session, scope, location_id)
        _check_numbers(session, queue, location)
        _hold_numbers(session, queue, location, now)
    if given:
        _replace_agents(session, queue, body.agents or [], join_default=True)
    session.flush()
    action = "call_queue.upgraded" if upgrading else "call_queue.updated"
    _audit(session, scope, queue, action, now, before, audit.snapshot(queue, AUDITED))
    return queue


_PLAIN = (
    "name",
    "first_name",
    "last_name",
    "language_code",
    "time_zone",
    "calling_line_id_policy",
    "calling_line_id_phone_number",
    "enabled",
    "allow_agent_join_enabled",
    "allow_call_waiting_for_agents_enabled",
    "phone_number_for_outgoing_calls_enabled",
)


def _apply(queue: CallQueue, body: QueueWrite) -> None:
    for name in _PLAIN:
        value = getattr(body, name)
        if name in body.model_fields_set and value is not None:
            setattr(queue, name, value)
    if body.call_policies and body.call_policies.routing_type:
        queue.routing_type = body.call_policies.routing_type
    if body.queue_settings and body.queue_settings.queue_size is not None:
        queue.queue_size = body.queue_settings.queue_size


def delete_(
    session: Session, scope: OrgScope, *, location_id: str, queue_id: str, now: datetime
) -> None:
    """Remove the queue with its agents and supervisors."""
    scope.actor.require(Permission.QUEUES_MANAGE)
    queue = get_or_404(session, scope, location_id, queue_id)
    before = audit.snapshot(queue, AUDITED)
    _audit(session, scope, queue, "call_queue.deleted", now, before, None)
    session.execute(delete(CallQueueAgent).where(CallQueueAgent.queue_id == queue.id))
    session.execute(delete(CallQueueSupervisor).where(CallQueueSupervisor.queue_id == queue.id))
    release_numbers_of(session, DirectoryNumber.queue_id, queue.id)
    session.delete(queue)
    session.flush()


def check_query_flag(name: str, value: str | None) -> bool | None:
    """A `true`/`false` query parameter; 400 naming it otherwise."""
    if value is None:
        return None
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise Invalid(name, "must be true or false", Codes.INVALID_QUERY)
    return lowered == "true"
