"""The outbox table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class MailMessage(Base):
    """An e-mail: `queued` until delivered (`sent`), `held` in the outbox when no SMTP server is
    configured, or `failed` when the server refused it for good or stayed down for days."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # Whose mail this is, so the sandbox outbox shows each tenant only its own (NULL: platform).
    partner_org_id: Mapped[str | None] = mapped_column(String(128), index=True)
    owner_org_id: Mapped[str | None] = mapped_column(String(128))
    customer_org_id: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (Index("ix_mail_messages_status", "status"),)
