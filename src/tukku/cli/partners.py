"""`tukku partners`: set up partners from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from tukku.accounts import staff
from tukku.cli.common import DatabaseUrl, command_unit, console, emit_json, settings_for
from tukku.cli.tokens import expiry
from tukku.core.clock import real_now
from tukku.core.links import trusted_link_base
from tukku.core.timefmt import iso_or_none
from tukku.identity import service as identity
from tukku.identity.rules import WHOLESALE_SCOPES
from tukku.partners.flows import create_partner

app = typer.Typer(help="Partners.", no_args_is_help=True)


@app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="The partner's organization name.")],
    admin_email: Annotated[str, typer.Option("--admin-email", help="Its first administrator.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a partner with a subscription, a default onboarding template and an API token
    (expiring after TUKKU_TOKEN_LIFETIME_DAYS). With TUKKU_PUBLIC_BASE_URL set, its
    administrator is mailed a welcome with a link to choose a portal password."""
    settings = settings_for(database_url)
    with command_unit(settings) as (session, clock):
        setup = create_partner(session, name=name, admin_email=admin_email, now=clock.now())
        now = real_now()
        if settings.public_base_url:
            welcome = staff.invitation_from(
                trusted_link_base(settings.public_base_url, None), settings
            )
            staff.send_invitation(
                session, user=setup.admin, now=now, invitation=welcome, actor=None
            )
        issued, token = identity.issue_token(
            session,
            user=setup.admin,
            scopes=WHOLESALE_SCOPES,
            name="cli",
            now=now,
            expires_at=expiry(now, settings.token_lifetime_days),
        )
        expires_at = issued.expires_at
    result = {
        "orgId": setup.org_id,
        "subscriptionId": setup.subscription_id,
        "token": token,
        "tokenExpiresAt": iso_or_none(expires_at),
        "provisioningId": setup.provisioning_id,
    }
    if as_json:
        emit_json(result)
        return
    for key, value in result.items():
        console.print(f"{key:>15}: {value}")
    if not settings.public_base_url:
        console.print(
            "No welcome e-mail: set TUKKU_PUBLIC_BASE_URL to mail the administrator a link to "
            "choose a portal password (or use 'Forgot your password?' on the sign-in page)."
        )
