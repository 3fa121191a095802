"""The HTTP protocol details integrators rely on: tracking IDs, the error body, base URLs,
and the request gates in front of the routes (allowed hosts, header size)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any, TypeVar

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tukku.core.errors import Code, Codes, DomainError, Problem
from tukku.core.logging import RequestSource, request_source_var, tracking_id_var
from tukku.core.metrics import observe_request, route_label
from tukku.core.pagination import PageRequest, next_link

log = logging.getLogger("tukku.http")

TRACKING_HEADER = "trackingid"
T = TypeVar("T")


class TrackingIdMiddleware:
    """Echo the client's `TrackingID` (or a new one) on every response and in every log line,
    and note where the request came from for the audit log. Once answered, the request is
    counted in the metrics and written as one JSON access-log line (`access_log_fields`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracking_id = _incoming_tracking_id(scope) or f"TUKKU_{uuid.uuid4()}"
        scope.setdefault("state", {})["tracking_id"] = tracking_id
        token = tracking_id_var.set(tracking_id)
        source = request_source_var.set(_source(scope))
        started = time.perf_counter()
        status = 500

        async def send_with_header(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                if not any(name.lower() == TRACKING_HEADER.encode() for name, _ in headers):
                    headers.append((TRACKING_HEADER.encode(), tracking_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            seconds = time.perf_counter() - started
            observe_request(scope, status, seconds)
            log.info("request", extra=access_log_fields(scope, status, seconds))
            tracking_id_var.reset(token)
            request_source_var.reset(source)


CALLER_ORG = "caller_org_id"


def note_caller_org(request: Request, org_id: str) -> None:
    """Remember the authenticated caller's organization for this request's access-log line
    (authentication runs deep inside; the log line is written by the outermost middleware)."""
    setattr(request.state, CALLER_ORG, org_id)


def access_log_fields(scope: Scope, status: int, seconds: float) -> dict[str, Any]:
    """The access-log line of an answered request (its tracking ID is added by the formatter):
    route template, method, path with signed-link secrets masked (never the query string, nor
    any header), status, latency, the caller's organization and address."""
    client = scope.get("client")
    return {
        "route": route_label(scope),
        "method": scope["method"],
        "path": loggable_path(scope["path"]),
        "status": status,
        "ms": round(seconds * 1000, 2),
        "org": scope.get("state", {}).get(CALLER_ORG),
        "client": client[0][:64] if client else None,
    }


def _incoming_tracking_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"trackingid":
            text: str = value.decode("latin-1").strip()
            return text[:200] or None
    return None


def _source(scope: Scope) -> RequestSource:
    client = scope.get("client")
    agent: bytes | None = dict(scope.get("headers", [])).get(b"user-agent")
    return RequestSource(
        client[0][:64] if client else None, agent.decode("latin-1")[:200] if agent else None
    )


def tracking_id(request: Request) -> str:
    """The tracking ID of this request (set by `TrackingIdMiddleware`)."""
    value: str = getattr(request.state, "tracking_id", None) or f"TUKKU_{uuid.uuid4()}"
    return value


_SIGNED_LINK_SECRET = re.compile(r"(/v1/consent/|/v1/billing/downloads/)[^/]+")


def loggable_path(path: str) -> str:
    """`path` with the secret of a signed-link route (consent, report download) masked: whoever
    reads the logs must not be able to use the link. Query strings are never logged."""
    return _SIGNED_LINK_SECRET.sub(r"\1***", path)


def base_url(request: Request) -> str:
    """The URL prefix of `Location` and `Link` headers, which go back to the caller itself:
    the public base URL, else the URL this request was sent to. Never for links that leave
    the request (use `link_base_url`)."""
    configured: str | None = request.app.state.settings.public_base_url
    return (configured or str(request.base_url)).rstrip("/")


def link_base_url(request: Request) -> str:
    """The trusted URL prefix of links that leave the request (e-mails, download links,
    webhooks), fixed when the app was built; never taken from the request's `Host`."""
    value: str = request.app.state.link_base_url
    return value


HOST_CHECK_EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})
_HOST_OK = "tukku.host_ok"


async def _mark_host_ok(scope: Scope, _receive: Receive, _send: Send) -> None:
    scope[_HOST_OK] = True


async def _discard(_message: Message) -> None:
    return None


class HostCheck:
    """Refuse (400) a request whose `Host` is not allowed, as Starlette's `TrustedHostMiddleware`
    decides, with the Webex error body. Health probes and metrics scrapes pass whatever Host
    they carry: load balancers, Kubernetes and Prometheus send the pod's address (`/metrics`
    has its own gate, the allowed networks)."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        self.app = app
        self.check = TrustedHostMiddleware(_mark_host_ok, list(allowed_hosts), www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in HOST_CHECK_EXEMPT:
            await self.app(scope, receive, send)
            return
        await self.check(scope, receive, _discard)
        if scope.pop(_HOST_OK, False):
            await self.app(scope, receive, send)
            return
        await _refuse(scope, receive, send, 400, "Invalid host header (see TUKKU_ALLOWED_HOSTS)")


class HeaderLimit:
    """Refuse (431) a request whose request line and headers exceed `max_bytes`. uvicorn's
    default parser (httptools) has no limit of its own; the proxy in front should have one too."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _head_size(scope) > self.max_bytes:
            await _refuse(scope, receive, send, 431, "Request header fields too large")
            return
        await self.app(scope, receive, send)


def _head_size(scope: Scope) -> int:
    line = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    return line + sum(len(name) + len(value) + 4 for name, value in scope.get("headers", []))


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
    problem = Problem(Code(status, status, message), message)
    response = error_response(Request(scope), status, message, [problem])
    await response(scope, receive, send)


def error_response(
    request: Request,
    status: int,
    message: str,
    problems: list[Problem],
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The Webex error body: `{message, errors: [{description, errorCode}], trackingId}`."""
    body: dict[str, Any] = {
        "message": message,
        "errors": [{"description": p.description, "errorCode": p.code.number} for p in problems],
        "trackingId": tracking_id(request),
    }
    sent = {**(headers or {}), TRACKING_HEADER: body["trackingId"]}
    if status in (423, 429, 503):
        sent.setdefault("Retry-After", "5")
    return JSONResponse(body, status_code=status, headers=sent)


def _body_errors(request: Request, errors: Sequence[Any]) -> list[Any]:
    """`errors`, with a missing body (FastAPI reports it as one field-less error) replaced by
    the errors of an empty object: one per required field, so the answer names them."""
    route = request.scope.get("route")
    body_field = getattr(route, "body_field", None)
    if body_field is None or not any(
        e.get("type") == "missing" and tuple(e.get("loc", ())) == ("body",) for e in errors
    ):
        return list(errors)
    try:
        TypeAdapter(body_field.field_info.annotation).validate_python({})
    except ValidationError as empty:
        fields = [{**e, "loc": ("body", *e["loc"])} for e in empty.errors()]
        return [e for e in errors if tuple(e.get("loc", ())) != ("body",)] + fields
    return list(errors)


def _validation_problem(error: MutableMapping[str, Any]) -> Problem:
    loc = [str(part) for part in error.get("loc", ())]
    where, path = (loc[0], loc[1:]) if loc else ("body", [])
    field = ".".join(path) or None
    kind = error.get("type", "")
    if kind == "json_invalid":
        return Problem(Codes.MALFORMED_BODY, "the request body is not valid JSON")
    if where == "query":
        return Problem(Codes.INVALID_QUERY, f"{field}: {error.get('msg', 'invalid')}", field)
    if kind == "missing" and field:
        return Problem(Codes.MISSING_FIELD, f"{field}: is required", field)
    if kind == "missing":
        return Problem(Codes.MISSING_FIELD, "the request body is missing: send a JSON object")
    if not field:
        return Problem(Codes.INVALID_FIELD, "the request body must be a JSON object")
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    return Problem(Codes.INVALID_FIELD, f"{field}: {message}", field)


HTTP_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    return [
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]


Gate = Callable[[Request], Awaitable[None]]


def install_error_handlers(app: FastAPI, gate: Gate) -> None:
    """Make every error, expected or not, answer with the Webex error body and a tracking ID.

    `gate` runs before a validation error is reported and may raise a `DomainError` instead:
    a caller without credentials learns that, not what is wrong with its body.
    """

    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return error_response(request, exc.status, exc.message, exc.problems, exc.headers)

    async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        try:
            await gate(request)
        except DomainError as denied:
            return error_response(request, denied.status, denied.message, denied.problems)
        content_type = request.headers.get("content-type", "")
        if request.method in ("POST", "PUT") and content_type and "json" not in content_type:
            problem = Problem(Codes.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json")
            return error_response(request, 415, problem.description, [problem])
        problems = [_validation_problem(e) for e in _body_errors(request, exc.errors())]
        message = "; ".join(p.description for p in problems)
        return error_response(request, 400, message, problems)

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {
            400: Codes.MALFORMED_BODY,  # FastAPI could not parse the body (not UTF-8, say)
            404: Codes.NOT_FOUND,
            405: Codes.METHOD_NOT_ALLOWED,
        }.get(exc.status_code, Code(exc.status_code, exc.status_code, str(exc.detail)))
        detail = str(exc.detail)
        if isinstance(exc.__cause__, UnicodeDecodeError):
            detail = "the request body is not valid JSON: it is not UTF-8 text"
        problem = Problem(code, detail)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return error_response(request, exc.status_code, detail, [problem], headers)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        problem = Problem(Codes.INTERNAL, Codes.INTERNAL.meaning)
        return error_response(request, 500, problem.description, [problem])

    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)


def trim_page(request: Request, response: Response, rows: list[T], page: PageRequest) -> list[T]:
    """Cut the look-ahead row off a page; if there was one, add the `Link: rel="next"` header."""
    if len(rows) <= page.limit:
        return rows
    query = list(request.query_params.multi_items())
    response.headers["Link"] = next_link(base_url(request), request.url.path, query, page)
    return rows[: page.limit]
