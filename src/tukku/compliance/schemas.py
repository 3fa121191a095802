"""Wire models of the operators' screening API."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tukku.core.schemas import CamelModel


class ScreeningCaseOut(CamelModel):
    """A customer that may be a listed party, and where its review stands."""

    id: str
    customer_id: str
    partner_org_id: str
    owner_org_id: str
    customer_name: str
    country: str
    status: str = Field(description="pending, escalated, cleared, approved, denied or withdrawn.")
    scripted: bool = Field(description="Opened by the sandbox fault, not by a listed party.")
    list_id: int | None
    matches: list[dict[str, Any]]
    opened: str
    checked: str
    escalated: str | None
    decided: str | None
    decided_by: str | None
    reason: str | None


class ScreeningCasePage(CamelModel):
    """A page of the review queue, oldest first."""

    items: list[ScreeningCaseOut]


class ApproveIn(CamelModel):
    """An operator's approval; the note is kept in the case and the audit log."""

    note: str | None = Field(default=None, max_length=1000)


class DenyIn(CamelModel):
    """An operator's denial; the reason is shown to the partner in the customer's errors."""

    reason: str


class ScreeningListOut(CamelModel):
    """The list in force."""

    id: int
    source_name: str
    sha256: str
    entry_count: int
    loaded: str
    loaded_by: str | None
