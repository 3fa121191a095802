"""`tukku tokens` and `tukku operators`: API tokens and operator accounts from the command line.

Token times are wall-clock times, also against a sandbox database (see `identity.deps`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tukku.cli.common import DatabaseUrl, command_unit, console, emit_json, settings_for
from tukku.core.clock import real_now
from tukku.core.errors import Invalid, NotFound
from tukku.core.timefmt import iso, iso_or_none
from tukku.identity import service
from tukku.identity.models import ApiToken
from tukku.identity.rules import Scope

app = typer.Typer(help="API tokens: issue, list and revoke.", no_args_is_help=True)
operators_app = typer.Typer(help="Platform operators.", no_args_is_help=True)

ExpiresInDays = Annotated[
    int | None,
    typer.Option(
        "--expires-in-days",
        min=1,
        max=3650,
        help="Lifetime in days (default: TUKKU_TOKEN_LIFETIME_DAYS, 90).",
        show_default=False,
    ),
]


def expiry(now: datetime, days: int) -> datetime:
    """When a token issued `now` with a lifetime of `days` stops working."""
    return now + timedelta(days=days)


@app.command("create")
def create(
    org: Annotated[
        str | None, typer.Option("--org", help="Token for this organization's first admin.")
    ] = None,
    email: Annotated[str | None, typer.Option("--email", help="Token for this user.")] = None,
    scopes: Annotated[
        list[str] | None, typer.Option("--scope", help="Scope to grant (repeatable).")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Label shown in lists and audits.")] = "cli",
    expires_in_days: ExpiresInDays = None,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print {"token", "id", "expiresAt"}.')
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Issue a token; by default with every scope the user's roles allow (for a partner admin:
    every wholesale scope; for a customer admin: the customer administration scopes)."""
    if (org is None) == (email is None):
        console.print("[red]Give exactly one of --org and --email.[/]")
        raise typer.Exit(2)
    settings = settings_for(database_url)
    with command_unit(settings) as (session, _clock):
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
        now = real_now()
        issued, token = service.issue_token(
            session,
            user=user,
            scopes=granted,
            name=name,
            now=now,
            expires_at=expiry(now, expires_in_days or settings.token_lifetime_days),
        )
        token_id, expires_at = issued.id, issued.expires_at
    if as_json:
        emit_json({"token": token, "id": token_id, "expiresAt": iso_or_none(expires_at)})
    else:
        typer.echo(token)
        console.print(f"id {token_id}, expires {iso_or_none(expires_at)}", highlight=False)


def _scopes(names: list[str]) -> set[Scope]:
    known = {s.value for s in Scope}
    unknown = [n for n in names if n not in known]
    if unknown:
        choices = ", ".join(sorted(known))
        raise Invalid("scope", f"unknown scope {', '.join(unknown)}; one of {choices}")
    return {Scope(n) for n in names}


@app.command("list")
def list_tokens(
    email: Annotated[str | None, typer.Option("--email", help="Only this user's tokens.")] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only this organization's tokens.")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include revoked and expired tokens.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"items": [...]}.')] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """List tokens, newest first: ID, the prefix it was shown with, user, name, scopes, times and
    status. The secret itself is never shown again."""
    with command_unit(settings_for(database_url)) as (session, _clock):
        now = real_now()
        found = service.list_tokens(
            session, now=now, email=email, org_id=org, include_inactive=show_all
        )
        items = [_described(info.token, info.email, info.status(now)) for info in found]
    if as_json:
        emit_json({"items": items})
        return
    table = Table("id", "prefix", "user", "name", "created", "expires", "last used", "status")
    for item in items:
        table.add_row(
            *(
                str(item[key] or default)
                for key, default in (
                    ("id", ""),
                    ("prefix", "-"),
                    ("email", ""),
                    ("name", ""),
                    ("created", ""),
                    ("expiresAt", "never"),
                    ("lastUsed", "-"),
                    ("status", ""),
                )
            )
        )
    out = Console()
    # Piped or redirected output keeps whole IDs and prefixes instead of cutting them to 80 columns.
    (out if out.is_terminal else Console(width=240)).print(table)


def _described(token: ApiToken, email: str, status: str) -> dict[str, object]:
    return {
        "id": token.id,
        "prefix": token.prefix,
        "email": email,
        "orgId": token.org_id,
        "name": token.name,
        "scopes": list(token.scopes),
        "created": iso(token.created_at),
        "expiresAt": iso_or_none(token.expires_at),
        "lastUsed": iso_or_none(token.last_used_at),
        "revokedAt": iso_or_none(token.revoked_at),
        "status": status,
    }


@app.command("revoke")
def revoke(
    key: Annotated[
        str | None,
        typer.Argument(
            help="Token ID (or its first 8+ characters), the prefix it was shown with "
            "(tku_ and 8 more), or a whole leaked token.",
            show_default=False,
        ),
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Revoke every live token of this user.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"revoked": [ids]}.')] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a token, or all of a user's. The token stops working at once in new processes and
    within TUKKU_AUTH_CACHE_SECONDS (default 5) in running ones."""
    if (key is None) == (email is None):
        console.print("[red]Give exactly one of a token and --email.[/]")
        raise typer.Exit(2)
    with command_unit(settings_for(database_url)) as (session, _clock):
        now = real_now()
        if email is not None:
            user = service.find_user_by_email(session, email)
            if user is None:
                raise NotFound("user")
            live = service.list_tokens(session, now=now, email=email, include_inactive=True)
            targets = [info.token for info in live if info.token.revoked_at is None]
        else:
            assert key is not None
            targets = service.find_tokens(session, key)
            if not targets:
                raise NotFound("token")
            if len(targets) > 1:
                ids = ", ".join(t.id for t in targets)
                raise Invalid("token", f"{key!r} matches {len(targets)} tokens ({ids}); say more")
        revoked = [service.revoke_token(session, t.id, now=now, reason="cli").id for t in targets]
    if as_json:
        emit_json({"revoked": revoked})
    else:
        console.print(f"revoked {len(revoked)} token(s): {', '.join(revoked) or '-'}")


@operators_app.command("create")
def create_operator(
    email: Annotated[str, typer.Option("--email", help="The operator's e-mail address.")],
    first_name: Annotated[str | None, typer.Option("--first-name")] = None,
    last_name: Annotated[str | None, typer.Option("--last-name")] = None,
    expires_in_days: ExpiresInDays = None,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print {"userId", "token", "expiresAt"}.')
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a platform operator (or find the existing one) and issue it a `tukku:ops` token."""
    settings = settings_for(database_url)
    with command_unit(settings) as (session, clock):
        user = service.ensure_operator(
            session, email=email, now=clock.now(), first_name=first_name, last_name=last_name
        )
        now = real_now()
        issued, token = service.issue_token(
            session,
            user=user,
            scopes={Scope.OPS},
            name="cli operator",
            now=now,
            expires_at=expiry(now, expires_in_days or settings.token_lifetime_days),
        )
        user_id, expires_at = user.id, issued.expires_at
    if as_json:
        emit_json({"userId": user_id, "token": token, "expiresAt": iso_or_none(expires_at)})
    else:
        typer.echo(token)
