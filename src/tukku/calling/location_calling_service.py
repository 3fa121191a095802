"""Use cases of the Webex Calling location API: enable a location made through the Locations
API for calling; list and read calling locations' details; set a location's main number and
PSTN connection. Every query is scoped by the scope's customer; changes are audited.

Who may do what follows the Locations API (reading: calling read; enabling and the main number:
managing locations), but the PSTN connection is the partner's, as numbers are: customer
administrators never manage it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.calling import locations
from tukku.calling.access import OrgScope
from tukku.calling.location_calling_models import LocationCallingSettings
from tukku.calling.location_calling_rules import check_connection, check_main_number
from tukku.calling.location_calling_schemas import (
    ConnectionIn,
    LocationCallingEnable,
    LocationCallingUpdate,
)
from tukku.calling.locations_schemas import LocationIn
from tukku.core.errors import Codes, Conflict, Invalid, NotFound, Problem, invalid_all
from tukku.core.pagination import PageRequest
from tukku.customers import service as customers
from tukku.customers.models import Customer, Location
from tukku.identity.permissions import Permission
from tukku.subscribers.models import DirectoryNumber

AUDITED = ("main_number", "connection_type", "connection_id")
# The fields of the enabling body that update the location itself.
LOCATION_FIELDS = frozenset(LocationIn.model_fields)


@dataclass(frozen=True)
class CallingDetails:
    """A calling-enabled location with its calling settings (None: none set yet)."""

    location: Location
    settings: LocationCallingSettings | None


def not_enabled() -> NotFound:
    """The answer for a location of the organization that has no Webex Calling."""
    return NotFound("calling location", Codes.LOCATION_CALLING_NOT_ENABLED, field_name="locationId")


def _settings(session: Session, location_id: str) -> LocationCallingSettings | None:
    return session.get(LocationCallingSettings, location_id)


def enable(
    session: Session, *, scope: OrgScope, data: LocationCallingEnable, now: datetime
) -> Location:
    """Enable Webex Calling at the organization's location `data.id` (400 without one, 404 for
    any other organization's, 409 if it has calling already). The body's location fields update
    the location first, checked as `PUT /v1/locations/{id}` checks them."""
    if not data.id:
        raise Invalid("id", "required: the location to enable", Codes.MISSING_FIELD)
    if data.org_id and data.org_id != scope.org.id:
        raise Invalid("orgId", "differs from the organization the request names")
    customer = locations.writable_customer(session, scope)
    row = customers.location_of(session, customer.id, data.id)
    if row is None:
        raise NotFound("location", Codes.LOCATION_NOT_FOUND, field_name="id")
    if row.calling_enabled:
        reason = "the location is already enabled for Webex Calling"
        raise Conflict("id", reason, Codes.LOCATION_CALLING_ENABLED)
    fields = set(LOCATION_FIELDS & data.model_fields_set)
    given = data.model_dump(include=fields, exclude_unset=True)
    locations.update_location(
        session,
        scope=scope,
        location_id=row.id,
        data=LocationIn.model_validate(given),
        now=now,
    )
    customers.enable_calling(row)
    session.flush()
    after = {"orgId": scope.org.id, "name": row.name}
    _audit(session, scope, customer, "location.calling.enable", row.id, now, after=after)
    return row


def list_(
    session: Session, *, scope: OrgScope, name: str | None, descending: bool, page: PageRequest
) -> list[CallingDetails]:
    """The organization's calling locations whose name contains `name` (any case), by name
    (one extra row to detect a next page)."""
    scope.actor.require(Permission.CALLING_READ)
    if scope.customer is None:
        return []
    query = (
        select(Location, LocationCallingSettings)
        .outerjoin(LocationCallingSettings, LocationCallingSettings.location_id == Location.id)
        .where(Location.customer_id == scope.customer.id, Location.calling_enabled.is_(True))
    )
    if name:
        query = query.where(func.lower(Location.name).contains(name.lower(), autoescape=True))
    order = Location.name.desc() if descending else Location.name
    query = query.order_by(order, Location.id).offset(page.offset).limit(page.limit + 1)
    return [CallingDetails(location, settings) for location, settings in session.execute(query)]


def get(session: Session, *, scope: OrgScope, location_id: str) -> CallingDetails:
    """The calling details of one of the organization's locations: 404 naming `locationId` for
    any other organization's, and for one without Webex Calling."""
    row = locations.get_location(session, scope=scope, location_id=location_id)
    if not row.calling_enabled:
        raise not_enabled()
    return CallingDetails(row, _settings(session, row.id))


def _writable(
    session: Session, scope: OrgScope, location_id: str, now: datetime
) -> tuple[Customer, Location, LocationCallingSettings]:
    customer = locations.writable_customer(session, scope)
    row = locations.get_location(session, scope=scope, location_id=location_id, for_update=True)
    if not row.calling_enabled:
        raise not_enabled()
    settings = _settings(session, row.id)
    if settings is None:
        settings = LocationCallingSettings(location_id=row.id, updated_at=now)
        session.add(settings)
    return customer, row, settings


def _numbers_at(session: Session, location: Location) -> set[str]:
    rows = session.scalars(
        select(DirectoryNumber.phone_number).where(
            DirectoryNumber.customer_id == location.customer_id,
            DirectoryNumber.location_id == location.id,
            DirectoryNumber.phone_number.is_not(None),
        )
    )
    return {number for number in rows if number is not None}


def update(
    session: Session,
    *,
    scope: OrgScope,
    location_id: str,
    data: LocationCallingUpdate,
    now: datetime,
) -> CallingDetails:
    """Change what the body names: the main number (`callingLineId.phoneNumber`, one of the
    location's phone numbers) and the PSTN connection (as `set_connection`); every problem at
    once (400)."""
    if data.connection is not None:
        scope.actor.require(Permission.PHONE_NUMBERS_MANAGE)
    customer, row, settings = _writable(session, scope, location_id, now)
    problems: list[Problem] = []
    number = None
    line = data.calling_line_id
    if line is not None and line.phone_number is not None:
        number, found = check_main_number(line.phone_number, _numbers_at(session, row))
        problems += found
    connection = None
    if data.connection is not None:
        connection, found = check_connection(
            data.connection.type, data.connection.id, prefix="connection."
        )
        problems += found
    if problems:
        raise invalid_all(problems)
    before = audit.snapshot(settings, AUDITED)
    if number is not None:
        settings.main_number = number
    if connection is not None:
        settings.connection_type, settings.connection_id = connection.type, connection.id
    _record_change(session, scope, customer, settings, before, now)
    return CallingDetails(row, settings)


def set_connection(
    session: Session, *, scope: OrgScope, location_id: str, data: ConnectionIn, now: datetime
) -> CallingDetails:
    """Set the location's PSTN connection: a TRUNK or ROUTE_GROUP and its ID (partners only)."""
    scope.actor.require(Permission.PHONE_NUMBERS_MANAGE)
    connection, problems = check_connection(data.type, data.id)
    if problems or connection is None:
        raise invalid_all(problems)
    customer, row, settings = _writable(session, scope, location_id, now)
    before = audit.snapshot(settings, AUDITED)
    settings.connection_type, settings.connection_id = connection.type, connection.id
    _record_change(session, scope, customer, settings, before, now)
    return CallingDetails(row, settings)


def _record_change(
    session: Session,
    scope: OrgScope,
    customer: Customer,
    settings: LocationCallingSettings,
    before: dict[str, Any],
    now: datetime,
) -> None:
    after = audit.snapshot(settings, AUDITED)
    if after == before:
        return
    settings.updated_at = now
    session.flush()
    _audit(
        session,
        scope,
        customer,
        "location.calling.update",
        settings.location_id,
        now,
        before=before,
        after=after,
    )


def _audit(
    session: Session,
    scope: OrgScope,
    customer: Customer,
    action: str,
    location_id: str,
    now: datetime,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=scope.actor,
        action=action,
        target_type="location",
        target_id=location_id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        before=before,
        after=after,
    )
