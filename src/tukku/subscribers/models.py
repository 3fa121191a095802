"""Tables of subscribers and their directory numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, validates

from tukku.core.db import Base, SeqType, str_enum
from tukku.subscribers.rules import SUBSCRIBER_STATES, Status


class Subscriber(Base):
    """The wholesale mapping of a user to a customer and one package."""

    __tablename__ = "subscribers"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(128), unique=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    partner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    first_name: Mapped[str] = mapped_column(String(255))
    last_name: Mapped[str] = mapped_column(String(255))
    package: Mapped[str] = mapped_column(String(64))
    status: Mapped[Status] = mapped_column(str_enum(Status, 32))
    location_id: Mapped[str | None] = mapped_column(ForeignKey("locations.id"))
    errors: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]
    last_status_change: Mapped[datetime]
    removed_at: Mapped[datetime | None]

    __table_args__ = (
        Index(
            "uq_subscribers_email_active",
            "email",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
        Index("ix_subscribers_owner_created", "owner_org_id", "created_at", "seq"),
        Index("ix_subscribers_owner_status_change", "owner_org_id", "last_status_change", "seq"),
    )

    @validates("status")
    def _move(self, _key: str, new: Status) -> Status:
        return SUBSCRIBER_STATES.moved(self.status, new)


class DirectoryNumber(Base):
    """An extension and/or phone number held by a subscriber, a workspace, a call queue or a hunt
    group, or a phone number added to a location and not assigned yet (no holder set).

    Extensions are unique within a customer; phone numbers across the platform. `state` and
    `number_type` are the numbers API's (`ACTIVE`/`INACTIVE`, `DID`/`TOLLFREE`; NULL: ACTIVE, DID).
    """

    __tablename__ = "directory_numbers"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    subscriber_id: Mapped[str | None] = mapped_column(ForeignKey("subscribers.id"), index=True)
    workspace_id: Mapped[str | None] = mapped_column(ForeignKey("workspaces.id"), index=True)
    queue_id: Mapped[str | None] = mapped_column(ForeignKey("call_queues.id"), index=True)
    hunt_group_id: Mapped[str | None] = mapped_column(ForeignKey("hunt_groups.id"), index=True)
    location_id: Mapped[str | None] = mapped_column(ForeignKey("locations.id"))
    extension: Mapped[str | None] = mapped_column(String(10))
    phone_number: Mapped[str | None] = mapped_column(String(16), unique=True)
    state: Mapped[str | None] = mapped_column(String(16))
    number_type: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("customer_id", "extension"),)
