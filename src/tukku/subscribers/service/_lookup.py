"""Finding subscribers: one by ID for the acting partner, the `GET /subscribers` listing and its
wire form, and the lookups other domains make (by organization, by user, how many hold a
package). Reads only: the other modules of the package build on these.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from tukku.core.errors import Codes, NotFound
from tukku.core.pagination import PageRequest
from tukku.core.timefmt import iso
from tukku.customers.models import Customer
from tukku.identity.actor import Actor, sees_bound
from tukku.identity.models import User
from tukku.identity.permissions import Permission
from tukku.subscribers.models import Subscriber
from tukku.subscribers.rules import Status
from tukku.subscribers.schemas import SubscriberErrorOut, SubscriberOut

ACTIVE = Subscriber.removed_at.is_(None)


def get_or_404(
    session: Session, *, actor: Actor, subscriber_id: str, field_name: str | None = None
) -> Subscriber:
    """An active subscriber the actor may manage; 404 for anyone else's."""
    actor.require(Permission.SUBSCRIBERS_READ)
    query = _visible_subscriber(actor.is_parent)
    subscriber = session.scalars(query, {**actor.bound(), "subscriber_id": subscriber_id}).first()
    if subscriber is None:
        raise NotFound("subscriber", Codes.SUBSCRIBER_NOT_FOUND, field_name=field_name)
    return subscriber


@functools.cache
def _visible_subscriber(parent: bool) -> Select[Subscriber]:
    return select(Subscriber).where(
        Subscriber.id == bindparam("subscriber_id"),
        sees_bound(Subscriber.owner_org_id, parent=parent),
        ACTIVE,
    )


def count_holding(session: Session, customer_id: str, packages: list[str]) -> dict[str, int]:
    """How many active subscribers of a customer hold each of `packages`."""
    rows = session.execute(
        select(Subscriber.package, func.count())
        .where(Subscriber.customer_id == customer_id, Subscriber.package.in_(packages), ACTIVE)
        .group_by(Subscriber.package)
    )
    counts = dict.fromkeys(packages, 0)
    counts.update({name: int(n) for name, n in rows})
    return counts


@dataclass(frozen=True)
class SubscriberFilters:
    """List filters of `GET /subscribers`."""

    customer_id: str | None = None
    person_id: str | None = None
    external_customer_id: str | None = None
    email: str | None = None
    status: str | None = None
    after: datetime | None = None
    last_status_change: datetime | None = None
    sort_by: str = "created"
    descending: bool = False


def list_(
    session: Session, *, actor: Actor, filters: SubscriberFilters, page: PageRequest
) -> list[tuple[Subscriber, str]]:
    """Active subscribers with their customer's externalId, one extra to detect a next page."""
    actor.require(Permission.SUBSCRIBERS_READ)
    explicit = any(
        v is not None
        for v in (
            filters.customer_id,
            filters.person_id,
            filters.external_customer_id,
            filters.email,
        )
    )
    scope = actor.sees if explicit else actor.owns
    query = (
        select(Subscriber, Customer.external_id)
        .join(Customer, Customer.id == Subscriber.customer_id)
        .where(scope(Subscriber.owner_org_id), ACTIVE)
    )
    if filters.customer_id is not None:
        query = query.where(Subscriber.customer_id == filters.customer_id)
    if filters.person_id is not None:
        query = query.where(Subscriber.user_id == filters.person_id)
    if filters.external_customer_id is not None:
        query = query.where(Customer.external_id == filters.external_customer_id)
    if filters.email is not None:
        query = query.where(Subscriber.email == filters.email.strip().lower())
    if filters.status is not None:
        query = query.where(Subscriber.status == filters.status)
    if filters.after is not None:
        query = query.where(Subscriber.created_at > filters.after)
    if filters.last_status_change is not None:
        query = query.where(Subscriber.last_status_change > filters.last_status_change)
    column = (
        Subscriber.last_status_change
        if filters.sort_by == "lastStatusChange"
        else (Subscriber.created_at)
    )
    order = (
        (column.desc(), Subscriber.seq.desc()) if filters.descending else (column, Subscriber.seq)
    )
    rows = session.execute(query.order_by(*order).offset(page.offset).limit(page.limit + 1))
    return [(s, ext) for s, ext in rows]


def external_id_of(session: Session, subscriber: Subscriber) -> str:
    """The externalId of the subscriber's customer."""
    value = session.scalar(
        select(Customer.external_id).where(Customer.id == subscriber.customer_id)
    )
    return value or ""


def to_out(subscriber: Subscriber, external_customer_id: str) -> SubscriberOut:
    """The wire form; `personId` only once provisioned."""
    provisioned = subscriber.status == Status.PROVISIONED
    return SubscriberOut(
        id=subscriber.id,
        person_id=subscriber.user_id if provisioned else None,
        email=subscriber.email,
        customer_id=subscriber.customer_id,
        external_customer_id=external_customer_id,
        package=subscriber.package,
        packages=[subscriber.package],
        status=subscriber.status,
        errors=[SubscriberErrorOut.model_validate(e) for e in subscriber.errors] or None,
        created=iso(subscriber.created_at),
        last_status_change=iso(subscriber.last_status_change),
    )


def active_in_org(session: Session, org_id: str) -> list[Subscriber]:
    """The active subscribers whose users belong to an organization."""
    return list(
        session.scalars(
            select(Subscriber)
            .join(User, User.id == Subscriber.user_id)
            .where(User.org_id == org_id, ACTIVE)
        )
    )


def active_of_user(session: Session, user_id: str) -> Subscriber | None:
    """A user's active subscriber, if it is one."""
    return session.scalars(select(Subscriber).where(Subscriber.user_id == user_id, ACTIVE)).first()
