"""`tukku tokens`: API tokens from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from tukku.cli.common import DatabaseUrl, command_unit, console, emit_json, settings_for
from tukku.core.errors import Invalid, NotFound
from tukku.identity import service
from tukku.identity.rules import Scope

app = typer.Typer(help="API tokens.", no_args_is_help=True)
operators_app = typer.Typer(help="Platform operators.", no_args_is_help=True)


@app.command("create")
def create(
    org: Annotated[
        str | None, typer.Option("--org", help="Token for this organization's first admin.")
    ] = None,
    email: Annotated[str | None, typer.Option("--email", help="Token for this user.")] = None,
    scopes: Annotated[
        list[str] | None, typer.Option("--scope", help="Scope to grant (repeatable).")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Label shown in audits.")] = "cli",
    as_json: Annotated[bool, typer.Option("--json", help='Print {"token": ...}.')] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Issue a token; by default with every scope the user's roles allow (for a partner admin:
    every wholesale scope; for a customer admin: the customer administration scopes)."""
    if (org is None) == (email is None):
        console.print("[red]Give exactly one of --org and --email.[/]")
        raise typer.Exit(2)
    with command_unit(settings_for(database_url)) as (session, clock):
        if email is not None:
            user = service.find_user_by_email(session, email)
        else:
            assert org is not None
            user = service.first_admin(session, org)
        if user is None:
            raise NotFound("user")
        allowed = service.grantable_for(session, user)
        granted = _scopes(scopes) if scopes else allowed
        if not granted:
            raise Invalid("scope", "the user's roles allow no scopes")
        beyond = sorted(s.value for s in granted - allowed)
        if beyond:
            raise Invalid("scope", f"the user's roles do not allow {', '.join(beyond)}")
        _, token = service.issue_token(
            session, user=user, scopes=granted, name=name, now=clock.now()
        )
    if as_json:
        emit_json({"token": token})
    else:
        typer.echo(token)


def _scopes(names: list[str]) -> set[Scope]:
    known = {s.value for s in Scope}
    unknown = [n for n in names if n not in known]
    if unknown:
        choices = ", ".join(sorted(known))
        raise Invalid("scope", f"unknown scope {', '.join(unknown)}; one of {choices}")
    return {Scope(n) for n in names}


@operators_app.command("create")
def create_operator(
    email: Annotated[str, typer.Option("--email", help="The operator's e-mail address.")],
    first_name: Annotated[str | None, typer.Option("--first-name")] = None,
    last_name: Annotated[str | None, typer.Option("--last-name")] = None,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"userId", "token"}.')] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a platform operator (or find the existing one) and issue it a `tukku:ops` token."""
    with command_unit(settings_for(database_url)) as (session, clock):
        user = service.ensure_operator(
            session, email=email, now=clock.now(), first_name=first_name, last_name=last_name
        )
        _, token = service.issue_token(
            session, user=user, scopes={Scope.OPS}, name="cli operator", now=clock.now()
        )
        user_id = user.id
    if as_json:
        emit_json({"userId": user_id, "token": token})
    else:
        typer.echo(token)
