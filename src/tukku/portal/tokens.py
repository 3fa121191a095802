"""The partner portal's API tokens: the signed-in user's live tokens (a full administrator's
also the organization's), the create form whose answer shows the secret once, ready to copy,
and revoking, through the tokens service with the signed-in user's `Actor`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tukku.accounts import tokens
from tukku.core.deps import DbSession, SettingsDep, WallClockDep
from tukku.core.errors import DomainError
from tukku.core.routing import api_router
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUser, PortalUserDep, check_csrf
from tukku.portal.forms import field_errors, page_number, undo
from tukku.web.templating import templates

router = api_router(prefix="/portal/tokens", include_in_schema=False)
PAGE_SIZE = 25
FormField = Annotated[str, Form()]
EXPIRIES = (7, 30, 90, 180, 365)


def _context(user: PortalUser, **more: Any) -> dict[str, Any]:
    return {
        "user": user,
        "csrf": user.csrf,
        "nav": "tokens",
        "may_create": user.actor.may(Permission.API_TOKENS_MANAGE),
        "may_see_all": user.actor.may(Permission.STAFF_MANAGE),
        **more,
    }


@router.get("", response_class=HTMLResponse)
def tokens_list(
    request: Request,
    session: DbSession,
    clock: WallClockDep,
    user: PortalUserDep,
    everyone: str = "",
    page: Annotated[str | None, Query()] = None,
    done: str | None = None,
) -> Response:
    """Live tokens, newest first, 25 a page: the user's own, or (full administrators, with
    `everyone`) the organization's."""
    number = page_number(page)
    all_of_them = everyone == "1"
    rows = tokens.list_tokens(
        session,
        actor=user.actor,
        everyone=all_of_them,
        now=clock.now(),
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    scope = "everyone=1&" if all_of_them else ""
    context = _context(
        user,
        tokens=rows[:PAGE_SIZE],
        everyone=all_of_them,
        page=number,
        previous=f"/portal/tokens?{scope}page={number - 1}" if number > 1 else None,
        next=f"/portal/tokens?{scope}page={number + 1}" if len(rows) > PAGE_SIZE else None,
        notice="The token is revoked." if done == "revoked" else None,
    )
    return templates.TemplateResponse(request, "portal/tokens.html", context)


def _form(
    request: Request,
    session: DbSession,
    user: PortalUser,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    grantable = [s.value for s in tokens.grantable(session, actor=user.actor)]
    context = _context(user, values=values, errors=errors, grantable=grantable, expiries=EXPIRIES)
    return templates.TemplateResponse(request, "portal/tokens_new.html", context, status)


@router.get("/new", response_class=HTMLResponse)
def new_token(
    request: Request, session: DbSession, settings: SettingsDep, user: PortalUserDep
) -> Response:
    """The create form: a name, the scopes the user's roles allow, an expiry."""
    user.actor.require(Permission.API_TOKENS_MANAGE)
    days = min(settings.token_lifetime_days, tokens.MAX_DAYS)
    values = {"name": "", "scopes": [], "days": str(days if days in EXPIRIES else 90)}
    return _form(request, session, user, values, {})


@router.post("/new", response_class=HTMLResponse)
def create_token(
    request: Request,
    session: DbSession,
    clock: WallClockDep,
    user: PortalUserDep,
    name: FormField = "",
    scopes: Annotated[list[str] | None, Form()] = None,
    days: FormField = "",
    csrf: FormField = "",
) -> Response:
    """Create the token and show its secret, this once; the form again, with the reasons next
    to the fields, when the service refuses."""
    check_csrf(request, csrf)
    values = {"name": name, "scopes": scopes or [], "days": days}
    try:
        token, secret = tokens.create(
            session,
            actor=user.actor,
            name=name,
            scopes=scopes or [],
            days=int(days) if days.isdigit() else 0,
            now=clock.now(),
        )
    except DomainError as refused:
        undo(session)
        if refused.status == 403:
            raise
        errors = field_errors(refused.problems)
        return _form(request, session, user, values, errors, 400)
    context = _context(user, token=token, secret=secret)
    return templates.TemplateResponse(request, "portal/tokens_created.html", context)


@router.post("/{token_id}/revoke")
def revoke_token(
    token_id: str,
    request: Request,
    session: DbSession,
    clock: WallClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
    everyone: FormField = "",
) -> Response:
    """Revoke the token: it answers 401 from now on."""
    check_csrf(request, csrf)
    tokens.revoke(session, actor=user.actor, token_id=token_id, now=clock.now())
    scope = "everyone=1&" if everyone == "1" else ""
    return RedirectResponse(f"/portal/tokens?{scope}done=revoked", status_code=303)
