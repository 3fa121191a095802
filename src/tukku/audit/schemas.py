"""Wire models of the audit log."""

from __future__ import annotations

from typing import Any

from tukku.core.schemas import CamelModel


class AuditEventOut(CamelModel):
    """One change."""

    id: int
    occurred: str
    actor_user_id: str | None
    actor_org_id: str | None
    on_behalf_of_org_id: str | None
    partner_org_id: str | None
    owner_org_id: str | None
    action: str
    target_type: str
    target_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    tracking_id: str | None
    source_address: str | None
    user_agent: str | None


class AuditEventPage(CamelModel):
    """A page of changes, newest first."""

    items: list[AuditEventOut]
