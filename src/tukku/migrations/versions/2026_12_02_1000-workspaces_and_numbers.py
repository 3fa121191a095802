"""Workspaces, and numbers held by them or added to a location unassigned.

`workspaces` are a customer organization's shared spaces; those with Webex Calling hold the
`common_area_calling` package. `directory_numbers` gains `workspace_id` (the workspace holding the
number), `state` and `number_type` (the numbers API's; NULL reads as ACTIVE and DID).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("org_id", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=True),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("location_id", sa.String(length=128), nullable=True),
        sa.Column("floor_id", sa.String(length=128), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=True),
        sa.Column("notes", sa.String(length=1024), nullable=True),
        sa.Column("hotdesking_status", sa.String(length=8), nullable=True),
        sa.Column("supported_devices", sa.String(length=32), nullable=False),
        sa.Column("calling_type", sa.String(length=32), nullable=False),
        sa.Column("package", sa.String(length=64), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_workspaces_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_workspaces_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_workspaces_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_workspaces")),
        sa.UniqueConstraint("id", name=op.f("uq_workspaces_id")),
    )
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workspaces_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index("ix_workspaces_org_seq", ["org_id", "seq"], unique=False)
    with op.batch_alter_table("directory_numbers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("workspace_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("state", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("number_type", sa.String(length=16), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_directory_numbers_workspace_id"), ["workspace_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_directory_numbers_workspace_id_workspaces"),
            "workspaces",
            ["workspace_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("directory_numbers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_directory_numbers_workspace_id_workspaces"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_directory_numbers_workspace_id"))
        batch_op.drop_column("number_type")
        batch_op.drop_column("state")
        batch_op.drop_column("workspace_id")
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_index("ix_workspaces_org_seq")
        batch_op.drop_index(batch_op.f("ix_workspaces_customer_id"))
    op.drop_table("workspaces")
