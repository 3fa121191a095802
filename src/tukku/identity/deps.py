"""FastAPI dependencies that authenticate the bearer token and enforce scopes."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from tukku.core.db import Database
from tukku.core.deps import ClockDep
from tukku.core.errors import Codes, DomainError, Problem, Unauthorized
from tukku.identity import service
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope


def authenticate(request: Request, clock: ClockDep) -> Principal:
    """The caller behind `Authorization: Bearer <token>`; 401 without a valid token.

    Runs in its own short read, before the request's unit of work starts, so that recording the
    token's last use never waits on the request's own write lock.
    """
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    db: Database = request.app.state.db
    with db.unit_of_work(write=False) as session:
        found = service.authenticate(session, token.strip(), now=clock.now())
    if found is None:
        raise Unauthorized("the access token is invalid, expired or revoked")
    if found.touch_due:
        with db.unit_of_work() as writer:
            service.touch_token(writer, found.principal.token_id, now=clock.now())
    return found.principal


PUBLIC_PREFIXES = ("/v1/consent/",)


async def authentication_gate(request: Request) -> None:
    """Raise 401 for an unauthenticated request to a protected route (used before 400s)."""
    path = request.url.path
    if not path.startswith("/v1/") or path.startswith(PUBLIC_PREFIXES):
        return
    await run_in_threadpool(authenticate, request, request.app.state.clock)


def requires(*scopes: Scope) -> Callable[..., Principal]:
    """A dependency that authenticates and demands every one of `scopes` (403 otherwise)."""

    def dependency(request: Request, clock: ClockDep) -> Principal:
        principal = authenticate(request, clock)
        missing = [s.value for s in scopes if s.value not in principal.scopes]
        if missing:
            problem = Problem(Codes.MISSING_SCOPE, f"the token lacks scope {', '.join(missing)}")
            raise DomainError([problem])
        return principal

    return dependency
