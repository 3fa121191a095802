"""Hunt groups of a customer's locations: list, create, read, update, delete. Every query is
scoped by the customer of the `OrgScope`; numbers are held in `directory_numbers` as the
customer's subscribers', workspaces' and call queues' are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.calling import hunt_groups_rules as rules
from tukku.calling import queues_rules
from tukku.calling.access import OrgScope
from tukku.calling.hunt_groups_models import HuntGroup, HuntGroupAgent, HuntGroupAlternateNumber
from tukku.calling.hunt_groups_rules import AgentKind, Policy
from tukku.calling.hunt_groups_schemas import (
    AgentIn,
    AlternateNumberIn,
    HuntGroupCreate,
    HuntGroupWrite,
    NoAnswerIn,
    RedirectIn,
)
from tukku.calling.workspaces_models import Workspace
from tukku.catalog.packages import catalog
from tukku.core.errors import Codes, Conflict, DomainError, NotFound, Problem
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
    "enabled",
)
Row = tuple[HuntGroup, Location]


@dataclass(frozen=True)
class HuntGroupFilters:
    """The org-wide list's filters (`locationId`, `name`, `phoneNumber`)."""

    location_id: str | None = None
    name: str | None = None
    phone_number: str | None = None


@dataclass(frozen=True)
class AgentRow:
    """An agent of a hunt group with what its subscriber or workspace says about it."""

    agent: HuntGroupAgent
    subscriber: Subscriber | None
    workspace: Workspace | None
    number: DirectoryNumber | None
    location: Location | None


def _raise(problems: list[Problem], status: int | None = None) -> None:
    if problems:
        raise DomainError(problems) if status is None else DomainError(problems, status=status)


def location_of(session: Session, scope: OrgScope, location_id: str) -> Location:
    """The scope's location `location_id`; 404 for any other."""
    found = None
    if scope.customer is not None:
        found = session.scalars(
            select(Location).where(
                Location.id == location_id, Location.customer_id == scope.customer.id
            )
        ).first()
    if found is None:
        raise NotFound("location", Codes.HUNT_GROUP_LOCATION_NOT_FOUND, field_name="locationId")
    return found


def get_or_404(session: Session, scope: OrgScope, location_id: str, group_id: str) -> HuntGroup:
    """The hunt group `group_id` of the scope's location `location_id`; 404 for anything else."""
    scope.actor.require(Permission.CALLING_READ)
    location = location_of(session, scope, location_id)
    found = session.scalars(
        select(HuntGroup).where(
            HuntGroup.id == group_id,
            HuntGroup.location_id == location.id,
            HuntGroup.customer_id == location.customer_id,
        )
    ).first()
    if found is None:
        raise NotFound("hunt group", Codes.HUNT_GROUP_NOT_FOUND, field_name="huntGroupId")
    return found


def list_(
    session: Session, scope: OrgScope, *, filters: HuntGroupFilters, page: PageRequest
) -> list[Row]:
    """The organization's hunt groups matching `filters`, by name, one row past the page
    (look-ahead for the `Link` header)."""
    scope.actor.require(Permission.CALLING_READ)
    if scope.customer is None:
        return []
    query = (
        select(HuntGroup, Location)
        .join(Location, Location.id == HuntGroup.location_id)
        .where(HuntGroup.customer_id == scope.customer.id)
    )
    if filters.location_id is not None:
        query = query.where(HuntGroup.location_id == filters.location_id)
    if filters.name:
        query = query.where(func.lower(HuntGroup.name).contains(filters.name.lower()))
    if filters.phone_number:
        wanted = filters.phone_number
        query = query.where(or_(HuntGroup.phone_number == wanted, HuntGroup.extension == wanted))
    query = query.order_by(HuntGroup.name, HuntGroup.seq).offset(page.offset)
    return [(g, loc) for g, loc in session.execute(query.limit(page.limit + 1))]


def alternate_numbers_of(session: Session, group: HuntGroup) -> list[HuntGroupAlternateNumber]:
    """The hunt group's alternate numbers in the order given."""
    return list(
        session.scalars(
            select(HuntGroupAlternateNumber)
            .where(HuntGroupAlternateNumber.hunt_group_id == group.id)
            .order_by(HuntGroupAlternateNumber.position)
        )
    )


def agents_of(session: Session, group: HuntGroup) -> list[AgentRow]:
    """The hunt group's agents in routing order, with their subscribers' or workspaces' names
    and numbers."""
    rows = session.scalars(
        select(HuntGroupAgent)
        .where(HuntGroupAgent.hunt_group_id == group.id)
        .order_by(HuntGroupAgent.position)
    ).all()
    ids = [r.agent_id for r in rows]
    people = _subscribers(session, group.customer_id, ids)
    places = _calling_workspaces(session, group.customer_id, ids)
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
    """The customer's provisioned people with calling among `ids`."""
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
    known = catalog()
    return {
        s.user_id: s
        for s in found
        if s.user_id and (package := known.get(s.package)) is not None and package.calling
    }


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


def _check_agents(
    session: Session, customer_id: str, policy: Policy, given: Sequence[AgentIn]
) -> None:
    """The body's agents fit the policy and each is a calling person or calling workspace of
    the customer (404 naming the first that is not; tukku has no virtual lines)."""
    ids = [a.id for a in given]
    _raise(rules.agent_problems(policy, ids, [a.weight for a in given]))
    people = _subscribers(session, customer_id, ids)
    places = _calling_workspaces(session, customer_id, ids)
    for i, item in enumerate(given):
        kind = queues_rules.agent_kind(item.id)
        known = (kind is AgentKind.PEOPLE and item.id in people) or (
            kind is AgentKind.PLACE and item.id in places
        )
        if not known:
            field = f"agents[{i}].id"
            raise NotFound("agent", Codes.HUNT_GROUP_AGENT_NOT_FOUND, field_name=field)


def _stored_agents(session: Session, group: HuntGroup) -> list[AgentIn]:
    rows = session.scalars(
        select(HuntGroupAgent)
        .where(HuntGroupAgent.hunt_group_id == group.id)
        .order_by(HuntGroupAgent.position)
    )
    return [AgentIn(id=r.agent_id, weight=r.weight) for r in rows]


def _numbers(body: HuntGroupWrite) -> tuple[str | None, str | None]:
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


def _given_alternates(body: HuntGroupWrite) -> list[AlternateNumberIn] | None:
    """The body's alternate numbers, from `alternateNumbers` or `alternateNumberSettings`; None
    when it gives none."""
    if "alternate_numbers" in body.model_fields_set:
        return body.alternate_numbers or []
    settings = body.alternate_number_settings
    if settings is not None and "alternate_numbers" in settings.model_fields_set:
        return settings.alternate_numbers or []
    return None


def _alternates(
    primary: str | None, given: Sequence[str | None], patterns: Sequence[str | None]
) -> list[tuple[str, str]]:
    numbers, problems = rules.alternate_number_problems(primary, given)
    _raise(problems)
    return [(n, p or "NORMAL") for n, p in zip(numbers, patterns, strict=True)]


def _check_name(session: Session, group: HuntGroup) -> None:
    """Names are unique per location; checked before the row is flushed (409, not a failed
    constraint)."""
    _raise(rules.name_problems(group.name))
    with session.no_autoflush:
        taken = session.scalar(
            select(HuntGroup.id).where(
                HuntGroup.location_id == group.location_id,
                HuntGroup.name == group.name,
                HuntGroup.id != group.id,
            )
        )
    if taken:
        raise Conflict(
            "name", "a hunt group of this location has this name", Codes.HUNT_GROUP_NAME_TAKEN
        )


def _check_numbers(
    session: Session,
    group: HuntGroup,
    location: Location,
    alternates: Sequence[tuple[str, str]],
) -> None:
    """The extension must be free in the customer and each phone number on the platform, as
    for subscribers, workspaces and queues: a number the location has unassigned is free for
    it; one held by anyone, or at another location, is a conflict (409) naming its field."""
    with session.no_autoflush:
        problems = number_problems(
            session,
            group.customer_id,
            Numbers(group.extension, group.phone_number),
            None,
            location,
            number_field="phoneNumber",
        )
        for index, (number, _) in enumerate(alternates):
            problems += number_problems(
                session,
                group.customer_id,
                Numbers(None, number),
                None,
                location,
                number_field=f"alternateNumbers[{index}].phoneNumber",
            )
    _raise(problems, status=409)


def _hold_numbers(
    session: Session,
    group: HuntGroup,
    location: Location,
    alternates: Sequence[tuple[str, str]],
    now: datetime,
) -> None:
    """The hunt group holds its checked numbers at its location (new phone numbers are added)
    and keeps its alternate numbers' ring patterns."""
    held = [Numbers(None, n) for n, _ in alternates]
    if group.extension is not None or group.phone_number is not None:
        held.insert(0, Numbers(group.extension, group.phone_number))
    for numbers in held:
        hold_numbers(
            session,
            customer_id=group.customer_id,
            location_id=location.id,
            holder=DirectoryNumber.hunt_group_id,
            holder_id=group.id,
            numbers=numbers,
            now=now,
        )
        session.flush()
    session.execute(
        delete(HuntGroupAlternateNumber).where(HuntGroupAlternateNumber.hunt_group_id == group.id)
    )
    for position, (number, pattern) in enumerate(alternates):
        session.add(
            HuntGroupAlternateNumber(
                hunt_group_id=group.id, position=position, phone_number=number, ring_pattern=pattern
            )
        )
    session.flush()


def _replace_agents(session: Session, group: HuntGroup, given: Sequence[AgentIn]) -> None:
    session.execute(delete(HuntGroupAgent).where(HuntGroupAgent.hunt_group_id == group.id))
    for position, item in enumerate(given):
        kind = queues_rules.agent_kind(item.id)
        assert kind is not None  # _check_agents refused any other ID
        session.add(
            HuntGroupAgent(
                hunt_group_id=group.id,
                position=position,
                kind=kind.value,
                agent_id=item.id,
                weight=item.weight,
            )
        )


def _audit(
    session: Session,
    scope: OrgScope,
    group: HuntGroup,
    action: str,
    now: datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit.record(
        session,
        actor=scope.actor,
        action=action,
        target_type="hunt_group",
        target_id=group.id,
        now=now,
        partner_org_id=scope.customer.partner_org_id if scope.customer else None,
        owner_org_id=scope.owner_org_id,
        before=before,
        after=after,
    )


def _snapshot(session: Session, group: HuntGroup) -> dict[str, Any]:
    taken = audit.snapshot(group, AUDITED)
    taken["alternateNumbers"] = [a.phone_number for a in alternate_numbers_of(session, group)]
    return taken


def create(
    session: Session,
    scope: OrgScope,
    *,
    location_id: str,
    body: HuntGroupCreate,
    now: datetime,
) -> HuntGroup:
    """A new hunt group in the location, with the public API's defaults for what the body
    leaves out (CIRCULAR routing, enabled, 5 rings to the next agent, 15 to forward)."""
    scope.actor.require(Permission.QUEUES_MANAGE)
    location = location_of(session, scope, location_id)
    _raise(rules.name_problems(body.name))
    extension, number = _numbers(body)
    _raise(rules.number_problems(extension, number))
    given = _given_alternates(body) or []
    alternates = _alternates(
        number, [a.phone_number for a in given], [a.ring_pattern for a in given]
    )
    policies = body.call_policies
    policy = policies.policy if policies and policies.policy else Policy.CIRCULAR
    _check_agents(session, location.customer_id, policy, body.agents)
    group = HuntGroup(
        id=new_id("HUNT_GROUP"),
        customer_id=location.customer_id,
        location_id=location.id,
        name=body.name,
        extension=extension,
        phone_number=number,
        first_name=body.first_name,
        last_name=body.last_name,
        language_code=body.language_code or location.language,
        time_zone=body.time_zone or location.timezone,
        enabled=True if body.enabled is None else body.enabled,
        policy=policy.value,
        waiting_enabled=False,
        group_busy_enabled=False,
        allow_members_to_control_group_busy_enabled=False,
        next_agent_enabled=False,
        next_agent_rings=rules.NEXT_AGENT_RINGS,
        forward_enabled=False,
        forward_destination=None,
        number_of_rings=rules.NUMBER_OF_RINGS,
        forward_voicemail_enabled=False,
        busy_redirect_enabled=False,
        busy_redirect_destination=None,
        busy_redirect_voicemail_enabled=False,
        continuity_redirect_enabled=False,
        continuity_redirect_destination=None,
        continuity_redirect_voicemail_enabled=False,
        distinctive_ring_enabled=True,
        caller_id_for_outgoing_calls_enabled=False,
        created_at=now,
    )
    _apply(group, body)
    _check_name(session, group)
    _check_numbers(session, group, location, alternates)
    session.add(group)
    session.flush()
    _hold_numbers(session, group, location, alternates, now)
    _replace_agents(session, group, body.agents)
    session.flush()
    _audit(session, scope, group, "hunt_group.created", now, None, _snapshot(session, group))
    return group


def update(
    session: Session,
    scope: OrgScope,
    *,
    location_id: str,
    group_id: str,
    body: HuntGroupWrite,
    now: datetime,
) -> HuntGroup:
    """Change the fields the body gives; `agents` and alternate numbers, when given, replace
    the hunt group's."""
    scope.actor.require(Permission.QUEUES_MANAGE)
    group = get_or_404(session, scope, location_id, group_id)
    before = _snapshot(session, group)
    stored_alternates = [
        (a.phone_number, a.ring_pattern) for a in alternate_numbers_of(session, group)
    ]
    given_agents = body.agents if "agents" in body.model_fields_set else None
    agents = given_agents if given_agents is not None else _stored_agents(session, group)
    policies = body.call_policies
    policy = Policy(policies.policy if policies and policies.policy else group.policy)
    _check_agents(session, group.customer_id, policy, agents)
    extension, number = group.extension, group.phone_number
    if {"extension", "phone_number"} & body.model_fields_set:
        new_extension, new_number = _numbers(body)
        if "extension" in body.model_fields_set:
            extension = new_extension
        if "phone_number" in body.model_fields_set:
            number = new_number
        _raise(rules.number_problems(extension, number))
    given_alternates = _given_alternates(body)
    if given_alternates is not None:
        alternates = _alternates(
            number,
            [a.phone_number for a in given_alternates],
            [a.ring_pattern for a in given_alternates],
        )
    else:
        alternates = _alternates(
            number, [n for n, _ in stored_alternates], [p for _, p in stored_alternates]
        )
    renumbered = (extension, number, [n for n, _ in alternates]) != (
        group.extension,
        group.phone_number,
        [n for n, _ in stored_alternates],
    )
    if renumbered:
        release_numbers_of(session, DirectoryNumber.hunt_group_id, group.id)
    _apply(group, body)
    group.extension, group.phone_number, group.policy = extension, number, policy.value
    _check_name(session, group)
    location = location_of(session, scope, location_id)
    if renumbered:
        _check_numbers(session, group, location, alternates)
        _hold_numbers(session, group, location, alternates, now)
    elif alternates != stored_alternates:
        _hold_ring_patterns(session, group, alternates)
    if given_agents is not None:
        _replace_agents(session, group, given_agents)
    session.flush()
    _audit(session, scope, group, "hunt_group.updated", now, before, _snapshot(session, group))
    return group


def _hold_ring_patterns(
    session: Session, group: HuntGroup, alternates: Sequence[tuple[str, str]]
) -> None:
    patterns = dict(alternates)
    for row in alternate_numbers_of(session, group):
        row.ring_pattern = patterns[row.phone_number]


_PLAIN = (
    "name",
    "first_name",
    "last_name",
    "language_code",
    "time_zone",
    "enabled",
)


def _apply(group: HuntGroup, body: HuntGroupWrite) -> None:
    """Copy what the body sets onto the row and check the ring and redirect settings that
    result (400 naming the field)."""
    for name in _PLAIN:
        value = getattr(body, name)
        if name in body.model_fields_set and value is not None:
            setattr(group, name, value)
    if body.hunt_group_caller_id_for_outgoing_calls_enabled is not None:
        group.caller_id_for_outgoing_calls_enabled = (
            body.hunt_group_caller_id_for_outgoing_calls_enabled
        )
    ring = body.distinctive_ring
    settings = body.alternate_number_settings
    if ring is None and settings is not None:
        ring = settings.distinctive_ring_enabled
    if ring is not None:
        group.distinctive_ring_enabled = ring
    policies = body.call_policies
    if policies is not None:
        for name in ("waiting_enabled", "group_busy_enabled"):
            value = getattr(policies, name)
            if value is not None:
                setattr(group, name, value)
        control = policies.allow_members_to_control_group_busy_enabled
        if control is not None:
            group.allow_members_to_control_group_busy_enabled = control
        if policies.no_answer is not None:
            _apply_no_answer(group, policies.no_answer)
        if policies.busy_redirect is not None:
            _apply_redirect(group, "busy_redirect", policies.busy_redirect)
        if policies.business_continuity_redirect is not None:
            _apply_redirect(group, "continuity_redirect", policies.business_continuity_redirect)
    _raise(
        rules.no_answer_problems(
            rules.NoAnswer(
                group.next_agent_enabled,
                group.next_agent_rings,
                group.forward_enabled,
                group.forward_destination,
                group.number_of_rings,
            )
        )
        + rules.destination_problems(
            "callPolicies.busyRedirect",
            group.busy_redirect_enabled,
            group.busy_redirect_destination,
        )
        + rules.destination_problems(
            "callPolicies.businessContinuityRedirect",
            group.continuity_redirect_enabled,
            group.continuity_redirect_destination,
        )
    )


def _apply_no_answer(group: HuntGroup, given: NoAnswerIn) -> None:
    if given.next_agent_enabled is not None:
        group.next_agent_enabled = given.next_agent_enabled
    if given.next_agent_rings is not None:
        group.next_agent_rings = given.next_agent_rings
    if given.forward_enabled is not None:
        group.forward_enabled = given.forward_enabled
    if "destination" in given.model_fields_set:
        group.forward_destination = (given.destination or "").strip() or None
    if given.number_of_rings is not None:
        group.number_of_rings = given.number_of_rings
    if given.destination_voicemail_enabled is not None:
        group.forward_voicemail_enabled = given.destination_voicemail_enabled


def _apply_redirect(group: HuntGroup, prefix: str, given: RedirectIn) -> None:
    if given.enabled is not None:
        setattr(group, f"{prefix}_enabled", given.enabled)
    if "destination" in given.model_fields_set:
        setattr(group, f"{prefix}_destination", (given.destination or "").strip() or None)
    if given.destination_voicemail_enabled is not None:
        setattr(group, f"{prefix}_voicemail_enabled", given.destination_voicemail_enabled)


def delete_(
    session: Session, scope: OrgScope, *, location_id: str, group_id: str, now: datetime
) -> None:
    """Remove the hunt group with its agents; its phone numbers go back to the location."""
    scope.actor.require(Permission.QUEUES_MANAGE)
    group = get_or_404(session, scope, location_id, group_id)
    _audit(session, scope, group, "hunt_group.deleted", now, _snapshot(session, group), None)
    session.execute(delete(HuntGroupAgent).where(HuntGroupAgent.hunt_group_id == group.id))
    session.execute(
        delete(HuntGroupAlternateNumber).where(HuntGroupAlternateNumber.hunt_group_id == group.id)
    )
    release_numbers_of(session, DirectoryNumber.hunt_group_id, group.id)
    session.delete(group)
    session.flush()
