"""`tukku db`: schema migrations."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from tukku.cli.common import DatabaseUrl, console, settings_for
from tukku.core import migrate
from tukku.schema import metadata

app = typer.Typer(help="Database schema: upgrade, check.", no_args_is_help=True)


@app.command()
def upgrade(database_url: DatabaseUrl = None) -> None:
    """Apply every pending migration."""
    settings = settings_for(database_url)
    migrate.upgrade(settings.database_url)
    console.print(f"schema at revision {migrate.current_revision(settings.database_url)}")


@app.command()
def check(database_url: DatabaseUrl = None) -> None:
    """Fail unless the models agree with the migrations (on a scratch SQLite file by default)."""
    with tempfile.TemporaryDirectory() as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'check.db'}"
        migrate.upgrade(url)
        found = migrate.differences(url, metadata)
    if found:
        for item in found:
            console.print(f"[red]differs:[/] {item}")
        raise typer.Exit(1)
    console.print("models and migrations agree")
