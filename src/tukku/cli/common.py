"""What every command shares: settings from options and environment, the database, the clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from tukku.core.clock import Clock
from tukku.core.db import Database
from tukku.core.errors import DomainError
from tukku.core.migrate import is_current
from tukku.core.settings import Settings
from tukku.sandbox.clock import make_clock

console = Console(stderr=True)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL, e.g. postgresql+psycopg://u:p@host/db (env TUKKU_DATABASE_URL).",
        show_default=False,
    ),
]
Sandbox = Annotated[
    bool, typer.Option("--sandbox", help="Virtual clock and scripted faults (never in production).")
]


def settings_for(database_url: str | None, sandbox: bool | None = None) -> Settings:
    """Settings from the environment, overridden by explicit options."""
    overrides: dict[str, Any] = {}
    if database_url:
        overrides["database_url"] = database_url
    if sandbox:
        overrides["sandbox"] = True
    return Settings(**overrides)


def require_current_schema(settings: Settings) -> None:
    """Stop with advice unless every migration has been applied."""
    if not is_current(settings.database_url):
        console.print("[red]The database schema is not up to date.[/] Run: tukku db upgrade")
        raise typer.Exit(2)


@contextmanager
def command_unit(settings: Settings) -> Iterator[tuple[Session, Clock]]:
    """One unit of work for a CLI command, with the platform clock; domain errors end it."""
    require_current_schema(settings)
    db = Database(settings.database_url, pool_size=2)
    clock = make_clock(settings, db)
    try:
        with db.unit_of_work() as session:
            yield session, clock
    except DomainError as exc:
        console.print(f"[red]{exc.message}[/]")
        raise typer.Exit(1) from None
    finally:
        db.dispose()


def emit_json(data: dict[str, Any]) -> None:
    """Print exactly one JSON object on stdout (for scripts)."""
    typer.echo(json.dumps(data))
