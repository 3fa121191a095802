"""The `tukku` command line."""

from __future__ import annotations

import typer

from tukku.cli import db, docs, migrate, partners, screening, sso, tokens, users
from tukku.cli.serve import serve
from tukku.cli.worker import worker

app = typer.Typer(
    name="tukku",
    help="tukku: wholesale route-to-market platform, wire-compatible with the Webex Wholesale API.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command()(serve)
app.command()(worker)
app.add_typer(db.app, name="db")
app.add_typer(partners.app, name="partners")
app.add_typer(tokens.app, name="tokens")
app.add_typer(tokens.operators_app, name="operators")
app.add_typer(users.app, name="users")
app.add_typer(screening.app, name="screening")
app.add_typer(sso.app, name="sso")
app.add_typer(docs.app, name="docs")
app.add_typer(migrate.app, name="migrate")


def main() -> None:
    """Entry point of the `tukku` script."""
    app()
