"""Use cases of a customer's phone numbers: add numbers to a location (unassigned until a
workspace or subscriber takes one), remove unassigned ones, and list every number and extension
with its owner. Numbers are rows of `directory_numbers`, one phone number once on the platform."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.calling.access import OrgScope
from tukku.calling.hunt_groups_models import HuntGroup
from tukku.calling.location_calling_models import LocationCallingSettings
from tukku.calling.numbers_rules import NumberFilters, NumbersToAdd
from tukku.calling.queues_models import CallQueue
from tukku.calling.workspaces_models import Workspace
from tukku.core.errors import Codes, DomainError, NotFound, Problem
from tukku.core.pagination import PageRequest
from tukku.customers import service as customers
from tukku.customers.models import Location
from tukku.identity.permissions import Permission
from tukku.subscribers.models import DirectoryNumber, Subscriber


def _location(session: Session, scope: OrgScope, location_id: str) -> Location:
    """A location of the scope's customer; 404 naming `locationId` for any other."""
    location = (
        customers.location_of(session, scope.customer.id, location_id) if scope.customer else None
    )
    if location is None:
        raise NotFound("location", field_name="locationId")
    return location


def _rows_of(session: Session, numbers: list[str]) -> dict[str, DirectoryNumber]:
    rows = session.scalars(select(DirectoryNumber).where(DirectoryNumber.phone_number.in_(numbers)))
    return {row.phone_number: row for row in rows if row.phone_number is not None}


def add(
    session: Session, *, scope: OrgScope, location_id: str, data: NumbersToAdd, now: datetime
) -> list[str]:
    """Add unassigned numbers to a location (partners only). Numbers the location already has
    are left as they are; a number anywhere else is a conflict (409 naming it). Returns the
    numbers added."""
    scope.actor.require(Permission.PHONE_NUMBERS_MANAGE)
    location = _location(session, scope, location_id)
    existing = _rows_of(session, data.phone_numbers)
    problems = []
    for index, number in enumerate(data.phone_numbers):
        row = existing.get(number)
        if row is None or row.location_id == location.id:
            continue
        where = f"phoneNumbers[{index}]"
        if row.customer_id == location.customer_id:
            reason = f"{where}: {number} belongs to another location of the organization"
            problems.append(Problem(Codes.NUMBER_AT_OTHER_LOCATION, reason, where))
        else:
            problems.append(
                Problem(Codes.NUMBER_TAKEN, f"{where}: {number} is already in use", where)
            )
    if problems:
        raise DomainError(problems, status=409)
    added = [n for n in data.phone_numbers if n not in existing]
    for number in added:
        session.add(
            DirectoryNumber(
                customer_id=location.customer_id,
                location_id=location.id,
                phone_number=number,
                state=data.state,
                number_type=data.number_type,
                created_at=now,
            )
        )
    if added:
        _audit(session, scope, "numbers.add", location, added, now)
    return added


def remove(
    session: Session, *, scope: OrgScope, location_id: str, numbers: list[str], now: datetime
) -> None:
    """Remove unassigned numbers from a location (partners only): 404 naming a number the
    location does not have, 409 naming one a subscriber, workspace, call queue or hunt group
    holds, or the location's main number (unless every number of the location goes); all or
    none."""
    scope.actor.require(Permission.PHONE_NUMBERS_MANAGE)
    location = _location(session, scope, location_id)
    existing = _rows_of(session, numbers)
    settings = session.get(LocationCallingSettings, location.id)
    main = {settings.main_number} if settings and settings.main_number else set()
    if main and _every_number_of(session, location.id) <= set(numbers):
        main = set()  # the location keeps no number, so it needs no main number
    missing, held = [], []
    for index, number in enumerate(numbers):
        row = existing.get(number)
        where = f"phoneNumbers[{index}]"
        if row is None or row.location_id != location.id:
            reason = f"{where}: the location has no phone number {number}"
            missing.append(Problem(Codes.NUMBER_NOT_IN_LOCATION, reason, where))
        elif row.subscriber_id or row.workspace_id or row.queue_id or row.hunt_group_id:
            reason = f"{where}: {number} is assigned; unassign it first"
            held.append(Problem(Codes.NUMBER_ASSIGNED, reason, where))
        elif number in main:
            reason = (
                f"{where}: {number} is the location's main number; choose another first, "
                "or remove all the location's numbers at once"
            )
            held.append(Problem(Codes.MAIN_NUMBER_KEPT, reason, where))
    if missing:
        raise DomainError(missing, status=404)
    if held:
        raise DomainError(held, status=409)
    session.execute(
        delete(DirectoryNumber).where(
            DirectoryNumber.location_id == location.id, DirectoryNumber.phone_number.in_(numbers)
        )
    )
    if settings is not None and settings.main_number in numbers:
        settings.main_number = None
    _audit(session, scope, "numbers.remove", location, numbers, now)


def _every_number_of(session: Session, location_id: str) -> set[str]:
    rows = session.scalars(
        select(DirectoryNumber.phone_number).where(
            DirectoryNumber.location_id == location_id, DirectoryNumber.phone_number.is_not(None)
        )
    )
    return {str(n) for n in rows}


def _audit(
    session: Session,
    scope: OrgScope,
    action: str,
    location: Location,
    numbers: list[str],
    now: datetime,
) -> None:
    audit.record(
        session,
        actor=scope.actor,
        action=action,
        target_type="location",
        target_id=location.id,
        now=now,
        owner_org_id=scope.owner_org_id,
        after={"orgId": scope.org.id, "phoneNumbers": numbers},
    )


_COLUMNS = (
    DirectoryNumber,
    Location.name.label("location_name"),
    Subscriber.user_id,
    Subscriber.first_name,
    Subscriber.last_name,
    Workspace.display_name,
    CallQueue.id.label("queue_id"),
    CallQueue.name.label("queue_name"),
    HuntGroup.name.label("hunt_group_name"),
)


def _base(customer_id: str) -> Any:
    return (
        select(*_COLUMNS)
        .join(Location, Location.id == DirectoryNumber.location_id)
        .outerjoin(Subscriber, Subscriber.id == DirectoryNumber.subscriber_id)
        .outerjoin(Workspace, Workspace.id == DirectoryNumber.workspace_id)
        .outerjoin(CallQueue, CallQueue.id == DirectoryNumber.queue_id)
        .outerjoin(HuntGroup, HuntGroup.id == DirectoryNumber.hunt_group_id)
        .where(DirectoryNumber.customer_id == customer_id)
    )


def _filtered(query: Any, f: NumberFilters) -> Any:
    assigned = or_(
        DirectoryNumber.subscriber_id.is_not(None),
        DirectoryNumber.workspace_id.is_not(None),
        DirectoryNumber.queue_id.is_not(None),
        DirectoryNumber.hunt_group_id.is_not(None),
    )
    if f.location_id is not None:
        query = query.where(DirectoryNumber.location_id == f.location_id)
    if f.phone_number is not None:
        query = query.where(DirectoryNumber.phone_number == f.phone_number)
    if f.assigned is not None:
        query = query.where(assigned if f.assigned else ~assigned)
    if f.assigned is not None or f.state is not None:
        query = query.where(DirectoryNumber.phone_number.is_not(None))
    if f.owner_type == "PEOPLE":
        query = query.where(DirectoryNumber.subscriber_id.is_not(None))
    elif f.owner_type == "PLACE":
        query = query.where(DirectoryNumber.workspace_id.is_not(None))
    elif f.owner_type == "CALL_QUEUE":
        query = query.where(DirectoryNumber.queue_id.is_not(None))
    elif f.owner_type == "HUNT_GROUP":
        query = query.where(DirectoryNumber.hunt_group_id.is_not(None))
    if f.owner_id is not None:
        query = query.where(
            or_(
                Subscriber.user_id == f.owner_id,
                DirectoryNumber.workspace_id == f.owner_id,
                DirectoryNumber.queue_id == f.owner_id,
                DirectoryNumber.hunt_group_id == f.owner_id,
            )
        )
    if f.owner_name is not None:
        pattern = f"%{f.owner_name.lower()}%"
        full_name = func.lower(Subscriber.first_name + " " + Subscriber.last_name)
        query = query.where(
            or_(
                full_name.like(pattern),
                func.lower(Workspace.display_name).like(pattern),
                func.lower(CallQueue.name).like(pattern),
                func.lower(HuntGroup.name).like(pattern),
            )
        )
    if f.extension is not None:
        query = query.where(DirectoryNumber.extension == f.extension)
    if f.extension_only is True:
        query = query.where(
            DirectoryNumber.phone_number.is_(None), DirectoryNumber.extension.is_not(None)
        )
    elif f.extension_only is False:
        query = query.where(DirectoryNumber.phone_number.is_not(None))
    if f.state == "ACTIVE":
        query = query.where(or_(DirectoryNumber.state.is_(None), DirectoryNumber.state == "ACTIVE"))
    elif f.state == "INACTIVE":
        query = query.where(DirectoryNumber.state == "INACTIVE")
    if f.toll_free is not None:
        toll_free = DirectoryNumber.number_type == "TOLLFREE"
        query = query.where(
            toll_free if f.toll_free else or_(~toll_free, DirectoryNumber.number_type.is_(None))
        )
    return query


def list_(
    session: Session, *, scope: OrgScope, filters: NumberFilters, page: PageRequest
) -> list[Any]:
    """The organization's numbers and extensions with their owners, phone numbers first in
    ascending order, then extensions; one extra row to detect a next page."""
    scope.actor.require(Permission.CALLING_READ)
    if scope.customer is None:
        return []
    query = _filtered(_base(scope.customer.id), filters).order_by(
        DirectoryNumber.phone_number.is_(None),
        DirectoryNumber.phone_number,
        DirectoryNumber.extension,
        DirectoryNumber.id,
    )
    return list(session.execute(query.offset(page.offset).limit(page.limit + 1)))


def counts(session: Session, *, scope: OrgScope) -> dict[str, int]:
    """The organization's numbers by kind (`details=true`)."""
    scope.actor.require(Permission.CALLING_READ)
    result = dict.fromkeys(
        ("assigned", "un_assigned", "in_active", "extension_only", "toll_free_numbers", "total"), 0
    )
    if scope.customer is None:
        return result
    rows = session.scalars(
        select(DirectoryNumber).where(DirectoryNumber.customer_id == scope.customer.id)
    )
    for row in rows:
        result["total"] += 1
        if row.phone_number is None:
            result["extension_only"] += 1
            continue
        held = bool(row.subscriber_id or row.workspace_id or row.queue_id or row.hunt_group_id)
        result["assigned" if held else "un_assigned"] += 1
        result["in_active"] += row.state == "INACTIVE"
        result["toll_free_numbers"] += row.number_type == "TOLLFREE"
    return result


def to_out(row: Any) -> dict[str, Any]:
    """One number as the public API lists it."""
    number: DirectoryNumber = row.DirectoryNumber
    owner = None
    if number.subscriber_id is not None:
        owner = {
            "id": row.user_id,
            "type": "PEOPLE",
            "firstName": row.first_name,
            "lastName": row.last_name,
            "displayName": f"{row.first_name} {row.last_name}",
        }
    elif number.workspace_id is not None:
        owner = {"id": number.workspace_id, "type": "PLACE", "displayName": row.display_name}
    elif row.queue_id is not None:
        owner = {"id": row.queue_id, "type": "CALL_QUEUE", "displayName": row.queue_name}
    elif number.hunt_group_id is not None:
        owner = {
            "id": number.hunt_group_id,
            "type": "HUNT_GROUP",
            "displayName": row.hunt_group_name,
        }
    out: dict[str, Any] = {
        "phoneNumber": number.phone_number,
        "extension": number.extension,
        "mainNumber": False,
        "tollFreeNumber": number.number_type == "TOLLFREE",
        "isServiceNumber": False,
        "location": {"id": number.location_id, "name": row.location_name},
        "owner": owner,
    }
    if number.phone_number is not None:
        out["state"] = number.state or "ACTIVE"
        out["phoneNumberType"] = "PRIMARY"
        out["includedTelephonyTypes"] = "PSTN_NUMBER"
    return out
