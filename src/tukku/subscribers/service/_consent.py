"""The consent flow: a subscriber whose e-mail belongs to a user outside the customer
organization waits until that user follows a signed link (`Links`). Building and sending the
link, sending it again, and reading and accepting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.core.errors import Codes, InvalidState, NotFound
from tukku.core.security import sign, unsign
from tukku.customers import service as customers
from tukku.customers.models import Customer
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.identity.principal import Principal
from tukku.mail.service import queue_mail
from tukku.onboarding import service as onboarding
from tukku.subscribers.models import Subscriber
from tukku.subscribers.rules import Status
from tukku.subscribers.service._lifecycle import AUDITED, _activate, _audit
from tukku.subscribers.service._lookup import ACTIVE, get_or_404

CONSENT_PURPOSE = "subscriber-consent"


@dataclass(frozen=True)
class Links:
    """How to build links that go out in e-mails: the public base URL and the signing secret."""

    base_url: str
    secret: str
    consent_max_age: timedelta


def consent_link(links: Links, subscriber: Subscriber, now: datetime) -> str:
    """The signed link a user follows to consent to joining the customer organization."""
    token = sign(
        links.secret, CONSENT_PURPOSE, subscriber.id, expires_at=now + links.consent_max_age
    )
    return f"{links.base_url}/v1/consent/{token}"


def _send_consent(
    session: Session, subscriber: Subscriber, customer: Customer, links: Links, now: datetime
) -> None:
    brand = onboarding.brand_name_of(session, customer.template_id)
    queue_mail(
        session,
        to=subscriber.email,
        subject=f"{customer.name} invites you to move your account to {brand}",
        body=(
            f"Hello {subscriber.first_name},\n\n{customer.name} would like your existing account "
            f"to join its organization on {brand}. Nothing moves without your consent.\n\n"
            f"Review and accept: {consent_link(links, subscriber, now)}\n"
        ),
        kind="consent",
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        customer_org_id=customer.org_id,
    )


def resend_consent(
    session: Session, *, actor: Actor, subscriber_id: str, now: datetime, links: Links
) -> None:
    """Send the consent e-mail again to a subscriber still waiting for it."""
    actor.require(Permission.SUBSCRIBERS_WRITE)
    subscriber = get_or_404(session, actor=actor, subscriber_id=subscriber_id)
    _resend(session, subscriber, links, now, actor=actor, principal=None)


def waiting_for_consent(session: Session, customer_id: str) -> list[Subscriber]:
    """A customer's subscribers waiting for their users' consent, oldest first (the caller has
    established whose customer it is: its own administrators')."""
    return list(
        session.scalars(
            select(Subscriber)
            .where(
                Subscriber.customer_id == customer_id,
                Subscriber.status == Status.PENDING_USER_MIGRATION,
                ACTIVE,
            )
            .order_by(Subscriber.created_at, Subscriber.id)
        )
    )


def resend_consent_of_customer(
    session: Session,
    *,
    customer_id: str,
    subscriber_id: str,
    principal: Principal,
    now: datetime,
    links: Links,
) -> None:
    """Send the consent e-mail again to a subscriber of `customer_id` (whom the caller, its
    administrator, has established), audited as `principal`'s; 404 for any other subscriber."""
    subscriber = session.scalars(
        select(Subscriber).where(
            Subscriber.id == subscriber_id, Subscriber.customer_id == customer_id, ACTIVE
        )
    ).first()
    if subscriber is None:
        raise NotFound("subscriber", Codes.SUBSCRIBER_NOT_FOUND)
    _resend(session, subscriber, links, now, actor=None, principal=principal)


def _resend(
    session: Session,
    subscriber: Subscriber,
    links: Links,
    now: datetime,
    *,
    actor: Actor | None,
    principal: Principal | None,
) -> None:
    if subscriber.status != Status.PENDING_USER_MIGRATION:
        reason = "the subscriber is not waiting for the user's consent"
        raise InvalidState("subscriberId", reason, Codes.NOT_PENDING_MIGRATION)
    customer = customers.lock_unscoped(session, subscriber.customer_id, shared=True)
    assert customer is not None
    _send_consent(session, subscriber, customer, links, now)
    audit.record(
        session,
        actor=actor,
        principal=principal,
        action="subscriber.consent_email",
        target_type="subscriber",
        target_id=subscriber.id,
        now=now,
        partner_org_id=subscriber.partner_org_id,
        owner_org_id=subscriber.owner_org_id,
    )


def pending_for_consent(
    session: Session, *, token: str, secret: str, now: datetime
) -> tuple[Subscriber, Customer]:
    """The subscriber and customer a consent link stands for; 404 if invalid, used or expired."""
    subscriber_id = unsign(secret, CONSENT_PURPOSE, token, now=now)
    subscriber = (
        session.scalars(select(Subscriber).where(Subscriber.id == subscriber_id, ACTIVE)).first()
        if isinstance(subscriber_id, str)
        else None
    )
    customer = (
        customers.lock_unscoped(session, subscriber.customer_id, shared=True)
        if subscriber
        else None
    )
    if (
        subscriber is None
        or customer is None
        or subscriber.status != Status.PENDING_USER_MIGRATION
        or customer.org_id is None
    ):
        raise NotFound("consent request", Codes.CONSENT_LINK_INVALID)
    return subscriber, customer


def accept_consent(
    session: Session, *, token: str, secret: str, now: datetime
) -> tuple[Subscriber, Customer]:
    """The user consented: it moves into the customer organization and the subscriber activates."""
    subscriber, customer = pending_for_consent(session, token=token, secret=secret, now=now)
    user = identity.find_user_by_email(session, subscriber.email)
    assert customer.org_id is not None
    if user is None:
        user = identity.create_user(
            session,
            org_id=customer.org_id,
            email=subscriber.email,
            first_name=subscriber.first_name,
            last_name=subscriber.last_name,
            now=now,
        )
    else:
        identity.move_user(session, user=user, org_id=customer.org_id, now=now)
    before = audit.snapshot(subscriber, AUDITED)
    _activate(session, subscriber, customer, user, now)
    session.flush()
    _audit(session, "subscriber.consent", subscriber, now, before=before)
    return subscriber, customer
