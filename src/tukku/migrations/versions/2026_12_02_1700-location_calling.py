"""Calling at a location: whether a location has Webex Calling (`locations.calling_enabled`),
its main number and PSTN connection (`location_calling_settings`), and the state a device had
before it was cut over to tukku (`devices.cutover_from_state`).

Every location made before this revision keeps calling (the column's default): provisioning's
headquarters and the customers API's locations always had it, and numbers, users and features
may already be at the Locations API's ones. Only locations made through the Locations API from
now on start without it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("locations") as table:
        table.add_column(
            sa.Column("calling_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "location_calling_settings",
        sa.Column("location_id", sa.String(length=128), nullable=False),
        sa.Column("main_number", sa.String(length=16), nullable=True),
        sa.Column("connection_type", sa.String(length=16), nullable=True),
        sa.Column("connection_id", sa.String(length=128), nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name="fk_location_calling_settings_location_id_locations",
        ),
        sa.PrimaryKeyConstraint("location_id", name="pk_location_calling_settings"),
    )
    with op.batch_alter_table("devices") as table:
        table.add_column(sa.Column("cutover_from_state", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices") as table:
        table.drop_column("cutover_from_state")
    op.drop_table("location_calling_settings")
    with op.batch_alter_table("locations") as table:
        table.drop_column("calling_enabled")
