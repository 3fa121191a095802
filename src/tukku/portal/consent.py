"""The pages a user reaches from a consent e-mail, to accept moving into a customer
organization: they wear the brand that organization's people see (its override, else its
partner's), as the customer portal and the e-mail itself do.

Public (the signed link is the credential); the subscribers service decides whether the link
still stands for a user waiting to consent.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from tukku.branding import service as branding
from tukku.core.deps import ClockDep, DbSession, LinkSecret
from tukku.core.routing import api_router
from tukku.onboarding import service as onboarding
from tukku.subscribers import service
from tukku.web.templating import templates

router = api_router(prefix="/v1/consent", tags=["Consent"], include_in_schema=False)


@router.get("/{token}", response_class=HTMLResponse)
def review(
    token: str, request: Request, session: DbSession, clock: ClockDep, secret: LinkSecret
) -> HTMLResponse:
    """Show who asks the user to move, with one button to accept."""
    subscriber, customer = service.pending_for_consent(
        session, token=token, secret=secret, now=clock.now()
    )
    context = {
        "brand": branding.brand_for_org(session, customer.org_id),
        "product": onboarding.brand_name_of(session, customer.template_id),
        "customer": customer.name,
        "email": subscriber.email,
    }
    return templates.TemplateResponse(request, "consent/review.html", context)


@router.post("/{token}", response_class=HTMLResponse)
def accept(
    token: str, request: Request, session: DbSession, clock: ClockDep, secret: LinkSecret
) -> HTMLResponse:
    """Accept: the user joins the customer organization and the subscriber is provisioned."""
    _, customer = service.accept_consent(session, token=token, secret=secret, now=clock.now())
    context = {
        "brand": branding.brand_for_org(session, customer.org_id),
        "product": onboarding.brand_name_of(session, customer.template_id),
        "brand_id": customer.org_id or "",
        "customer": customer.name,
    }
    return templates.TemplateResponse(request, "consent/done.html", context)
