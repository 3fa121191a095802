"""The customer portal's attach requests (PRODUCT.md 4.3): partners asking to manage the
organization, which its full administrator approves or rejects after a page saying what the
decision does, through the same services as `/v1/customer/attachRequests`.

Only the organization's full administrators decide (restricted mode or not); read-only
administrators and partners acting in the organization are refused (403), and another
organization's request is not found (404).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import DomainError
from tukku.core.routing import api_router
from tukku.customer_admin import service as admin
from tukku.customer_admin.schemas import DecisionIn
from tukku.portal.auth import PortalUserDep, check_csrf
from tukku.portal.forms import field_errors, undo
from tukku.portal.hub import Hub, open_hub

router = api_router(prefix="/hub/attach-requests", include_in_schema=False)
FormField = Annotated[str, Form()]
DECISIONS = {"approve": True, "reject": False}
NOTICES = {
    "approved": "The request is approved: the partner now sets up its services for your "
    "organization.",
    "rejected": "The request is rejected: the partner does not manage your organization.",
}


@router.get("", response_class=HTMLResponse)
def attach_requests(
    request: Request, session: DbSession, user: PortalUserDep, done: str | None = None
) -> Response:
    """The partners' requests, waiting ones first, each with its decision once made."""
    hub = open_hub(request, session, user)
    found = admin.attach_requests(session, hub.ctx)
    waiting = [v for v in found if v.request.status == "pending"]
    decided = [v for v in found if v.request.status != "pending"]
    return hub.page(
        request,
        "hub/attach_requests.html",
        nav="attach-requests",
        waiting=waiting,
        decided=decided,
        notice=NOTICES.get(done or ""),
    )


def _confirm_page(
    request: Request,
    hub: Hub,
    view: admin.AttachRequestView,
    decision: str,
    note: str = "",
    errors: dict[str, str] | None = None,
) -> Response:
    return hub.page(
        request,
        "hub/attach_request_confirm.html",
        400 if errors else 200,
        nav="attach-requests",
        view=view,
        decision=decision,
        note=note,
        errors=errors or {},
    )


@router.get("/{request_id}/{decision}", response_class=HTMLResponse)
def confirm(
    request_id: str, decision: str, request: Request, session: DbSession, user: PortalUserDep
) -> Response:
    """What approving (or rejecting) the request does, and the button that does it."""
    hub = open_hub(request, session, user)
    view = admin.attach_request(session, hub.ctx, request_id)
    if decision not in DECISIONS:
        return RedirectResponse("/hub/attach-requests", status_code=303)
    return _confirm_page(request, hub, view, decision)


@router.post("/{request_id}/{decision}", response_class=HTMLResponse)
def decide(
    request_id: str,
    decision: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    note: FormField = "",
    csrf: FormField = "",
) -> Response:
    """Approve or reject the request; back to the list, which says what happened."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    view = admin.attach_request(session, hub.ctx, request_id)
    if decision not in DECISIONS:
        return RedirectResponse("/hub/attach-requests", status_code=303)
    try:
        data = DecisionIn.model_validate({"note": note.strip() or None})
        decided = admin.decide_attach_request(
            session,
            hub.ctx,
            request_id,
            approve=DECISIONS[decision],
            note=data.note,
            now=clock.now(),
        )
    except ValidationError as invalid:
        errors = {str(e["loc"][0]) if e["loc"] else "form": e["msg"] for e in invalid.errors()}
    except DomainError as refused:
        undo(session)
        if refused.status in (403, 404):
            raise
        errors = {"form": next(iter(field_errors(refused.problems).values()))}
    else:
        return RedirectResponse(f"/hub/attach-requests?done={decided.status}", status_code=303)
    return _confirm_page(request, hub, view, decision, note, errors)
