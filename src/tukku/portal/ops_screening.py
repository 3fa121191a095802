"""The operator console's denied-party screening: the review queue (open cases by default,
oldest first), one case with the list entries it matched, and the decision (approve with an
optional note, deny with a reason), through the same compliance flows as
`/v1/ops/screening`."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tukku.compliance import flows
from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import Invalid
from tukku.core.routing import api_router
from tukku.portal.auth import PortalUser, check_csrf
from tukku.portal.forms import page_number, undo
from tukku.portal.ops import OperatorDep, context, paged, window
from tukku.screening.rules import OPEN_CASES, CaseStatus
from tukku.web.templating import templates

router = api_router(prefix="/portal/ops/screening", include_in_schema=False)
PAGE_SIZE = 25
FormField = Annotated[str, Form()]
STATUSES = [s.value for s in CaseStatus]


@router.get("", response_class=HTMLResponse)
def cases(
    request: Request, session: DbSession, user: OperatorDep, status: str = "", page: str = ""
) -> Response:
    """The queue: open cases (escalated and pending) unless another status is asked for."""
    number = page_number(page)
    wanted = [status] if status in STATUSES else []
    rows = flows.list_cases(
        session, principal=user.principal, statuses=wanted, page=window(number, PAGE_SIZE)
    )

    def link(to: int) -> str:
        query = {
            k: v for k, v in {"status": status if wanted else "", "page": str(to)}.items() if v
        }
        return f"/portal/ops/screening?{urlencode(query)}"

    page_context = context(
        user,
        "ops-screening",
        status=status if wanted else "",
        statuses=STATUSES,
        **paged(rows, number, PAGE_SIZE, link),
    )
    return templates.TemplateResponse(request, "portal/ops_screening.html", page_context)


@router.get("/{case_id}", response_class=HTMLResponse)
def case(
    case_id: str, request: Request, session: DbSession, user: OperatorDep, decided: str = ""
) -> Response:
    """One case: the customer, the entries of the list it matched, and the decision forms
    while it is open."""
    return _case_page(request, session, user, case_id, decided=bool(decided))


def _case_page(
    request: Request,
    session: Session,
    user: PortalUser,
    case_id: str,
    *,
    decided: bool = False,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    found = flows.get_case(session, principal=user.principal, case_id=case_id)
    page_context = context(
        user,
        "ops-screening",
        case=found,
        open=found.status in OPEN_CASES,
        decided=decided,
        values=values or {"note": "", "reason": ""},
        errors=errors or {},
    )
    status = 400 if errors else 200
    return templates.TemplateResponse(request, "portal/ops_case.html", page_context, status)


@router.post("/{case_id}/approve")
def approve(
    case_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: OperatorDep,
    note: FormField = "",
    csrf: FormField = "",
) -> Response:
    """Not a listed party: the customer's provisioning resumes."""
    check_csrf(request, csrf)
    flows.approve(
        session,
        principal=user.principal,
        case_id=case_id,
        note=note.strip() or None,
        now=clock.now(),
    )
    return RedirectResponse(f"/portal/ops/screening/{case_id}?decided=1", status_code=303)


@router.post("/{case_id}/deny")
def deny(
    case_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: OperatorDep,
    reason: FormField = "",
    csrf: FormField = "",
) -> Response:
    """A listed party: the customer ends in `error` with the reason; without a reason, the
    case again with the reason asked for next to its field."""
    check_csrf(request, csrf)
    try:
        flows.deny(
            session, principal=user.principal, case_id=case_id, reason=reason, now=clock.now()
        )
    except Invalid as refused:
        undo(session)
        errors = {p.field or "form": p.description for p in refused.problems}
        values = {"note": "", "reason": reason}
        return _case_page(request, session, user, case_id, values=values, errors=errors)
    return RedirectResponse(f"/portal/ops/screening/{case_id}?decided=1", status_code=303)
