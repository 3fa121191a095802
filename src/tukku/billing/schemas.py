"""Wire models of billing: `/v1/wholesale/billing/reports`, price books and invoices."""

from __future__ import annotations

from pydantic import Field

from tukku.core.schemas import CamelModel


class ReportCreate(CamelModel):
    """Body of `POST /v1/wholesale/billing/reports`."""

    billing_start_date: str = Field(description="First day covered, YYYY-MM-DD.")
    billing_end_date: str = Field(description="Last day covered, YYYY-MM-DD (before today).")
    type: str = Field(default="PARTNER", description="PARTNER, CUSTOMER or USER.")
    sub_partner_org_id: str | None = Field(default=None, description="Only this sub-partner.")
    internal: bool = Field(default=False, description="Include internal test organizations.")
    category: str = Field(
        default="RECONCILIATION",
        description="tukku extension: RECONCILIATION (usage) or POINT_IN_TIME (allocations).",
    )


class ReportIdOut(CamelModel):
    """Answer of create."""

    id: str
    billing_start_date: str
    billing_end_date: str
    type: str
    category: str


class ReportErrorOut(CamelModel):
    """Why generation failed (note: `code`, not `errorCode`, as upstream)."""

    code: int
    description: str


class ReportOut(CamelModel):
    """A billing report."""

    id: str
    billing_start_date: str
    billing_end_date: str
    type: str
    category: str
    created: str
    created_by: str
    status: str
    sub_partner_org_id: str | None = None
    temp_download_url: str | None = Field(default=None, alias="tempDownloadURL")
    errors: list[ReportErrorOut] | None = None


class ReportPage(CamelModel):
    """A page of reports."""

    items: list[ReportOut]


class PriceIn(CamelModel):
    """One SKU's monthly price."""

    sku: str
    monthly_price: str = Field(description='Decimal string, e.g. "12.50".')


class PriceBookIn(CamelModel):
    """A new price book version (operator only)."""

    currency: str = Field(description="ISO 4217, e.g. EUR.")
    effective_from: str | None = Field(
        default=None, description="First day of a month (YYYY-MM-01); default this month."
    )
    prices: list[PriceIn]


class PriceOut(CamelModel):
    """One SKU's monthly price."""

    sku: str
    package: str
    monthly_price: str


class PriceBookOut(CamelModel):
    """A price book version."""

    partner_org_id: str
    subscription_id: str
    currency: str
    effective_from: str
    created: str
    prices: list[PriceOut]


class PriceBookPage(CamelModel):
    """Every version, newest first."""

    items: list[PriceBookOut]


class InvoiceLineOut(CamelModel):
    """One SKU of an invoice."""

    sku: str
    service_name: str
    description: str
    quantity: str = Field(description="User-days (decimal).")
    monthly_price: str
    amount: str


class InvoiceOut(CamelModel):
    """An invoice for one month, in arrears."""

    id: str
    partner_org_id: str
    subscription_id: str
    month: str
    currency: str
    issued: str
    lines: list[InvoiceLineOut]
    total: str


class InvoicePage(CamelModel):
    """Invoices, newest month first."""

    items: list[InvoiceOut]
