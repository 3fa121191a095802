"""Wire models of sub-partners: `/v1/wholesale/subPartners` and `/v1/partner/subPartners`."""

from __future__ import annotations

from pydantic import Field

from tukku.core.schemas import CamelModel
from tukku.core.validation import Name


class SubPartnerCreate(CamelModel):
    """Set up a sub-partner (a reseller) under a partner."""

    name: Name = Field(min_length=1, max_length=255)
    admin_email: str
    admin_first_name: Name = Field(min_length=1, max_length=255)
    admin_last_name: Name = Field(min_length=1, max_length=255)
    subscription_id: str | None = Field(
        default=None, description="The partner's own subscription ID (shared); default: it."
    )
    billing_start_date: str | None = Field(
        default=None, description="YYYY-MM-DD; default: the set-up day."
    )


class SubPartnerOut(CamelModel):
    """A sub-partner as the original's list shows it."""

    org_id: str
    subscription_id: str
    provisioning_state: str
    created: str
    billing_start_date: str


class SubPartnerDetailOut(SubPartnerOut):
    """A sub-partner with tukku's extra details."""

    name: str
    admin_email: str


class SubPartnerPage(CamelModel):
    """A page of sub-partners."""

    items: list[SubPartnerOut]
