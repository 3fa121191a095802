"""Use cases of mail: queue a message (in the caller's transaction) and read the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, false, func, insert, select, true
from sqlalchemy.orm import Session

from tukku.core.db import table_of
from tukku.core.pagination import PageRequest
from tukku.identity.permissions import CUSTOMER_ROLES
from tukku.identity.principal import Principal
from tukku.identity.rules import CUSTOMER_KINDS, OrgKind, Scope
from tukku.mail.job_kinds import DELIVER
from tukku.mail.models import MailMessage


def queue_mail(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    kind: str,
    now: datetime,
    partner_org_id: str | None,
    owner_org_id: str | None,
    customer_org_id: str | None,
) -> int:
    """Put a message in the outbox; a job delivers it after the caller commits. Returns its ID.

    Every message names whose it is: the top-level partner (`partner_org_id`), the partner or
    sub-partner acting (`owner_org_id`) and the customer organization it concerns
    (`customer_org_id`). Each is None only where there is no such tenant (the platform itself
    mailing, or mail no customer's people receive); the outbox then shows it to operators only.
    """
    message_id: int = session.execute(
        _INSERT,
        {
            "kind": kind,
            "to_address": to,
            "subject": subject,
            "body": body,
            "status": "queued",
            "created_at": now,
            "partner_org_id": partner_org_id,
            "owner_org_id": owner_org_id,
            "customer_org_id": customer_org_id,
        },
    ).scalar_one()
    DELIVER.enqueue(session, {"messageId": message_id}, due_at=now, now=now)
    return message_id


# Built once: a Core INSERT run with a row of parameters costs a fraction of building one.
_INSERT = insert(table_of(MailMessage)).returning(table_of(MailMessage).c.id)


class Reach(StrEnum):
    """How far a reader of the outbox sees."""

    EVERYTHING = "everything"
    PARTNER = "partner"
    OWNER = "owner"
    CUSTOMER = "customer"
    NOTHING = "nothing"


@dataclass(frozen=True)
class OutboxScope:
    """The messages one reader may see: every one, those of one organization, or none."""

    reach: Reach
    org_id: str | None = None

    @classmethod
    def of(cls, principal: Principal) -> OutboxScope:
        """An operator (scope `tukku:ops`) sees every message; a partner its own and its
        sub-partners' (by `partner_org_id`); a sub-partner its own (by `owner_org_id`); a
        customer administrator its organization's (by `customer_org_id`); anyone else none."""
        if Scope.OPS.value in principal.scopes:
            return cls(Reach.EVERYTHING)
        if principal.org_kind == OrgKind.PARTNER:
            return cls(Reach.PARTNER, principal.org_id)
        if principal.org_kind == OrgKind.SUB_PARTNER:
            return cls(Reach.OWNER, principal.org_id)
        if principal.org_kind in CUSTOMER_KINDS and principal.roles & CUSTOMER_ROLES:
            return cls(Reach.CUSTOMER, principal.org_id)
        return cls(Reach.NOTHING)

    @classmethod
    def everything(cls) -> OutboxScope:
        """Every message, for the platform's own use (never built from a caller)."""
        return cls(Reach.EVERYTHING)

    def where(self) -> ColumnElement[bool]:
        """The condition rows must meet; NULL owners never match a tenant's."""
        column = {
            Reach.PARTNER: MailMessage.partner_org_id,
            Reach.OWNER: MailMessage.owner_org_id,
            Reach.CUSTOMER: MailMessage.customer_org_id,
        }.get(self.reach)
        if self.reach is Reach.EVERYTHING:
            return true()
        if column is None or self.org_id is None:
            return false()
        return column == self.org_id


def list_outbox(
    session: Session,
    *,
    scope: OutboxScope,
    page: PageRequest,
    to: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> list[MailMessage]:
    """The messages `scope` allows, newest first, optionally for one recipient, of one kind or
    in one status."""
    query = select(MailMessage).where(scope.where()).order_by(MailMessage.id.desc())
    if to:
        query = query.where(MailMessage.to_address == to.strip().lower())
    if kind:
        query = query.where(MailMessage.kind == kind)
    if status:
        query = query.where(MailMessage.status == status)
    return list(session.scalars(query.offset(page.offset).limit(page.limit + 1)))


def get_message(session: Session, *, scope: OutboxScope, message_id: int) -> MailMessage | None:
    """One message `scope` allows; None for any other (unknown or another tenant's alike)."""
    return session.scalars(
        select(MailMessage).where(MailMessage.id == message_id, scope.where())
    ).first()


@dataclass(frozen=True)
class Backlog:
    """What the outbox has not delivered: messages waiting, messages that failed for good, and
    when the longest-waiting one was queued (platform time; None when none waits)."""

    queued: int
    failed: int
    oldest_queued_at: datetime | None


def backlog(session: Session) -> Backlog:
    """The outbox's backlog, every tenant's (`held` messages are not waiting: without an SMTP
    server they are kept for reading)."""
    counts = dict(
        session.execute(
            select(MailMessage.status, func.count())
            .where(MailMessage.status.in_(("queued", "failed")))
            .group_by(MailMessage.status)
        ).all()
    )
    oldest = session.scalar(
        select(func.min(MailMessage.created_at)).where(MailMessage.status == "queued")
    )
    return Backlog(counts.get("queued", 0), counts.get("failed", 0), oldest)
