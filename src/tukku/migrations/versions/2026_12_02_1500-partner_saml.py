"""Partner single sign-on with SAML 2.0: the SAML settings of partners' identity providers
(IdP entity ID and metadata, tukku's SP key sealed, its certificate) and the assertions consumed,
kept until they expire so that none signs in twice.

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("partner_idps") as table:
        table.add_column(sa.Column("saml_entity_id", sa.String(length=1024), nullable=True))
        table.add_column(sa.Column("saml_metadata", sa.Text(), nullable=True))
        table.add_column(sa.Column("saml_metadata_url", sa.String(length=2048), nullable=True))
        table.add_column(
            sa.Column(
                "saml_send_email_hint", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        table.add_column(sa.Column("saml_sp_id", sa.String(length=64), nullable=True))
        table.add_column(sa.Column("saml_sp_key_encrypted", sa.Text(), nullable=True))
        table.add_column(sa.Column("saml_sp_certificate", sa.Text(), nullable=True))
        table.create_unique_constraint("uq_partner_idps_saml_sp_id", ["saml_sp_id"])
    op.create_table(
        "saml_consumed_assertions",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    op.create_index(
        "ix_saml_consumed_assertions_expires_at", "saml_consumed_assertions", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_saml_consumed_assertions_expires_at", table_name="saml_consumed_assertions")
    op.drop_table("saml_consumed_assertions")
    with op.batch_alter_table("partner_idps") as table:
        table.drop_constraint("uq_partner_idps_saml_sp_id", type_="unique")
        for column in (
            "saml_sp_certificate",
            "saml_sp_key_encrypted",
            "saml_sp_id",
            "saml_send_email_hint",
            "saml_metadata_url",
            "saml_metadata",
            "saml_entity_id",
        ):
            table.drop_column(column)
