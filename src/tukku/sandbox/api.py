"""Sandbox routes: read and move the platform clock, read the mail outbox. Only with `--sandbox`."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import Field

from tukku.core.deps import DbSession, MaxParam, OffsetParam
from tukku.core.errors import Codes, DomainError, Invalid, Problem
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.core.schemas import CamelModel
from tukku.core.timefmt import iso, iso_or_none, parse_instant
from tukku.identity.deps import authenticate, requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope
from tukku.jobs.runner import Worker
from tukku.mail.service import OutboxScope, list_outbox
from tukku.sandbox.clock import SandboxClock

router = api_router(prefix="/v1/sandbox", tags=["Sandbox"])
Caller = Annotated[Principal, Depends(authenticate)]
Operator = Annotated[Principal, Depends(requires(Scope.OPS))]
DRAIN_TIMEOUT_SECONDS = 120.0


class ClockOut(CamelModel):
    """The platform's current virtual time."""

    now: str


class ClockMove(CamelModel):
    """Move the clock: to an instant (`now`) or by a number of seconds (`advanceSeconds`)."""

    now: str | None = Field(
        default=None, description="ISO 8601 instant, at or after the current time."
    )
    advance_seconds: float | None = Field(
        default=None, ge=0, description="Seconds to move forward."
    )


class MailOut(CamelModel):
    """A message in the outbox."""

    id: int
    kind: str
    to: str
    subject: str
    body: str
    status: str
    created: str
    sent: str | None


class MailPage(CamelModel):
    """Messages, newest first."""

    items: list[MailOut]


def _clock(request: Request) -> SandboxClock:
    clock: SandboxClock = request.app.state.clock
    return clock


@router.get("/clock", response_model=ClockOut, summary="Read the sandbox clock")
def get_clock(request: Request, _caller: Caller) -> ClockOut:
    """The platform's current virtual time."""
    return ClockOut(now=iso(_clock(request).now()))


@router.post("/clock", response_model=ClockOut, summary="Move the sandbox clock forward")
def move_clock(body: ClockMove, request: Request, _operator: Operator) -> ClockOut:
    """Move the clock forward and answer once every job due by then has run (daily usage,
    re-checks, escalations, reports). Operators only (scope `tukku:ops`): the clock is every
    tenant's."""
    clock = _clock(request)
    if (body.now is None) == (body.advance_seconds is None):
        raise Invalid("now", "give exactly one of now and advanceSeconds")
    if body.now is not None:
        try:
            target = parse_instant(body.now)
        except ValueError:
            raise Invalid("now", "must be an ISO 8601 date-time") from None
    else:
        target = clock.now() + timedelta(seconds=body.advance_seconds or 0)
    clock.set(target)
    drainer: Worker = request.app.state.drainer
    if not drainer.drain(DRAIN_TIMEOUT_SECONDS):
        problem = Problem(Codes.SANDBOX_DRAIN_TIMEOUT, Codes.SANDBOX_DRAIN_TIMEOUT.meaning)
        raise DomainError([problem])
    return ClockOut(now=iso(clock.now()))


@router.get("/mail", response_model=MailPage, summary="Read the mail outbox")
def list_mail(
    session: DbSession,
    caller: Caller,
    to: Annotated[str | None, Query(description="Only messages to this address.")] = None,
    kind: Annotated[str | None, Query(description="welcome, consent, ...")] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> MailPage:
    """The caller's tenants' messages, newest first (to find consent links); an operator's: all."""
    page = page_request(offset, max_, default=50, cap=500)
    scope = OutboxScope.of(caller)
    rows = list_outbox(session, scope=scope, page=page, to=to, kind=kind)[: page.limit]
    return MailPage(
        items=[
            MailOut(
                id=m.id,
                kind=m.kind,
                to=m.to_address,
                subject=m.subject,
                body=m.body,
                status=m.status,
                created=iso(m.created_at),
                sent=iso_or_none(m.sent_at),
            )
            for m in rows
        ]
    )
