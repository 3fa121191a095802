"""Portal sign-in without a browser: password rules and hashing, throttled sign-in, sessions
that end (idle, absolute, sign-out, everywhere, password change, user removed) and
single-use set-password links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from tests.conftest import Partner
from tukku.audit.models import AuditEvent
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.errors import DomainError
from tukku.identity import service
from tukku.identity.models import PasswordLink, SignInFailure, User, WebSession
from tukku.identity.passwords import password_problems, verify_password

GOOD = "correct horse battery staple"
IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=12)
HERE = "192.0.2.10"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pass", "at least 12 characters"),
        ("x" * 257, "at most 256 characters"),
        ("passwordpassword", "most often guessed"),  # a listed word repeated
        ("qwertyqwerty", "most often guessed"),
        ("Baseball1234!!", "most often guessed"),  # a listed word with digits and symbols around
        ("!!qwertyuiop1", "most often guessed"),
        ("abababababab", "at least 5 different characters"),
        ("jane.doe-2026-xyz", "must not contain your e-mail address"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    problems = password_problems(password, email="jane.doe@example.test")
    assert any(reason in p for p in problems), problems


def test_a_long_uncommon_passphrase_is_accepted() -> None:
    assert password_problems(GOOD, email="jane.doe@example.test") == []


def _stored_hash(db: Database, partner: Partner) -> str | None:
    with db.unit_of_work(write=False) as session:
        return session.scalar(select(User.password_hash).where(User.email == partner.admin_email))


def _set(db: Database, clock: ManualClock, email: str, password: str = GOOD) -> None:
    with db.unit_of_work() as session:
        user = service.find_user_by_email(session, email)
        assert user is not None
        service.set_password(session, user=user, password=password, now=clock.now())


def _sign_in(
    db: Database, clock: ManualClock, email: str, password: str, address: str = HERE
) -> service.SignIn:
    with db.unit_of_work() as session:
        return service.sign_in(
            session, email=email, password=password, address=address, now=clock.now()
        )


def test_passwords_are_stored_as_argon2id_and_checked(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    _set(db, clock, partner.admin_email)
    with db.unit_of_work(write=False) as session:
        stored = session.scalar(select(User.password_hash).where(User.email == partner.admin_email))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert GOOD not in stored
    assert _sign_in(db, clock, partner.admin_email.upper(), GOOD).user is not None
    assert _sign_in(db, clock, partner.admin_email, GOOD + "!").user is None


def test_a_hash_made_with_weaker_parameters_is_remade_at_sign_in(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(GOOD)
    with db.unit_of_work() as session:
        user = service.find_user_by_email(session, partner.admin_email)
        assert user is not None
        user.password_hash = old
    assert _sign_in(db, clock, partner.admin_email, GOOD).user is not None
    stored = _stored_hash(db, partner)
    assert stored is not None
    assert stored != old
    assert verify_password(stored, GOOD) == (True, False)


def test_a_refused_password_changes_nothing(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    with pytest.raises(DomainError) as refused:
        _set(db, clock, partner.admin_email, "password1234")
    assert refused.value.status == 400
    assert refused.value.problems[0].field == "password"
    assert _stored_hash(db, partner) is None


def test_unknown_accounts_and_accounts_without_a_password_fail_like_a_wrong_password(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    assert _sign_in(db, clock, "nobody@example.test", GOOD) == service.SignIn(None)
    assert _sign_in(db, clock, partner.admin_email, GOOD) == service.SignIn(None)


def test_five_failures_lock_the_account_for_the_window_whatever_the_password(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    _set(db, clock, partner.admin_email)
    for n in range(5):
        result = _sign_in(db, clock, partner.admin_email, f"wrong guess {n}", f"198.51.100.{n}")
        assert result == service.SignIn(None)
    clock.advance(timedelta(minutes=5))
    locked = _sign_in(db, clock, partner.admin_email, GOOD)
    assert locked.user is None
    # The failures leave the window 15 minutes after they happened: in 10 minutes.
    assert locked.retry_after == 600
    clock.advance(timedelta(minutes=10, seconds=2))
    assert _sign_in(db, clock, partner.admin_email, GOOD).user is not None


def test_one_address_failing_on_many_accounts_is_slowed_down(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    _set(db, clock, partner.admin_email)
    for n in range(30):
        assert (
            _sign_in(db, clock, f"guess{n}@example.test", "whatever it is", "203.0.113.9").user
            is None
        )
    refused = _sign_in(db, clock, partner.admin_email, GOOD, "203.0.113.9")
    assert refused.user is None
    assert refused.retry_after
    assert _sign_in(db, clock, partner.admin_email, GOOD, "203.0.113.10").user is not None


def test_a_successful_sign_in_clears_the_accounts_failures_and_is_audited(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    _set(db, clock, partner.admin_email)
    for _ in range(4):
        _sign_in(db, clock, partner.admin_email, "not the password")
    assert _sign_in(db, clock, partner.admin_email, GOOD).user is not None
    account = f"account:{partner.admin_email}"
    with db.unit_of_work(write=False) as session:
        left = session.scalar(
            select(func.count()).select_from(SignInFailure).where(SignInFailure.subject == account)
        )
        actions = list(
            session.scalars(
                select(AuditEvent.action)
                .join(User, User.id == AuditEvent.target_id)
                .where(User.email == partner.admin_email)
            )
        )
    assert left == 0
    assert actions.count("user.sign_in_failed") == 4
    assert actions.count("user.sign_in") == 1
    assert "user.set_password" in actions


def _open(db: Database, clock: ManualClock, partner: Partner) -> str:
    with db.unit_of_work() as session:
        user = service.find_user_by_email(session, partner.admin_email)
        assert user is not None
        return service.open_session(
            session, user=user, now=clock.now(), lifetime=LIFETIME, address=HERE, user_agent="t"
        )


def _who(db: Database, clock: ManualClock, secret: str) -> service.SessionUser | None:
    with db.unit_of_work() as session:
        return service.session_user(session, secret=secret, now=clock.now(), idle=IDLE)


def test_a_session_acts_as_its_user_with_what_its_roles_allow(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    found = _who(db, clock, _open(db, clock, partner))
    assert found is not None
    assert found.principal.org_id == partner.org_id
    assert "partner_full_admin" in found.principal.roles
    assert "spark-admin:wholesale_customers_write" in found.principal.scopes
    assert _who(db, clock, "not-a-session") is None


def test_a_session_ends_when_idle_and_at_its_absolute_end_however_active(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    secret = _open(db, clock, partner)
    clock.advance(IDLE - timedelta(seconds=1))
    assert _who(db, clock, secret) is not None
    clock.advance(IDLE - timedelta(seconds=1))
    assert _who(db, clock, secret) is not None  # each use pushes the idle end further
    clock.advance(IDLE)
    assert _who(db, clock, secret) is None

    busy = _open(db, clock, partner)
    for _ in range(int(LIFETIME / timedelta(minutes=20)) - 1):
        clock.advance(timedelta(minutes=20))
        assert _who(db, clock, busy) is not None
    clock.advance(timedelta(minutes=20))  # 12 hours after signing in, used every 20 minutes
    assert _who(db, clock, busy) is None


def test_sign_out_everywhere_keeps_only_the_current_session(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    first, second, third = (_open(db, clock, partner) for _ in range(3))
    current = _who(db, clock, second)
    assert current is not None
    with db.unit_of_work() as session:
        ended = service.end_sessions_of(
            session, user_id=current.user.id, now=clock.now(), keep=current.session_id
        )
        assert ended == 2
    assert [_who(db, clock, s) is not None for s in (first, second, third)] == [False, True, False]
    with db.unit_of_work() as session:
        service.end_session(session, session_id=current.session_id, now=clock.now())
        assert (
            service.sessions_of(session, user_id=current.user.id, now=clock.now(), idle=IDLE) == []
        )
    assert _who(db, clock, second) is None


def test_changing_the_password_or_removing_the_user_ends_the_sessions(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    secret = _open(db, clock, partner)
    _set(db, clock, partner.admin_email, "a whole new passphrase here")
    assert _who(db, clock, secret) is None

    again = _open(db, clock, partner)
    with db.unit_of_work() as session:
        user = service.find_user_by_email(session, partner.admin_email)
        assert user is not None
        user.status = "removed"
    assert _who(db, clock, again) is None


def _link(db: Database, clock: ManualClock, partner: Partner, purpose: str = "reset") -> str:
    with db.unit_of_work() as session:
        user = service.find_user_by_email(session, partner.admin_email)
        assert user is not None
        return service.issue_password_link(
            session, user=user, purpose=purpose, now=clock.now(), lifetime=timedelta(hours=1)
        )


def _redeem(db: Database, clock: ManualClock, token: str, password: str = GOOD) -> None:
    with db.unit_of_work() as session:
        service.redeem_password_link(session, token=token, password=password, now=clock.now())


def test_a_set_password_link_works_once(db: Database, clock: ManualClock, partner: Partner) -> None:
    token = _link(db, clock, partner)
    _redeem(db, clock, token)
    assert _sign_in(db, clock, partner.admin_email, GOOD).user is not None
    with pytest.raises(DomainError) as spent:
        _redeem(db, clock, token, "another fine passphrase")
    assert spent.value.problems[0].field == "token"


def test_a_set_password_link_expires_and_a_newer_one_replaces_it(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    old = _link(db, clock, partner)
    newer = _link(db, clock, partner)
    with pytest.raises(DomainError):
        _redeem(db, clock, old)
    clock.advance(timedelta(hours=1, seconds=1))
    with pytest.raises(DomainError):
        _redeem(db, clock, newer)
    assert _stored_hash(db, partner) is None


def test_a_weak_password_leaves_the_link_usable(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    token = _link(db, clock, partner, "invite")
    with pytest.raises(DomainError) as weak:
        _redeem(db, clock, token, "password")
    assert weak.value.problems[0].field == "password"
    _redeem(db, clock, token)
    assert _sign_in(db, clock, partner.admin_email, GOOD).user is not None


def _purge(db: Database, clock: ManualClock) -> None:
    with db.unit_of_work() as session:
        service.purge_sign_in_records(session, now=clock.now(), idle=IDLE)


def _rows(db: Database) -> dict[str, int]:
    with db.unit_of_work(write=False) as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (SignInFailure, WebSession, PasswordLink)
        }


def test_the_purge_keeps_what_counts_and_deletes_what_no_longer_does(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    _set(db, clock, partner.admin_email)
    _sign_in(db, clock, partner.admin_email, "an old wrong guess")
    signed_out = _open(db, clock, partner)
    with db.unit_of_work() as session:
        found = service.session_user(session, secret=signed_out, now=clock.now(), idle=IDLE)
        assert found is not None
        service.end_session(session, session_id=found.session_id, now=clock.now())
    old_link = _link(db, clock, partner)
    clock.advance(timedelta(days=1, hours=2))
    recent_failure = _sign_in(db, clock, partner.admin_email, "a recent wrong guess")
    assert recent_failure.user is None
    live = _open(db, clock, partner)
    live_link = _link(db, clock, partner, "invite")
    # Before: two failures, two sessions, two links (the reset one expired a day ago).
    assert _rows(db) == {"SignInFailure": 4, "WebSession": 2, "PasswordLink": 2}

    _purge(db, clock)

    # Each failure counts against the account and the address: the recent pair stays.
    assert _rows(db) == {"SignInFailure": 2, "WebSession": 1, "PasswordLink": 1}
    assert _who(db, clock, live) is not None
    _redeem(db, clock, live_link)
    with pytest.raises(DomainError):
        _redeem(db, clock, old_link)
    assert _sign_in(db, clock, partner.admin_email, GOOD).user is not None
