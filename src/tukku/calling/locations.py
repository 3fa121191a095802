"""Use cases of the public Locations API (`/v1/locations` and floors) on a customer's set-up.

Locations are the `customers` domain's rows (a customer's headquarters, made at provisioning,
is its first): this module checks, authorizes and audits each request and lets
`customers.service` change the rows. Every query is scoped by the scope's customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.audit import service as audit
from tukku.calling.access import OrgScope
from tukku.calling.hunt_groups_models import HuntGroup
from tukku.calling.location_calling_models import LocationCallingSettings
from tukku.calling.locations_models import Floor
from tukku.calling.locations_rules import (
    CREATE_REQUIRED,
    LocationDraft,
    check_floor,
    check_location,
    coordinate,
    deletion_problem,
    name_clash,
)
from tukku.calling.locations_schemas import (
    FloorIn,
    FloorOut,
    LocationAddressOut,
    LocationIn,
    LocationOut,
)
from tukku.calling.queues_models import CallQueue
from tukku.calling.workspaces_models import Workspace
from tukku.core.errors import Codes, Conflict, DomainError, NotFound, invalid_all
from tukku.core.ids import new_id
from tukku.core.pagination import PageRequest
from tukku.customers import service as customers
from tukku.customers.models import Customer, Location
from tukku.identity.permissions import Permission
from tukku.setup_assist import service as setup_assist
from tukku.subscribers.models import DirectoryNumber, Subscriber

AUDITED = (
    "name",
    "timezone",
    "language",
    "announcement_language",
    "address_line1",
    "address_line2",
    "city",
    "state_or_province",
    "zip_or_postal_code",
    "country",
    "latitude",
    "longitude",
    "notes",
)
FLOOR_AUDITED = ("location_id", "floor_number", "display_name")


def location_missing() -> NotFound:
    """The one answer for an unknown location and another organization's."""
    return NotFound("location", Codes.LOCATION_NOT_FOUND, field_name="locationId")


def floor_missing() -> NotFound:
    """The one answer for an unknown floor and another location's."""
    return NotFound("floor", Codes.FLOOR_NOT_FOUND, field_name="floorId")


_OWNER = (
    select(Customer.org_id)
    .join(Location, Location.customer_id == Customer.id)
    .where(Location.id == bindparam("location_id"))
)


def owner_org(session: Session, location_id: str) -> str | None:
    """The organization a location belongs to, whoever asks (to resolve a request naming it
    without `orgId`; `resolve.scope_of` then checks the caller reaches it)."""
    return session.scalars(_OWNER, {"location_id": location_id}).first()


@dataclass(frozen=True)
class LocationFilters:
    """Filters of `GET /v1/locations`."""

    name: str | None = None
    location_id: str | None = None


def list_locations(
    session: Session, *, scope: OrgScope, filters: LocationFilters, page: PageRequest
) -> list[Location]:
    """The organization's locations, the headquarters first, then oldest first (one extra row
    to detect a next page)."""
    scope.actor.require(Permission.CALLING_READ)
    if scope.customer is None:
        return []
    query = select(Location).where(Location.customer_id == scope.customer.id)
    if filters.name:
        query = query.where(
            func.lower(Location.name).contains(filters.name.lower(), autoescape=True)
        )
    if filters.location_id:
        query = query.where(Location.id == filters.location_id)
    query = query.order_by(Location.is_headquarters.desc(), Location.created_at, Location.id)
    return list(session.scalars(query.offset(page.offset).limit(page.limit + 1)))


def get_location(
    session: Session, *, scope: OrgScope, location_id: str, for_update: bool = False
) -> Location:
    """One of the organization's locations; 404 for any other."""
    scope.actor.require(Permission.CALLING_READ)
    if scope.customer is None:
        raise location_missing()
    query = select(Location).where(
        Location.id == location_id, Location.customer_id == scope.customer.id
    )
    found = session.scalars(query.with_for_update() if for_update else query).first()
    if found is None:
        raise location_missing()
    return found


def to_out(location: Location, org_id: str) -> LocationOut:
    """The wire form of a location."""
    return LocationOut(
        id=location.id,
        name=location.name,
        org_id=org_id,
        address=LocationAddressOut(
            address1=location.address_line1,
            address2=location.address_line2,
            city=location.city,
            state=location.state_or_province,
            postal_code=location.zip_or_postal_code,
            country=location.country,
        ),
        time_zone=location.timezone,
        preferred_language=location.language.lower(),
        # Locations made before the Locations API announce in their preferred language.
        announcement_language=(location.announcement_language or location.language).lower(),
        latitude=location.latitude,
        longitude=location.longitude,
        notes=location.notes,
    )


def writable_customer(session: Session, scope: OrgScope) -> Customer:
    """The customer whose locations change, locked: the caller may manage locations, the
    customer is provisioned, its owner not suspended."""
    scope.actor.require(Permission.LOCATIONS_MANAGE)
    if scope.customer is None:
        raise Conflict(
            "orgId", "the organization has no wholesale calling", Codes.NO_CALLING_CUSTOMER
        )
    customer = customers.lock_unscoped(session, scope.customer.id)
    if customer is None:
        raise Conflict(
            "orgId", "the organization has no wholesale calling", Codes.NO_CALLING_CUSTOMER
        )
    partners.ensure_may_change(session, customer.owner_org_id)
    customers.require_ready(customer)
    return customer


def _draft(data: LocationIn, stored: Location | None) -> LocationDraft:
    """The request's fields over the stored ones (an update changes only what it names)."""
    address = data.address
    given = data.model_fields_set

    def pick(sent: str | None, field: str, kept: str | None) -> str | None:
        return sent if field in given else kept

    def part(name: str, kept: str | None) -> str | None:
        if address is None:
            return kept
        value: str | None = getattr(address, name)
        return value if name in address.model_fields_set else kept

    return LocationDraft(
        name=pick(data.name, "name", stored.name if stored else None),
        time_zone=pick(data.time_zone, "time_zone", stored.timezone if stored else None),
        preferred_language=pick(
            data.preferred_language, "preferred_language", stored.language if stored else None
        ),
        announcement_language=pick(
            data.announcement_language,
            "announcement_language",
            stored.announcement_language if stored else None,
        ),
        address1=part("address1", stored.address_line1 if stored else None),
        address2=part("address2", stored.address_line2 if stored else None),
        city=part("city", stored.city if stored else None),
        state=part("state", stored.state_or_province if stored else None),
        postal_code=part("postal_code", stored.zip_or_postal_code if stored else None),
        country=part("country", stored.country if stored else None),
        latitude=coordinate(data.latitude)
        if "latitude" in given
        else (stored.latitude if stored else None),
        longitude=coordinate(data.longitude)
        if "longitude" in given
        else (stored.longitude if stored else None),
        notes=pick(data.notes, "notes", stored.notes if stored else None),
    )


def _held(stored: Location) -> tuple[str, ...]:
    """On an update, what a location had stays required (older ones may lack some parts)."""
    draft = _draft(LocationIn(), stored)
    return tuple(wire for wire in CREATE_REQUIRED if draft.value(wire))


def _names_taken(session: Session, customer_id: str, except_id: str | None) -> list[str]:
    query = select(Location.name).where(Location.customer_id == customer_id)
    if except_id is not None:
        query = query.where(Location.id != except_id)
    return list(session.scalars(query))


def create_location(
    session: Session, *, scope: OrgScope, data: LocationIn, now: datetime
) -> Location:
    """A new location of the organization: every problem of the body at once (400), a name
    another location has (409)."""
    customer = writable_customer(session, scope)
    checked, problems = check_location(_draft(data, None), required=CREATE_REQUIRED)
    if problems or checked is None:
        raise invalid_all(problems)
    clash = name_clash(_names_taken(session, customer.id, None), checked.location.name)
    if clash is not None:
        raise DomainError([clash])
    row = customers.add_site(
        session,
        customer_id=customer.id,
        location=checked.location,
        details=checked.details,
        now=now,
    )
    audit.record(
        session,
        actor=scope.actor,
        action="location.create",
        target_type="location",
        target_id=row.id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        after={**audit.snapshot(row, AUDITED), "orgId": scope.org.id},
    )
    return row


def update_location(
    session: Session, *, scope: OrgScope, location_id: str, data: LocationIn, now: datetime
) -> Location:
    """Change what the body names, keep the rest; checked as a whole like a new location."""
    customer = writable_customer(session, scope)
    row = get_location(session, scope=scope, location_id=location_id, for_update=True)
    checked, problems = check_location(_draft(data, row), required=_held(row))
    if problems or checked is None:
        raise invalid_all(problems)
    clash = name_clash(_names_taken(session, customer.id, row.id), checked.location.name)
    if clash is not None:
        raise DomainError([clash])
    before = audit.snapshot(row, AUDITED)
    customers.replace_site(row, location=checked.location, details=checked.details)
    after = audit.snapshot(row, AUDITED)
    if after != before:
        audit.record(
            session,
            actor=scope.actor,
            action="location.update",
            target_type="location",
            target_id=row.id,
            now=now,
            partner_org_id=customer.partner_org_id,
            owner_org_id=customer.owner_org_id,
            before=before,
            after=after,
        )
    return row


_SUBSCRIBERS_AT = select(func.count()).where(
    Subscriber.location_id == bindparam("location_id"), Subscriber.removed_at.is_(None)
)
_SPARE_NUMBERS_AT = select(func.count()).where(
    DirectoryNumber.location_id == bindparam("location_id"),
    DirectoryNumber.subscriber_id.is_(None),
    DirectoryNumber.workspace_id.is_(None),
)
_WORKSPACES_AT = select(func.count()).where(Workspace.location_id == bindparam("location_id"))
_QUEUES_AT = select(func.count()).where(CallQueue.location_id == bindparam("location_id"))
_HUNT_GROUPS_AT = select(func.count()).where(HuntGroup.location_id == bindparam("location_id"))


def delete_location(session: Session, *, scope: OrgScope, location_id: str, now: datetime) -> None:
    """Delete a location, its floors and calling settings; 409 naming why while users, numbers,
    workspaces, call queues, hunt groups or Setup Assist orders are at it, or for the
    headquarters."""
    customer = writable_customer(session, scope)
    row = get_location(session, scope=scope, location_id=location_id, for_update=True)
    params = {"location_id": row.id}
    held = {
        "user": session.scalar(_SUBSCRIBERS_AT, params) or 0,
        "number": session.scalar(_SPARE_NUMBERS_AT, params) or 0,
        "workspace": session.scalar(_WORKSPACES_AT, params) or 0,
        "call queue": session.scalar(_QUEUES_AT, params) or 0,
        "hunt group": session.scalar(_HUNT_GROUPS_AT, params) or 0,
        "Setup Assist order": setup_assist.orders_at(session, row.id),
    }
    problem = deletion_problem(headquarters=row.is_headquarters, held=held)
    if problem is not None:
        raise DomainError([problem])
    before = audit.snapshot(row, AUDITED)
    floors = list(session.scalars(select(Floor).where(Floor.location_id == row.id)))
    for floor in floors:
        session.delete(floor)
    session.execute(
        delete(LocationCallingSettings).where(LocationCallingSettings.location_id == row.id)
    )
    session.flush()
    customers.remove_site(session, row)
    audit.record(
        session,
        actor=scope.actor,
        action="location.delete",
        target_type="location",
        target_id=location_id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        before={**before, "floors": len(floors)},
    )


# -- floors -------------------------------------------------------------------------------------


def floor_out(floor: Floor) -> FloorOut:
    """The wire form of a floor."""
    return FloorOut(
        id=floor.id,
        location_id=floor.location_id,
        floor_number=floor.floor_number,
        display_name=floor.display_name,
    )


def list_floors(session: Session, *, scope: OrgScope, location_id: str) -> list[Floor]:
    """Every floor of one of the organization's locations, lowest first."""
    location = get_location(session, scope=scope, location_id=location_id)
    query = (
        select(Floor).where(Floor.location_id == location.id).order_by(Floor.floor_number, Floor.id)
    )
    return list(session.scalars(query))


def get_floor(session: Session, *, scope: OrgScope, location_id: str, floor_id: str) -> Floor:
    """One floor of one of the organization's locations; 404 for any other."""
    location = get_location(session, scope=scope, location_id=location_id)
    found = session.scalars(
        select(Floor).where(Floor.id == floor_id, Floor.location_id == location.id)
    ).first()
    if found is None:
        raise floor_missing()
    return found


def _floor_clash(session: Session, location_id: str, number: int, except_id: str | None) -> None:
    query = select(Floor.id).where(Floor.location_id == location_id, Floor.floor_number == number)
    if except_id is not None:
        query = query.where(Floor.id != except_id)
    if session.scalars(query).first() is not None:
        reason = f"the location already has floor {number}"
        raise Conflict("floorNumber", reason, Codes.FLOOR_NUMBER_TAKEN)


def _audit_floor(
    session: Session,
    scope: OrgScope,
    customer: Customer,
    action: str,
    floor_id: str,
    now: datetime,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        actor=scope.actor,
        action=action,
        target_type="floor",
        target_id=floor_id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        before=before,
        after=after,
    )


def create_floor(
    session: Session, *, scope: OrgScope, location_id: str, data: FloorIn, now: datetime
) -> Floor:
    """A new floor of a location; its number unique within the location (409)."""
    customer = writable_customer(session, scope)
    location = get_location(session, scope=scope, location_id=location_id, for_update=True)
    checked, problems = check_floor(data.floor_number, data.display_name)
    if problems or checked is None:
        raise invalid_all(problems)
    number, name = checked
    _floor_clash(session, location.id, number, None)
    floor = Floor(
        id=new_id("FLOOR"),
        location_id=location.id,
        customer_id=customer.id,
        floor_number=number,
        display_name=name,
        created_at=now,
    )
    session.add(floor)
    session.flush()
    _audit_floor(
        session,
        scope,
        customer,
        "floor.create",
        floor.id,
        now,
        after=audit.snapshot(floor, FLOOR_AUDITED),
    )
    return floor


def update_floor(
    session: Session,
    *,
    scope: OrgScope,
    location_id: str,
    floor_id: str,
    data: FloorIn,
    now: datetime,
) -> Floor:
    """Replace a floor's number and name (a missing `displayName` clears it, as the
    reference says)."""
    customer = writable_customer(session, scope)
    location = get_location(session, scope=scope, location_id=location_id, for_update=True)
    floor = get_floor(session, scope=scope, location_id=location.id, floor_id=floor_id)
    checked, problems = check_floor(data.floor_number, data.display_name)
    if problems or checked is None:
        raise invalid_all(problems)
    number, name = checked
    _floor_clash(session, location.id, number, floor.id)
    before = audit.snapshot(floor, FLOOR_AUDITED)
    floor.floor_number = number
    floor.display_name = name
    after = audit.snapshot(floor, FLOOR_AUDITED)
    if after != before:
        _audit_floor(
            session, scope, customer, "floor.update", floor.id, now, before=before, after=after
        )
    return floor


def delete_floor(
    session: Session, *, scope: OrgScope, location_id: str, floor_id: str, now: datetime
) -> None:
    """Delete a floor of a location."""
    customer = writable_customer(session, scope)
    floor = get_floor(session, scope=scope, location_id=location_id, floor_id=floor_id)
    before = audit.snapshot(floor, FLOOR_AUDITED)
    session.delete(floor)
    session.flush()
    _audit_floor(session, scope, customer, "floor.delete", floor_id, now, before=before)
