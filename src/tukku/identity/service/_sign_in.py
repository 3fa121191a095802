"""Portal sign-in: passwords, throttled sign-in, browser sessions and set-password links.

Secrets given to a browser (a session cookie) or an e-mail (a set-password link) carry 256
random bits and are stored only as their SHA-256, as API tokens are. Changing a password, or
removing the user, ends every session of the user.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from tukku.core.errors import Codes, Invalid
from tukku.identity.events import SecurityEvent, raise_event
from tukku.identity.models import Organization, PasswordLink, SignInFailure, User, WebSession
from tukku.identity.passwords import (
    hash_password,
    password_problems,
    spend_verification_time,
    verify_password,
)
from tukku.identity.principal import Principal
from tukku.identity.rules import grantable_scopes
from tukku.identity.service._roles import roles_of
from tukku.identity.service._tokens import hash_token, principal_of

THROTTLE_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5  # in the window, then the account waits for the window to pass
ADDRESS_FAILURES = 30  # from one address over all accounts (one office shares an address)
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
INVITE = "invite"
RESET = "reset"


def set_password(
    session: Session, *, user: User, password: str, now: datetime, by: Principal | None = None
) -> None:
    """Give `user` a new password (400 naming `password` when the rules refuse it) and end all
    of the user's portal sessions."""
    problems = password_problems(password, email=user.email)
    if problems:
        raise Invalid("password", "; ".join(problems), Codes.PASSWORD_REJECTED)
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    end_sessions_of(session, user_id=user.id, now=now)
    raise_event(session, SecurityEvent("user.set_password", "user", user.id, user.org_id, now, by))


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user, or why not (`retry_after` seconds when the
    attempt was refused unheard because of earlier failures; `closed_by`, the identity provider
    the user must sign in through instead, when the password was right but password sign-in is
    closed for the user)."""

    user: User | None
    retry_after: int | None = None
    closed_by: str | None = None


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    address: str,
    now: datetime,
    gate: Callable[[User], str | None] | None = None,
) -> SignIn:
    """Check an e-mail and password, throttled per account and per address.

    Returns rather than raises, so that the caller commits the failure it records. Whether the
    account exists, has a password or is active never changes the answer nor its time. Once
    the password is right, `gate` may still close the door: it names the identity provider the
    user signs in through (single sign-on), and only then, to the one who knows the password,
    does the answer say so.
    """
    account = f"account:{email.strip().casefold()}"
    source = f"address:{address}"
    wait = max(
        _wait(session, account, ACCOUNT_FAILURES, now),
        _wait(session, source, ADDRESS_FAILURES, now),
    )
    user = session.scalars(_USER_BY_EMAIL, {"email": email.strip().casefold()}).first()
    if wait:
        if user is not None:
            _sign_in_event(session, user, now, address, "throttled")
        return SignIn(None, wait)
    if user is None or user.password_hash is None:
        spend_verification_time(password)
        ok = rehash = False
    else:
        ok, rehash = verify_password(user.password_hash, password)
    if not ok or user is None or user.status != "active":
        session.add_all([SignInFailure(subject=s, at=now) for s in (account, source)])
        if user is not None:
            _sign_in_event(session, user, now, address, "wrong password" if not ok else "inactive")
        return SignIn(None)
    if rehash:
        user.password_hash = hash_password(password)
    closed_by = gate(user) if gate else None
    if closed_by is not None:
        _sign_in_event(session, user, now, address, f"password sign-in closed: {closed_by}")
        return SignIn(None, closed_by=closed_by)
    session.execute(delete(SignInFailure).where(SignInFailure.subject == account))
    _sign_in_event(session, user, now, address, None)
    return SignIn(user)


_USER_BY_EMAIL = select(User).where(User.email == bindparam("email"))


def _wait(session: Session, subject: str, limit: int, now: datetime) -> int:
    """Seconds until `subject` may try again; 0 if it has failed fewer than `limit` times in
    the window."""
    recent = (
        select(SignInFailure.at)
        .where(SignInFailure.subject == subject, SignInFailure.at > now - THROTTLE_WINDOW)
        .order_by(SignInFailure.at.desc())
        .limit(limit)
    )
    times = list(session.scalars(recent))
    if len(times) < limit:
        return 0
    return max(1, math.ceil((times[-1] + THROTTLE_WINDOW - now).total_seconds()))


def _sign_in_event(
    session: Session, user: User, now: datetime, address: str, failure: str | None
) -> None:
    after = {"address": address} | ({"failure": failure} if failure else {})
    action = "user.sign_in" if failure is None else "user.sign_in_failed"
    raise_event(session, SecurityEvent(action, "user", user.id, user.org_id, now, after=after))


def purge_sign_in_records(session: Session, *, now: datetime, idle: timedelta) -> int:
    """Delete what no longer counts or works: failed sign-ins past the throttling window,
    sessions ended (signed out, idle or past their end) a day ago and set-password links
    expired a day ago; how many rows went. The day's grace keeps a just-ended session on the
    record while someone looks into it."""
    grace = now - timedelta(days=1)
    statements = (
        delete(SignInFailure).where(SignInFailure.at <= now - THROTTLE_WINDOW),
        delete(WebSession).where(
            or_(
                WebSession.revoked_at <= grace,
                WebSession.expires_at <= grace,
                WebSession.last_seen_at <= grace - idle,
            )
        ),
        delete(PasswordLink).where(PasswordLink.expires_at <= grace),
    )
    return sum(int(getattr(session.execute(s), "rowcount", 0) or 0) for s in statements)


def open_session(
    session: Session,
    *,
    user: User,
    now: datetime,
    lifetime: timedelta,
    address: str | None,
    user_agent: str | None,
) -> str:
    """A new portal session for `user`, ending at the latest after `lifetime`; returns the
    secret for the browser's cookie (shown once, stored only as its hash)."""
    secret = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id=hash_token(secret),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            address=address,
            user_agent=(user_agent or "")[:200] or None,
        )
    )
    return secret


@dataclass(frozen=True)
class SessionUser:
    """Who a live portal session belongs to, as the same `Principal` the API works with
    (every scope the user's roles allow; `token_id` is the session's ID)."""

    principal: Principal
    user: User
    session_id: str


def session_user(
    session: Session, *, secret: str, now: datetime, idle: timedelta
) -> SessionUser | None:
    """The user of a live session (not revoked, not past its end, used within `idle`, its user
    active in its organization); None otherwise. Notes the use, once a minute at most."""
    row = session.execute(_LIVE_SESSION, {"id": hash_token(secret)}).first()
    if row is None:
        return None
    web, user, org = row
    if web.revoked_at is not None or web.expires_at <= now or web.last_seen_at + idle <= now:
        return None
    if user.status != "active":
        return None
    if now - web.last_seen_at >= LAST_SEEN_RESOLUTION:
        web.last_seen_at = now
    roles = roles_of(session, user.id)
    scopes = frozenset(s.value for s in grantable_scopes(roles))
    principal = principal_of(user, org, roles, scopes, web.id)
    return SessionUser(principal, user, web.id)


_LIVE_SESSION = (
    select(WebSession, User, Organization)
    .join(User, User.id == WebSession.user_id)
    .join(Organization, Organization.id == User.org_id)
    .where(WebSession.id == bindparam("id"))
)


def end_session(session: Session, *, session_id: str, now: datetime) -> None:
    """Sign out one session (by its stored ID)."""
    session.execute(
        update(WebSession)
        .where(WebSession.id == session_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def end_sessions_of(
    session: Session, *, user_id: str, now: datetime, keep: str | None = None
) -> int:
    """Sign out every session of a user ("sign out everywhere"), but `keep`; how many ended."""
    query = update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(WebSession.id != keep)
    result = session.execute(query.values(revoked_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


def sessions_of(
    session: Session, *, user_id: str, now: datetime, idle: timedelta
) -> list[WebSession]:
    """A user's live sessions, the most recently used first."""
    return list(
        session.scalars(
            select(WebSession)
            .where(
                WebSession.user_id == user_id,
                WebSession.revoked_at.is_(None),
                WebSession.expires_at > now,
                WebSession.last_seen_at > now - idle,
            )
            .order_by(WebSession.last_seen_at.desc(), WebSession.id)
        )
    )


def issue_password_link(
    session: Session, *, user: User, purpose: str, now: datetime, lifetime: timedelta
) -> str:
    """A single-use token for the link that sets `user`'s password (an invitation's or a
    reset's), valid for `lifetime`; the e-mail holds it, the table its hash. Earlier unused
    links of the same purpose stop working."""
    session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.user_id == user.id,
            PasswordLink.purpose == purpose,
            PasswordLink.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordLink(
            id=hash_token(token),
            user_id=user.id,
            purpose=purpose,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def password_link_user(session: Session, *, token: str, now: datetime) -> User | None:
    """The user a live set-password link is for; None for an unknown, used or expired one."""
    link = session.get(PasswordLink, hash_token(token))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    user = session.get(User, link.user_id)
    return user if user is not None and user.status == "active" else None


def redeem_password_link(session: Session, *, token: str, password: str, now: datetime) -> User:
    """Set the password a link is for and spend the link (400 naming `token` when it is
    unknown, used or expired; naming `password` when the rules refuse it)."""
    user = password_link_user(session, token=token, now=now)
    if user is None:
        raise Invalid("token", "the link is unknown, already used or expired", Codes.LINK_INVALID)
    set_password(session, user=user, password=password, now=now)
    spent = session.execute(
        update(PasswordLink)
        .where(PasswordLink.id == hash_token(token), PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    if not getattr(spent, "rowcount", 0):
        # Spent by a concurrent request between the look-up and now.
        raise Invalid("token", "the link is unknown, already used or expired", Codes.LINK_INVALID)
    return user
