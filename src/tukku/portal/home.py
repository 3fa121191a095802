"""The portal's home page, and `/`, which leads people who open tukku's address to it."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tukku.core.deps import DbSession
from tukku.core.errors import NotFound
from tukku.core.routing import api_router
from tukku.identity import service as identity
from tukku.identity.rules import CUSTOMER_KINDS
from tukku.portal.auth import PortalUserDep
from tukku.web.templating import templates

router = api_router(include_in_schema=False)


@router.get("/")
def root() -> Response:
    """People who open tukku's address want the portal."""
    return RedirectResponse("/portal/", status_code=303)


@router.get("/portal/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """Who is signed in, for which organization, with which roles; a customer's administrators
    work in the customer portal instead."""
    if user.principal.org_kind in CUSTOMER_KINDS:
        return RedirectResponse("/hub", status_code=303)
    org = identity.get_org_unscoped(session, user.principal.org_id)
    if org is None:
        raise NotFound("organization")
    context = {"user": user, "csrf": user.csrf, "org": org}
    return templates.TemplateResponse(request, "portal/home.html", context)
