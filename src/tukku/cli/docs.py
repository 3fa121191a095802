"""`tukku docs`: documents generated from the code, so they cannot drift."""

from __future__ import annotations

import typer

from tukku.core.errors import catalog_markdown

app = typer.Typer(help="Generated documentation.", no_args_is_help=True)


@app.command("error-codes")
def error_codes() -> None:
    """Print docs/error-codes.md (the catalog of error and information codes)."""
    typer.echo(catalog_markdown(), nl=False)
