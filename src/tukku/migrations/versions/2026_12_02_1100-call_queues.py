"""Call queues: a customer location's queues (basic or CX Essentials), their agents and
supervisors.

A queue's extension and phone number live on its row; `uq_call_queues_customer_extension` and
the unique phone number guard queues against each other, the service checks subscribers' numbers.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "call_queues",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("location_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("extension", sa.String(length=10), nullable=True),
        sa.Column("phone_number", sa.String(length=16), nullable=True),
        sa.Column("first_name", sa.String(length=30), nullable=True),
        sa.Column("last_name", sa.String(length=30), nullable=True),
        sa.Column("language_code", sa.String(length=16), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("calling_line_id_policy", sa.String(length=16), nullable=False),
        sa.Column("calling_line_id_phone_number", sa.String(length=16), nullable=True),
        sa.Column("routing_type", sa.String(length=16), nullable=False),
        sa.Column("policy", sa.String(length=16), nullable=False),
        sa.Column("queue_size", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("has_cx_essentials", sa.Boolean(), nullable=False),
        sa.Column("allow_agent_join_enabled", sa.Boolean(), nullable=False),
        sa.Column("allow_call_waiting_for_agents_enabled", sa.Boolean(), nullable=False),
        sa.Column("phone_number_for_outgoing_calls_enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"]),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id"),
        sa.UniqueConstraint("phone_number"),
        sa.UniqueConstraint("location_id", "name", name="uq_call_queues_location_name"),
        sa.UniqueConstraint("customer_id", "extension", name="uq_call_queues_customer_extension"),
    )
    op.create_index("ix_call_queues_customer_name", "call_queues", ["customer_id", "name", "seq"])
    op.create_table(
        "call_queue_agents",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("queue_id", sa.String(length=128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agent_id", sa.String(length=128), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=True),
        sa.Column("skill_level", sa.Integer(), nullable=True),
        sa.Column("join_enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["queue_id"], ["call_queues.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("queue_id", "agent_id", name="uq_call_queue_agents_queue_agent"),
    )
    op.create_index("ix_call_queue_agents_agent_id", "call_queue_agents", ["agent_id"])
    op.create_table(
        "call_queue_supervisors",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("queue_id", sa.String(length=128), nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["queue_id"], ["call_queues.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("queue_id", "person_id", name="uq_call_queue_supervisors_queue_person"),
    )
    op.create_index("ix_call_queue_supervisors_person_id", "call_queue_supervisors", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_call_queue_supervisors_person_id", table_name="call_queue_supervisors")
    op.drop_table("call_queue_supervisors")
    op.drop_index("ix_call_queue_agents_agent_id", table_name="call_queue_agents")
    op.drop_table("call_queue_agents")
    op.drop_index("ix_call_queues_customer_name", table_name="call_queues")
    op.drop_table("call_queues")
