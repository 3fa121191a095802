"""The partner portal's single sign-on page over HTTP: a full administrator sets the identity
provider through the same service as the API, sees the redirect URI to register (with a Copy
button) and the sign-in link, gets the reasons next to the fields, and never sees the client
secret again; other staff get no link, no page and no write."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tukku.core.clock import ManualClock
from tukku.core.db import Database

PAGE = "/portal/sso"
SSO = "/v1/partner/sso"
SECRET = "client-secret-never-shown"


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


def _save(client: TestClient, **fields: str) -> httpx.Response:
    form = client.get(PAGE)
    data = {
        "idpName": "acme-login",
        "clientId": "tukku",
        "clientSecret": SECRET,
        "scopes": "openid email",
        "discoveryEndpoint": "https://login.acme.example/.well-known/openid-configuration",
        **fields,
        "csrf": csrf_of(form),
    }
    return client.post(PAGE, data=data)


def test_a_full_admin_saves_the_provider_and_sees_what_to_register(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    empty = app_client.get(PAGE)
    saved = _save(app_client)

    assert empty.status_code == 200
    assert 'href="/portal/sso"' in empty.text  # the nav link
    assert '<code id="redirect-uri">http://tukku.test/portal/sso/callback</code>' in empty.text
    assert 'data-copy="redirect-uri"' in empty.text
    assert saved.status_code == 200
    assert "The identity provider is saved." in saved.text
    assert "http://tukku.test/portal/sign-in/sso/acme-login" in saved.text
    assert SECRET not in saved.text
    api = app_client.get(SSO, headers=partner.headers).json()
    assert api["idpName"] == "acme-login"
    assert api["clientSecretSet"] is True


def test_refusals_are_shown_next_to_the_fields_and_nothing_is_saved(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    refused = _save(
        app_client, idpName="bad name", scopes="openid", discoveryEndpoint="", clientSecret=""
    )

    assert refused.status_code == 400
    for field in ("idpName", "scopes", "clientSecret", "authorizationEndpoint", "issuer"):
        assert f'id="{field}-error"' in refused.text
    assert "must include email" in refused.text
    assert 'value="bad name"' in refused.text  # what was typed stays
    assert app_client.get(SSO, headers=partner.headers).status_code == 404


def test_saving_again_without_the_secret_keeps_it_and_removing_works(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    _save(app_client)
    again = _save(app_client, clientSecret="", clientId="v2")
    page = app_client.get(PAGE)
    removed = app_client.post(f"{PAGE}/remove", data={"csrf": csrf_of(page)})

    assert again.status_code == 200
    assert "Leave empty to keep the stored one" in page.text
    assert removed.status_code == 200
    assert "It is removed." in removed.text
    assert app_client.get(SSO, headers=partner.headers).status_code == 404


def test_a_post_without_the_csrf_token_is_refused(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    forged = app_client.post(PAGE, data={"idpName": "x", "csrf": "forged"})

    assert forged.status_code == 403
    assert app_client.get(SSO, headers=partner.headers).status_code == 404


def test_other_staff_get_no_link_no_page_and_no_write(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    assert sign_in(app_client, "viewer@acme.test").status_code == 303
    home = app_client.get("/portal/")

    forged = app_client.post(
        PAGE,
        data={"idpName": "mine", "clientId": "x", "clientSecret": "y", "csrf": csrf_of(home)},
    )

    assert 'href="/portal/sso"' not in home.text
    assert app_client.get(PAGE).status_code == 403
    assert forged.status_code == 403
    assert app_client.get(SSO, headers=partner.headers).status_code == 404
