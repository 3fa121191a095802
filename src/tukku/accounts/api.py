"""Routes of a partner's own staff (`/v1/partner/users`) and of its staff's API tokens
(`/v1/partner/tokens`). Both run on real time (tokens and set-password links expire by it,
also in the sandbox)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tukku.accounts import staff, tokens
from tukku.accounts.schemas import (
    StaffInvite,
    StaffOut,
    StaffPage,
    StaffRoles,
    TokenCreate,
    TokenCreated,
    TokenOut,
    TokenPage,
)
from tukku.core.deps import DbSession, MaxParam, OffsetParam, SettingsDep, WallClockDep
from tukku.core.http import base_url, link_base_url, trim_page
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.core.settings import Settings
from tukku.core.timefmt import iso, iso_or_none
from tukku.identity.actor import Actor
from tukku.identity.deps import acting
from tukku.identity.rules import Scope

router = api_router(prefix="/v1/partner/users", tags=["Partner staff"])
tokens_router = api_router(prefix="/v1/partner/tokens", tags=["API tokens"])
StaffReader = Annotated[Actor, Depends(acting(Scope.STAFF_READ))]
StaffWriter = Annotated[Actor, Depends(acting(Scope.STAFF_WRITE))]
TokenReader = Annotated[Actor, Depends(acting(Scope.TOKENS_READ))]
TokenWriter = Annotated[Actor, Depends(acting(Scope.TOKENS_WRITE))]


def staff_out(member: staff.StaffMember) -> StaffOut:
    """The wire form of a user of the organization."""
    user = member.user
    return StaffOut(
        id=user.id,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        roles=sorted(member.roles),
        status=staff.standing(user),
        created=iso(user.created_at),
    )


def invitation(request: Request, settings: Settings) -> staff.Invitation:
    """Invitations' links: from the configured base URL, working `invite_link_days`."""
    return staff.invitation_from(link_base_url(request), settings)


@router.get("", response_model=StaffPage, summary="List your organization's users")
def list_users(
    request: Request,
    response: Response,
    session: DbSession,
    actor: StaffReader,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> StaffPage:
    """The organization's users and their roles, oldest first, paginated with `Link`."""
    page = page_request(offset, max_, default=100, cap=1000)
    rows = staff.list_staff(session, actor=actor, offset=page.offset, limit=page.limit)
    return StaffPage(items=[staff_out(m) for m in trim_page(request, response, rows, page)])


@router.post("", status_code=201, response_model=StaffOut, summary="Invite a user")
def invite_user(
    body: StaffInvite,
    request: Request,
    response: Response,
    session: DbSession,
    clock: WallClockDep,
    settings: SettingsDep,
    actor: StaffWriter,
) -> StaffOut:
    """A new user with partner roles, mailed an invitation with a link to choose a password
    (partner full administrators only; roles within your own)."""
    member = staff.invite(
        session,
        actor=actor,
        email=body.email,
        first_name=body.first_name,
        last_name=body.last_name,
        roles=body.roles,
        now=clock.now(),
        invitation=invitation(request, settings),
    )
    response.headers["Location"] = f"{base_url(request)}/v1/partner/users/{member.user.id}"
    return staff_out(member)


@router.get("/{user_id}", response_model=StaffOut, summary="Get a user")
def get_user(user_id: str, session: DbSession, actor: StaffReader) -> StaffOut:
    """One user of your organization."""
    return staff_out(staff.get_staff(session, actor=actor, user_id=user_id))


@router.put("/{user_id}", response_model=StaffOut, summary="Change a user's roles")
def set_roles(
    user_id: str, body: StaffRoles, session: DbSession, clock: WallClockDep, actor: StaffWriter
) -> StaffOut:
    """The user holds exactly `roles` from now on; the organization keeps a full
    administrator (409 otherwise)."""
    member = staff.set_roles(
        session, actor=actor, user_id=user_id, roles=body.roles, now=clock.now()
    )
    return staff_out(member)


@router.delete("/{user_id}", status_code=204, summary="Remove a user")
def remove_user(
    user_id: str, session: DbSession, clock: WallClockDep, actor: StaffWriter
) -> Response:
    """Roles revoked, tokens revoked, portal sessions ended; never the last full
    administrator (409)."""
    staff.remove(session, actor=actor, user_id=user_id, now=clock.now())
    return Response(status_code=204)


def token_out(info: tokens.TokenInfo, now_status: str) -> TokenOut:
    """The wire form of a token (never its secret)."""
    token = info.token
    return TokenOut(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        scopes=list(token.scopes),
        owner_email=info.email,
        status=now_status,
        created=iso(token.created_at),
        expires=iso_or_none(token.expires_at),
        last_used=iso_or_none(token.last_used_at),
    )


Everyone = Annotated[
    bool, Query(description="Every token of your organization (full administrators only).")
]


@tokens_router.get("", response_model=TokenPage, summary="List API tokens")
def list_tokens(
    request: Request,
    response: Response,
    session: DbSession,
    clock: WallClockDep,
    actor: TokenReader,
    everyone: Everyone = False,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> TokenPage:
    """Your live tokens, newest first; with `everyone=true`, your organization's."""
    page = page_request(offset, max_, default=100, cap=1000)
    now = clock.now()
    rows = tokens.list_tokens(
        session, actor=actor, everyone=everyone, now=now, offset=page.offset, limit=page.limit
    )
    shown = trim_page(request, response, rows, page)
    return TokenPage(items=[token_out(i, i.status(now)) for i in shown])


@tokens_router.post("", status_code=201, response_model=TokenCreated, summary="Create a token")
def create_token(
    body: TokenCreate,
    request: Request,
    response: Response,
    session: DbSession,
    clock: WallClockDep,
    settings: SettingsDep,
    actor: TokenWriter,
) -> TokenCreated:
    """A token of yours with scopes your roles (and the token you call with) allow; its secret
    is in this answer only."""
    now = clock.now()
    days = body.expires_in_days
    if days is None:
        days = min(settings.token_lifetime_days, tokens.MAX_DAYS)
    token, secret = tokens.create(
        session, actor=actor, name=body.name, scopes=body.scopes, days=days, now=now
    )
    response.headers["Location"] = f"{base_url(request)}/v1/partner/tokens/{token.id}"
    info = tokens.get(session, actor=actor, token_id=token.id)
    return TokenCreated(**token_out(info, info.status(now)).model_dump(), token=secret)


@tokens_router.get("/{token_id}", response_model=TokenOut, summary="Get a token")
def get_token(
    token_id: str, session: DbSession, clock: WallClockDep, actor: TokenReader
) -> TokenOut:
    """One of your tokens (or, for full administrators, of your organization)."""
    info = tokens.get(session, actor=actor, token_id=token_id)
    return token_out(info, info.status(clock.now()))


@tokens_router.delete("/{token_id}", status_code=204, summary="Revoke a token")
def revoke_token(
    token_id: str, session: DbSession, clock: WallClockDep, actor: TokenWriter
) -> Response:
    """The token answers 401 from now on."""
    tokens.revoke(session, actor=actor, token_id=token_id, now=clock.now())
    return Response(status_code=204)
