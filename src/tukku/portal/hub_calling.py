"""What the customer portal's calling pages (locations, numbers, workspaces, devices, call
queues) share: the `OrgScope` the calling services take, built from the hub's context (the
same actor, organization and customer, so restricted mode and roles bind the pages as they bind
the API), paging, and a refused form's reasons next to its fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from tukku.calling.access import OrgScope
from tukku.core.errors import DomainError
from tukku.core.pagination import PageRequest
from tukku.portal.forms import field_errors, undo
from tukku.portal.hub import Hub

PAGE_SIZE = 25


def scope_of(hub: Hub) -> OrgScope:
    """The calling services' scope of the organization the hub works in."""
    return OrgScope(hub.ctx.actor, hub.ctx.org, hub.ctx.customer)


def page_of(number: int) -> PageRequest:
    """Page `number` (from 1) of a list, `PAGE_SIZE` rows a page."""
    return PageRequest(offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)


def page_links(
    path: str, number: int, more: bool, query: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The previous and next links of page `number` of a list (`more`: a next page exists)."""

    def link(to: int) -> str:
        kept = {k: v for k, v in (query or {}).items() if v}
        return f"{path}?{urlencode({**kept, 'page': str(to)})}"

    return {
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if more else None,
    }


def errors_of(
    session: Session, refused: DomainError, names: Mapping[str, str] | None = None
) -> dict[str, str]:
    """A refused form's reasons by form field (`names` maps the service's field names to the
    form's), its changes undone. A refusal of the user's role (403) or of an ID in the page's
    address (404 naming no field of the form) is the page's answer instead: raised again."""
    undo(session)
    fields = names or {}
    errors = {fields.get(k, k): v for k, v in field_errors(refused.problems).items()}
    in_form = all(p.field and p.field in fields for p in refused.problems)
    if refused.status == 403 or (refused.status == 404 and not in_form):
        raise refused
    return errors
