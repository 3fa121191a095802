"""Tokens keep a short, non-secret prefix to find them by; mail remembers whose it is.

`api_tokens.prefix` is the first characters of a token as it was shown (never enough to use
it), so `tukku tokens revoke tku_AbCd1234` finds a leaked token. `mail_messages` records the
partner, the acting partner or sub-partner and the customer organization a message belongs to,
so the sandbox outbox shows each tenant only its own mail. Rows written before stay NULL
(visible to operators only).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prefix", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_api_tokens_prefix", ["prefix"], unique=False)
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner_org_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("owner_org_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("customer_org_id", sa.String(length=128), nullable=True))
        batch_op.create_index("ix_mail_messages_partner_org_id", ["partner_org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_messages_partner_org_id")
        batch_op.drop_column("customer_org_id")
        batch_op.drop_column("owner_org_id")
        batch_op.drop_column("partner_org_id")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_api_tokens_prefix")
        batch_op.drop_column("prefix")
