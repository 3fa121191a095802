"""Cross-launch: a partner administrator opens a customer's organization in the customer
portal (`/hub`), to work there as the customer's partner.

Launching is a POST (it is audited, `customer.cross_launch`) that puts the customer's ID in the
`tukku_hub` cookie and lands on `/hub`; every customer-portal request resolves that cookie again
among the customers the partner manages (`portal.hub`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from tukku.core.deps import ClockDep, DbSession
from tukku.core.routing import api_router
from tukku.customers import service
from tukku.portal.auth import HUB_COOKIE, PortalUserDep, check_csrf, set_cookie

router = api_router(prefix="/portal/customers", include_in_schema=False)


@router.post("/{customer_id}/launch")
def launch(
    customer_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    clock: ClockDep,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Record the launch, then open the customer portal in the customer's organization."""
    check_csrf(request, csrf)
    customer = service.cross_launch(
        session, actor=user.actor, customer_id=customer_id, now=clock.now()
    )
    response = RedirectResponse("/hub", status_code=303)
    set_cookie(request, response, HUB_COOKIE, customer.id, max_age=None)
    return response
