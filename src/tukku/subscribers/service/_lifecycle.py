"""Steps that provisioning, consent and changes share: activating a subscriber (the
administrator role of an organization's first one, billing, the welcome mail), starting its
billing, ending it, and the audit record of each change. Separate so that those modules import
these steps without importing one another.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.catalog.packages import catalog
from tukku.core.metrics import observe_provisioned
from tukku.customers.models import Customer
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.models import User
from tukku.identity.principal import Principal
from tukku.identity.rules import Role
from tukku.mail.service import queue_mail
from tukku.metering import service as metering
from tukku.onboarding import service as onboarding
from tukku.subscribers import ending
from tukku.subscribers.models import Subscriber
from tukku.subscribers.rules import Status, becomes_admin
from tukku.subscribers.service._numbers import _release_numbers

AUDITED = ("email", "customer_id", "package", "status", "user_id", "location_id")


def _start_billing(
    session: Session, subscriber: Subscriber, customer: Customer, now: datetime
) -> None:
    """Open the ledger interval of the subscriber's current package."""
    metering.open_assignment(
        session,
        partner_org_id=customer.partner_org_id,
        sub_partner_org_id=customer.sub_partner_org_id,
        customer_id=customer.id,
        subscriber_id=subscriber.id,
        user_id=subscriber.user_id,
        location_id=subscriber.location_id,
        package=subscriber.package,
        at=now,
    )


def _org_has_admin(session: Session, org_id: str) -> bool:
    """Whether the organization has an administrator, deciding under a lock when it has none,
    so that two first subscribers provisioned at once do not both become administrators."""
    if identity.org_has_role(session, org_id, Role.CUSTOMER_FULL_ADMIN):
        return True
    identity.lock_org(session, org_id)
    return identity.org_has_role(session, org_id, Role.CUSTOMER_FULL_ADMIN)


def _activate(
    session: Session, subscriber: Subscriber, customer: Customer, user: User, now: datetime
) -> None:
    """The subscriber's user is in the customer organization: billing starts, mail goes out.
    The time since it was requested goes into the metrics (nil at once, or the wait for the
    user's consent)."""
    assert customer.org_id is not None
    admin = becomes_admin(
        attached=customer.attached, org_has_admin=_org_has_admin(session, customer.org_id)
    )
    if admin:
        identity.grant_role(session, user=user, role=Role.CUSTOMER_FULL_ADMIN, now=now)
    subscriber.user_id = user.id
    subscriber.status = Status.PROVISIONED
    subscriber.last_status_change = now
    observe_provisioned(
        session,
        resource="subscriber",
        outcome=Status.PROVISIONED.value,
        accepted_at=subscriber.created_at,
        now=now,
    )
    _start_billing(session, subscriber, customer, now)
    brand = onboarding.brand_name_of(session, customer.template_id)
    role_line = f"You are the administrator of {customer.name}.\n" if admin else ""
    queue_mail(
        session,
        to=subscriber.email,
        subject=f"Welcome to {brand}",
        body=(
            f"Hello {subscriber.first_name},\n\n{customer.name} has given you "
            f"{catalog()[subscriber.package].display_name} on {brand}.\n{role_line}"
        ),
        kind="welcome",
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        customer_org_id=customer.org_id,
    )


def _end(session: Session, subscriber: Subscriber, now: datetime) -> None:
    metering.close_subscriber_assignment(session, subscriber_id=subscriber.id, at=now)
    _release_numbers(session, subscriber)
    ending.run(session, customer_id=subscriber.customer_id, user_id=subscriber.user_id, now=now)
    subscriber.status = Status.REMOVED
    subscriber.removed_at = now
    subscriber.last_status_change = now


def _audit(
    session: Session,
    action: str,
    subscriber: Subscriber,
    now: datetime,
    *,
    actor: Actor | None = None,
    principal: Principal | None = None,
    before: dict[str, Any] | None = None,
) -> None:
    """Record a change of a subscriber, with its state afterwards."""
    audit.record(
        session,
        actor=actor,
        principal=principal,
        action=action,
        target_type="subscriber",
        target_id=subscriber.id,
        now=now,
        partner_org_id=subscriber.partner_org_id,
        owner_org_id=subscriber.owner_org_id,
        before=before,
        after=audit.snapshot(subscriber, AUDITED),
    )
