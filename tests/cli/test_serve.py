"""`tukku serve`'s banner and the address its links use when no public base URL is set."""

from __future__ import annotations

import pytest

from tukku import app as app_module
from tukku.app import create_served_app, served_app_environment
from tukku.cli.serve import banner, listen_url
from tukku.core.settings import Settings

PG = "postgresql+psycopg://tukku:s3cr3t-pw@db.internal:5432/tukku"
BASE = "http://localhost:8000"


def test_banner_hides_the_database_password() -> None:
    lines = banner(Settings(database_url=PG), BASE, processes=1, worker=True)

    assert not [line for line in lines if "s3cr3t-pw" in line]
    assert "database          postgresql+psycopg://tukku:***@db.internal:5432/tukku" in lines


def test_banner_shows_a_sqlite_path_as_is() -> None:
    lines = banner(Settings(database_url="sqlite:///./tukku.db"), BASE, processes=1, worker=True)

    assert "database          sqlite:///./tukku.db" in lines
    assert "API docs          http://localhost:8000/docs" in lines


def test_banner_says_when_the_api_docs_are_off() -> None:
    lines = banner(Settings(api_docs=False), BASE, processes=1, worker=True)

    assert "API docs          off (TUKKU_API_DOCS)" in lines


@pytest.mark.parametrize(
    ("processes", "worker", "shown"),
    [
        (1, True, ["API processes     1", "background worker in the API process"]),
        (
            4,
            True,
            [
                "API processes     4, sharing the port",
                "background worker 1 process of its own (`tukku worker`)",
            ],
        ),
        (
            2,
            False,
            [
                "API processes     2, sharing the port",
                "background worker none here (--no-worker): run `tukku worker`",
            ],
        ),
    ],
)
def test_banner_says_how_many_api_processes_and_where_the_worker_runs(
    processes: int, worker: bool, shown: list[str]
) -> None:
    lines = banner(Settings(), BASE, processes=processes, worker=worker)

    assert lines[-2:] == shown


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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_each_api_process_builds_the_app_serve_resolved(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolved = settings.model_copy(
        update={"public_base_url": None, "secret_key": "k" * 40, "smtp_password": "pw"}
    )
    for name, value in served_app_environment(resolved, "http://localhost:8123").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TUKKU_SECRET_KEY", "not-the-resolved-one")
    logging_levels: list[str] = []
    monkeypatch.setattr(app_module, "configure_logging", logging_levels.append)

    app = create_served_app()

    assert app.state.settings == resolved
    assert app.state.link_secret == "k" * 40
    assert app.state.link_base_url == "http://localhost:8123"
    assert logging_levels == [resolved.log_level]
    app.state.db.dispose()
