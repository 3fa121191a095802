"""The customer portal ("Control Hub", `/hub`): who works in which customer organization, the
portal's home page, and leaving a cross-launch.

A customer's administrators work in their own organization, as the `/v1/customer/...` API's
`customer_admin.context` makes them; a partner's staff work in a customer they manage after a
cross-launch, as `customer_admin.for_partner` makes them: the partner's own `Actor` with the
customer's organization as its target, re-resolved from the `tukku_hub` cookie on every request
(any customer the partner does not manage: 404). Every page is drawn from that one context, so
what restricted-by-partner mode or a read-only role takes away is absent from the page and
refused by the service alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tukku.branding import service as branding
from tukku.core.deps import DbSession
from tukku.core.errors import NotFound
from tukku.core.routing import api_router
from tukku.customer_admin import service as admin
from tukku.identity import service as identity
from tukku.identity.permissions import Permission
from tukku.identity.rules import PARTNER_KINDS
from tukku.portal.auth import HUB_COOKIE, HubRefused, PortalUser, PortalUserDep, check_csrf
from tukku.web.brand import Brand
from tukku.web.templating import templates

router = api_router(prefix="/hub", include_in_schema=False)


@dataclass(frozen=True)
class Hub:
    """The signed-in user working in one customer organization (`ctx`); `partner_name` is the
    partner (or sub-partner) its staff act for after a cross-launch, None for the customer's
    own administrators."""

    user: PortalUser
    ctx: admin.CustomerContext
    partner_name: str | None
    brand: Brand

    def may(self, permission: str) -> bool:
        """Whether the one permission table lets the user do `permission` here (its value, as
        templates name it; an unknown one raises, never hides a control silently)."""
        return self.ctx.actor.may(Permission(permission))

    def page(self, request: Request, template: str, status: int = 200, **more: Any) -> Response:
        """A page of the customer portal, with its layout's context."""
        context = {
            "user": self.user,
            "csrf": self.user.csrf,
            "hub": self,
            "brand": self.brand,
            **more,
        }
        return templates.TemplateResponse(request, template, context, status)


def open_hub(request: Request, session: Session, user: PortalUser) -> Hub:
    """The customer organization this request works in, and as whom (see the module); each
    page calls it first, in its own unit of work."""
    if user.principal.org_kind not in PARTNER_KINDS:
        return Hub(user, admin.context(session, user.principal), None, user.brand)
    customer_id = request.cookies.get(HUB_COOKIE)
    if not customer_id:
        raise HubRefused
    try:
        ctx = admin.for_partner(session, user.actor, customer_id)
    except NotFound:
        raise HubRefused from None
    partner = identity.get_org_unscoped(session, ctx.actor.org_id)
    brand = branding.brand_for_org(session, ctx.org.id)  # what the customer's own admins see
    return Hub(user, ctx, partner.name if partner else ctx.actor.org_id, brand)


@router.get("", response_class=HTMLResponse)
def home(request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """The organization as its administrators see it: its settings and restricted mode."""
    hub = open_hub(request, session, user)
    return hub.page(request, "hub/home.html", nav="home", org=admin.organization(hub.ctx))


@router.post("/leave")
def leave(
    request: Request, session: DbSession, user: PortalUserDep, csrf: Annotated[str, Form()] = ""
) -> Response:
    """End a cross-launch: back to the customer in the partner portal."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    customer = hub.ctx.customer
    if hub.partner_name is None or customer is None:
        raise NotFound("cross-launch")
    back = f"/portal/customers/{customer.id}"
    response = RedirectResponse(back, status_code=303)
    response.delete_cookie(HUB_COOKIE, path="/")
    return response
