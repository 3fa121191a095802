"""The partner portal's users: the organization's staff and their roles (paged), inviting
someone, changing a user's roles and removing a user after a confirmation, through the staff
service with the signed-in user's `Actor`. Full administrators see the controls; everyone else
sees the list, and the service refuses their writes (403)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tukku.accounts import staff
from tukku.core.deps import DbSession, SettingsDep, WallClockDep
from tukku.core.errors import DomainError
from tukku.core.http import link_base_url
from tukku.core.routing import api_router
from tukku.identity.permissions import Permission
from tukku.identity.rules import Role
from tukku.portal.auth import PortalUser, PortalUserDep, check_csrf
from tukku.portal.forms import field_errors, page_number, undo
from tukku.web.templating import templates

router = api_router(prefix="/portal/users", include_in_schema=False)
PAGE_SIZE = 25
FormField = Annotated[str, Form()]
Roles = Annotated[list[str] | None, Form()]
ROLE_NAMES = {
    Role.PARTNER_FULL_ADMIN: "Full administrator",
    Role.WHOLESALE_ADMIN: "Wholesale administrator",
    Role.PARTNER_READ_ONLY: "Read-only",
    Role.PROVISIONING_ADMIN: "Provisioning administrator",
}
ROLE_HINTS = {
    Role.PARTNER_FULL_ADMIN: "Everything, including users and their roles.",
    Role.WHOLESALE_ADMIN: "Customers, subscribers, templates, billing and sub-partners.",
    Role.PARTNER_READ_ONLY: "Sees everything, changes nothing.",
    Role.PROVISIONING_ADMIN: "Customers and subscribers only.",
}
NOTICES = {
    "invited": "The invitation is on its way.",
    "removed": "The user is removed: signed out, tokens revoked.",
    "roles": "The roles are changed.",
}


def _context(user: PortalUser, **more: Any) -> dict[str, Any]:
    actor = user.actor
    return {
        "user": user,
        "csrf": user.csrf,
        "nav": "users",
        "role_names": {r.value: n for r, n in ROLE_NAMES.items()},
        "role_hints": {r.value: h for r, h in ROLE_HINTS.items()},
        "grantable": [r.value for r in staff.grantable_roles(actor)],
        "may_manage": actor.may(Permission.STAFF_MANAGE),
        **more,
    }


@router.get("", response_class=HTMLResponse)
def users(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    page: Annotated[str | None, Query()] = None,
    done: str | None = None,
) -> Response:
    """The organization's users and their roles, oldest first, 25 a page."""
    number = page_number(page)
    rows = staff.list_staff(
        session, actor=user.actor, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    context = _context(
        user,
        members=[(m, staff.standing(m.user)) for m in rows[:PAGE_SIZE]],
        page=number,
        previous=f"/portal/users?page={number - 1}" if number > 1 else None,
        next=f"/portal/users?page={number + 1}" if len(rows) > PAGE_SIZE else None,
        notice=NOTICES.get(done or ""),
    )
    return templates.TemplateResponse(request, "portal/users.html", context)


@router.get("/new", response_class=HTMLResponse)
def new_user(request: Request, user: PortalUserDep) -> Response:
    """The invitation form."""
    user.actor.require(Permission.STAFF_MANAGE)
    values = {"email": "", "firstName": "", "lastName": "", "roles": []}
    context = _context(user, values=values, errors={})
    return templates.TemplateResponse(request, "portal/users_new.html", context)


@router.post("/new", response_class=HTMLResponse)
def invite(
    request: Request,
    session: DbSession,
    clock: WallClockDep,
    settings: SettingsDep,
    user: PortalUserDep,
    email: FormField = "",
    first_name: Annotated[str, Form(alias="firstName")] = "",
    last_name: Annotated[str, Form(alias="lastName")] = "",
    roles: Roles = None,
    csrf: FormField = "",
) -> Response:
    """Invite the user and go back to the list; the form again, with the reasons next to the
    fields, when the service refuses."""
    check_csrf(request, csrf)
    ticked = roles or []
    values = {"email": email, "firstName": first_name, "lastName": last_name, "roles": ticked}
    invitation = staff.invitation_from(link_base_url(request), settings)
    try:
        staff.invite(
            session,
            actor=user.actor,
            email=email,
            first_name=first_name,
            last_name=last_name,
            roles=ticked,
            now=clock.now(),
            invitation=invitation,
        )
    except DomainError as refused:
        undo(session)
        if refused.status == 403:
            raise
        errors = field_errors(refused.problems)
        context = _context(user, values=values, errors=errors)
        return templates.TemplateResponse(request, "portal/users_new.html", context, 400)
    return RedirectResponse("/portal/users?done=invited", status_code=303)


@router.get("/{user_id}", response_class=HTMLResponse)
def member(
    user_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    done: str | None = None,
) -> Response:
    """One user: name, e-mail, status and roles; for full administrators, the roles form."""
    found = staff.get_staff(session, actor=user.actor, user_id=user_id)
    context = _context(
        user,
        member=found,
        status=staff.standing(found.user),
        errors={},
        notice=NOTICES.get(done or ""),
    )
    return templates.TemplateResponse(request, "portal/users_member.html", context)


@router.post("/{user_id}/roles", response_class=HTMLResponse)
def change_roles(
    user_id: str,
    request: Request,
    session: DbSession,
    clock: WallClockDep,
    user: PortalUserDep,
    roles: Roles = None,
    csrf: FormField = "",
) -> Response:
    """Give the user exactly the roles ticked; the page again with the reason when refused
    (the last full administrator keeps the role)."""
    check_csrf(request, csrf)
    try:
        staff.set_roles(
            session, actor=user.actor, user_id=user_id, roles=roles or [], now=clock.now()
        )
    except DomainError as refused:
        undo(session)
        if refused.status in (403, 404):
            raise
        found = staff.get_staff(session, actor=user.actor, user_id=user_id)
        errors = field_errors(refused.problems)
        context = _context(user, member=found, status=staff.standing(found.user), errors=errors)
        return templates.TemplateResponse(request, "portal/users_member.html", context, 400)
    return RedirectResponse(f"/portal/users/{user_id}?done=roles", status_code=303)


@router.get("/{user_id}/remove", response_class=HTMLResponse)
def confirm_removal(
    user_id: str, request: Request, session: DbSession, user: PortalUserDep
) -> Response:
    """What removing the user does, and the button that does it."""
    user.actor.require(Permission.STAFF_MANAGE)
    found = staff.get_staff(session, actor=user.actor, user_id=user_id)
    context = _context(user, member=found, errors={})
    return templates.TemplateResponse(request, "portal/users_remove.html", context)


@router.post("/{user_id}/remove", response_class=HTMLResponse)
def remove(
    user_id: str,
    request: Request,
    session: DbSession,
    clock: WallClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Remove the user (signed out everywhere, tokens revoked); the confirmation again with the
    reason when refused (the last full administrator stays)."""
    check_csrf(request, csrf)
    try:
        staff.remove(session, actor=user.actor, user_id=user_id, now=clock.now())
    except DomainError as refused:
        undo(session)
        if refused.status in (403, 404):
            raise
        found = staff.get_staff(session, actor=user.actor, user_id=user_id)
        context = _context(user, member=found, errors={"form": refused.message})
        return templates.TemplateResponse(request, "portal/users_remove.html", context, 409)
    return RedirectResponse("/portal/users?done=removed", status_code=303)
