"""`tukku docs`: documents generated from the code, so they cannot drift."""

from __future__ import annotations

import typer

from tukku.broadworks.extract import json_schema_text
from tukku.core.errors import catalog_markdown

app = typer.Typer(help="Generated documentation.", no_args_is_help=True)


@app.command("error-codes")
def error_codes() -> None:
    """Print docs/error-codes.md (the catalog of error and information codes)."""
    typer.echo(catalog_markdown(), nl=False)


@app.command("bw-extract-schema")
def bw_extract_schema() -> None:
    """Print docs/bw-extract-1.schema.json (the JSON Schema of the BroadWorks extract format)."""
    typer.echo(json_schema_text(), nl=False)
