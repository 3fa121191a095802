"""`tukku sso`: the operator's break-glass path past a partner's identity provider. When a
provider is down or misconfigured, an operator lets one named user sign in once with a
password (audited with the reason); the user sets a password first if they have none (Forgot
your password? on the sign-in page)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from tukku.cli.common import DatabaseUrl, command_unit, console, settings_for
from tukku.core.clock import real_now
from tukku.sso import service

app = typer.Typer(help="Partner single sign-on.", no_args_is_help=True)


@app.command("break-glass")
def break_glass(
    email: Annotated[str, typer.Option("--email", help="The user's e-mail address.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
    minutes: Annotated[
        int, typer.Option("--minutes", min=1, max=1440, help="How long the grant lasts.")
    ] = 60,
    database_url: DatabaseUrl = None,
) -> None:
    """Let one user sign in with a password once, within `--minutes`, although the user's
    organization signs in through its identity provider."""
    with command_unit(settings_for(database_url)) as (session, _clock):
        grant = service.grant_break_glass(
            session,
            email=email,
            reason=reason,
            now=real_now(),
            lifetime=timedelta(minutes=minutes),
        )
        expires = grant.expires_at.isoformat(timespec="minutes")
    console.print(
        f"{email} may sign in with a password once until {expires} (UTC).", highlight=False
    )
