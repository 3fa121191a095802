"""`tukku users`: portal accounts from the command line (an operator setting a password, for
a user who cannot receive mail or for the first sign-in of a new installation).

Password times are wall-clock times, as token times are.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tukku.cli.common import DatabaseUrl, command_unit, console, settings_for
from tukku.core.clock import real_now
from tukku.core.errors import NotFound
from tukku.identity import service

app = typer.Typer(help="Portal accounts: passwords and sessions.", no_args_is_help=True)


@app.command("set-password")
def set_password(
    email: Annotated[str, typer.Option("--email", help="The user's e-mail address.")],
    from_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Set a user's portal password (asked twice, not echoed) and sign the user out everywhere.
    The password rules apply: at least 12 characters, not a common password."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with command_unit(settings_for(database_url)) as (session, _clock):
        user = service.find_user_by_email(session, email)
        if user is None or user.status != "active":
            raise NotFound("user", field_name="email")
        service.set_password(session, user=user, password=password, now=real_now())
    console.print(f"Password set for {email}; its portal sessions have ended.", highlight=False)


@app.command("sign-out")
def sign_out(
    email: Annotated[str, typer.Option("--email", help="The user's e-mail address.")],
    database_url: DatabaseUrl = None,
) -> None:
    """End every portal session of a user (a lost laptop, a departing colleague)."""
    with command_unit(settings_for(database_url)) as (session, _clock):
        user = service.find_user_by_email(session, email)
        if user is None:
            raise NotFound("user", field_name="email")
        ended = service.end_sessions_of(session, user_id=user.id, now=real_now())
    console.print(f"{ended} portal session(s) of {email} ended.", highlight=False)
