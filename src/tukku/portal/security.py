"""The headers that keep portal pages from being framed, scripted from elsewhere, cached or
leaking their URLs, and the answers to requests without a session or a CSRF token."""

from __future__ import annotations

import inspect

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tukku.core.errors import DomainError
from tukku.portal.auth import (
    ACTING_COOKIE,
    HUB_COOKIE,
    ActingRefused,
    CsrfRefused,
    HubRefused,
    SignInRequired,
    sign_in_url,
)
from tukku.web.templating import templates

PAGE_PREFIXES = ("/portal", "/hub")
PORTAL_PREFIXES = (*PAGE_PREFIXES, "/static/")

# No inline script or style anywhere: pages load only what tukku itself serves.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
NO_STORE = (b"cache-control", b"no-store")
# Static files change only with a new release; revalidated (ETag) after an hour.
STATIC_CACHE = (b"cache-control", b"public, max-age=3600")


class PortalHeaders:
    """Add the security headers to every portal page and static file, `no-store` to pages
    (they show tenant data) and an hour's caching to static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(PORTAL_PREFIXES):
            await self.app(scope, receive, send)
            return
        page = path.startswith(PAGE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += HEADERS
                headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                headers.append(NO_STORE if page else STATIC_CACHE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    """The portal's headers, its answers to a missing session or CSRF token or a refused
    `tukku_acting` cookie, and its pages for a refusal (403), an unknown resource (404) and
    other domain errors, where the API answers with its JSON error body (install after the
    API's error handlers)."""
    app.add_middleware(PortalHeaders)
    api_answer = app.exception_handlers[DomainError]

    async def on_domain_error(request: Request, exc: Exception) -> Response:
        if not request.url.path.startswith(PAGE_PREFIXES):
            answer = api_answer(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        assert isinstance(exc, DomainError)
        titles = {403: "Not allowed", 404: "Not found"}
        context = {"title": titles.get(exc.status, "That did not work"), "message": exc.message}
        return templates.TemplateResponse(request, "portal/message.html", context, exc.status)

    async def on_sign_in_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        if request.method == "GET":
            return RedirectResponse(sign_in_url(exc.next_path), status_code=303)
        return RedirectResponse(sign_in_url("/portal/"), status_code=303)

    async def on_csrf_refused(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, CsrfRefused)
        context = {
            "title": "Form expired",
            "message": "This form was not sent from this browser's own page, or the page is "
            "too old. Go back, reload the page and try again.",
        }
        return templates.TemplateResponse(request, "portal/message.html", context, 403)

    async def on_acting_refused(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, ActingRefused)
        context = {
            "title": "Not found",
            "message": "The organization this browser was acting for is not one of your "
            "sub-partners. You act for your own organization again.",
        }
        page = templates.TemplateResponse(request, "portal/message.html", context, 404)
        page.delete_cookie(ACTING_COOKIE, path="/")
        return page

    async def on_hub_refused(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, HubRefused)
        context = {
            "title": "Not found",
            "message": "Open one of your customers from the partner portal's customer list "
            "to work in its organization.",
        }
        page = templates.TemplateResponse(request, "portal/message.html", context, 404)
        page.delete_cookie(HUB_COOKIE, path="/")
        return page

    app.add_exception_handler(SignInRequired, on_sign_in_required)
    app.add_exception_handler(HubRefused, on_hub_refused)
    app.add_exception_handler(ActingRefused, on_acting_refused)
    app.add_exception_handler(CsrfRefused, on_csrf_refused)
    app.add_exception_handler(DomainError, on_domain_error)
