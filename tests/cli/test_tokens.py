"""`tukku tokens create/list/revoke` and the demo's tokens: expiring, listable without their
secret, revocable by what a person has at hand, audited; restarts reuse instead of piling up."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.cli.inprocess import run_tukku, tukku
from tukku.audit.models import AuditEvent
from tukku.cli.demo import ensure_demo
from tukku.core.clock import SystemClock
from tukku.core.db import Database
from tukku.identity import service as identity


def _partner(database_url: str, name: str = "Token Net") -> dict[str, Any]:
    email = f"admin@{name.lower().replace(' ', '')}.test"
    out = tukku(
        "partners", "create", "--name", name, "--admin-email", email, "--json",
        "--database-url", database_url,
    )  # fmt: skip
    created: dict[str, Any] = json.loads(out)
    created["email"] = email
    return created


def _tokens(database_url: str, *args: str) -> dict[str, Any]:
    out = tukku("tokens", *args, "--json", "--database-url", database_url)
    result: dict[str, Any] = json.loads(out)
    return result


def _works(database_url: str, token: str) -> bool:
    db = Database(database_url)
    try:
        with db.unit_of_work(write=False) as session:
            return identity.authenticate(session, token, now=SystemClock().now()) is not None
    finally:
        db.dispose()


def _within(value: str, expected: datetime) -> bool:
    return abs(datetime.fromisoformat(value.replace("Z", "+00:00")) - expected) < timedelta(
        minutes=5
    )


def test_tokens_expire_after_the_default_lifetime_or_the_one_asked_for(database_url: str) -> None:
    now = datetime.now(UTC)
    partner = _partner(database_url)
    default = _tokens(database_url, "create", "--email", partner["email"])
    week = _tokens(database_url, "create", "--email", partner["email"], "--expires-in-days", "7")
    configured = json.loads(
        tukku(
            "tokens", "create", "--email", partner["email"], "--json",
            env={"TUKKU_DATABASE_URL": database_url, "TUKKU_TOKEN_LIFETIME_DAYS": "30"},
        )
    )  # fmt: skip

    assert _within(partner["tokenExpiresAt"], now + timedelta(days=90))
    assert _within(default["expiresAt"], now + timedelta(days=90))
    assert _within(week["expiresAt"], now + timedelta(days=7))
    assert _within(configured["expiresAt"], now + timedelta(days=30))
    assert all(_works(database_url, t["token"]) for t in (default, week, configured))


def test_tokens_list_shows_every_live_token_but_never_its_secret(database_url: str) -> None:
    partner = _partner(database_url)
    other = _partner(database_url, "Other Net")
    issued = _tokens(database_url, "create", "--email", partner["email"], "--name", "billing")

    mine = _tokens(database_url, "list", "--email", partner["email"])["items"]
    table = tukku("tokens", "list", "--database-url", database_url, env={"COLUMNS": "300"})

    assert [(t["name"], t["status"]) for t in mine] == [("billing", "active"), ("cli", "active")]
    assert mine[0]["id"] == issued["id"]
    assert mine[0]["prefix"] == issued["token"][:12]
    assert {t["email"] for t in mine} == {partner["email"]}
    for secret in (issued["token"], partner["token"], other["token"]):
        assert secret not in json.dumps(mine)
        assert secret not in table
    assert issued["token"][:12] in table


def test_tokens_revoke_by_shown_prefix_id_prefix_whole_token_or_user(database_url: str) -> None:
    partner = _partner(database_url)
    tokens = [_tokens(database_url, "create", "--email", partner["email"]) for _ in range(3)]

    by_prefix = _tokens(database_url, "revoke", tokens[0]["token"][:12])
    by_id = _tokens(database_url, "revoke", tokens[1]["id"][:8])
    by_leak = _tokens(database_url, "revoke", tokens[2]["token"])

    assert [by_prefix["revoked"], by_id["revoked"], by_leak["revoked"]] == [
        [tokens[0]["id"]],
        [tokens[1]["id"]],
        [tokens[2]["id"]],
    ]
    assert not any(_works(database_url, t["token"]) for t in tokens)
    assert _works(database_url, partner["token"])
    everything = _tokens(database_url, "revoke", "--email", partner["email"])
    assert len(everything["revoked"]) == 1
    assert not _works(database_url, partner["token"])
    listed = _tokens(database_url, "list", "--email", partner["email"], "--all")["items"]
    assert {t["status"] for t in listed} == {"revoked"}
    assert _tokens(database_url, "list", "--email", partner["email"])["items"] == []


def test_tokens_revoke_explains_what_it_cannot_do(database_url: str) -> None:
    partner = _partner(database_url)
    unknown = run_tukku("tokens", "revoke", "tku_AAAAAAAA", "--database-url", database_url)
    too_short = run_tukku("tokens", "revoke", "abc", "--database-url", database_url)
    neither = run_tukku("tokens", "revoke", "--database-url", database_url)

    assert unknown.returncode == 1
    assert "token" in unknown.stderr.lower()
    assert too_short.returncode == 1
    assert "at least 8 characters" in too_short.stderr
    assert neither.returncode == 2
    assert _works(database_url, partner["token"])


def test_command_line_security_changes_are_audited(database_url: str) -> None:
    partner = _partner(database_url)
    operator = json.loads(
        tukku(
            "operators", "create", "--email", "root@ops.test", "--json",
            "--database-url", database_url,
        )
    )  # fmt: skip
    _tokens(database_url, "revoke", partner["token"][:12])

    db = Database(database_url)
    try:
        with db.unit_of_work(write=False) as session:
            events = session.scalars(select(AuditEvent)).all()
            seen = sorted((e.action, e.owner_org_id == partner["orgId"]) for e in events)
    finally:
        db.dispose()
    assert ("partner.create", True) in seen
    assert seen.count(("token.issue", True)) == 1
    assert ("token.revoke", True) in seen
    assert ("operator.create", False) in seen
    assert ("role.grant", False) in seen
    assert seen.count(("token.issue", False)) == 1
    assert operator["token"] not in str(seen)


def test_the_demo_reuses_its_tokens_and_replaces_them_once_revoked(
    database_url: str, tmp_path: Path
) -> None:
    tokens_file = tmp_path / "demo" / "tokens.json"
    db = Database(database_url)
    clock = SystemClock()
    try:

        def start() -> Any:
            with db.unit_of_work() as session:
                return ensure_demo(session, clock, tokens_file=tokens_file, lifetime_days=30)

        first = start()
        again = start()
        with db.unit_of_work(write=False) as session:
            live_after_restart = len(identity.list_tokens(session, now=clock.now()))
        with db.unit_of_work() as session:
            (partner_token,) = identity.find_tokens(session, first.partner_token)
            identity.revoke_token(session, partner_token.id, now=clock.now())
        replaced = start()
        with db.unit_of_work(write=False) as session:
            live_after_replace = len(identity.list_tokens(session, now=clock.now()))
            old_operator_works = (
                identity.authenticate(session, first.operator_token, now=clock.now()) is not None
            )
            new_partner_works = (
                identity.authenticate(session, replaced.partner_token, now=clock.now()) is not None
            )
    finally:
        db.dispose()

    assert (first.reused, again.reused, replaced.reused) == (False, True, False)
    assert (again.partner_token, again.operator_token) == (
        first.partner_token,
        first.operator_token,
    )
    assert live_after_restart == 2
    assert live_after_replace == 2
    assert not old_operator_works
    assert new_partner_works
    assert first.expires_at is not None
    assert first.expires_at - datetime.now(UTC) > timedelta(days=29)
    assert stat.S_IMODE(os.stat(tokens_file).st_mode) == 0o600
