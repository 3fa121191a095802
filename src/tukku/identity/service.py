"""Use cases of identity: organizations, users, tokens, authentication, acting for sub-partners."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tukku.catalog.locales import normalize_locale
from tukku.catalog.regions import geography
from tukku.core.db import insert_ignoring_conflicts, raise_signal
from tukku.core.errors import Codes, DomainError, Invalid, NotFound, Problem
from tukku.core.ids import new_id
from tukku.core.validation import checked_email, email_problem, normalize_email
from tukku.identity.events import SecurityEvent, raise_event
from tukku.identity.models import ApiToken, Organization, RoleAssignment, SigningKey, User
from tukku.identity.principal import Principal
from tukku.identity.rules import OrgKind, Role, Scope, grantable_scopes

TOKEN_PREFIX = "tku_"  # noqa: S105 (a prefix, not a secret)
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8  # 48 of 256 bits: names a token, never unlocks it
MIN_ID_PREFIX_LENGTH = 8
LAST_USED_RESOLUTION = timedelta(minutes=5)
IDENTITY_CHANGED = "identity"


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256 (tokens carry 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_organization(
    session: Session, *, kind: OrgKind, name: str, now: datetime, parent_id: str | None = None
) -> Organization:
    """A new organization of `kind` (operator, partner, sub_partner, customer, standalone)."""
    org = Organization(
        id=new_id("ORGANIZATION"), kind=kind, name=name, parent_id=parent_id, created_at=now
    )
    session.add(org)
    session.flush()
    return org


def get_org(session: Session, org_id: str) -> Organization | None:
    """The organization with this ID, if any."""
    return session.get(Organization, org_id)


def lock_org(session: Session, org_id: str) -> None:
    """Lock an organization's row until the transaction ends (serialises decisions about it).

    FOR NO KEY UPDATE: rows inserted meanwhile that refer to the organization (users) hold key
    share locks on it, which this lock must not wait for, or two such inserters deadlock.
    """
    session.execute(
        select(Organization.id).where(Organization.id == org_id).with_for_update(key_share=True)
    )


def find_user_by_email(session: Session, email: str) -> User | None:
    """The user owning `email` anywhere on the platform (e-mails are stored lower-case)."""
    return session.scalars(select(User).where(User.email == email.strip().lower())).first()


def create_user(
    session: Session,
    *,
    org_id: str,
    email: str,
    now: datetime,
    first_name: str | None = None,
    last_name: str | None = None,
    roles: Iterable[str] = (),
    by: Principal | None = None,
) -> User:
    """A new user; the e-mail must be free platform-wide (a unique index guarantees it).
    `by` is whoever set it up (credited with its role grants in the audit log)."""
    user = User(
        id=new_id("PEOPLE"),
        org_id=org_id,
        email=email.strip().lower(),
        first_name=first_name,
        last_name=last_name,
        created_at=now,
    )
    session.add(user)
    session.flush()
    for role in roles:
        grant_role(session, user=user, role=role, now=now, by=by)
    return user


def ensure_operator(
    session: Session,
    *,
    email: str,
    now: datetime,
    first_name: str | None = None,
    last_name: str | None = None,
) -> User:
    """The platform operator with `email`, created (with the operator organization, the first
    time) unless it exists; an e-mail that belongs to anyone else is a conflict."""
    address = checked_email(email, "email")
    existing = find_user_by_email(session, address)
    if existing is not None:
        if Role.OPERATOR.value not in roles_of(session, existing.id):
            raise DomainError([Problem(Codes.EMAIL_TAKEN, "email: already used by a non-operator")])
        return existing
    org = session.scalars(select(Organization).where(Organization.kind == OrgKind.OPERATOR)).first()
    if org is None:
        org = create_organization(session, kind=OrgKind.OPERATOR, name="tukku operator", now=now)
    user = create_user(
        session,
        org_id=org.id,
        email=address,
        now=now,
        first_name=first_name,
        last_name=last_name,
        roles=[Role.OPERATOR],
    )
    raise_event(
        session,
        SecurityEvent("operator.create", "user", user.id, org.id, now, after={"email": address}),
    )
    return user


def grant_role(
    session: Session, *, user: User, role: str, now: datetime, by: Principal | None = None
) -> None:
    """Give `user` a role in its organization (idempotent)."""
    if session.get(RoleAssignment, (user.id, role)) is None:
        session.add(RoleAssignment(user_id=user.id, role=role, org_id=user.org_id))
        session.flush()
        raise_signal(session, IDENTITY_CHANGED)
        raise_event(
            session,
            SecurityEvent(
                "role.grant", "user", user.id, user.org_id, now, by, after={"role": role}
            ),
        )


def revoke_roles(
    session: Session, *, user: User, now: datetime, by: Principal | None = None
) -> None:
    """Take every role away from `user`, and with them the tokens that relied on them."""
    held = sorted(roles_of(session, user.id))
    if not held:
        return
    session.execute(delete(RoleAssignment).where(RoleAssignment.user_id == user.id))
    raise_signal(session, IDENTITY_CHANGED)
    raise_event(
        session,
        SecurityEvent("role.revoke", "user", user.id, user.org_id, now, by, before={"roles": held}),
    )
    _revoke_tokens_beyond(session, user=user, roles=frozenset(), now=now, by=by)


def revoke_role(
    session: Session, *, user: User, role: str, now: datetime, by: Principal | None = None
) -> None:
    """Take one role away from `user`; its tokens needing a scope only that role gave are revoked
    (a token never outlives the role that allowed it)."""
    assignment = session.get(RoleAssignment, (user.id, role))
    if assignment is None:
        return
    session.delete(assignment)
    session.flush()
    raise_signal(session, IDENTITY_CHANGED)
    raise_event(
        session,
        SecurityEvent("role.revoke", "user", user.id, user.org_id, now, by, before={"role": role}),
    )
    _revoke_tokens_beyond(session, user=user, roles=roles_of(session, user.id), now=now, by=by)


def move_user(
    session: Session, *, user: User, org_id: str, now: datetime, by: Principal | None = None
) -> None:
    """Move `user` into another organization: it leaves its roles and every token and session
    it had behind, so nothing it could do in the old organization follows it."""
    old_org = user.org_id
    if old_org == org_id:
        return
    revoke_roles(session, user=user, now=now, by=by)
    revoke_tokens_of(session, user_id=user.id, now=now, reason="user.move", by=by)
    user.org_id = org_id
    session.flush()
    raise_signal(session, IDENTITY_CHANGED)
    for org in (old_org, org_id):
        raise_event(
            session,
            SecurityEvent(
                "user.move",
                "user",
                user.id,
                org,
                now,
                by,
                before={"orgId": old_org},
                after={"orgId": org_id},
            ),
        )


def roles_of(session: Session, user_id: str) -> frozenset[str]:
    """The roles a user holds."""
    return frozenset(
        session.scalars(select(RoleAssignment.role).where(RoleAssignment.user_id == user_id))
    )


def org_has_role(session: Session, org_id: str, role: str) -> bool:
    """Whether anyone in the organization holds `role`."""
    found = session.scalar(
        select(RoleAssignment.user_id)
        .where(RoleAssignment.org_id == org_id, RoleAssignment.role == role)
        .limit(1)
    )
    return found is not None


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
    sub_partner = org.kind == OrgKind.SUB_PARTNER
    principal = Principal(
        user_id=user.id,
        org_id=org.id,
        org_kind=org.kind,
        partner_org_id=org.parent_id if sub_partner and org.parent_id else org.id,
        roles=roles,
        # A token never grants more than its user's roles allow now (roles can be taken away).
        scopes=frozenset(token.scopes) & grantable_scopes(roles),
        token_id=token.id,
    )
    stale = token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION
    return Authenticated(principal, stale, token.expires_at)


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


def _revoke_tokens_beyond(
    session: Session, *, user: User, roles: frozenset[str], now: datetime, by: Principal | None
) -> None:
    """Revoke the user's live tokens carrying a scope that `roles` no longer allow."""
    allowed = grantable_scopes(roles)
    live = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in live:
        if not frozenset(token.scopes) <= allowed:
            revoke_token(session, token.id, now=now, reason="role.revoke", by=by)


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
    include_inactive: bool = False,
) -> list[TokenInfo]:
    """Tokens newest first, optionally of one user or organization; live ones only unless
    `include_inactive`."""
    query = select(ApiToken, User.email).join(User, User.id == ApiToken.user_id)
    if email is not None:
        query = query.where(User.email == email.strip().lower())
    if org_id is not None:
        query = query.where(ApiToken.org_id == org_id)
    if not include_inactive:
        query = query.where(
            ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
        )
    query = query.order_by(ApiToken.created_at.desc(), ApiToken.id)
    return [TokenInfo(token, address) for token, address in session.execute(query)]


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


def link_secret(session: Session, *, configured: str | None, now: datetime) -> str:
    """The key signing links: `TUKKU_SECRET_KEY` if set, else a random one kept in the database.

    Created once, on first start, and shared by every process of the deployment.
    """
    if configured:
        return configured
    insert_ignoring_conflicts(
        session,
        SigningKey.__table__,
        {"name": "links", "secret": secrets.token_urlsafe(48), "created_at": now},
    )
    key = session.get(SigningKey, "links")
    assert key is not None
    return key.secret


def users_of(session: Session, org_id: str) -> list[User]:
    """The users of an organization, oldest first."""
    return list(
        session.scalars(
            select(User).where(User.org_id == org_id).order_by(User.created_at, User.id)
        )
    )


@dataclass(frozen=True)
class NewOrgUser:
    """A user to create with a standalone organization."""

    email: str
    first_name: str | None = None
    last_name: str | None = None
    admin: bool = False


def create_standalone_org(
    session: Session,
    *,
    name: str,
    country: str | None,
    users: list[NewOrgUser],
    now: datetime,
    language: str | None = None,
    verified_domains: list[str] | None = None,
    claimed_domains: list[str] | None = None,
    license_statuses: list[str] | None = None,
) -> Organization:
    """An organization outside wholesale with its users; every e-mail must be free."""
    problems = []
    code = geography().country_code(country) if country is not None else None
    if country is not None and code is None:
        problems.append(
            Problem(Codes.COUNTRY_INVALID, f"country: {country!r} is not ISO-2", "country")
        )
    locale = normalize_locale(language) if language else None
    if language and locale is None:
        problems.append(
            Problem(Codes.LANGUAGE_INVALID, f"language: {language!r} is not ll_CC", "language")
        )
    normalized: list[NewOrgUser] = []
    for index, user in enumerate(users):
        address = normalize_email(user.email)
        where = f"users[{index}].email"
        if address is None:
            problems.append(email_problem(where))
        elif address in {n.email for n in normalized} or find_user_by_email(session, address):
            problems.append(
                Problem(Codes.EMAIL_TAKEN, f"{where}: {address} is already in use", where)
            )
        else:
            normalized.append(NewOrgUser(address, user.first_name, user.last_name, user.admin))
    if problems:
        raise DomainError(problems, status=max(p.code.status for p in problems))
    org = create_organization(session, kind=OrgKind.STANDALONE, name=name.strip(), now=now)
    org.country, org.locale = code, locale
    org.verified_domains = sorted({d.strip().lower() for d in verified_domains or []})
    org.claimed_domains = sorted({d.strip().lower() for d in claimed_domains or []})
    org.license_statuses = list(license_statuses or [])
    for user in normalized:
        create_user(
            session,
            org_id=org.id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            now=now,
            roles=[Role.CUSTOMER_FULL_ADMIN] if user.admin else [],
        )
    return org


def first_admin(session: Session, org_id: str) -> User | None:
    """The earliest user of an organization holding an administrator role."""
    admin_roles = {
        Role.OPERATOR,
        Role.PARTNER_FULL_ADMIN,
        Role.WHOLESALE_ADMIN,
        Role.CUSTOMER_FULL_ADMIN,
    }
    return session.scalars(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(User.org_id == org_id, RoleAssignment.role.in_([r.value for r in admin_roles]))
        .order_by(User.created_at, User.id)
        .limit(1)
    ).first()


def grantable_for(session: Session, user: User) -> frozenset[Scope]:
    """Every scope a token of this user may carry."""
    return grantable_scopes(roles_of(session, user.id))


def org_flags() -> Any:
    """Organizations' IDs with their `internal` flag (the platform's own test organizations)."""
    return select(Organization.id.label("org_id"), Organization.internal).subquery("org_flags")


def set_internal(session: Session, org_id: str, internal: bool) -> Organization:
    """Mark an organization as one of the platform's internal test organizations (or not)."""
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("organization")
    org.internal = internal
    return org


def admins_of(session: Session, org_id: str) -> list[User]:
    """The users administering an organization (customer full administrators), oldest first."""
    return list(
        session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                User.org_id == org_id,
                RoleAssignment.role.in_([Role.CUSTOMER_FULL_ADMIN.value]),
            )
            .order_by(User.created_at, User.id)
        )
    )


def user_count(session: Session, org_id: str) -> int:
    """How many users an organization has."""
    return session.scalar(select(func.count()).select_from(User).where(User.org_id == org_id)) or 0


def get_user(session: Session, user_id: str) -> User | None:
    """A user by ID."""
    return session.get(User, user_id)
