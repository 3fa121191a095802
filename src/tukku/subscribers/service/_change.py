"""Changing and ending subscribers: a package change (its numbers and billing follow), removal
of one subscriber or of every subscriber of a customer, and a user's new e-mail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.audit import service as audit
from tukku.catalog.packages import catalog
from tukku.core.errors import Codes, DomainError, InvalidState, invalid_all
from tukku.customers import service as customers
from tukku.customers.models import Customer
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.identity.principal import Principal
from tukku.metering import service as metering
from tukku.subscribers.models import Subscriber
from tukku.subscribers.rules import Status, check_numbers, choose_package
from tukku.subscribers.schemas import SubscriberUpdate
from tukku.subscribers.service._lifecycle import AUDITED, _audit, _end, _start_billing
from tukku.subscribers.service._lookup import ACTIVE, active_of_user, get_or_404
from tukku.subscribers.service._numbers import (
    _add_numbers,
    _calling_location,
    _check_numbers_free,
    _release_numbers,
    release_unassigned,
)
from tukku.subscribers.service._plan import _limit_problems, _usable_package


def update(
    session: Session, *, actor: Actor, subscriber_id: str, data: SubscriberUpdate, now: datetime
) -> Subscriber:
    """Change a subscriber's package; billing of the old one stops and the new one starts now."""
    actor.require(Permission.SUBSCRIBERS_WRITE)
    package, problems = choose_package(catalog(), data.package, data.packages)
    if problems or package is None:
        raise invalid_all(problems)
    subscriber = get_or_404(session, actor=actor, subscriber_id=subscriber_id)
    customer = customers.lock_unscoped(session, subscriber.customer_id, shared=True)
    assert customer is not None
    return change_package(
        session, subscriber=subscriber, customer=customer, data=data, now=now, actor=actor
    )


def change_package(
    session: Session,
    *,
    subscriber: Subscriber,
    customer: Customer,
    data: SubscriberUpdate,
    now: datetime,
    actor: Actor | None = None,
    principal: Principal | None = None,
) -> Subscriber:
    """Move a subscriber to another package (billing switches at `now`), for a caller already
    allowed to act on it: a partner (`actor`) or the customer's administrator (`principal`)."""
    package, problems = choose_package(catalog(), data.package, data.packages)
    if problems or package is None:
        raise invalid_all(problems)
    customers.require_ready(customer)
    partners.ensure_may_change(session, customer.owner_org_id)
    if subscriber.status != Status.PROVISIONED:
        # Not NOT_PENDING_MIGRATION (5012): that code means the opposite ("not waiting").
        reason = "the subscriber is waiting for the user's consent"
        raise InvalidState("status", reason, Codes.CONFLICT)
    if package == subscriber.package:
        return subscriber
    field_name = "package" if data.package is not None else "packages"
    row, problems = _usable_package(session, customer, package, field_name)
    if row is None:
        raise invalid_all(problems)
    limit = _limit_problems(session, customer, row, lock=True)
    if limit:
        raise DomainError(limit)
    was_calling, now_calling = catalog()[subscriber.package].calling, catalog()[package].calling
    if now_calling and not was_calling:
        params = data.provisioning_parameters
        prefix = "provisioningParameters"
        numbers, problems = check_numbers(
            params.extension if params else None,
            params.primary_phone_number if params else None,
            required=True,
            prefix=prefix,
        )
        if problems or numbers is None:
            raise invalid_all(problems)
        location, problems = _calling_location(
            session, customer, params.location_id if params else None, prefix
        )
        if location is None:
            raise invalid_all(problems)
        _check_numbers_free(session, customer.id, numbers, prefix, location)
        _add_numbers(session, subscriber, location, numbers, now)
    elif was_calling and not now_calling:
        _release_numbers(session, subscriber)
    before = audit.snapshot(subscriber, AUDITED)
    metering.close_subscriber_assignment(session, subscriber_id=subscriber.id, at=now)
    subscriber.package = package
    _start_billing(session, subscriber, customer, now)
    session.flush()
    changed = "subscriber.update"
    _audit(session, changed, subscriber, now, actor=actor, principal=principal, before=before)
    return subscriber


def remove(session: Session, *, actor: Actor, subscriber_id: str, now: datetime) -> None:
    """Take the package away: billing stops now; the user stays in its organization."""
    actor.require(Permission.SUBSCRIBERS_WRITE)
    subscriber = get_or_404(session, actor=actor, subscriber_id=subscriber_id)
    customers.lock_unscoped(session, subscriber.customer_id, shared=True)
    before = audit.snapshot(subscriber, AUDITED)
    _end(session, subscriber, now)
    _audit(session, "subscriber.remove", subscriber, now, actor=actor, before=before)


def remove_all_for_customer(session: Session, *, customer_id: str, now: datetime) -> int:
    """End every subscriber of a customer whose wholesale services are being removed."""
    subscribers = list(
        session.scalars(select(Subscriber).where(Subscriber.customer_id == customer_id, ACTIVE))
    )
    for subscriber in subscribers:
        _end(session, subscriber, now)
    release_unassigned(session, customer_id)
    return len(subscribers)


def follow_email_change(session: Session, user_id: str, email: str) -> None:
    """A user's primary e-mail changed: its subscriber follows."""
    subscriber = active_of_user(session, user_id)
    if subscriber is not None:
        subscriber.email = email
