"""Finding customers: one by ID for the acting partner (locked or not), their packages and
locations, the `GET /customers` listing and its wire form, the view billing reports join, and
the lookups that ignore the tenant (`_unscoped`). Reads only: the other modules of the package
build on these.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, false, func, or_, select
from sqlalchemy.orm import Session

from tukku.core.errors import Codes, NotFound
from tukku.core.pagination import PageRequest
from tukku.customers.models import Customer, CustomerPackage, Location
from tukku.customers.rules import PackageStatus
from tukku.customers.schemas import (
    AddressOut,
    AttachmentOut,
    CustomerOut,
    ErrorOut,
    PackageOut,
    ResourceDetailsOut,
)
from tukku.identity import service as identity
from tukku.identity.actor import Actor, sees_bound
from tukku.identity.permissions import Permission

LIVE = Customer.removed_at.is_(None)


def get_or_404(
    session: Session,
    *,
    actor: Actor,
    customer_id: str,
    for_update: bool = False,
    for_share: bool = False,
    field_name: str | None = None,
) -> Customer:
    """A live customer the actor may manage; 404 for unknown, removed or another tenant's.

    `for_update` locks the row against everyone (changing the customer itself); `for_share`
    only against changes of the customer (adding subscribers side by side).
    """
    actor.require(Permission.CUSTOMERS_READ)
    lock = "update" if for_update else "share" if for_share else None
    query = _visible_customer(actor.is_parent, lock)
    customer = session.scalars(query, {**actor.bound(), "customer_id": customer_id}).first()
    if customer is None:
        raise NotFound("customer", Codes.CUSTOMER_NOT_FOUND, field_name=field_name)
    return customer


@functools.cache
def _visible_customer(parent: bool, lock: str | None) -> Select[Customer]:
    query = select(Customer).where(
        Customer.id == bindparam("customer_id"), sees_bound(Customer.owner_org_id, parent=parent)
    )
    query = query.where(LIVE)
    return query.with_for_update(read=lock == "share") if lock else query


def lock_unscoped(session: Session, customer_id: str, *, shared: bool = False) -> Customer | None:
    """A customer by ID with its row locked, regardless of tenant (jobs already hold the ID).

    A shared lock keeps the customer from changing while subscribers of it change.
    """
    return session.scalars(_LOCKED[shared], {"customer_id": customer_id}).first()


_LOCKED = {
    shared: select(Customer)
    .where(Customer.id == bindparam("customer_id"))
    .with_for_update(read=shared)
    for shared in (False, True)
}
_PACKAGE_LOCKED = (
    select(CustomerPackage).where(CustomerPackage.id == bindparam("package_id")).with_for_update()
)
_PACKAGES = (
    select(CustomerPackage)
    .where(CustomerPackage.customer_id.in_(bindparam("customer_ids", expanding=True)))
    .order_by(CustomerPackage.id)
)
_PACKAGE = select(CustomerPackage).where(
    CustomerPackage.customer_id == bindparam("customer_id"),
    CustomerPackage.name == bindparam("name"),
)
_HEADQUARTERS = select(Location).where(
    Location.customer_id == bindparam("customer_id"), Location.is_headquarters
)
_LOCATION = select(Location).where(
    Location.customer_id == bindparam("customer_id"), Location.id == bindparam("location_id")
)


def lock_package(session: Session, package_id: int) -> CustomerPackage | None:
    """A customer package row, locked, to count against its limit without racing others."""
    return session.scalars(_PACKAGE_LOCKED, {"package_id": package_id}).first()


def packages_of(session: Session, customer_ids: list[str]) -> dict[str, list[CustomerPackage]]:
    """The package rows of several customers at once, in the order they were added."""
    result: dict[str, list[CustomerPackage]] = {cid: [] for cid in customer_ids}
    for row in session.scalars(_PACKAGES, {"customer_ids": customer_ids}):
        result[row.customer_id].append(row)
    return result


def package_row(session: Session, customer_id: str, name: str) -> CustomerPackage | None:
    """One package of a customer."""
    return session.scalars(_PACKAGE, {"customer_id": customer_id, "name": name}).first()


def headquarters(session: Session, customer_id: str) -> Location | None:
    """The customer's headquarters calling location, if it has one."""
    return session.scalars(_HEADQUARTERS, {"customer_id": customer_id}).first()


def location_of(session: Session, customer_id: str, location_id: str) -> Location | None:
    """One of the customer's locations."""
    return session.scalars(
        _LOCATION, {"customer_id": customer_id, "location_id": location_id}
    ).first()


def managed_by_org(session: Session, *, actor: Actor, org_id: str) -> Customer:
    """The live customer whose organization is `org_id`, if the actor manages it (its own or,
    for a parent, a sub-partner's); 404 naming `orgId` for any other organization."""
    customer = session.scalars(
        select(Customer).where(Customer.org_id == org_id, actor.sees(Customer.owner_org_id), LIVE)
    ).first()
    if customer is None:
        raise NotFound("organization", field_name="orgId")
    return customer


def locations_of_org(session: Session, *, actor: Actor, org_id: str) -> list[Location]:
    """The locations of a customer organization the actor manages; 404 for any other org."""
    actor.require(Permission.CUSTOMERS_READ)
    customer = managed_by_org(session, actor=actor, org_id=org_id)
    return list(
        session.scalars(
            select(Location)
            .where(Location.customer_id == customer.id)
            .order_by(Location.created_at, Location.id)
        )
    )


@dataclass(frozen=True)
class CustomerFilters:
    """List filters of `GET /customers`."""

    external_id: str | None = None
    org_id: str | None = None
    statuses: tuple[str, ...] = ()
    # The portal's search box: part of the name (any case) or the whole externalId.
    search: str | None = None


def list_(
    session: Session, *, actor: Actor, filters: CustomerFilters, page: PageRequest
) -> list[Customer]:
    """The actor's live customers, oldest first (one extra row to detect a next page).

    A parent's plain list leaves its sub-partners' customers out; an exact `externalId` or
    `orgId` search finds them too.
    """
    actor.require(Permission.CUSTOMERS_READ)
    explicit = filters.external_id is not None or filters.org_id is not None
    scope = actor.sees if explicit else actor.owns
    query = select(Customer).where(scope(Customer.owner_org_id), LIVE)
    if filters.external_id is not None:
        query = query.where(Customer.external_id == filters.external_id)
    if filters.org_id is not None:
        query = query.where(Customer.org_id == filters.org_id)
    if filters.statuses:
        query = query.where(Customer.status.in_(filters.statuses))
    if filters.search:
        query = query.where(
            or_(
                Customer.name.icontains(filters.search, autoescape=True),
                Customer.external_id == filters.search,
            )
        )
    query = query.order_by(Customer.created_at, Customer.seq)
    return list(session.scalars(query.offset(page.offset).limit(page.limit + 1)))


def _errors(items: list[dict[str, object]]) -> list[ErrorOut] | None:
    return [ErrorOut.model_validate(e) for e in items] or None


def to_out(
    customer: Customer,
    packages: list[CustomerPackage],
    *,
    include_licenses: bool = False,
    attachment: AttachmentOut | None = None,
) -> CustomerOut:
    """The wire form of a customer; `orgId` appears once the organization exists."""
    details = [
        PackageOut(
            name=p.name,
            status=p.status,
            warnings=_errors(p.warnings),
            errors=_errors(p.errors),
            license_ids=[p.license_id] if include_licenses and p.license_id else None,
        )
        for p in packages
    ]
    return CustomerOut(
        id=customer.id,
        org_id=customer.org_id,
        external_id=customer.external_id,
        address=AddressOut(
            address_line1=customer.address_line1,
            address_line2=customer.address_line2,
            city=customer.city,
            state_or_province=customer.state_or_province,
            zip_or_postal_code=customer.zip_or_postal_code,
            country=customer.country,
        ),
        status=customer.status,
        packages=[p.name for p in packages if p.status != PackageStatus.DELETING],
        resource_details=ResourceDetailsOut(packages=details),
        errors=_errors(customer.errors),
        restricted_by_partner=customer.restricted_by_partner,
        attachment=attachment,
    )


def billing_view() -> Any:
    """Customers as billing reports see them: `customer_id`, `org_id`, `external_id` and whether
    the organization is one of the platform's internal test organizations (`internal`)."""
    orgs = identity.org_flags()
    return (
        select(
            Customer.id.label("customer_id"),
            Customer.org_id.label("org_id"),
            Customer.external_id.label("external_id"),
            func.coalesce(orgs.c.internal, false()).label("internal"),
        )
        .outerjoin(orgs, orgs.c.org_id == Customer.org_id)
        .subquery("billed_customers")
    )


def by_org_unscoped(session: Session, org_id: str) -> Customer | None:
    """The live wholesale customer of an organization, if it has one, whoever asks (callers have
    already established who the organization is: its own administrator, or a job)."""
    return session.scalars(select(Customer).where(Customer.org_id == org_id, LIVE)).first()
