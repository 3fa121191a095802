"""Sandbox routes: read and move the platform clock, read the mail outbox, script 429 answers.
Only with `--sandbox`."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Query, Request, Response
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
from tukku.identity.service import hash_token
from tukku.jobs.runner import Worker
from tukku.mail.service import OutboxScope, list_outbox
from tukku.sandbox.clock import SandboxClock
from tukku.throttling.scripted import Script, ScriptedThrottles

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


class ThrottleScript(CamelModel):
    """Answer the next `count` requests of the calling token whose path matches `routePattern`
    (and whose method is `method`, when given) with `429` and `Retry-After: retryAfter`."""

    route_pattern: str = Field(
        min_length=1,
        max_length=500,
        description="A path glob: `*` matches any characters, `/` included "
        "(`/v1/wholesale/customers*`). Routes under `/v1/sandbox` are never throttled.",
    )
    method: str | None = Field(default=None, description="GET, POST, ...; any when omitted.")
    count: int = Field(default=1, ge=1, le=1000, description="How many requests answer 429.")
    retry_after: int = Field(default=1, ge=0, le=3600, description="`Retry-After`, seconds.")


class ThrottleScripts(CamelModel):
    """The calling token's scripts still to answer."""

    items: list[ThrottleScript]


def _scripts_of(request: Request) -> tuple[ScriptedThrottles, str]:
    scripts: ScriptedThrottles = request.app.state.throttle_scripts
    _, _, token = request.headers.get("authorization", "").partition(" ")
    return scripts, hash_token(token.strip())


def _out(scripts: list[Script]) -> ThrottleScripts:
    return ThrottleScripts(
        items=[
            ThrottleScript(
                route_pattern=s.pattern,
                method=s.method,
                count=s.remaining,
                retry_after=s.retry_after,
            )
            for s in scripts
        ]
    )


@router.post(
    "/throttle", status_code=201, response_model=ThrottleScripts, summary="Script 429 answers"
)
def add_throttle_script(body: ThrottleScript, request: Request, _caller: Caller) -> ThrottleScripts:
    """Make the next `count` matching requests of this token answer `429` with `Retry-After`,
    to test a client's retry code. Scripts apply to the calling token only."""
    method = body.method.upper() if body.method else None
    if method is not None and method not in ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"):
        raise Invalid("method", "must be one of DELETE, GET, HEAD, PATCH, POST, PUT")
    scripts, token = _scripts_of(request)
    scripts.add(token, Script(body.route_pattern, method, body.count, body.retry_after))
    return _out(scripts.of(token))


@router.get("/throttle", response_model=ThrottleScripts, summary="Read scripted 429 answers")
def list_throttle_scripts(request: Request, _caller: Caller) -> ThrottleScripts:
    """The calling token's scripts still to answer, in the order they apply."""
    scripts, token = _scripts_of(request)
    return _out(scripts.of(token))


@router.delete("/throttle", status_code=204, summary="Drop scripted 429 answers")
def clear_throttle_scripts(request: Request, _caller: Caller) -> Response:
    """Drop every script of the calling token."""
    scripts, token = _scripts_of(request)
    scripts.clear(token)
    return Response(status_code=204)
