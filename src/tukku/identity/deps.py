"""FastAPI dependencies that authenticate the bearer token and enforce scopes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from tukku.core.clock import Clock
from tukku.core.db import Database
from tukku.core.deps import OnBehalfOf
from tukku.core.errors import Codes, DomainError, Problem, Unauthorized
from tukku.core.http import loggable_path, note_caller_org
from tukku.identity import actor as actors
from tukku.identity import service
from tukku.identity.actor import Actor
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope
from tukku.identity.token_cache import TokenCache

log = logging.getLogger("tukku.auth")


async def authenticate(request: Request) -> Principal:
    """The caller behind `Authorization: Bearer <token>`; 401 without a valid token.

    A token seen moments ago is answered from memory, without a thread hop; otherwise it is
    looked up in its own short read, before the request's unit of work starts, so that recording
    the token's last use never waits on the request's own write lock. The caller's organization
    goes into the request's access-log line.
    """
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        _refused(request, "no bearer token")
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    cache: TokenCache = request.app.state.token_cache
    token_hash = service.hash_token(token.strip())
    remembered = cache.get(token_hash)
    if remembered is not None and (
        remembered.expires_at is None or remembered.expires_at > _wall_clock(request).now()
    ):
        principal = remembered.principal
    else:
        principal = await run_in_threadpool(_look_up, request, token.strip(), token_hash)
    note_caller_org(request, principal.org_id)
    return principal


def _wall_clock(request: Request) -> Clock:
    """Token lifetimes run on real time, also in the sandbox: moving the virtual clock never
    expires the token that moves it."""
    clock: Clock = request.app.state.wall_clock
    return clock


def _refused(request: Request, reason: str) -> None:
    """Log a refused authentication with where it came from (never the token itself)."""
    client = request.client.host if request.client else None
    log.warning(
        "authentication refused",
        extra={
            "reason": reason,
            "client": client,
            "userAgent": request.headers.get("user-agent", "")[:200] or None,
            "method": request.method,
            "path": loggable_path(request.url.path),
        },
    )


def _look_up(request: Request, token: str, token_hash: str) -> Principal:
    cache: TokenCache = request.app.state.token_cache
    db: Database = request.app.state.db
    now = _wall_clock(request).now()
    with db.unit_of_work(write=False) as session:
        found = service.authenticate(session, token, now=now)
    if found is None:
        _refused(request, "unknown, expired or revoked token")
        raise Unauthorized("the access token is invalid, expired or revoked")
    if found.touch_due:
        with db.unit_of_work() as writer:
            service.touch_token(writer, found.principal.token_id, now=now)
    cache.put(token_hash, found.principal, found.expires_at)
    return found.principal


PUBLIC_PREFIXES = ("/v1/consent/", "/v1/devices/activate")


async def authentication_gate(request: Request) -> None:
    """Raise 401 for an unauthenticated request to a protected route (used before 400s)."""
    path = request.url.path
    if not path.startswith("/v1/") or path.startswith(PUBLIC_PREFIXES):
        return
    await authenticate(request)


def requires(*scopes: Scope) -> Callable[..., Awaitable[Principal]]:
    """A dependency that authenticates and demands every one of `scopes` (403 otherwise)."""

    async def dependency(request: Request) -> Principal:
        principal = await authenticate(request)
        missing = [s.value for s in scopes if s.value not in principal.scopes]
        if missing:
            problem = Problem(Codes.MISSING_SCOPE, f"the token lacks scope {', '.join(missing)}")
            raise DomainError([problem])
        return principal

    return dependency


def acting(*scopes: Scope) -> Callable[..., Awaitable[Actor]]:
    """A dependency: the partner-side actor of this request, for routes that demand `scopes`.

    It is the caller's own organization, or the sub-partner named in
    `onBehalfOfSubPartnerOrgId` when the caller is its parent (looked up in a short read of its
    own, only when one is named).
    """
    check = requires(*scopes)

    async def dependency(request: Request, on_behalf_of: OnBehalfOf = None) -> Actor:
        principal = await check(request)
        actor = actors.own(principal)
        if not on_behalf_of or on_behalf_of == actor.org_id:
            return actor
        return await run_in_threadpool(_for_sub_partner, request, principal, on_behalf_of)

    return dependency


def _for_sub_partner(request: Request, principal: Principal, on_behalf_of: str) -> Actor:
    db: Database = request.app.state.db
    with db.unit_of_work(write=False) as session:
        return actors.resolve(session, principal, on_behalf_of)
