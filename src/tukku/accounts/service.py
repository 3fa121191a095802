"""Use cases of partner accounts: the wholesale subscription, sub-partner standing, managing
relationships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from tukku.accounts.models import ManagingRelationship, PartnerSubscription, SubPartner
from tukku.core.errors import Codes, DomainError, Problem
from tukku.core.ids import subscription_id
from tukku.identity.models import Organization

ACTIVE, SUSPENDED = "active", "suspended"


def create_subscription(session: Session, *, partner_org_id: str, now: datetime) -> str:
    """Open the partner's one wholesale subscription; returns its ID."""
    subscription = PartnerSubscription(
        id=subscription_id(), partner_org_id=partner_org_id, created_at=now
    )
    session.add(subscription)
    session.flush()
    return subscription.id


def subscription_of(session: Session, partner_org_id: str) -> str | None:
    """The subscription ID of a top-level partner."""
    return session.scalar(
        select(PartnerSubscription.id).where(PartnerSubscription.partner_org_id == partner_org_id)
    )


def subscription_started(session: Session, partner_org_id: str) -> datetime | None:
    """When a top-level partner's subscription was opened."""
    return session.scalar(
        select(PartnerSubscription.created_at).where(
            PartnerSubscription.partner_org_id == partner_org_id
        )
    )


def add_managing_relationship(
    session: Session,
    *,
    manager_org_id: str,
    managed_org_id: str,
    kind: str,
    admin_level: str,
    now: datetime,
) -> None:
    """Record that `manager_org_id` administers `managed_org_id` (idempotent)."""
    if session.get(ManagingRelationship, (manager_org_id, managed_org_id)) is None:
        session.add(
            ManagingRelationship(
                manager_org_id=manager_org_id,
                managed_org_id=managed_org_id,
                kind=kind,
                admin_level=admin_level,
                created_at=now,
            )
        )
        session.flush()


def remove_managing_relationships(session: Session, *, managed_org_id: str) -> None:
    """End every managing relationship over an organization (wholesale removed from it)."""
    session.execute(
        delete(ManagingRelationship).where(ManagingRelationship.managed_org_id == managed_org_id)
    )


def sub_partner(session: Session, org_id: str) -> SubPartner | None:
    """The sub-partner record of an organization, if it is one."""
    return session.get(SubPartner, org_id)


def sub_partners_of(
    session: Session, *, parent_org_id: str, state: str | None, offset: int, limit: int
) -> list[SubPartner]:
    """A partner's sub-partners, oldest first (one more than `limit` to detect a next page)."""
    query = select(SubPartner).where(SubPartner.parent_org_id == parent_org_id)
    if state is not None:
        query = query.where(SubPartner.provisioning_state == state)
    query = query.order_by(SubPartner.created_at, SubPartner.org_id)
    return list(session.scalars(query.offset(offset).limit(limit + 1)))


def billing_start_dates(
    session: Session, *, parent_org_id: str, after: date, only: str | None = None
) -> dict[str, date]:
    """Sub-partner org ID → its billing start date, for the sub-partners of `parent_org_id`
    (only `only`, if given) whose billing starts after `after`."""
    query = select(SubPartner.org_id, SubPartner.billing_start_date).where(
        SubPartner.parent_org_id == parent_org_id, SubPartner.billing_start_date > after
    )
    if only is not None:
        query = query.where(SubPartner.org_id == only)
    return {row.org_id: row.billing_start_date for row in session.execute(query)}


# Built once: it runs on every provisioning request.
_PARTNER_STANDING = select(PartnerSubscription.status).where(
    PartnerSubscription.partner_org_id == bindparam("partner")
)


def suspension_problems(session: Session, owner_org_id: str) -> list[Problem]:
    """Why the organization may not provision or update now: a suspended sub-partner, or a
    suspended partner and its sub-partners (they share its subscription), may only delete
    (403). Empty: it may."""
    record = session.get(SubPartner, owner_org_id)
    if record is not None and record.provisioning_state == SUSPENDED:
        return [
            Problem(Codes.SUB_PARTNER_SUSPENDED, "the sub-partner is suspended: it can only delete")
        ]
    partner = record.parent_org_id if record is not None else owner_org_id
    if session.scalar(_PARTNER_STANDING, {"partner": partner}) == SUSPENDED:
        return [Problem(Codes.PARTNER_SUSPENDED, "the partner is suspended: it can only delete")]
    return []


def ensure_may_change(session: Session, owner_org_id: str) -> None:
    """A suspended sub-partner may no longer provision or update, only delete (403)."""
    problems = suspension_problems(session, owner_org_id)
    if problems:
        raise DomainError(problems)


def open_sub_partner(
    session: Session,
    *,
    org_id: str,
    parent_org_id: str,
    billing_start_date: date,
    admin_email: str,
    now: datetime,
) -> SubPartner:
    """The account of a new sub-partner of `parent_org_id`: active, billed from
    `billing_start_date`."""
    record = SubPartner(
        org_id=org_id,
        parent_org_id=parent_org_id,
        provisioning_state=ACTIVE,
        billing_start_date=billing_start_date,
        admin_email=admin_email,
        created_at=now,
    )
    session.add(record)
    return record


def set_standing(record: SubPartner, state: str) -> str:
    """Suspend a sub-partner (`SUSPENDED`: it can then only delete) or make it `ACTIVE` again;
    returns the state it had."""
    before = record.provisioning_state
    record.provisioning_state = state
    return before


@dataclass(frozen=True)
class PartnerAccount:
    """A top-level partner as operators see it: its organization and subscription."""

    org_id: str
    name: str
    subscription_id: str
    status: str
    created_at: datetime


_PARTNER_ACCOUNTS = select(
    Organization.id,
    Organization.name,
    PartnerSubscription.id,
    PartnerSubscription.status,
    PartnerSubscription.created_at,
).join(PartnerSubscription, PartnerSubscription.partner_org_id == Organization.id)


def list_partner_accounts(
    session: Session, *, status: str | None, name: str | None, offset: int, limit: int
) -> list[PartnerAccount]:
    """Every top-level partner, oldest first, optionally in one standing or with `name` in its
    name (any case); one more than `limit` to detect a next page. For operators only: callers
    check that."""
    query = _PARTNER_ACCOUNTS
    if status is not None:
        query = query.where(PartnerSubscription.status == status)
    if name:
        query = query.where(func.lower(Organization.name).contains(name.lower(), autoescape=True))
    query = query.order_by(PartnerSubscription.created_at, Organization.id)
    rows = session.execute(query.offset(offset).limit(limit + 1))
    return [PartnerAccount(org, name, sub, status, at) for org, name, sub, status, at in rows]


def partner_account(session: Session, org_id: str) -> PartnerAccount | None:
    """One top-level partner; None when `org_id` is no partner's."""
    row = session.execute(_PARTNER_ACCOUNTS.where(Organization.id == org_id)).first()
    if row is None:
        return None
    _, name, subscription, status, created_at = row
    return PartnerAccount(org_id, name, subscription, status, created_at)


def set_partner_standing(session: Session, org_id: str, state: str) -> str | None:
    """Suspend a top-level partner (`SUSPENDED`: it and its sub-partners can then only delete)
    or make it `ACTIVE` again; returns the state it had, None when it is no partner."""
    subscription = session.scalars(
        select(PartnerSubscription)
        .where(PartnerSubscription.partner_org_id == org_id)
        .with_for_update()
    ).first()
    if subscription is None:
        return None
    before = subscription.status
    subscription.status = state
    return before
