"""The partner portal's audit log: who changed what, when and from where, newest first,
filtered by action, target and time, 50 a page; the same events and the same privacy rule as
`GET /v1/partner/auditEvents` (request sources only for changes the partner's own people made)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from tukku.audit import service
from tukku.core.deps import DbSession
from tukku.core.errors import DomainError
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.core.timefmt import instant_param
from tukku.portal.auth import PortalUserDep
from tukku.portal.forms import page_number
from tukku.web.templating import templates

router = api_router(prefix="/portal/audit", include_in_schema=False)
PAGE_SIZE = 50


@router.get("", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    action: str = "",
    target: str = "",
    since: str = "",
    until: str = "",
    page: str | None = None,
) -> Response:
    """The organization's audit log; a time the page cannot read is shown as an error next to
    its field, with the rest of the filters applied."""
    errors: dict[str, str] = {}
    bounds: dict[str, Any] = {}
    for name, value in (("since", since), ("until", until)):
        try:
            bounds[name] = instant_param(name, value.strip() or None)
        except DomainError:
            errors[name] = "Give a time as 2026-12-01 or 2026-12-01T09:30:00Z."
    filters = service.AuditFilters(
        action=action.strip() or None, target_id=target.strip() or None, **bounds
    )
    number = page_number(page)
    window = PageRequest(offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    rows = service.list_for_partner(session, actor=user.actor, filters=filters, page=window)
    own = service.own_people(session, user.actor)
    shown = [service.to_out(e, with_source=e.actor_org_id in own) for e in rows[:PAGE_SIZE]]

    def link(to: int) -> str:
        query = {"action": action, "target": target, "since": since, "until": until}
        return "/portal/audit?" + urlencode({k: v for k, v in query.items() if v} | {"page": to})

    context = {
        "user": user,
        "csrf": user.csrf,
        "nav": "audit",
        "events": shown,
        "changes": {e.id: _change(e.before, e.after) for e in shown},
        "values": {"action": action, "target": target, "since": since, "until": until},
        "errors": errors,
        "page": number,
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if len(rows) > PAGE_SIZE else None,
    }
    return templates.TemplateResponse(request, "portal/audit.html", context, 400 if errors else 200)


def _change(before: Any, after: Any) -> str:
    """An event's before and after, compact, for a table cell."""
    parts = []
    if before:
        parts.append("before " + json.dumps(before, sort_keys=True))
    if after:
        parts.append("after " + json.dumps(after, sort_keys=True))
    return "; ".join(parts)
