"""Provisioning a subscriber, by a partner (`POST /subscribers`) or by the customer's own
administrator: the plan's first problem is raised, else the subscriber is stored with its user
at once, or waits for the user's consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tukku.core.errors import invalid_all
from tukku.core.ids import new_id
from tukku.customers import service as customers
from tukku.customers.models import Customer
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.identity.principal import Principal
from tukku.subscribers.models import Subscriber
from tukku.subscribers.rules import EmailOwner, Status
from tukku.subscribers.schemas import SubscriberCreate
from tukku.subscribers.service._consent import Links, _send_consent
from tukku.subscribers.service._lifecycle import _activate, _audit
from tukku.subscribers.service._numbers import _add_numbers
from tukku.subscribers.service._plan import check_request, plan_subscriber


@dataclass(frozen=True)
class Provisioned:
    """A new subscriber, and whether it waits for the user's consent (answer 202, not 200)."""

    subscriber: Subscriber
    pending: bool
    external_customer_id: str


def provision(
    session: Session, *, actor: Actor, data: SubscriberCreate, now: datetime, links: Links
) -> Provisioned:
    """Give a user of a customer one package: at once, or after the user's consent."""
    actor.require(Permission.SUBSCRIBERS_WRITE)
    problems = check_request(data).problems
    if problems:
        raise invalid_all(problems)
    customer = customers.get_or_404(
        session, actor=actor, customer_id=data.customer_id, for_share=True, field_name="customerId"
    )
    return provision_into(session, customer=customer, data=data, now=now, links=links, actor=actor)


def provision_into(
    session: Session,
    *,
    customer: Customer,
    data: SubscriberCreate,
    now: datetime,
    links: Links,
    actor: Actor | None = None,
    principal: Principal | None = None,
) -> Provisioned:
    """Provision a subscriber into a customer the caller was already allowed to act on (by a
    partner, `actor`; by the customer's own administrator, `principal`)."""
    plan = plan_subscriber(session, customer=customer, data=data, lock=True)
    plan.findings.raise_first()
    package, email, params = plan.request.package, plan.request.email, plan.request.parameters
    assert package is not None and email is not None
    subscriber = Subscriber(
        id=new_id("SUBSCRIBER"),
        customer_id=customer.id,
        owner_org_id=customer.owner_org_id,
        partner_org_id=customer.partner_org_id,
        email=email,
        first_name=(params.first_name or "").strip(),
        last_name=(params.last_name or "").strip(),
        package=package,
        status=Status.PENDING_USER_MIGRATION,
        location_id=plan.location.id if plan.location else None,
        errors=[],
        created_at=now,
        last_status_change=now,
    )
    pending = plan.owner is EmailOwner.OUTSIDE
    user = plan.user
    if pending:
        _send_consent(session, subscriber, customer, links, now)
    else:
        if user is None:
            assert customer.org_id is not None
            user = identity.create_user(
                session,
                org_id=customer.org_id,
                email=email,
                first_name=subscriber.first_name,
                last_name=subscriber.last_name,
                now=now,
            )
        _activate(session, subscriber, customer, user, now)
    session.add(subscriber)
    session.flush()  # before its numbers: they refer to it
    if plan.numbers is not None and plan.location is not None:
        _add_numbers(session, subscriber, plan.location, plan.numbers, now)
    session.flush()
    _audit(session, "subscriber.provision", subscriber, now, actor=actor, principal=principal)
    return Provisioned(subscriber, pending=pending, external_customer_id=customer.external_id)
