"""Screening cases over time: periodic re-checks, escalation after 72 hours, operators' decisions,
and the customer's provisioning resuming (or ending in `error`) accordingly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.core.errors import Codes, Invalid, InvalidState, NotFound
from tukku.core.pagination import PageRequest
from tukku.customers import service as customers
from tukku.customers.models import Customer
from tukku.customers.rules import Status
from tukku.identity.permissions import Permission, authorize
from tukku.identity.principal import Principal
from tukku.screening import service
from tukku.screening.models import ScreeningCase
from tukku.screening.rules import OPEN_CASES, PENDING_HOURS, CaseStatus

RECHECK_BATCH = 500
REASON_MAX = 1000


def _resume(
    session: Session, customer: Customer, now: datetime, principal: Principal | None
) -> None:
    customers.set_status(session, customer, Status.PROVISIONING, now, principal=principal)
    if not customers.awaits_approval(session, customer.id):
        customers.start_provisioning(session, customer.id, now)


def _held(session: Session, case: ScreeningCase) -> Customer | None:
    customer = customers.lock_unscoped(session, case.customer_id)
    if customer is None or customer.status != Status.PENDING_RPL_REVIEW:
        return None
    return customer


@dataclass(frozen=True)
class RecheckOutcome:
    """What one periodic pass did."""

    cleared: int = 0
    escalated: int = 0
    withdrawn: int = 0
    still_pending: int = 0


def recheck(session: Session, *, now: datetime) -> RecheckOutcome:
    """Screen every pending case again against the list in force: cleared cases resume
    provisioning; cases pending for 72 hours go to the operators' queue, their provisioning
    paused. Escalated cases wait for an operator whatever the list says."""
    cases = session.scalars(
        select(ScreeningCase)
        .where(ScreeningCase.status == CaseStatus.PENDING.value)
        .order_by(ScreeningCase.opened_at, ScreeningCase.id)
        .limit(RECHECK_BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    cleared = escalated = withdrawn = pending = 0
    for case in cases:
        customer = _held(session, case)
        if customer is None:
            service.close(session, case, CaseStatus.WITHDRAWN, now=now, reason="not held any more")
            withdrawn += 1
            continue
        screening = None
        if not case.scripted:
            candidate = customers.screening_candidate(customer)
            screening = service.screen(session, candidate)
            if not screening.matches:
                service.close(session, case, CaseStatus.CLEARED, now=now, reason="no match now")
                _resume(session, customer, now, None)
                cleared += 1
                continue
        service.rechecked(case, now, screening)
        if now - case.opened_at >= timedelta(hours=PENDING_HOURS):
            service.close(session, case, CaseStatus.ESCALATED, now=now)
            escalated += 1
        else:
            pending += 1
    return RecheckOutcome(cleared, escalated, withdrawn, pending)


def _open_case(session: Session, case_id: str) -> tuple[ScreeningCase, Customer]:
    case = session.get(ScreeningCase, case_id, with_for_update=True)
    if case is None:
        raise NotFound("screening case", Codes.SCREENING_CASE_NOT_FOUND)
    if case.status not in OPEN_CASES:
        raise InvalidState(
            "caseId", f"the case is already {case.status}", Codes.SCREENING_CASE_CLOSED
        )
    customer = _held(session, case)
    if customer is None:
        service.close(session, case, CaseStatus.WITHDRAWN, now=case.checked_at)
        raise InvalidState(
            "caseId", "the customer is no longer waiting for review", Codes.SCREENING_CASE_CLOSED
        )
    return case, customer


def approve(
    session: Session, *, principal: Principal, case_id: str, note: str | None, now: datetime
) -> ScreeningCase:
    """An operator finds no denied party: the customer's provisioning resumes."""
    authorize(principal, Permission.SCREENING_DECIDE)
    case, customer = _open_case(session, case_id)
    service.close(session, case, CaseStatus.APPROVED, now=now, principal=principal, reason=note)
    _resume(session, customer, now, principal)
    return case


def deny(
    session: Session, *, principal: Principal, case_id: str, reason: str, now: datetime
) -> ScreeningCase:
    """An operator confirms the match: the customer ends in `error` with the reason."""
    authorize(principal, Permission.SCREENING_DECIDE)
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise Invalid(
            "reason", f"give the reason, 1 to {REASON_MAX} characters", Codes.INVALID_FIELD
        )
    case, customer = _open_case(session, case_id)
    service.close(session, case, CaseStatus.DENIED, now=now, principal=principal, reason=reason)
    code = Codes.SCREENING_DENIED
    errors = [{"errorCode": code.number, "description": f"{code.meaning} {reason}"}]
    customers.fail(session, customer, errors, now, principal=principal)
    return case


def list_cases(
    session: Session, *, principal: Principal, statuses: list[str], page: PageRequest
) -> list[ScreeningCase]:
    """The review queue: cases oldest first, by status (default: escalated and pending)."""
    authorize(principal, Permission.SCREENING_DECIDE)
    wanted = statuses or [CaseStatus.ESCALATED.value, CaseStatus.PENDING.value]
    query = (
        select(ScreeningCase)
        .where(ScreeningCase.status.in_(wanted))
        .order_by(ScreeningCase.opened_at, ScreeningCase.id)
    )
    return list(session.scalars(query.offset(page.offset).limit(page.limit + 1)))


def get_case(session: Session, *, principal: Principal, case_id: str) -> ScreeningCase:
    """One case, whatever its status."""
    authorize(principal, Permission.SCREENING_DECIDE)
    case = session.get(ScreeningCase, case_id)
    if case is None:
        raise NotFound("screening case", Codes.SCREENING_CASE_NOT_FOUND)
    return case
