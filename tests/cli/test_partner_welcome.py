"""`tukku partners create` welcomes the new partner's administrator by e-mail with a link to
choose a portal password, built from TUKKU_PUBLIC_BASE_URL; without one it mails nothing and
says how to get there instead."""

from __future__ import annotations

from tests.e2e.conftest import run_tukku
from tukku.core.db import Database
from tukku.core.pagination import PageRequest
from tukku.mail.service import OutboxScope, list_outbox

ALL = PageRequest(offset=0, limit=10)


def _mails(database_url: str, to: str) -> list[tuple[str, str]]:
    db = Database(database_url)
    try:
        with db.unit_of_work(write=False) as session:
            rows = list_outbox(session, scope=OutboxScope.everything(), page=ALL, to=to)
            return [(m.kind, m.body) for m in rows]
    finally:
        db.dispose()


def _create(database_url: str, email: str, env: dict[str, str]) -> str:
    result = run_tukku(
        "partners",
        "create",
        "--name",
        "Welcome Net",
        "--admin-email",
        email,
        "--database-url",
        database_url,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_the_new_administrator_is_mailed_a_set_password_link(database_url: str) -> None:
    _create(
        database_url, "first@welcome.test", {"TUKKU_PUBLIC_BASE_URL": "https://hub.example.test"}
    )

    ((kind, body),) = _mails(database_url, "first@welcome.test")
    assert kind == "invitation"
    assert "Welcome Net" in body
    assert "https://hub.example.test/portal/set-password/" in body


def test_without_a_public_base_url_no_mail_goes_and_the_command_says_so(
    database_url: str,
) -> None:
    said = _create(database_url, "quiet@welcome.test", {"TUKKU_PUBLIC_BASE_URL": ""})

    assert _mails(database_url, "quiet@welcome.test") == []
    assert "TUKKU_PUBLIC_BASE_URL" in said
