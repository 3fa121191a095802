"""Cross-launch: a partner administrator opens a customer's own view of its organization.

Launching is a POST (it is audited, `customer.cross_launch`) that lands on the customer's
summary: what its administrators see of their organization (packages, locations and users),
read-only. The customer portal takes its place when it arrives.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tukku.core.deps import ClockDep, DbSession
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.customers import service
from tukku.identity import service as identity
from tukku.portal.auth import PortalUserDep, check_csrf
from tukku.portal.forms import page_number
from tukku.subscribers import service as subscribers
from tukku.web.templating import templates

router = api_router(prefix="/portal/customers", include_in_schema=False)
PAGE_SIZE = 25


@router.post("/{customer_id}/launch")
def launch(
    customer_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    clock: ClockDep,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Record the launch, then show the customer's view."""
    check_csrf(request, csrf)
    service.cross_launch(session, actor=user.actor, customer_id=customer_id, now=clock.now())
    return RedirectResponse(f"/portal/customers/{customer_id}/summary", status_code=303)


@router.get("/{customer_id}/summary", response_class=HTMLResponse)
def summary(
    customer_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    page: Annotated[str | None, Query()] = None,
) -> Response:
    """The customer's organization as its administrators see it, 25 users a page."""
    actor = user.actor
    customer = service.get_or_404(session, actor=actor, customer_id=customer_id)
    org = identity.get_org_unscoped(session, customer.org_id) if customer.org_id else None
    number = page_number(page)
    filters = subscribers.SubscriberFilters(customer_id=customer.id)
    window = PageRequest(offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    people = subscribers.list_(session, actor=actor, filters=filters, page=window)
    locations = service.locations_of_org(session, actor=actor, org_id=org.id) if org else []
    base = f"/portal/customers/{customer.id}/summary"
    context = {
        "user": user,
        "csrf": user.csrf,
        "nav": "customers",
        "customer": customer,
        "org": org,
        "packages": service.packages_of(session, [customer.id])[customer.id],
        "locations": locations,
        "location_names": {location.id: location.name for location in locations},
        "people": [person for person, _ in people[:PAGE_SIZE]],
        "page": number,
        "previous": f"{base}?page={number - 1}" if number > 1 else None,
        "next": f"{base}?page={number + 1}" if len(people) > PAGE_SIZE else None,
    }
    return templates.TemplateResponse(request, "portal/customer_summary.html", context)
