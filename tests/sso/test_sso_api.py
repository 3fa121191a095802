"""A partner's identity provider over `/v1/partner/sso`: full administrators set, read and
remove it; each bad field is named; the client secret is write-only (never answered, never in
the audit log, never in the logs) and kept encrypted; no one reaches another partner's."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner
from tests.support import error_codes, new_user_headers
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity.rules import Role
from tukku.sso.models import PartnerIdp

SSO = "/v1/partner/sso"
SECRET = "very-secret-client-secret-42"


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "idpName": "acme-login",
        "clientId": "tukku-portal",
        "clientSecret": SECRET,
        "scopes": "openid email profile",
        "discoveryEndpoint": "https://login.acme.example/.well-known/openid-configuration",
        **overrides,
    }


def test_a_full_admin_sets_the_provider_and_gets_the_redirect_uri_but_never_the_secret(
    app_client: TestClient, db: Database, partner: Partner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    put = app_client.put(SSO, json=body(), headers=partner.headers)

    assert put.status_code == 200, put.text
    shown = put.json()
    assert shown["idpName"] == "acme-login"
    assert shown["clientSecretSet"] is True
    assert shown["redirectUri"] == "http://tukku.test/portal/sso/callback"
    assert shown["signInUrl"] == "http://tukku.test/portal/sign-in/sso/acme-login"
    got = app_client.get(SSO, headers=partner.headers)
    assert got.json() == shown
    assert SECRET not in put.text + got.text
    audit = app_client.get("/v1/partner/auditEvents", headers=partner.headers).text
    assert "sso.idp.create" in audit
    assert SECRET not in audit
    assert SECRET not in caplog.text
    with db.unit_of_work() as session:
        stored = session.scalars(select(PartnerIdp)).one()
        assert stored.client_secret_encrypted
        assert SECRET not in stored.client_secret_encrypted


def test_leaving_the_secret_out_keeps_the_stored_one(
    app_client: TestClient, db: Database, partner: Partner
) -> None:
    app_client.put(SSO, json=body(), headers=partner.headers)
    with db.unit_of_work() as session:
        sealed = session.scalars(select(PartnerIdp.client_secret_encrypted)).one()

    again = app_client.put(SSO, json=body(clientSecret="", clientId="v2"), headers=partner.headers)

    assert again.status_code == 200, again.text
    assert again.json()["clientId"] == "v2"
    with db.unit_of_work() as session:
        assert session.scalars(select(PartnerIdp.client_secret_encrypted)).one() == sealed


def test_each_bad_field_is_named(app_client: TestClient, partner: Partner) -> None:
    bad = body(
        idpName="has space",
        clientId="",
        clientSecret="",
        scopes="openid profile",
        discoveryEndpoint="",
        tokenEndpoint="http://idp.example/token",
    )

    response = app_client.put(SSO, json=bad, headers=partner.headers)

    assert response.status_code == 400
    described = " | ".join(e["description"] for e in response.json()["errors"])
    for field in (
        "idpName",
        "clientId",
        "clientSecret",
        "scopes",
        "authorizationEndpoint",
        "tokenEndpoint",
        "jwksEndpoint",
        "issuer",
    ):
        assert f"{field}:" in described
    assert "must include email" in described
    assert 8141 in error_codes(response)
    assert 8143 in error_codes(response)
    assert app_client.get(SSO, headers=partner.headers).status_code == 404


def test_an_idp_name_is_unique_across_partners_but_case_sensitive(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    assert app_client.put(SSO, json=body(), headers=partner.headers).status_code == 200

    taken = app_client.put(SSO, json=body(), headers=other_partner.headers)
    other_case = app_client.put(SSO, json=body(idpName="ACME-login"), headers=other_partner.headers)

    assert taken.status_code == 409
    assert error_codes(taken) == [8142]
    assert other_case.status_code == 200


@pytest.mark.parametrize(
    "role", [Role.WHOLESALE_ADMIN, Role.PARTNER_READ_ONLY, Role.PROVISIONING_ADMIN]
)
def test_only_full_administrators_read_or_change_it(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, role: Role
) -> None:
    app_client.put(SSO, json=body(), headers=partner.headers)
    headers = new_user_headers(db, clock, partner.org_id, role)

    assert app_client.get(SSO, headers=headers).status_code == 403
    assert app_client.put(SSO, json=body(), headers=headers).status_code == 403
    assert app_client.delete(SSO, headers=headers).status_code == 403


def test_each_partner_sees_only_its_own(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    app_client.put(SSO, json=body(), headers=partner.headers)

    assert app_client.get(SSO, headers=other_partner.headers).status_code == 404
    assert app_client.delete(SSO, headers=other_partner.headers).status_code == 404
    assert app_client.get(SSO, headers=partner.headers).status_code == 200


def test_removing_it_is_audited_and_it_is_gone(app_client: TestClient, partner: Partner) -> None:
    app_client.put(SSO, json=body(applyToStaff=True), headers=partner.headers)

    assert app_client.delete(SSO, headers=partner.headers).status_code == 204

    assert app_client.get(SSO, headers=partner.headers).status_code == 404
    assert app_client.delete(SSO, headers=partner.headers).status_code == 404
    audit = app_client.get("/v1/partner/auditEvents", headers=partner.headers).json()
    assert "sso.idp.delete" in [e["action"] for e in audit["items"]]
