"""Partner staff's own API tokens: listing, creating (the secret shown once) and revoking them.

The rules, the same for the API and the portal:
- Everyone sees their own live tokens; partner full administrators (`STAFF_MANAGE`) may also
  list and revoke every token of their organization (a leaked token of a colleague).
- Creating and revoking one's own tokens needs `API_TOKENS_MANAGE` (not read-only staff).
- A new token carries only scopes its user's roles allow, and, when it is created with a
  token, only scopes that token carries: a token never mints a broader one.
- Every token expires, after 1 to `MAX_DAYS` days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from tukku.core.errors import Codes, DomainError, NotFound, Problem, invalid_all
from tukku.core.validation import has_control_characters
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.models import ApiToken
from tukku.identity.permissions import Permission
from tukku.identity.rules import Scope

MAX_DAYS = 365
MAX_NAME = 100
TokenInfo = identity.TokenInfo


def list_tokens(
    session: Session, *, actor: Actor, everyone: bool, now: datetime, offset: int, limit: int
) -> list[TokenInfo]:
    """Live tokens, newest first: the caller's own, or with `everyone` (full administrators)
    the organization's (one more than `limit`, to tell whether another page follows)."""
    principal = actor.principal
    if everyone:
        actor.require(Permission.STAFF_MANAGE)
        return identity.list_tokens(
            session, now=now, org_id=actor.org_id, offset=offset, limit=limit + 1
        )
    return identity.list_tokens(
        session,
        now=now,
        org_id=principal.org_id,
        user_id=principal.user_id,
        offset=offset,
        limit=limit + 1,
    )


def grantable(session: Session, *, actor: Actor) -> list[Scope]:
    """The scopes a new token of the caller may carry, in the catalog's order."""
    user = identity.get_user_unscoped(session, actor.principal.user_id)
    allowed = identity.grantable_for(session, user) if user is not None else frozenset()
    return [s for s in Scope if s in allowed and s.value in actor.principal.scopes]


def create(
    session: Session,
    *,
    actor: Actor,
    name: str,
    scopes: Iterable[str],
    days: int,
    now: datetime,
) -> tuple[ApiToken, str]:
    """A new token of the caller, expiring after `days`; the secret is returned once, only its
    hash is kept."""
    actor.require(Permission.API_TOKENS_MANAGE)
    wanted = sorted(set(scopes))
    problems: list[Problem] = []
    if not name.strip() or len(name.strip()) > MAX_NAME or has_control_characters(name):
        reason = f"name: give a name of 1 to {MAX_NAME} characters, on one line"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "name"))
    allowed = {s.value for s in grantable(session, actor=actor)}
    if not wanted:
        problems.append(Problem(Codes.INVALID_FIELD, "scopes: give at least one scope", "scopes"))
    elif not set(wanted) <= allowed:
        extra = ", ".join(s for s in wanted if s not in allowed)
        reason = f"scopes: your roles (or the token you call with) do not allow {extra}"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "scopes"))
    if not 1 <= days <= MAX_DAYS:
        reason = f"expiresInDays: must be a whole number from 1 to {MAX_DAYS}"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "expiresInDays"))
    if problems:
        raise invalid_all(problems)
    user = identity.get_user_unscoped(session, actor.principal.user_id)
    if user is None:
        raise DomainError([Problem(Codes.UNAUTHORIZED, "the caller no longer exists")])
    return identity.issue_token(
        session,
        user=user,
        scopes=wanted,
        name=name.strip(),
        now=now,
        expires_at=now + timedelta(days=days),
        by=actor.principal,
    )


def get(session: Session, *, actor: Actor, token_id: str) -> TokenInfo:
    """One token the caller may see: its own, or (full administrators) its organization's;
    404 for anyone else's."""
    info = identity.get_token_unscoped(session, token_id)
    if info is None or not _may_see(actor, info.token):
        raise NotFound("token")
    return info


def revoke(session: Session, *, actor: Actor, token_id: str, now: datetime) -> None:
    """Revoke a token: one's own (not read-only staff), or any of the organization's (full
    administrators). It answers 401 from then on."""
    info = get(session, actor=actor, token_id=token_id)
    own = info.token.user_id == actor.principal.user_id
    actor.require(Permission.API_TOKENS_MANAGE if own else Permission.STAFF_MANAGE)
    identity.revoke_token(session, info.token.id, now=now, by=actor.principal)


def _may_see(actor: Actor, token: ApiToken) -> bool:
    if token.user_id == actor.principal.user_id and token.org_id == actor.principal.org_id:
        return True
    return token.org_id == actor.org_id and actor.may(Permission.STAFF_MANAGE)
