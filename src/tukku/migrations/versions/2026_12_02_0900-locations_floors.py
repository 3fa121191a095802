"""The public Locations API: a location's announcement language, coordinates and notes, and
its floors (`location_floors`, floor numbers unique per location).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announcement_language", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("latitude", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.String(length=1024), nullable=True))
    op.create_table(
        "location_floors",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("location_id", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("floor_number", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("location_id", "floor_number"),
    )
    op.create_index(
        "ix_location_floors_location_id", "location_floors", ["location_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_location_floors_location_id", table_name="location_floors")
    op.drop_table("location_floors")
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_column("notes")
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
        batch_op.drop_column("announcement_language")
