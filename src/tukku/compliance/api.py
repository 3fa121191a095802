"""Operator routes of denied-party screening (`/v1/ops/screening/...`): the review queue, the
decisions, and the list in force."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tukku.compliance import flows
from tukku.compliance.schemas import (
    ApproveIn,
    DenyIn,
    ScreeningCaseOut,
    ScreeningCasePage,
    ScreeningListOut,
)
from tukku.core.deps import ClockDep, DbSession, MaxParam, OffsetParam
from tukku.core.errors import Codes, DomainError, Invalid, NotFound, Problem
from tukku.core.http import trim_page
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.core.timefmt import iso
from tukku.identity.deps import requires
from tukku.identity.permissions import Permission, authorize
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope
from tukku.screening import service
from tukku.screening.models import ScreeningCase, ScreeningList
from tukku.screening.rules import CaseStatus, ListFileError

router = api_router(prefix="/v1/ops/screening", tags=["Operations"])
Operator = Annotated[Principal, Depends(requires(Scope.OPS))]
MAX_LIST_BYTES = 64 * 1024 * 1024


def _case_out(case: ScreeningCase) -> ScreeningCaseOut:
    return ScreeningCaseOut(
        id=case.id,
        customer_id=case.customer_id,
        partner_org_id=case.partner_org_id,
        owner_org_id=case.owner_org_id,
        customer_name=case.customer_name,
        country=case.country,
        status=case.status,
        scripted=case.scripted,
        list_id=case.list_id,
        matches=case.matches,
        opened=iso(case.opened_at),
        checked=iso(case.checked_at),
        escalated=iso(case.escalated_at) if case.escalated_at else None,
        decided=iso(case.decided_at) if case.decided_at else None,
        decided_by=case.decided_by,
        reason=case.reason,
    )


def _list_out(row: ScreeningList) -> ScreeningListOut:
    return ScreeningListOut(
        id=row.id,
        source_name=row.source_name,
        sha256=row.sha256,
        entry_count=row.entry_count,
        loaded=iso(row.loaded_at),
        loaded_by=row.loaded_by,
    )


@router.get("/cases", response_model=ScreeningCasePage, summary="The compliance review queue")
def list_cases(
    request: Request,
    response: Response,
    session: DbSession,
    operator: Operator,
    status: Annotated[
        list[CaseStatus] | None,
        Query(description="Repeat for several; default escalated and pending."),
    ] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> ScreeningCasePage:
    """Screening cases oldest first; escalated ones wait for an operator's decision."""
    page = page_request(offset, max_, default=100, cap=1000)
    rows = flows.list_cases(
        session, principal=operator, statuses=[s.value for s in status or []], page=page
    )
    return ScreeningCasePage(items=[_case_out(c) for c in trim_page(request, response, rows, page)])


@router.get("/cases/{case_id}", response_model=ScreeningCaseOut, summary="One screening case")
def get_case(case_id: str, session: DbSession, operator: Operator) -> ScreeningCaseOut:
    """A case with the listed parties it matched and its decision, if any."""
    return _case_out(flows.get_case(session, principal=operator, case_id=case_id))


@router.post(
    "/cases/{case_id}/approve", response_model=ScreeningCaseOut, summary="Approve a customer"
)
def approve_case(
    case_id: str, body: ApproveIn, session: DbSession, clock: ClockDep, operator: Operator
) -> ScreeningCaseOut:
    """Not a listed party: the customer's provisioning resumes."""
    case = flows.approve(
        session, principal=operator, case_id=case_id, note=body.note, now=clock.now()
    )
    return _case_out(case)


@router.post("/cases/{case_id}/deny", response_model=ScreeningCaseOut, summary="Deny a customer")
def deny_case(
    case_id: str, body: DenyIn, session: DbSession, clock: ClockDep, operator: Operator
) -> ScreeningCaseOut:
    """A listed party: the customer ends in `error` with the reason."""
    case = flows.deny(
        session, principal=operator, case_id=case_id, reason=body.reason, now=clock.now()
    )
    return _case_out(case)


@router.get("/list", response_model=ScreeningListOut, summary="The screening list in force")
def get_list(session: DbSession, operator: Operator) -> ScreeningListOut:
    """Which file is in force, since when and with how many entries."""
    authorize(operator, Permission.SCREENING_DECIDE)
    current = service.list_in_force(session)
    if current is None:
        raise NotFound("screening list")
    return _list_out(current)


async def csv_body(request: Request) -> bytes:
    """The request body of a CSV upload, as sent."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("text/csv", "text/plain")):
        problem = Problem(Codes.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be text/csv")
        raise DomainError([problem])
    raw = await request.body()
    if len(raw) > MAX_LIST_BYTES:
        raise Invalid(
            None, f"the file exceeds {MAX_LIST_BYTES} bytes", Codes.SCREENING_LIST_INVALID
        )
    return raw


@router.put(
    "/list",
    response_model=ScreeningListOut,
    summary="Replace the screening list",
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def put_list(
    raw: Annotated[bytes, Depends(csv_body)],
    session: DbSession,
    clock: ClockDep,
    operator: Operator,
    source_name: Annotated[str, Query(alias="sourceName", max_length=255)] = "upload",
) -> ScreeningListOut:
    """Load a file in the US Consolidated Screening List CSV layout; it replaces the list in
    force atomically. Customers are screened against it from the next request on, and pending
    cases at the next periodic re-check."""
    authorize(operator, Permission.SCREENING_DECIDE)
    try:
        loaded = service.load_list(
            session, raw=raw, source_name=source_name, now=clock.now(), principal=operator
        )
    except ListFileError as exc:
        raise Invalid(None, str(exc), Codes.SCREENING_LIST_INVALID) from None
    row = session.get(ScreeningList, loaded.id)
    assert row is not None
    return _list_out(row)
