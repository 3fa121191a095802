"""`tukku serve`'s banner and the address its links use when no public base URL is set."""

from __future__ import annotations

import pytest

from tukku.cli.serve import banner, listen_url
from tukku.core.settings import Settings

PG = "postgresql+psycopg://tukku:s3cr3t-pw@db.internal:5432/tukku"


def test_banner_hides_the_database_password() -> None:
    lines = banner(Settings(database_url=PG), "http://localhost:8000")

    assert not [line for line in lines if "s3cr3t-pw" in line]
    assert "database          postgresql+psycopg://tukku:***@db.internal:5432/tukku" in lines


def test_banner_shows_a_sqlite_path_as_is() -> None:
    lines = banner(Settings(database_url="sqlite:///./tukku.db"), "http://localhost:8000")

    assert "database          sqlite:///./tukku.db" in lines
    assert "API docs          http://localhost:8000/docs" in lines


def test_banner_says_when_the_api_docs_are_off() -> None:
    lines = banner(Settings(api_docs=False), "http://localhost:8000")

    assert "API docs          off (TUKKU_API_DOCS)" in lines


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://localhost:8000"),
        ("0.0.0.0", "http://localhost:8000"),
        ("::", "http://localhost:8000"),
        ("::1", "http://localhost:8000"),
        ("10.0.0.5", "http://10.0.0.5:8000"),
        ("fd00::5", "http://[fd00::5]:8000"),
        ("tukku.lan", "http://tukku.lan:8000"),
    ],
)
def test_listen_url(host: str, url: str) -> None:
    assert listen_url(host, 8000) == url
