"""Billing: recorded daily usage, reports, price books, invoices; the ledger made append-only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 03:19:12.653283
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_runs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("partner_org_id", sa.String(length=128), nullable=False),
        sa.Column("sub_partner_org_id", sa.String(length=128), nullable=True),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("holder_id", sa.String(length=128), nullable=False),
        sa.Column("subscriber_id", sa.String(length=128), nullable=True),
        sa.Column("workspace_id", sa.String(length=128), nullable=True),
        sa.Column("user_id", sa.String(length=128), nullable=True),
        sa.Column("location_id", sa.String(length=128), nullable=True),
        sa.Column("package", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("first_day", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Integer(), nullable=True),
        sa.Column("micro_per_day", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_runs")),
    )
    with op.batch_alter_table("usage_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_usage_runs_ongoing",
            ["holder_id", "package"],
            unique=False,
            sqlite_where=sa.text("last_day IS NULL"),
            postgresql_where=sa.text("last_day IS NULL"),
        )
        batch_op.create_index(
            "ix_usage_runs_partner_first_day", ["partner_org_id", "first_day"], unique=False
        )

    op.create_table(
        "usage_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_recorded_day", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_state")),
    )
    op.create_table(
        "billing_reports",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("partner_org_id", sa.String(length=128), nullable=False),
        sa.Column("sub_partner_org_id", sa.String(length=128), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("report_type", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("billing_start", sa.Date(), nullable=False),
        sa.Column("billing_end", sa.Date(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column(
            "errors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("storage_key", sa.String(length=512), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organizations.id"],
            name=op.f("fk_billing_reports_partner_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["sub_partner_org_id"],
            ["organizations.id"],
            name=op.f("fk_billing_reports_sub_partner_org_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_billing_reports")),
        sa.UniqueConstraint("id", name=op.f("uq_billing_reports_id")),
    )
    with op.batch_alter_table("billing_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_billing_reports_partner_start", ["partner_org_id", "billing_start"], unique=False
        )

    op.create_table(
        "price_book_versions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("partner_org_id", sa.String(length=128), nullable=False),
        sa.Column("subscription_id", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organizations.id"],
            name=op.f("fk_price_book_versions_partner_org_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_book_versions")),
        sa.UniqueConstraint(
            "partner_org_id",
            "effective_from",
            name=op.f("uq_price_book_versions_partner_org_id_effective_from"),
        ),
    )
    op.create_table(
        "invoices",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("partner_org_id", sa.String(length=128), nullable=False),
        sa.Column("subscription_id", sa.String(length=32), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "price_book_version_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organizations.id"],
            name=op.f("fk_invoices_partner_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["price_book_version_id"],
            ["price_book_versions.id"],
            name=op.f("fk_invoices_price_book_version_id_price_book_versions"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_invoices")),
        sa.UniqueConstraint("id", name=op.f("uq_invoices_id")),
        sa.UniqueConstraint(
            "partner_org_id", "month", name=op.f("uq_invoices_partner_org_id_month")
        ),
    )
    op.create_table(
        "price_book_entries",
        sa.Column(
            "version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("monthly_price_micros", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["price_book_versions.id"],
            name=op.f("fk_price_book_entries_version_id_price_book_versions"),
        ),
        sa.PrimaryKeyConstraint("version_id", "sku", name=op.f("pk_price_book_entries")),
    )
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.String(length=128), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("package", sa.String(length=64), nullable=False),
        sa.Column("quantity_micro", sa.BigInteger(), nullable=False),
        sa.Column("monthly_price_micros", sa.BigInteger(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_lines_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("invoice_id", "sku", name=op.f("pk_invoice_lines")),
    )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("internal", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("package_assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holder_id", sa.String(length=128), nullable=True))
    op.execute("UPDATE package_assignments SET holder_id = COALESCE(subscriber_id, workspace_id)")
    with op.batch_alter_table("package_assignments", schema=None) as batch_op:
        batch_op.alter_column("holder_id", existing_type=sa.String(length=128), nullable=False)
        batch_op.create_index("ix_package_assignments_ended", ["ended_at"], unique=False)
        batch_op.create_index(
            "ix_package_assignments_holder", ["holder_id", "package", "started_at"], unique=False
        )
        batch_op.create_index("ix_package_assignments_started", ["started_at"], unique=False)

    _protect_ledger()


# The usage ledger is append-only: rows are never deleted, and an update may only close an open
# interval (set ended_at once). Enforced by the database, whoever writes to it.
LEDGER_COLUMNS = (
    "id",
    "partner_org_id",
    "sub_partner_org_id",
    "customer_id",
    "holder_id",
    "subscriber_id",
    "workspace_id",
    "user_id",
    "location_id",
    "package",
    "sku",
    "started_at",
)


def _protect_ledger() -> None:
    if op.get_bind().dialect.name == "sqlite":
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in LEDGER_COLUMNS)
        op.execute(
            "CREATE TRIGGER package_assignments_no_delete BEFORE DELETE ON package_assignments "
            "BEGIN SELECT RAISE(ABORT, 'the usage ledger is append-only'); END"
        )
        op.execute(
            "CREATE TRIGGER package_assignments_close_only BEFORE UPDATE ON package_assignments "
            f"WHEN OLD.ended_at IS NOT NULL OR NEW.ended_at IS NULL OR {changed} "
            "BEGIN SELECT RAISE(ABORT, 'usage ledger rows can only be closed'); END"
        )
        return
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in LEDGER_COLUMNS)
    op.execute(
        "CREATE FUNCTION package_assignments_guard() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'the usage ledger is append-only'; END IF; "
        f"IF OLD.ended_at IS NOT NULL OR NEW.ended_at IS NULL OR {changed} THEN "
        "RAISE EXCEPTION 'usage ledger rows can only be closed'; END IF; "
        "RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER package_assignments_guard BEFORE UPDATE OR DELETE ON package_assignments "
        "FOR EACH ROW EXECUTE FUNCTION package_assignments_guard()"
    )


def _unprotect_ledger() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER package_assignments_no_delete")
        op.execute("DROP TRIGGER package_assignments_close_only")
        return
    op.execute("DROP TRIGGER package_assignments_guard ON package_assignments")
    op.execute("DROP FUNCTION package_assignments_guard()")


def downgrade() -> None:
    _unprotect_ledger()
    with op.batch_alter_table("package_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_package_assignments_started")
        batch_op.drop_index("ix_package_assignments_holder")
        batch_op.drop_index("ix_package_assignments_ended")
        batch_op.drop_column("holder_id")

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("internal")

    op.drop_table("invoice_lines")
    op.drop_table("price_book_entries")
    op.drop_table("invoices")
    op.drop_table("price_book_versions")
    with op.batch_alter_table("billing_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_billing_reports_partner_start")

    op.drop_table("billing_reports")
    op.drop_table("usage_state")
    with op.batch_alter_table("usage_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_runs_partner_first_day")
        batch_op.drop_index(
            "ix_usage_runs_ongoing",
            sqlite_where=sa.text("last_day IS NULL"),
            postgresql_where=sa.text("last_day IS NULL"),
        )

    op.drop_table("usage_runs")
