"""Tables of hunt groups, their agents and their alternate numbers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class HuntGroup(Base):
    """A hunt group of a customer's location: calls ring its agents by a routing policy.

    Its extension and phone numbers (primary and alternates) are held in `directory_numbers`
    (`hunt_group_id`) like a queue's, so one table says which number is whose; the primary ones
    are kept on the row too for lists and filters.
    """

    __tablename__ = "hunt_groups"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(128), unique=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    name: Mapped[str] = mapped_column(String(80))
    extension: Mapped[str | None] = mapped_column(String(10))
    phone_number: Mapped[str | None] = mapped_column(String(16), unique=True)
    first_name: Mapped[str | None] = mapped_column(String(30))
    last_name: Mapped[str | None] = mapped_column(String(30))
    language_code: Mapped[str | None] = mapped_column(String(16))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    enabled: Mapped[bool]
    policy: Mapped[str] = mapped_column(String(16))
    waiting_enabled: Mapped[bool]
    group_busy_enabled: Mapped[bool]
    allow_members_to_control_group_busy_enabled: Mapped[bool]
    next_agent_enabled: Mapped[bool]
    next_agent_rings: Mapped[int]
    forward_enabled: Mapped[bool]
    forward_destination: Mapped[str | None] = mapped_column(String(32))
    number_of_rings: Mapped[int]
    forward_voicemail_enabled: Mapped[bool]
    busy_redirect_enabled: Mapped[bool]
    busy_redirect_destination: Mapped[str | None] = mapped_column(String(32))
    busy_redirect_voicemail_enabled: Mapped[bool]
    continuity_redirect_enabled: Mapped[bool]
    continuity_redirect_destination: Mapped[str | None] = mapped_column(String(32))
    continuity_redirect_voicemail_enabled: Mapped[bool]
    distinctive_ring_enabled: Mapped[bool]
    caller_id_for_outgoing_calls_enabled: Mapped[bool]
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("location_id", "name", name="uq_hunt_groups_location_name"),
        UniqueConstraint("customer_id", "extension", name="uq_hunt_groups_customer_extension"),
        Index("ix_hunt_groups_customer_name", "customer_id", "name", "seq"),
    )


class HuntGroupAgent(Base):
    """A person or workspace a hunt group rings, in routing order."""

    __tablename__ = "hunt_group_agents"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    hunt_group_id: Mapped[str] = mapped_column(ForeignKey("hunt_groups.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str] = mapped_column(String(128), index=True)
    weight: Mapped[int | None]

    __table_args__ = (
        UniqueConstraint("hunt_group_id", "agent_id", name="uq_hunt_group_agents_group_agent"),
    )


class HuntGroupAlternateNumber(Base):
    """A further phone number ringing the hunt group, with its ring pattern (held, as the
    primary number, in `directory_numbers`)."""

    __tablename__ = "hunt_group_alternate_numbers"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    hunt_group_id: Mapped[str] = mapped_column(
        ForeignKey("hunt_groups.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    phone_number: Mapped[str] = mapped_column(String(16), unique=True)
    ring_pattern: Mapped[str] = mapped_column(String(20))
