"""The usage ledger's table: package assignment intervals, kept for years."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class Holding:
    """Who held which package, under whom: the columns the ledger and recorded usage share
    (each adds its `customer_id`, indexed on the ledger only)."""

    partner_org_id: Mapped[str] = mapped_column(String(128))
    sub_partner_org_id: Mapped[str | None] = mapped_column(String(128))
    holder_id: Mapped[str] = mapped_column(String(128))
    subscriber_id: Mapped[str | None] = mapped_column(String(128))
    workspace_id: Mapped[str | None] = mapped_column(String(128))
    user_id: Mapped[str | None] = mapped_column(String(128))
    location_id: Mapped[str | None] = mapped_column(String(128))
    package: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))


class PackageAssignment(Holding, Base):
    """A package held by a subscriber, a workspace or, for a customer-level add-on, the customer
    (the holder; `holder_id` is then the customer's ID) from `started_at` until `ended_at`.

    Rows are never changed except to close an open interval, and never deleted (database
    triggers enforce both); history is kept for years. The IDs are copied, not foreign keys,
    so the ledger outlives what it describes.
    """

    __tablename__ = "package_assignments"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(128), index=True)
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
        Index("ix_package_assignments_started", "started_at"),
        Index("ix_package_assignments_ended", "ended_at"),
        Index("ix_package_assignments_holder", "holder_id", "package", "started_at"),
    )
