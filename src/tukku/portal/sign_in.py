"""Signing in and out of the portal, resetting a password by e-mail, setting it from a link,
and the account page with the user's sessions ("sign out everywhere").

Pages parse the form, call identity's and accounts' services and render; failures render the
form again with the reason next to the field, and a failed sign-in is committed (the failure
counts towards throttling) before the page answers.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tukku.accounts import access
from tukku.branding import service as branding
from tukku.core.clock import Clock
from tukku.core.deps import DbSession, SettingsDep
from tukku.core.errors import DomainError
from tukku.core.http import link_base_url
from tukku.core.routing import api_router
from tukku.identity import service as identity
from tukku.portal.auth import (
    ACTING_COOKIE,
    HUB_COOKIE,
    PRE_SESSION_COOKIE,
    SESSION_COOKIE,
    PortalUserDep,
    check_csrf,
    client_address,
    csrf_token,
    safe_next,
    set_cookie,
)
from tukku.portal.forms import undo
from tukku.sso import service as sso
from tukku.web.templating import templates

router = api_router(prefix="/portal", include_in_schema=False)
FormField = Annotated[str, Form()]
WRONG = "The e-mail address or the password is wrong."
SSO_ONLY = (
    "Your organization signs in through its identity provider, not with a password here: "
    "use Sign in with {idp}."
)


def _wall(request: Request) -> datetime:
    """Now, on the clock sessions and links run on (real time, also in the sandbox)."""
    clock: Clock = request.app.state.wall_clock
    return clock.now()


def _anonymous_page(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    """A page for someone not signed in, its forms carrying the CSRF token of the browser's
    pre-session cookie (set now if the browser has none)."""
    held = request.cookies.get(PRE_SESSION_COOKIE)
    value = held or secrets.token_urlsafe(32)
    context = {**context, "csrf": csrf_token(request, value)}
    response = templates.TemplateResponse(request, template, context, status)
    if held is None:
        set_cookie(request, response, PRE_SESSION_COOKIE, value, max_age=None)
    return response


def _brand_of_link(session: Session, brand: str | None) -> dict[str, Any]:
    """The brand a sign-in link names (`?brand=<organization ID>`, a partner's or a
    customer's), to show and to carry through the form; tukku's own for an unknown ID, exactly
    as for one without a brand, so the page never tells whether an organization exists."""
    named = (brand or "").strip()[:128]
    return {"brand": branding.brand_for_org(session, named or None), "brand_id": named}


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(
    request: Request,
    session: DbSession,
    next: str | None = None,
    done: str | None = None,
    brand: str | None = None,
) -> Response:
    """The sign-in form, in the brand its link names; `done` says what just happened (signed
    out, password set)."""
    notices = {"signed-out": "You are signed out.", "password-set": "Your password is set."}
    context = {"next": safe_next(next), "notice": notices.get(done or ""), "email": ""}
    return _anonymous_page(request, "portal/sign_in.html", context | _brand_of_link(session, brand))


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    email: FormField = "",
    password: FormField = "",
    csrf: FormField = "",
    next: FormField = "/portal/",
    brand: FormField = "",
) -> Response:
    """Check the e-mail and password; on success open a session and go where the user was
    going. Refusals are throttled per account and per address (429 with `Retry-After`)."""
    check_csrf(request, csrf)
    context: dict[str, Any] = {"next": safe_next(next), "email": email, "notice": None}
    context |= _brand_of_link(session, brand)
    if not email.strip() or not password:
        context["errors"] = {"email" if not email.strip() else "password": "Fill this in."}
        return _anonymous_page(request, "portal/sign_in.html", context, 400)
    now = _wall(request)
    address = client_address(request)
    result = identity.sign_in(
        session,
        email=email,
        password=password,
        address=address,
        now=now,
        gate=lambda user: sso.password_gate(session, user, now),
    )
    if result.retry_after:
        minutes = -(-result.retry_after // 60)
        context["errors"] = {"form": f"Too many failed sign-ins. Try again in {minutes} minute(s)."}
        response = _anonymous_page(request, "portal/sign_in.html", context, 429)
        response.headers["Retry-After"] = str(result.retry_after)
        return response
    if result.closed_by is not None:
        context["errors"] = {"form": SSO_ONLY.format(idp=result.closed_by)}
        context["idp_name"] = result.closed_by
        return _anonymous_page(request, "portal/sign_in.html", context, 403)
    if result.user is None:
        context["errors"] = {"form": WRONG}
        return _anonymous_page(request, "portal/sign_in.html", context, 401)
    lifetime = timedelta(hours=settings.portal_session_hours)
    secret = identity.open_session(
        session,
        user=result.user,
        now=now,
        lifetime=lifetime,
        address=address,
        user_agent=request.headers.get("user-agent"),
    )
    signed_in = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(request, signed_in, SESSION_COOKIE, secret, max_age=int(lifetime.total_seconds()))
    signed_in.delete_cookie(PRE_SESSION_COOKIE, path="/")
    signed_in.delete_cookie(ACTING_COOKIE, path="/")  # a new session acts for its own org
    signed_in.delete_cookie(HUB_COOKIE, path="/")
    return signed_in


@router.post("/sign-out")
def sign_out(
    request: Request, session: DbSession, user: PortalUserDep, csrf: FormField = ""
) -> Response:
    """End this browser's session."""
    check_csrf(request, csrf)
    identity.end_session(session, session_id=user.session_id, now=_wall(request))
    response = RedirectResponse("/portal/sign-in?done=signed-out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(ACTING_COOKIE, path="/")
    response.delete_cookie(HUB_COOKIE, path="/")
    return response


@router.get("/forgot-password", response_class=HTMLResponse)
def forgot_password_form(request: Request) -> Response:
    """Ask for the e-mail address to send a set-password link to."""
    return _anonymous_page(request, "portal/forgot_password.html", {"sent": False, "email": ""})


@router.post("/forgot-password", response_class=HTMLResponse)
def forgot_password(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    email: FormField = "",
    csrf: FormField = "",
) -> Response:
    """Mail a link if the account exists; the answer is the same whether it does or not."""
    check_csrf(request, csrf)
    if not email.strip():
        context = {"sent": False, "email": "", "errors": {"email": "Fill this in."}}
        return _anonymous_page(request, "portal/forgot_password.html", context, 400)
    access.send_password_reset(
        session,
        email=email,
        now=_wall(request),
        link_base=link_base_url(request),
        lifetime=timedelta(minutes=settings.reset_link_minutes),
    )
    return _anonymous_page(request, "portal/forgot_password.html", {"sent": True, "email": email})


@router.get("/set-password/{token}", response_class=HTMLResponse)
def set_password_form(token: str, request: Request, session: DbSession) -> Response:
    """The form to choose a password, if the link still works."""
    user = identity.password_link_user(session, token=token, now=_wall(request))
    if user is None:
        return _dead_link(request)
    return _anonymous_page(request, "portal/set_password.html", {"email": user.email})


@router.post("/set-password/{token}", response_class=HTMLResponse)
def set_password(
    token: str,
    request: Request,
    session: DbSession,
    password: FormField = "",
    confirm: FormField = "",
    csrf: FormField = "",
) -> Response:
    """Set the password and spend the link; the user then signs in with it."""
    check_csrf(request, csrf)
    user = identity.password_link_user(session, token=token, now=_wall(request))
    if user is None:
        return _dead_link(request)
    context: dict[str, Any] = {"email": user.email}
    if password != confirm:
        context["errors"] = {"confirm": "The two passwords differ."}
        return _anonymous_page(request, "portal/set_password.html", context, 400)
    try:
        identity.redeem_password_link(session, token=token, password=password, now=_wall(request))
    except DomainError as refused:
        undo(session)
        problem = refused.problems[0]
        if problem.field != "password":
            return _dead_link(request)
        context["errors"] = {"password": problem.description.removeprefix("password: ")}
        return _anonymous_page(request, "portal/set_password.html", context, 400)
    return RedirectResponse("/portal/sign-in?done=password-set", status_code=303)


def _dead_link(request: Request) -> HTMLResponse:
    context = {
        "title": "This link no longer works",
        "message": "The link is unknown, already used or expired. Ask for a new one on the "
        "sign-in page (Forgot your password?).",
    }
    return templates.TemplateResponse(request, "portal/message.html", context, 400)


@router.get("/account", response_class=HTMLResponse)
def account(
    request: Request, session: DbSession, settings: SettingsDep, user: PortalUserDep
) -> Response:
    """The user's own account: who they are and their live sessions."""
    idle = timedelta(minutes=settings.portal_idle_minutes)
    sessions = identity.sessions_of(
        session, user_id=user.principal.user_id, now=_wall(request), idle=idle
    )
    context = {"user": user, "csrf": user.csrf, "sessions": sessions}
    return templates.TemplateResponse(request, "portal/account.html", context)


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(
    request: Request, session: DbSession, user: PortalUserDep, csrf: FormField = ""
) -> Response:
    """End every other session of the user, keeping this one."""
    check_csrf(request, csrf)
    identity.end_sessions_of(
        session, user_id=user.principal.user_id, now=_wall(request), keep=user.session_id
    )
    return RedirectResponse("/portal/account", status_code=303)
