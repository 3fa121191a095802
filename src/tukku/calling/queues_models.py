"""Tables of call queues, their agents and their supervisors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class CallQueue(Base):
    """A call queue of a customer's location, basic or CX Essentials.

    Its extension and phone number live on the row itself (not in `directory_numbers`): the
    service checks them against subscribers' numbers in the same customer (extensions) or the
    whole platform (phone numbers), and the constraints below guard queues against each other.
    """

    __tablename__ = "call_queues"

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
    calling_line_id_policy: Mapped[str] = mapped_column(String(16))
    calling_line_id_phone_number: Mapped[str | None] = mapped_column(String(16))
    routing_type: Mapped[str] = mapped_column(String(16))
    policy: Mapped[str] = mapped_column(String(16))
    queue_size: Mapped[int]
    enabled: Mapped[bool]
    has_cx_essentials: Mapped[bool]
    allow_agent_join_enabled: Mapped[bool]
    allow_call_waiting_for_agents_enabled: Mapped[bool]
    phone_number_for_outgoing_calls_enabled: Mapped[bool]
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("location_id", "name", name="uq_call_queues_location_name"),
        UniqueConstraint("customer_id", "extension", name="uq_call_queues_customer_extension"),
        Index("ix_call_queues_customer_name", "customer_id", "name", "seq"),
    )


class CallQueueAgent(Base):
    """A person, workspace or virtual line taking a queue's calls, in routing order."""

    __tablename__ = "call_queue_agents"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    queue_id: Mapped[str] = mapped_column(ForeignKey("call_queues.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str] = mapped_column(String(128), index=True)
    weight: Mapped[int | None]
    skill_level: Mapped[int | None]
    join_enabled: Mapped[bool]

    __table_args__ = (
        UniqueConstraint("queue_id", "agent_id", name="uq_call_queue_agents_queue_agent"),
    )


class CallQueueSupervisor(Base):
    """A person supervising a queue's agents; kept as is when the queue is upgraded."""

    __tablename__ = "call_queue_supervisors"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    queue_id: Mapped[str] = mapped_column(ForeignKey("call_queues.id", ondelete="CASCADE"))
    person_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)

    __table_args__ = (
        UniqueConstraint("queue_id", "person_id", name="uq_call_queue_supervisors_queue_person"),
    )
