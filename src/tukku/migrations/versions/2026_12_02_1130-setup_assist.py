"""Setup Assist: orders of onboarding help for a customer location, and the project phases each
has reached (PRODUCT.md section 9). Billing reads the orders as one-time charges.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "setup_assist_orders",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("partner_org_id", sa.String(length=128), nullable=False),
        sa.Column("sub_partner_org_id", sa.String(length=128), nullable=True),
        sa.Column("owner_org_id", sa.String(length=128), nullable=False),
        sa.Column("subscription_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("customer_org_id", sa.String(length=128), nullable=False),
        sa.Column("location_id", sa.String(length=128), nullable=False),
        sa.Column("location_count", sa.Integer(), nullable=False),
        sa.Column("deployment_date", sa.Date(), nullable=False),
        sa.Column("package", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("billed_day", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("phases_reached", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"]),
        sa.ForeignKeyConstraint(["owner_org_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["partner_org_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["sub_partner_org_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id"),
    )
    op.create_index(
        "ix_setup_assist_orders_customer_id", "setup_assist_orders", ["customer_id"], unique=False
    )
    op.create_index(
        "ix_setup_assist_orders_partner_day",
        "setup_assist_orders",
        ["partner_org_id", "billed_day"],
        unique=False,
    )
    op.create_index(
        "ix_setup_assist_orders_owner_created",
        "setup_assist_orders",
        ["owner_org_id", "created_at", "seq"],
        unique=False,
    )
    op.create_index(
        "ix_setup_assist_orders_location",
        "setup_assist_orders",
        ["location_id", "status"],
        unique=False,
    )
    op.create_table(
        "setup_assist_phases",
        sa.Column("order_id", sa.String(length=128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("completed_at", WHEN, nullable=True),
        sa.Column("started_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["setup_assist_orders.id"]),
        sa.PrimaryKeyConstraint("order_id", "position"),
    )


def downgrade() -> None:
    op.drop_table("setup_assist_phases")
    op.drop_index("ix_setup_assist_orders_location", table_name="setup_assist_orders")
    op.drop_index("ix_setup_assist_orders_owner_created", table_name="setup_assist_orders")
    op.drop_index("ix_setup_assist_orders_partner_day", table_name="setup_assist_orders")
    op.drop_index("ix_setup_assist_orders_customer_id", table_name="setup_assist_orders")
    op.drop_table("setup_assist_orders")
