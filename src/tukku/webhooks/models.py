"""Tables of webhooks: partners' endpoints, the outbox of deliveries, and the attempt log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class WebhookEndpoint(Base):
    """A partner's (or sub-partner's) receiver of events.

    `org_id` owns it; `partner_org_id` is the top-level partner above (itself for a partner).
    The signing secret is kept sealed under the platform key; after a rotation the previous one
    keeps signing until `previous_secret_expires_at` (wall-clock time). `failing_since` is when
    the deliveries began to fail without a success since (wall-clock), for auto-disabling.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    partner_org_id: Mapped[str] = mapped_column(String(128), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(String(500))
    event_types: Mapped[list[Any]]
    enabled: Mapped[bool]
    secret_sealed: Mapped[str] = mapped_column(Text)
    previous_secret_sealed: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None]
    failing_since: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class WebhookDelivery(Base):
    """One event for one endpoint: the outbox row, written in the transaction of the change.

    `event_id` is the event's (the `webhook-id` header): the same for every endpoint and for
    retries and replays. `resource_key` (`type:id`) orders deliveries: one is not sent while an
    older one of its endpoint and resource is `pending`. `next_attempt_at` and `claimed_until`
    are wall-clock time; `created_at` is the event's (platform) time.
    """

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(64))
    resource_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    replay_of: Mapped[int | None] = mapped_column(SeqType)

    __table_args__ = (
        Index(
            "ix_webhook_deliveries_endpoint_id_resource_key", "endpoint_id", "resource_key", "id"
        ),
        Index(
            "ix_webhook_deliveries_pending",
            "created_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_webhook_deliveries_endpoint_id_created_at", "endpoint_id", "created_at"),
    )


class WebhookAttempt(Base):
    """One attempt to deliver (the per-endpoint delivery log), kept per attempt."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    attempt: Mapped[int]
    status: Mapped[str] = mapped_column(String(10))
    response_code: Mapped[int | None]
    latency_ms: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(500))
    attempted_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_webhook_attempts_endpoint_id_id", "endpoint_id", "id"),
        Index("ix_webhook_attempts_delivery_id", "delivery_id"),
    )
