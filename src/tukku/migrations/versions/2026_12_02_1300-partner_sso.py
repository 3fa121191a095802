"""Partner single sign-on: each partner's identity provider (its client secret encrypted) and
the operator's one-time break-glass grants of a password sign-in.

Revision ID: 0016
Revises: 0017
Create Date: 2026-12-02 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "partner_idps",
        sa.Column("org_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=True),
        sa.Column("client_secret_encrypted", sa.Text(), nullable=True),
        sa.Column("scopes", sa.String(length=1024), nullable=True),
        sa.Column("authorization_endpoint", sa.String(length=2048), nullable=True),
        sa.Column("token_endpoint", sa.String(length=2048), nullable=True),
        sa.Column("discovery_endpoint", sa.String(length=2048), nullable=True),
        sa.Column("userinfo_endpoint", sa.String(length=2048), nullable=True),
        sa.Column("jwks_endpoint", sa.String(length=2048), nullable=True),
        sa.Column("issuer", sa.String(length=2048), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("org_id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "sso_break_glass",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sso_break_glass_user_id", "sso_break_glass", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_sso_break_glass_user_id", table_name="sso_break_glass")
    op.drop_table("sso_break_glass")
    op.drop_table("partner_idps")
