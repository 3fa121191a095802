"""Use cases of mail: queue a message (in the caller's transaction) and read the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tukku.core.pagination import PageRequest
from tukku.jobs.service import enqueue
from tukku.mail.models import MailMessage


def queue_mail(
    session: Session, *, to: str, subject: str, body: str, kind: str, now: datetime
) -> int:
    """Put a message in the outbox; a job delivers it after the caller commits. Returns its ID."""
    message_id: int = session.execute(
        insert(MailMessage)
        .values(
            kind=kind, to_address=to, subject=subject, body=body, status="queued", created_at=now
        )
        .returning(MailMessage.id)
    ).scalar_one()
    enqueue(session, "mail.deliver", {"messageId": message_id}, due_at=now, now=now)
    return message_id


def list_outbox(
    session: Session, *, page: PageRequest, to: str | None = None, kind: str | None = None
) -> list[MailMessage]:
    """Messages newest first, optionally for one recipient or of one kind."""
    query = select(MailMessage).order_by(MailMessage.id.desc())
    if to:
        query = query.where(MailMessage.to_address == to.strip().lower())
    if kind:
        query = query.where(MailMessage.kind == kind)
    return list(session.scalars(query.offset(page.offset).limit(page.limit + 1)))
