"""Wire models of `/v1/partner/setupAssist` and `/v1/ops/setupAssist` (tukku's extension
namespace: camelCase, like the other `/v1/partner` routes)."""

from __future__ import annotations

from pydantic import Field

from tukku.core.schemas import CamelModel


class OrderIn(CamelModel):
    """A Setup Assist order for one customer location."""

    partner_org_id: str = Field(description="The ordering partner: your own organization.")
    customer_org_id: str = Field(description="A customer organization you manage.")
    subscription_id: str = Field(description="Your active wholesale subscription's ID.")
    location_count: int = Field(description="The customer's total number of locations.")
    location_id: str = Field(description="The customer location to onboard.")
    deployment_date: str = Field(description="YYYY-MM-DD, at least six business days after today.")


class AdvanceIn(CamelModel):
    """Operators move an order into its next phase (or, after the last, complete it)."""

    expected_phase: str | None = Field(
        default=None,
        description="Optional guard: the phase the order is in now (`submitted` before the "
        "first); 409 if it has moved on meanwhile.",
    )


class PhaseOut(CamelModel):
    """One phase of the order's SKU: `pending`, `in_progress` or `completed`."""

    name: str
    status: str
    started: str | None = None
    completed: str | None = None
    ends_by: str | None = Field(
        default=None, description="Post-cut-over support only: its last day (YYYY-MM-DD)."
    )


class OrderOut(CamelModel):
    """An order, the SKU chosen for it and where its project stands."""

    id: str
    partner_org_id: str
    customer_org_id: str
    subscription_id: str
    location_id: str
    location_count: int
    deployment_date: str
    service_name: str
    sku: str
    seats: int
    quantity: int
    status: str
    phase: str | None = None
    phases: list[PhaseOut]
    created: str
    created_by: str
    updated: str


class OrderPage(CamelModel):
    """A page of orders."""

    items: list[OrderOut]
