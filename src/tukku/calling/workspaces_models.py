"""The workspaces table: shared spaces (lobbies, meeting rooms, door phones), some with calling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class Workspace(Base):
    """A workspace of an organization. With Webex Calling it holds the customer's
    `common_area_calling` package (`package`), billed like a subscriber, and its numbers live in
    `directory_numbers`. `floor_id` is a plain string: floors belong to the locations API and a
    workspace only remembers the one it was given."""

    __tablename__ = "workspaces"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(128), unique=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(255))
    location_id: Mapped[str | None] = mapped_column(ForeignKey("locations.id"))
    floor_id: Mapped[str | None] = mapped_column(String(128))
    capacity: Mapped[int | None]
    type: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(String(1024))
    hotdesking_status: Mapped[str | None] = mapped_column(String(8))
    supported_devices: Mapped[str] = mapped_column(String(32))
    calling_type: Mapped[str] = mapped_column(String(32))
    package: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_workspaces_org_seq", "org_id", "seq"),)
