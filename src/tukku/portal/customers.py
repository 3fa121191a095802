"""The partner portal's customers: the list (search, status filter, pages), one customer's
summary (its status followed while it changes, packages and their status, locations,
subscribers, restricted mode) and the restricted-mode switch, through the customers service
with the signed-in user's `Actor`."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tukku.core.deps import ClockDep, DbSession
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.customers import service
from tukku.customers.rules import SETTLED, Status
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUserDep, check_csrf
from tukku.portal.forms import page_number
from tukku.subscribers import service as subscribers
from tukku.web.templating import templates

router = api_router(prefix="/portal/customers", include_in_schema=False)
PAGE_SIZE = 25
STATUSES = [s.value for s in Status if s is not Status.REMOVED]
# A customer in any other status is on its way somewhere: its page follows it.
FINAL = SETTLED | {Status.ERROR}


@router.get("", response_class=HTMLResponse)
def customers(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    q: str = "",
    status: str = "",
    page: Annotated[str | None, Query()] = None,
) -> Response:
    """The organization's customers, oldest first, 25 a page."""
    number = page_number(page)
    wanted = (status,) if status in STATUSES else ()
    filters = service.CustomerFilters(statuses=wanted, search=q.strip() or None)
    window = PageRequest(offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    rows = service.list_(session, actor=user.actor, filters=filters, page=window)
    shown = rows[:PAGE_SIZE]
    packages = service.packages_of(session, [c.id for c in shown])

    def link(to: int) -> str:
        query = {k: v for k, v in {"q": q, "status": status, "page": str(to)}.items() if v}
        return f"/portal/customers?{urlencode(query)}"

    context: dict[str, Any] = {
        "user": user,
        "csrf": user.csrf,
        "nav": "customers",
        "customers": [(c, packages[c.id]) for c in shown],
        "q": q,
        "status": status if wanted else "",
        "statuses": STATUSES,
        "page": number,
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if len(rows) > PAGE_SIZE else None,
        "may_write": user.actor.may(Permission.CUSTOMERS_WRITE),
    }
    return templates.TemplateResponse(request, "portal/customers.html", context)


@router.get("/{customer_id}", response_class=HTMLResponse)
def customer(
    customer_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    created: str | None = None,
) -> Response:
    """One customer: its status (followed until it settles), packages and their status and
    problems, locations and subscribers."""
    actor = user.actor
    found = service.get_or_404(session, actor=actor, customer_id=customer_id)
    packages = service.packages_of(session, [found.id])[found.id]
    holding = subscribers.count_holding(session, found.id, [p.name for p in packages])
    locations = (
        service.locations_of_org(session, actor=actor, org_id=found.org_id) if found.org_id else []
    )
    context = {
        "user": user,
        "csrf": user.csrf,
        "nav": "customers",
        "customer": found,
        "packages": packages,
        "holding": holding,
        "subscribers": sum(holding.values()),
        "locations": locations,
        "may_restrict": actor.may(Permission.RESTRICTED_MODE_WRITE),
        "may_brand": actor.may(Permission.BRANDING_READ),
        "may_set_up": actor.may(Permission.CUSTOMERS_WRITE)
        and actor.may(Permission.SUBSCRIBERS_WRITE),
        "may_order_help": actor.may(Permission.CUSTOMERS_WRITE),
        "created": bool(created),
        "following": found.status not in FINAL,
    }
    return templates.TemplateResponse(request, "portal/customer.html", context)


@router.post("/{customer_id}/restricted-mode")
def restricted_mode(
    customer_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    clock: ClockDep,
    enabled: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Turn restricted-by-partner mode on or off (403 for whom the API refuses it too)."""
    check_csrf(request, csrf)
    service.set_restricted_mode(
        session,
        actor=user.actor,
        customer_id=customer_id,
        enabled=enabled == "on",
        now=clock.now(),
    )
    return RedirectResponse(f"/portal/customers/{customer_id}", status_code=303)
