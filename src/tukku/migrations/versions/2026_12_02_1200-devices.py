"""Devices (by MAC or activation code, for a person or a workspace), their single-use
activation codes (hashed) and the per-customer device options operators enable.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("org_id", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=True),
        sa.Column("person_id", sa.String(length=128), nullable=True),
        sa.Column("workspace_id", sa.String(length=128), nullable=True),
        sa.Column("location_id", sa.String(length=128), nullable=True),
        sa.Column("mac", sa.String(length=12), nullable=True),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("management", sa.String(length=32), nullable=False),
        sa.Column("activation_state", sa.String(length=16), nullable=False),
        sa.Column("sip_user_name", sa.String(length=64), nullable=True),
        sa.Column("sip_password_encrypted", sa.Text(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"]),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id"),
        sa.UniqueConstraint("mac"),
    )
    op.create_index("ix_devices_customer_id", "devices", ["customer_id"])
    op.create_index("ix_devices_person_id", "devices", ["person_id"])
    op.create_index("ix_devices_workspace_id", "devices", ["workspace_id"])
    op.create_index("ix_devices_org_seq", "devices", ["org_id", "seq"])
    op.create_table(
        "device_activation_codes",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("org_id", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=True),
        sa.Column("person_id", sa.String(length=128), nullable=True),
        sa.Column("workspace_id", sa.String(length=128), nullable=True),
        sa.Column("model", sa.String(length=64), nullable=True),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.Column("device_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"]),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index(
        "ix_device_activation_codes_person_id", "device_activation_codes", ["person_id"]
    )
    op.create_index(
        "ix_device_activation_codes_workspace_id", "device_activation_codes", ["workspace_id"]
    )
    op.create_table(
        "customer_device_options",
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("third_party_devices", sa.Boolean(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("customer_id"),
    )


def downgrade() -> None:
    op.drop_table("customer_device_options")
    op.drop_index("ix_device_activation_codes_workspace_id", "device_activation_codes")
    op.drop_index("ix_device_activation_codes_person_id", "device_activation_codes")
    op.drop_table("device_activation_codes")
    op.drop_index("ix_devices_org_seq", "devices")
    op.drop_index("ix_devices_workspace_id", "devices")
    op.drop_index("ix_devices_person_id", "devices")
    op.drop_index("ix_devices_customer_id", "devices")
    op.drop_table("devices")
