"""Adding a calling location to a provisioned customer (the set-up of a new customer's sites,
after the headquarters that provisioning made): checked by the same rules as the headquarters
of `POST /customers`, names unique within the customer, audited.

`add_site`, `replace_site`, `enable_calling` and `remove_site` change the rows for the public
Locations API (`calling.locations`, `calling.location_calling_service`), which checks,
authorizes and audits the request itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.audit import service as audit
from tukku.core.errors import invalid_all
from tukku.customers.models import Location
from tukku.customers.rules import (
    CallingLocation,
    SiteDetails,
    check_calling_location,
    location_name_problem,
)
from tukku.customers.schemas import CallingLocationIn
from tukku.customers.service._lookup import get_or_404
from tukku.customers.service._provision import add_location, set_address
from tukku.customers.service._status import require_ready
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission

AUDITED = ("name", "timezone", "language", "address_line1", "city", "country")


def create_location(
    session: Session, *, actor: Actor, customer_id: str, data: CallingLocationIn, now: datetime
) -> Location:
    """A new calling location of a provisioned customer; every problem with it at once (400),
    fields named `name`, `timezone`, `language`, `address.*`."""
    actor.require(Permission.CUSTOMERS_WRITE)
    customer = get_or_404(session, actor=actor, customer_id=customer_id, for_update=True)
    partners.ensure_may_change(session, customer.owner_org_id)
    require_ready(customer)
    location, problems = check_calling_location(data, prefix="")
    taken = session.scalars(select(Location.name).where(Location.customer_id == customer.id))
    clash = location_name_problem(list(taken), data.name, "name")
    if clash is not None:
        problems.append(clash)
    if problems or location is None:
        raise invalid_all(problems)
    row = add_location(session, customer_id=customer.id, location=location, now=now, hq=False)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="location.create",
        target_type="location",
        target_id=row.id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        after={**audit.snapshot(row, AUDITED), "customerId": customer.id},
    )
    return row


def _set_details(row: Location, details: SiteDetails) -> None:
    row.announcement_language = details.announcement_language
    row.latitude = details.latitude
    row.longitude = details.longitude
    row.notes = details.notes


def add_site(
    session: Session,
    *,
    customer_id: str,
    location: CallingLocation,
    details: SiteDetails,
    now: datetime,
) -> Location:
    """A new location of the customer, with what the Locations API adds to it; as in Webex, it
    has no calling until it is enabled for Webex Calling (`enable_calling`)."""
    row = add_location(session, customer_id=customer_id, location=location, now=now, hq=False)
    row.calling_enabled = False
    _set_details(row, details)
    session.flush()
    return row


def replace_site(row: Location, *, location: CallingLocation, details: SiteDetails) -> None:
    """Give a location these checked settings (the caller merged what a request left out);
    its emergency location identifier, set at provisioning, stays."""
    row.name = location.name
    row.timezone = location.timezone
    row.language = location.language
    set_address(row, location.address)
    _set_details(row, details)


def enable_calling(row: Location) -> None:
    """Give a location made through the Locations API Webex Calling (the caller checked it
    had none)."""
    row.calling_enabled = True


def remove_site(session: Session, row: Location) -> None:
    """Delete a location nothing refers to any more (the caller checked)."""
    session.delete(row)
    session.flush()
