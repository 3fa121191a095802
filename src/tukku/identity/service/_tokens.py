"""API tokens: issuing, authenticating, revoking and listing them (only their hashes are stored)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.core.db import raise_signal
from tukku.core.errors import Invalid, NotFound
from tukku.identity.events import SecurityEvent, raise_event
from tukku.identity.models import ApiToken, Organization, User
from tukku.identity.principal import Principal
from tukku.identity.rules import OrgKind, grantable_scopes
from tukku.identity.service._roles import roles_of
from tukku.identity.token_cache import IDENTITY_CHANGED

TOKEN_PREFIX = "tku_"  # noqa: S105 (a prefix, not a secret)
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8  # 48 of 256 bits: names a token, never unlocks it
MIN_ID_PREFIX_LENGTH = 8
LAST_USED_RESOLUTION = timedelta(minutes=5)


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256 (tokens carry 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session,
    *,
    user: User,
    scopes: Iterable[str],
    name: str,
    now: datetime,
    expires_at: datetime | None,
    by: Principal | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user`, limited to what its roles allow; the plain token is shown once.

    Every issuing path states when the token expires (None only for tests and explicit choices).
    """
    wanted = frozenset(scopes)
    allowed = grantable_scopes(roles_of(session, user.id))
    if not wanted <= allowed:
        extra = ", ".join(sorted(wanted - allowed))
        raise Invalid("scopes", f"the user's roles do not allow {extra}")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        id=str(uuid.uuid4()),
        token_hash=hash_token(plain),
        prefix=plain[:SHOWN_PREFIX_LENGTH],
        org_id=user.org_id,
        user_id=user.id,
        name=name,
        scopes=sorted(wanted),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    raise_event(
        session,
        SecurityEvent(
            "token.issue",
            "token",
            token.id,
            user.org_id,
            now,
            by,
            after={
                "userId": user.id,
                "name": name,
                "prefix": token.prefix,
                "scopes": token.scopes,
                "expiresAt": expires_at.isoformat() if expires_at else None,
            },
        ),
    )
    return token, plain


@dataclass(frozen=True)
class Authenticated:
    """A valid token's principal, whether its last-use time is due for an update, and when the
    token expires."""

    principal: Principal
    touch_due: bool
    expires_at: datetime | None


def authenticate(session: Session, plain: str, *, now: datetime) -> Authenticated | None:
    """The principal a bearer token stands for, or None if it is unknown, revoked or expired."""
    row = session.execute(
        select(ApiToken, User, Organization)
        .join(User, User.id == ApiToken.user_id)
        .join(Organization, Organization.id == ApiToken.org_id)
        .where(ApiToken.token_hash == hash_token(plain))
    ).first()
    if row is None:
        return None
    token, user, org = row
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    # A token acts only in the organization its user still belongs to.
    if user.status != "active" or token.org_id != user.org_id:
        return None
    roles = roles_of(session, user.id)
    # A token never grants more than its user's roles allow now (roles can be taken away).
    scopes = frozenset(token.scopes) & grantable_scopes(roles)
    principal = principal_of(user, org, roles, scopes, token.id)
    stale = token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION
    return Authenticated(principal, stale, token.expires_at)


def principal_of(
    user: User, org: Organization, roles: frozenset[str], scopes: frozenset[str], credential: str
) -> Principal:
    """The caller `user` of `org` holding `roles`, with `scopes`, through the token or portal
    session `credential` (its ID)."""
    sub_partner = org.kind == OrgKind.SUB_PARTNER
    return Principal(
        user_id=user.id,
        org_id=org.id,
        org_kind=org.kind,
        partner_org_id=org.parent_id if sub_partner and org.parent_id else org.id,
        roles=roles,
        scopes=scopes,
        token_id=credential,
    )


def touch_token(session: Session, token_id: str, *, now: datetime) -> None:
    """Record use of a token (callers do so only when `Authenticated.touch_due`)."""
    token = session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = now


def revoke_token(
    session: Session,
    token_id: str,
    *,
    now: datetime,
    reason: str = "revoked",
    by: Principal | None = None,
) -> ApiToken:
    """Revoke a token; it answers 401 from then on (in other processes once their cache of
    authenticated tokens, `auth_cache_seconds` long, has passed)."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("token")
    if token.revoked_at is None:
        token.revoked_at = now
        raise_signal(session, IDENTITY_CHANGED)
        raise_event(
            session,
            SecurityEvent(
                "token.revoke",
                "token",
                token.id,
                token.org_id,
                now,
                by,
                after={"userId": token.user_id, "prefix": token.prefix, "reason": reason},
            ),
        )
    return token


def revoke_tokens_of(
    session: Session, *, user_id: str, now: datetime, reason: str, by: Principal | None = None
) -> int:
    """Revoke every live token of a user; how many were live."""
    live = session.scalars(
        select(ApiToken.id).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    ).all()
    for token_id in live:
        revoke_token(session, token_id, now=now, reason=reason, by=by)
    return len(live)


@dataclass(frozen=True)
class TokenInfo:
    """What may be shown of a token: never the secret, only its first characters."""

    token: ApiToken
    email: str

    def status(self, now: datetime) -> str:
        """`active`, `expired` or `revoked`."""
        if self.token.revoked_at is not None:
            return "revoked"
        if self.token.expires_at is not None and self.token.expires_at <= now:
            return "expired"
        return "active"


def list_tokens(
    session: Session,
    *,
    now: datetime,
    email: str | None = None,
    org_id: str | None = None,
    user_id: str | None = None,
    include_inactive: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[TokenInfo]:
    """Tokens newest first, optionally of one user or organization; live ones only unless
    `include_inactive`; `limit` of them from `offset` (all when None)."""
    query = select(ApiToken, User.email).join(User, User.id == ApiToken.user_id)
    if email is not None:
        query = query.where(User.email == email.strip().lower())
    if org_id is not None:
        query = query.where(ApiToken.org_id == org_id)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    if not include_inactive:
        query = query.where(
            ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
        )
    query = query.order_by(ApiToken.created_at.desc(), ApiToken.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [TokenInfo(token, address) for token, address in session.execute(query)]


def get_token_unscoped(session: Session, token_id: str) -> TokenInfo | None:
    """A token by ID, whoever asks: callers check it belongs to the organization in play."""
    row = session.execute(
        select(ApiToken, User.email)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.id == token_id)
    ).first()
    return TokenInfo(row[0], row[1]) if row is not None else None


def find_tokens(session: Session, key: str) -> list[ApiToken]:
    """The tokens `key` names: a token ID or an ID prefix of at least 8 characters, the prefix a
    token was shown with (`tku_` and 8 more), or a whole (leaked) token."""
    key = key.strip()
    if key.startswith(TOKEN_PREFIX):
        if len(key) > SHOWN_PREFIX_LENGTH:
            return list(
                session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(key)))
            )
        if len(key) < SHOWN_PREFIX_LENGTH:
            raise Invalid("token", f"give the first {SHOWN_PREFIX_LENGTH} characters shown")
        return list(session.scalars(select(ApiToken).where(ApiToken.prefix == key)))
    if len(key) < MIN_ID_PREFIX_LENGTH:
        raise Invalid("token", f"give at least {MIN_ID_PREFIX_LENGTH} characters of the token ID")
    return list(
        session.scalars(select(ApiToken).where(ApiToken.id.startswith(key, autoescape=True)))
    )
