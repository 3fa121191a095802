"""Whom a partner's identity provider reaches, and the way back in when it fails: customers
created afterwards from a `partner_oidc` template sign in through it (and no longer with a
password), customers created before keep their own sign-in, and an operator's break-glass
grant lets one named user in with a password once, audited."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import Partner
from tests.portal.pages import give_password, sign_in
from tests.sso.fake_idp import FakeIdp
from tests.sso.test_sso_sign_in import NAME, SSO, back, claims, idp, start
from tests.support import provision_customer
from tukku.cli.main import app as cli
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity
from tukku.identity.rules import Role
from tukku.sso import service as sso
from tukku.sso.models import BreakGlass

__all__ = ["idp"]  # the fixture, shared with the sign-in tests
_n = count()


def through_idp(client: TestClient, clock: ManualClock, fake: FakeIdp, email: str) -> int:
    """Sign `email` in through the provider in a fresh browser; the callback's status."""
    client.cookies.clear()
    request = start(client)
    fake.claims = claims(fake, clock, request["nonce"], email)
    return back(client, request["state"]).status_code


def has_session(client: TestClient) -> bool:
    return client.get("/portal/account", follow_redirects=False).status_code == 200


def admin_of(db: Database, clock: ManualClock, customer: dict[str, Any]) -> str:
    """A new full administrator of the customer's organization."""
    email = f"admin{next(_n)}@customer.test"
    with db.unit_of_work() as session:
        identity.create_user(
            session,
            org_id=customer["orgId"],
            email=email,
            roles=[Role.CUSTOMER_FULL_ADMIN],
            now=clock.now(),
        )
    return email


def test_customers_created_from_a_partner_oidc_template_sign_in_only_through_the_provider(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    before = provision_customer(app_client, partner)
    template = app_client.post(
        "/v1/partner/onboardingTemplates",
        json={
            "name": "SSO",
            "authMode": "partner_oidc",
            "idpEntityId": NAME,
            "pstnProvider": "Fibre PSTN",
        },
        headers=partner.headers,
    ).json()
    after = provision_customer(app_client, partner, provisioningId=template["provisioningId"])
    old_admin, new_admin = admin_of(db, clock, before), admin_of(db, clock, after)
    give_password(db, clock, old_admin)
    give_password(db, clock, new_admin)

    assert through_idp(app_client, clock, idp, new_admin) == 303
    assert has_session(app_client)
    app_client.cookies.clear()
    assert sign_in(app_client, new_admin).status_code == 403

    assert through_idp(app_client, clock, idp, old_admin) == 403
    assert not has_session(app_client)
    app_client.cookies.clear()
    assert sign_in(app_client, old_admin).status_code == 303


def apply_to_staff(client: TestClient, partner: Partner) -> None:
    settings = client.get(SSO, headers=partner.headers).json()
    applied = {**settings, "applyToStaff": True}
    assert client.put(SSO, json=applied, headers=partner.headers).status_code == 200


def test_a_break_glass_grant_lets_one_user_in_with_a_password_once(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    give_password(db, clock, partner.admin_email)
    apply_to_staff(app_client, partner)
    assert sign_in(app_client, partner.admin_email).status_code == 403
    with db.unit_of_work() as session:
        sso.grant_break_glass(
            session,
            email=partner.admin_email,
            reason="IdP outage, ticket 42",
            now=clock.now(),
            lifetime=timedelta(minutes=60),
        )

    assert sign_in(app_client, partner.admin_email).status_code == 303
    app_client.cookies.clear()
    assert sign_in(app_client, partner.admin_email).status_code == 403
    actions = [
        e["action"]
        for e in app_client.get("/v1/partner/auditEvents", headers=partner.headers).json()["items"]
    ]
    assert "user.sso_break_glass" in actions
    assert "user.sso_break_glass_used" in actions


def test_removing_the_provider_opens_password_sign_in_again(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    give_password(db, clock, partner.admin_email)
    apply_to_staff(app_client, partner)
    assert sign_in(app_client, partner.admin_email).status_code == 403

    assert app_client.delete(SSO, headers=partner.headers).status_code == 204

    assert sign_in(app_client, partner.admin_email).status_code == 303


def test_the_break_glass_command_grants_only_where_the_password_is_closed(
    app_client: TestClient, db: Database, database_url: str, partner: Partner, idp: FakeIdp
) -> None:
    command = ["sso", "break-glass", "--email", partner.admin_email, "--reason", "outage"]
    command += ["--database-url", database_url]

    refused = CliRunner().invoke(cli, command)
    apply_to_staff(app_client, partner)
    granted = CliRunner().invoke(cli, command)

    assert refused.exit_code != 0
    assert "password already" in refused.output
    assert granted.exit_code == 0, granted.output
    assert "once until" in granted.output
    with db.unit_of_work(write=False) as session:
        (grant,) = session.scalars(select(BreakGlass)).all()
        assert grant.reason == "outage"
        assert grant.used_at is None
