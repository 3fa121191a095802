"""The operator console's mail outbox: every message tukku sent or would have sent, newest
first, by recipient, kind and status, and one message as its recipient reads it. Without an
SMTP server (the embedded default) this is how people read tukku's mail."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Path, Request
from fastapi.responses import HTMLResponse, Response

from tukku.core.deps import DbSession
from tukku.core.routing import api_router
from tukku.operations import service
from tukku.portal.forms import page_number
from tukku.portal.ops import OperatorDep, context, paged, window
from tukku.web.templating import templates

router = api_router(prefix="/portal/ops/mail", include_in_schema=False)
PAGE_SIZE = 50


@router.get("", response_class=HTMLResponse)
def outbox(
    request: Request,
    session: DbSession,
    user: OperatorDep,
    to: str = "",
    kind: str = "",
    status: str = "",
    page: str | None = None,
) -> Response:
    """The outbox, newest first, 50 a page."""
    number = page_number(page)
    wanted = status if status in service.MAIL_STATUSES else None
    rows = service.list_mail(
        session,
        principal=user.principal,
        to=to.strip() or None,
        kind=kind.strip() or None,
        status=wanted,
        page=window(number, PAGE_SIZE),
    )

    def link(to_page: int) -> str:
        query = {"to": to, "kind": kind, "status": wanted or "", "page": str(to_page)}
        return "/portal/ops/mail?" + urlencode({k: v for k, v in query.items() if v})

    page_context = context(
        user,
        "ops-mail",
        values={"to": to, "kind": kind},
        status=wanted or "",
        statuses=service.MAIL_STATUSES,
        **paged(rows, number, PAGE_SIZE, link),
    )
    return templates.TemplateResponse(request, "portal/ops_mail.html", page_context)


@router.get("/{message_id}", response_class=HTMLResponse)
def message(
    message_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    request: Request,
    session: DbSession,
    user: OperatorDep,
) -> Response:
    """One message: its headers, status and text (shown as text, never as markup)."""
    found = service.get_mail(session, principal=user.principal, message_id=message_id)
    page_context = context(user, "ops-mail", message=found)
    return templates.TemplateResponse(request, "portal/ops_message.html", page_context)
