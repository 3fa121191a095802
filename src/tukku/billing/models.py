"""The usage ledger: one row per package assignment interval, append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class PackageAssignment(Base):
    """A package held by a subscriber or workspace from `started_at` until `ended_at`.

    Rows are never changed except to close an open interval; history is kept for years.
    The IDs are copied, not foreign keys, so the ledger outlives what it describes.
    """

    __tablename__ = "package_assignments"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    partner_org_id: Mapped[str] = mapped_column(String(128))
    sub_partner_org_id: Mapped[str | None] = mapped_column(String(128))
    customer_id: Mapped[str] = mapped_column(String(128), index=True)
    subscriber_id: Mapped[str | None] = mapped_column(String(128))
    workspace_id: Mapped[str | None] = mapped_column(String(128))
    user_id: Mapped[str | None] = mapped_column(String(128))
    location_id: Mapped[str | None] = mapped_column(String(128))
    package: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_package_assignments_partner_started", "partner_org_id", "started_at"),
        Index(
            "ix_package_assignments_open_subscriber",
            "subscriber_id",
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )
