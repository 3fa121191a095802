"""Brands: partners' logos, light and dark colours and support contacts, and the overrides
they set for single customers.

Revision ID: 0015
Revises: 0016
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    colour = sa.String(length=7)
    op.create_table(
        "brands",
        sa.Column("org_id", sa.String(length=128), nullable=False),
        sa.Column("partner_org_id", sa.String(length=128), nullable=False),
        sa.Column("owner_org_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=True),
        sa.Column("light_text", colour, nullable=False),
        sa.Column("light_background", colour, nullable=False),
        sa.Column("light_accent", colour, nullable=False),
        sa.Column("dark_text", colour, nullable=False),
        sa.Column("dark_background", colour, nullable=False),
        sa.Column("dark_accent", colour, nullable=False),
        sa.Column("support_url", sa.String(length=1024), nullable=True),
        sa.Column("support_email", sa.String(length=320), nullable=True),
        sa.Column("support_phone", sa.String(length=40), nullable=True),
        sa.Column("logo_png", sa.LargeBinary(), nullable=True),
        sa.Column("logo_digest", sa.String(length=64), nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_brands_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organizations.id"],
            name=op.f("fk_brands_partner_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organizations.id"],
            name=op.f("fk_brands_owner_org_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_brands")),
    )
    op.create_index("ix_brands_partner_org_id", "brands", ["partner_org_id"])
    op.create_index("ix_brands_logo_digest", "brands", ["logo_digest"])


def downgrade() -> None:
    op.drop_index("ix_brands_logo_digest", table_name="brands")
    op.drop_index("ix_brands_partner_org_id", table_name="brands")
    op.drop_table("brands")
