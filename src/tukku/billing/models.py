"""Billing tables: recorded daily usage, reports, price books and invoices (the ledger they are
made from is `tukku.metering`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType
from tukku.metering.models import Holding


class UsageRun(Holding, Base):
    """Recorded daily usage, run-length encoded: the holder used `micro_per_day` micro
    user-days of the package on every day from `first_day` to `last_day` (day numbers; NULL
    `last_day`: every recorded day since `first_day`).

    A day with a change gets a run of its own; unchanged days cost nothing to record.
    """

    __tablename__ = "usage_runs"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(128))
    first_day: Mapped[int]
    last_day: Mapped[int | None]
    micro_per_day: Mapped[int]

    __table_args__ = (
        Index("ix_usage_runs_partner_first_day", "partner_org_id", "first_day"),
        Index(
            "ix_usage_runs_ongoing",
            "holder_id",
            "package",
            sqlite_where=text("last_day IS NULL"),
            postgresql_where=text("last_day IS NULL"),
        ),
    )


class UsageState(Base):
    """Up to which day (day number) daily usage is recorded; days are recorded in order."""

    __tablename__ = "usage_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_recorded_day: Mapped[int | None]


class BillingReport(Base):
    """A billing report: its request, its generation status and where its CSV is stored."""

    __tablename__ = "billing_reports"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(128), unique=True)
    partner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    sub_partner_org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    created_by: Mapped[str] = mapped_column(String(128))
    report_type: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(20))
    billing_start: Mapped[date]
    billing_end: Mapped[date]
    internal: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12))
    errors: Mapped[list[Any]] = mapped_column(default=list)
    storage_key: Mapped[str | None] = mapped_column(String(512))
    row_count: Mapped[int | None]
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_billing_reports_partner_start", "partner_org_id", "billing_start"),)


class PriceBookVersion(Base):
    """A partner's prices from `effective_from` (the first day of a month) on."""

    __tablename__ = "price_book_versions"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    partner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    subscription_id: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    effective_from: Mapped[date]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(128))

    __table_args__ = (UniqueConstraint("partner_org_id", "effective_from"),)


class PriceBookEntry(Base):
    """The monthly price of one SKU in a price book version, in micro currency units."""

    __tablename__ = "price_book_entries"

    version_id: Mapped[int] = mapped_column(ForeignKey("price_book_versions.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    monthly_price_micros: Mapped[int] = mapped_column(BigInteger)


class Invoice(Base):
    """A partner's invoice, in arrears, for one calendar month."""

    __tablename__ = "invoices"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(128), unique=True)
    partner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    subscription_id: Mapped[str] = mapped_column(String(32))
    month: Mapped[date]
    currency: Mapped[str] = mapped_column(String(3))
    price_book_version_id: Mapped[int] = mapped_column(ForeignKey("price_book_versions.id"))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("partner_org_id", "month"),)


class InvoiceLine(Base):
    """One SKU of an invoice: quantity in micro user-days, price and amount."""

    __tablename__ = "invoice_lines"

    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    package: Mapped[str] = mapped_column(String(64))
    quantity_micro: Mapped[int] = mapped_column(BigInteger)
    monthly_price_micros: Mapped[int] = mapped_column(BigInteger)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
