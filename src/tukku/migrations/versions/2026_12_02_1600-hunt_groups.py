"""Hunt groups: a customer location's hunt groups, their agents and alternate numbers; their
extension and phone numbers are held in `directory_numbers` (`hunt_group_id`) as queues' are.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
FLAGS = (
    "enabled",
    "waiting_enabled",
    "group_busy_enabled",
    "allow_members_to_control_group_busy_enabled",
    "next_agent_enabled",
)
REDIRECT_FLAGS = (
    "forward_voicemail_enabled",
    "busy_redirect_enabled",
    "busy_redirect_voicemail_enabled",
    "continuity_redirect_enabled",
    "continuity_redirect_voicemail_enabled",
    "distinctive_ring_enabled",
    "caller_id_for_outgoing_calls_enabled",
)


def upgrade() -> None:
    op.create_table(
        "hunt_groups",
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
        *(sa.Column(name, sa.Boolean(), nullable=False) for name in FLAGS),
        sa.Column("policy", sa.String(length=16), nullable=False),
        sa.Column("next_agent_rings", sa.Integer(), nullable=False),
        sa.Column("forward_enabled", sa.Boolean(), nullable=False),
        sa.Column("forward_destination", sa.String(length=32), nullable=True),
        sa.Column("number_of_rings", sa.Integer(), nullable=False),
        sa.Column("busy_redirect_destination", sa.String(length=32), nullable=True),
        sa.Column("continuity_redirect_destination", sa.String(length=32), nullable=True),
        *(sa.Column(name, sa.Boolean(), nullable=False) for name in REDIRECT_FLAGS),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"]),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id"),
        sa.UniqueConstraint("phone_number"),
        sa.UniqueConstraint("location_id", "name", name="uq_hunt_groups_location_name"),
        sa.UniqueConstraint("customer_id", "extension", name="uq_hunt_groups_customer_extension"),
    )
    op.create_index("ix_hunt_groups_customer_name", "hunt_groups", ["customer_id", "name", "seq"])
    op.create_table(
        "hunt_group_agents",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("hunt_group_id", sa.String(length=128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agent_id", sa.String(length=128), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["hunt_group_id"], ["hunt_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hunt_group_id", "agent_id", name="uq_hunt_group_agents_group_agent"),
    )
    op.create_index("ix_hunt_group_agents_agent_id", "hunt_group_agents", ["agent_id"])
    op.create_table(
        "hunt_group_alternate_numbers",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("hunt_group_id", sa.String(length=128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("phone_number", sa.String(length=16), nullable=False),
        sa.Column("ring_pattern", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["hunt_group_id"], ["hunt_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("phone_number"),
    )
    op.create_index(
        "ix_hunt_group_alternate_numbers_hunt_group_id",
        "hunt_group_alternate_numbers",
        ["hunt_group_id"],
    )
    with op.batch_alter_table("directory_numbers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hunt_group_id", sa.String(length=128), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_directory_numbers_hunt_group_id"), ["hunt_group_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_directory_numbers_hunt_group_id_hunt_groups"),
            "hunt_groups",
            ["hunt_group_id"],
            ["id"],
        )


def downgrade() -> None:
    op.execute(
        "DELETE FROM directory_numbers WHERE hunt_group_id IS NOT NULL AND phone_number IS NULL"
    )
    op.execute("UPDATE directory_numbers SET extension = NULL WHERE hunt_group_id IS NOT NULL")
    with op.batch_alter_table("directory_numbers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_directory_numbers_hunt_group_id_hunt_groups"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_directory_numbers_hunt_group_id"))
        batch_op.drop_column("hunt_group_id")
    op.drop_index(
        "ix_hunt_group_alternate_numbers_hunt_group_id", table_name="hunt_group_alternate_numbers"
    )
    op.drop_table("hunt_group_alternate_numbers")
    op.drop_index("ix_hunt_group_agents_agent_id", table_name="hunt_group_agents")
    op.drop_table("hunt_group_agents")
    op.drop_index("ix_hunt_groups_customer_name", table_name="hunt_groups")
    op.drop_table("hunt_groups")
