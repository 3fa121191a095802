"""The audit event table (append-only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class AuditEvent(Base):
    """One change. `actor_user_id` None means the platform itself (a background job).
    `source_address` and `user_agent` say where the request came from (None: not over HTTP)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime]
    actor_user_id: Mapped[str | None] = mapped_column(String(128))
    actor_org_id: Mapped[str | None] = mapped_column(String(128))
    on_behalf_of_org_id: Mapped[str | None] = mapped_column(String(128))
    partner_org_id: Mapped[str | None] = mapped_column(String(128))
    owner_org_id: Mapped[str | None] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(128))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    tracking_id: Mapped[str | None] = mapped_column(String(200))
    source_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_audit_events_partner_time", "partner_org_id", "occurred_at"),
        Index("ix_audit_events_owner_time", "owner_org_id", "occurred_at"),
        Index("ix_audit_events_target", "target_type", "target_id"),
        Index("ix_audit_events_time", "occurred_at"),
    )
