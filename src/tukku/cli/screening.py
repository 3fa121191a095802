"""`tukku screening`: load the denied-party list from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tukku.cli.common import DatabaseUrl, command_unit, console, emit_json, settings_for
from tukku.screening import service
from tukku.screening.rules import ListFileError

app = typer.Typer(help="Denied-party screening.", no_args_is_help=True)


@app.command("load")
def load(
    file: Annotated[
        Path, typer.Argument(help="A CSV file in the US Consolidated Screening List layout.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Replace the screening list in force with the parties in FILE (all or nothing)."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        console.print(f"[red]Cannot read {file}: {exc}[/]")
        raise typer.Exit(1) from None
    try:
        with command_unit(settings_for(database_url)) as (session, clock):
            loaded = service.load_list(session, raw=raw, source_name=file.name, now=clock.now())
    except ListFileError as exc:
        console.print(f"[red]{file} was not loaded:[/]")
        for problem in exc.problems:
            console.print(f"  {problem}")
        raise typer.Exit(1) from None
    result = {"listId": loaded.id, "entries": loaded.entry_count, "sha256": loaded.sha256}
    if as_json:
        emit_json(result)
        return
    console.print(f"Loaded {loaded.entry_count} listed parties from {file} (list {loaded.id}).")
