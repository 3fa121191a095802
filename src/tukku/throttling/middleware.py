"""The ASGI gates of throttling and body size, in front of routing, authentication and body
parsing: a refused request costs no database look-up of its token and no read of its body."""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tukku.core.clock import Clock
from tukku.core.errors import Code, Codes, Problem
from tukku.core.http import error_response
from tukku.throttling.limiter import Caller, Limiter
from tukku.throttling.rules import RouteGroup, route_group
from tukku.throttling.scripted import ScriptedThrottles

# A bearer token -> (its hash, the partner behind it when this process knows it without I/O).
Identify = Callable[[str], tuple[str, str | None]]


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            found: bytes = value
            return found
    return None


def _bearer(scope: Scope) -> str | None:
    raw = _header(scope, b"authorization")
    if raw is None:
        return None
    scheme, _, token = raw.decode("latin-1").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _scriptable(path: str) -> bool:
    """Whether a sandbox script may answer for `path`: any API route but the sandbox's own
    (which must stay reachable to read and drop the scripts)."""
    return path.startswith("/v1/") and not path.startswith("/v1/sandbox/")


async def _refuse(scope: Scope, receive: Receive, send: Send, code: Code, wait: int = 0) -> None:
    problem = Problem(code, code.meaning)
    headers = {"Retry-After": str(wait)} if code.status == 429 else None
    response = error_response(Request(scope), code.status, code.meaning, [problem], headers)
    await response(scope, receive, send)


class Throttle:
    """Answer `429` with `Retry-After` once a token or its partner is over its group's limit,
    or when a sandbox script says so.

    The token is identified by the hash of its string, without authenticating it; the partner
    by the principal this process remembers for the token (`identify`), so a token's first
    request in a process (before it is remembered) counts for the token only.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: Limiter,
        identify: Identify,
        clock: Clock,
        scripts: ScriptedThrottles | None = None,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.identify = identify
        self.clock = clock
        self.scripts = scripts
        self.groups = {g for g in RouteGroup if limiter.applies(g)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        path: str = scope["path"]
        if self.scripts is not None and _scriptable(path) and (token := _bearer(scope)):
            wait = self.scripts.take(self.identify(token)[0], method, path)
            if wait is not None:
                await _refuse(scope, receive, send, Codes.SANDBOX_SCRIPTED_THROTTLE, wait)
                return
        group = route_group(method, path) if self.groups else None
        if group is None or group not in self.groups:
            await self.app(scope, receive, send)
            return
        caller = self._caller(scope, group)
        if caller is not None:
            now = self.clock.now().timestamp()
            if self.limiter.blocking:
                wait = await run_in_threadpool(self.limiter.check, group, caller, now)
            else:
                wait = self.limiter.check(group, caller, now)
            if wait is not None:
                await _refuse(scope, receive, send, Codes.THROTTLED, wait)
                return
        await self.app(scope, receive, send)

    def _caller(self, scope: Scope, group: RouteGroup) -> Caller | None:
        if group is RouteGroup.PORTAL_SIGN_IN:
            client = scope.get("client")
            return Caller(f"address:{client[0] if client else 'unknown'}")
        token = _bearer(scope)
        if token is None:
            return None  # refused by authentication, which costs no more than this would
        token_hash, partner = self.identify(token)
        return Caller(token_hash, partner)


class BodyTooLarge(Exception):
    """A streamed body went past its cap."""


class BodyLimit:
    """Answer `413` to a request whose body is larger than its route group accepts, before any
    of it reaches the route: by `Content-Length` without reading a byte, and for a chunked body
    by reading it here, counting, up to the cap (the routes read whole bodies anyway)."""

    def __init__(self, app: ASGIApp, *, limit_of: Callable[[str, str], int]) -> None:
        self.app = app
        self.limit_of = limit_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope["method"], scope["path"])
        length = _header(scope, b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                await _refuse(scope, receive, send, Codes.BODY_TOO_LARGE)
                return
            await self.app(scope, receive, send)
            return
        if _header(scope, b"transfer-encoding") is None:
            await self.app(scope, receive, send)  # no body (HTTP/1.1 without either header)
            return
        try:
            messages = await _read_capped(receive, limit)
        except BodyTooLarge:
            await _refuse(scope, receive, send, Codes.BODY_TOO_LARGE)
            return
        await self.app(scope, _replay(messages, receive), send)


async def _read_capped(receive: Receive, limit: int) -> list[Message]:
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        size += len(message.get("body", b""))
        if size > limit:
            raise BodyTooLarge
        if not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed
