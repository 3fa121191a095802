"""The partner portal's single sign-on page over HTTP: a full administrator sets the identity
provider through the same service as the API, sees the redirect URI to register (with a Copy
button) and the sign-in link, gets the reasons next to the fields, and never sees the client
secret again; other staff get no link, no page and no write. The same page, with SAML 2.0
chosen, takes the IdP's metadata as an upload and shows the ACS URL and SP entity ID to register
and tukku's SP metadata to download."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tests.saml_idp.idp import IdentityProvider
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


@pytest.fixture
def saml_idp(tmp_path: Path) -> IdentityProvider:
    return IdentityProvider("https://idp.acme.example", tmp_path, tmp_path / "none.xml")


def _save_saml(
    client: TestClient, idp: IdentityProvider, metadata: str | None = None, **fields: str
) -> httpx.Response:
    form = client.get(f"{PAGE}?type=saml")
    data = {"idpName": "acme-saml", "idpEntityId": idp.entity_id, **fields, "csrf": csrf_of(form)}
    files = {"idpMetadata": ("idp.xml", (metadata or idp.metadata()).encode(), "text/xml")}
    return client.post(f"{PAGE}/saml", data=data, files=files)


def test_a_full_admin_chooses_saml_uploads_the_metadata_and_sees_what_to_register(
    app_client: TestClient, partner: Partner, signed_in: None, saml_idp: IdentityProvider
) -> None:
    oidc_first = app_client.get(PAGE)
    chosen = app_client.get(f"{PAGE}?type=saml")
    saved = _save_saml(app_client, saml_idp, sendEmailHint="1")
    download = app_client.get(f"{PAGE}/saml-metadata")

    assert 'href="/portal/sso?type=saml"' in oidc_first.text
    assert 'id="clientId"' in oidc_first.text
    assert 'id="idpEntityId"' in chosen.text
    assert 'enctype="multipart/form-data"' in chosen.text
    assert saved.status_code == 200
    assert "The identity provider is saved." in saved.text
    api = app_client.get(SSO, headers=partner.headers).json()
    assert api["type"] == "saml"
    assert api["sendEmailHint"] is True
    assert f'<code id="acs-url">{api["acsUrl"]}</code>' in saved.text
    assert f'<code id="sp-entity-id">{api["spEntityId"]}</code>' in saved.text
    assert 'href="/portal/sso/saml-metadata"' in saved.text
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    assert api["acsUrl"] in download.text


def test_saml_refusals_are_shown_next_to_the_fields(
    app_client: TestClient, partner: Partner, signed_in: None, saml_idp: IdentityProvider
) -> None:
    refused = _save_saml(app_client, saml_idp, metadata="<not-xml", idpEntityId="")
    wrong_entity = _save_saml(app_client, saml_idp, idpEntityId="https://someone.else/idp")

    assert refused.status_code == 400
    assert 'id="idpEntityId-error"' in refused.text
    assert wrong_entity.status_code == 400
    assert 'id="idpMetadata-error"' in wrong_entity.text
    assert "describes no IdP with the entity ID" in wrong_entity.text
    assert 'value="https://someone.else/idp"' in wrong_entity.text
    assert app_client.get(SSO, headers=partner.headers).status_code == 404


def test_read_only_staff_cannot_save_saml_or_download_the_sp_metadata(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    saml_idp: IdentityProvider,
) -> None:
    app_client.put(
        SSO,
        json={
            "type": "saml",
            "idpName": "acme-saml",
            "idpEntityId": saml_idp.entity_id,
            "idpMetadata": saml_idp.metadata(),
        },
        headers=partner.headers,
    )
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    assert sign_in(app_client, "viewer@acme.test").status_code == 303
    home = app_client.get("/portal/")

    forged = app_client.post(
        f"{PAGE}/saml",
        data={"idpName": "mine", "idpEntityId": "x", "csrf": csrf_of(home)},
        files={"idpMetadata": ("idp.xml", saml_idp.metadata().encode(), "text/xml")},
    )

    assert app_client.get(f"{PAGE}?type=saml").status_code == 403
    assert app_client.get(f"{PAGE}/saml-metadata").status_code == 403
    assert forged.status_code == 403
    assert app_client.get(SSO, headers=partner.headers).json()["idpName"] == "acme-saml"
