"""Users: creating and finding them, their role grants and revocations, moving them between
organizations, and organizations created together with their users."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.orm import Session

from tukku.catalog.locales import normalize_locale
from tukku.catalog.regions import geography
from tukku.core.db import raise_signal
from tukku.core.errors import Codes, Conflict, DomainError, Problem
from tukku.core.ids import new_id
from tukku.core.validation import checked_email, email_problem, normalize_email
from tukku.identity.events import SecurityEvent, raise_event
from tukku.identity.models import ApiToken, Organization, RoleAssignment, User
from tukku.identity.principal import Principal
from tukku.identity.rules import OrgKind, Role, grantable_scopes
from tukku.identity.service._orgs import create_organization
from tukku.identity.service._roles import roles_of
from tukku.identity.service._sign_in import end_sessions_of
from tukku.identity.service._tokens import revoke_token, revoke_tokens_of
from tukku.identity.token_cache import IDENTITY_CHANGED

ACTIVE, REMOVED = "active", "removed"


def find_user_by_email(session: Session, email: str) -> User | None:
    """The user owning `email` anywhere on the platform (e-mails are stored lower-case)."""
    return session.scalars(_BY_EMAIL, {"email": email.strip().lower()}).first()


_BY_EMAIL = select(User).where(User.email == bindparam("email"))


def get_user_unscoped(session: Session, user_id: str) -> User | None:
    """A user by ID, whoever asks: callers check the user belongs to the organization in play."""
    return session.get(User, user_id)


def users_of(session: Session, org_id: str) -> list[User]:
    """The users of an organization, oldest first."""
    return list(
        session.scalars(
            select(User).where(User.org_id == org_id).order_by(User.created_at, User.id)
        )
    )


def users_matching(
    session: Session, org_id: str, *, search: str | None, offset: int = 0, limit: int | None = None
) -> list[User]:
    """An organization's users, oldest first, whose e-mail or names contain `search` (any case;
    every user without one); with `limit`, a page of them and one more, to tell whether another
    page follows."""
    query = select(User).where(User.org_id == org_id)
    term = (search or "").strip().lower()
    if term:
        query = query.where(
            or_(
                *(
                    func.lower(func.coalesce(column, "")).contains(term, autoescape=True)
                    for column in (User.email, User.first_name, User.last_name, User.display_name)
                )
            )
        )
    query = query.order_by(User.created_at, User.id).offset(offset)
    return list(session.scalars(query if limit is None else query.limit(limit + 1)))


def active_users_of(session: Session, org_id: str, *, offset: int, limit: int) -> list[User]:
    """A page of an organization's active users, oldest first (one more than `limit`, to tell
    whether another page follows)."""
    return list(
        session.scalars(
            select(User)
            .where(User.org_id == org_id, User.status == ACTIVE)
            .order_by(User.created_at, User.id)
            .offset(offset)
            .limit(limit + 1)
        )
    )


def remove_user(session: Session, *, user: User, now: datetime, by: Principal | None) -> None:
    """Take a user out of service: its roles go, its tokens are revoked, its portal sessions
    end and it can no longer sign in or redeem a set-password link. The row (and its e-mail)
    stays, for the audit log and for `restore_user`."""
    revoke_roles(session, user=user, now=now, by=by)
    revoke_tokens_of(session, user_id=user.id, now=now, reason="user.remove", by=by)
    end_sessions_of(session, user_id=user.id, now=now)
    user.status = REMOVED
    session.flush()
    raise_signal(session, IDENTITY_CHANGED)
    raise_event(
        session,
        SecurityEvent(
            "user.remove", "user", user.id, user.org_id, now, by, after={"email": user.email}
        ),
    )


def restore_user(session: Session, *, user: User, now: datetime, by: Principal | None) -> None:
    """Put a removed user back into service, without roles (grant them anew)."""
    if user.status == ACTIVE:
        return
    user.status = ACTIVE
    session.flush()
    raise_event(
        session,
        SecurityEvent(
            "user.restore", "user", user.id, user.org_id, now, by, after={"email": user.email}
        ),
    )


def user_count(session: Session, org_id: str) -> int:
    """How many users an organization has."""
    return session.scalar(select(func.count()).select_from(User).where(User.org_id == org_id)) or 0


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


def edit_user(
    session: Session,
    *,
    user: User,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    display_name: str | None = None,
) -> None:
    """Change a user's names or e-mail (None keeps the value). The e-mail is checked and must be
    free platform-wide, as a new user's; no principal carries either, so none goes stale."""
    if email is not None:
        address = checked_email(email, "email")
        owner = find_user_by_email(session, address)
        if owner is not None and owner.id != user.id:
            raise Conflict("email", f"{address} is already in use", Codes.EMAIL_TAKEN)
        user.email = address
    if first_name is not None:
        user.first_name = first_name
    if last_name is not None:
        user.last_name = last_name
    if display_name is not None:
        user.display_name = display_name


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
