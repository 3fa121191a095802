"""Signing in through a partner's SAML 2.0 identity provider, end to end against a real IdP in
its own process on loopback (pysaml2's own IdP, tests/saml_idp, signing with its own key and
checking tukku's signed AuthnRequests): tukku fetches its metadata, the IdP is given tukku's SP
metadata, and a browser (plain HTTP here) goes tukku → IdP → tukku's ACS. Every refusal is
the IdP's answer with one thing altered: tampered, signed by a stranger, unsigned, for another
audience, expired, for another recipient or destination, replayed, an unknown e-mail."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.saml_idp.process import RunningIdp, running
from tukku.app import create_app
from tukku.core.clock import ManualClock, SystemClock
from tukku.core.db import Database
from tukku.core.settings import Settings

BASE = "http://tukku.test"
NAME = "acme-saml"
SSO = "/v1/partner/sso"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningIdp]:
    with running(tmp_path_factory.mktemp("saml-idp")) as started:
        yield started


@pytest.fixture
def client(settings: Settings, db: Database, clock: ManualClock) -> Iterator[TestClient]:
    """The app with sessions on real time, as the IdP's assertions are."""
    app = create_app(settings, db=db, clock=clock, wall_clock=SystemClock())
    with TestClient(app, base_url=BASE) as started:
        yield started


def configure(client: TestClient, partner: Partner, idp: RunningIdp, **more: object) -> dict:
    """Set the IdP up in tukku by its metadata URL, and register tukku's SP metadata at it."""
    body = {
        "type": "saml",
        "idpName": NAME,
        "idpEntityId": idp.entity_id,
        "idpMetadataUrl": idp.metadata_url,
        **more,
    }
    put = client.put(SSO, json=body, headers=partner.headers)
    assert put.status_code == 200, put.text
    metadata = client.get(f"{SSO}/samlMetadata", headers=partner.headers)
    assert metadata.status_code == 200
    idp.sp_metadata.write_text(metadata.text)
    shown: dict = put.json()
    return shown


@pytest.fixture
def configured(client: TestClient, partner: Partner, idp: RunningIdp) -> dict:
    return configure(client, partner, idp)


def through_idp(
    client: TestClient, idp: RunningIdp, login: str, variant: str = "good", hint: str = ""
) -> tuple[str, dict[str, str]]:
    """Press "Sign in with …" in tukku and sign in at the IdP; where the IdP's page posts the
    response back, and what."""
    page = client.get(f"/portal/sign-in/sso/{NAME}")
    assert page.status_code == 200
    assert f"Sign in with {NAME}" in page.text
    start = f"/portal/sign-in/sso/{NAME}/start" + (f"?idpEmail={hint}" if hint else "")
    sent = client.get(start, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    location = sent.headers["location"]
    assert location.startswith(f"{idp.base_url}/sso/redirect?SAMLRequest=")
    with httpx.Client(timeout=30) as browser:
        shown = browser.get(location)
        assert shown.status_code == 200, shown.text
        query = re.search(r'name="query" value="([^"]*)"', shown.text)
        assert query
        posted = browser.post(
            f"{idp.base_url}/sso/login",
            data={"query": html.unescape(query.group(1)), "login": login, "variant": variant},
        )
    assert posted.status_code == 200, posted.text
    action = re.search(r'<form method="post" action="([^"]+)"', posted.text)
    response = re.search(r'name="SAMLResponse" value="([^"]+)"', posted.text)
    assert action
    assert response
    return html.unescape(action.group(1)), {"SAMLResponse": response.group(1), "RelayState": ""}


def post_back(client: TestClient, acs: str, form: dict[str, str]) -> httpx.Response:
    assert acs.startswith(BASE)
    return client.post(acs.removeprefix(BASE), data=form, follow_redirects=False)


def signed_in(client: TestClient) -> bool:
    return client.get("/portal/", follow_redirects=False).status_code == 200


def test_a_partner_admin_signs_in_through_the_saml_idp(
    client: TestClient, partner: Partner, idp: RunningIdp, configured: dict
) -> None:
    acs, form = through_idp(client, idp, partner.admin_email.upper())

    back = post_back(client, acs, form)

    assert acs == configured["acsUrl"]
    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/portal/"
    home = client.get("/portal/", follow_redirects=False)
    assert home.status_code == 200
    assert partner.admin_email in home.text
    audit = client.get("/v1/partner/auditEvents", headers=partner.headers).text
    assert '"via":"saml"' in audit.replace(" ", "")


@pytest.mark.parametrize(
    "variant",
    [
        "tampered",
        "foreign-key",
        "unsigned",
        "wrong-audience",
        "expired",
        "wrong-recipient",
        "wrong-destination",
    ],
)
def test_an_altered_response_signs_no_one_in(
    client: TestClient, partner: Partner, idp: RunningIdp, configured: dict, variant: str
) -> None:
    acs, form = through_idp(client, idp, partner.admin_email, variant)

    back = post_back(client, acs, form)

    assert back.status_code == 403
    assert "Single sign-on did not work" in back.text
    assert "Traceback" not in back.text
    assert not signed_in(client)


def test_a_replayed_assertion_is_refused_even_with_the_request_cookie_again(
    client: TestClient, partner: Partner, idp: RunningIdp, configured: dict
) -> None:
    acs, form = through_idp(client, idp, partner.admin_email)
    in_flight = client.cookies.get("tukku_saml")
    assert in_flight
    assert post_back(client, acs, form).status_code == 303
    client.cookies.clear()
    client.cookies.set("tukku_saml", in_flight, domain="tukku.test", path="/portal/sso/saml/")

    again = post_back(client, acs, form)

    assert again.status_code == 403
    assert not signed_in(client)


def test_someone_without_an_account_is_refused(
    client: TestClient, idp: RunningIdp, configured: dict
) -> None:
    acs, form = through_idp(client, idp, "stranger@elsewhere.test")

    back = post_back(client, acs, form)

    assert back.status_code == 403
    assert "belong to an account" in back.text
    assert not signed_in(client)


def test_a_response_in_another_browser_is_refused(
    client: TestClient, partner: Partner, idp: RunningIdp, configured: dict
) -> None:
    acs, form = through_idp(client, idp, partner.admin_email)
    client.cookies.clear()  # another browser: it never sent the request

    back = post_back(client, acs, form)

    assert back.status_code == 400
    assert "Start it again" in back.text
    assert not signed_in(client)


def test_the_email_goes_to_the_idp_as_a_hint_only_when_asked_for(
    client: TestClient, partner: Partner, idp: RunningIdp, tmp_path: Path
) -> None:
    configure(client, partner, idp, sendEmailHint=True)
    page = client.get(f"/portal/sign-in/sso/{NAME}?idpEmail={partner.admin_email}")
    assert "Your e-mail address for" in page.text
    assert f"Sign in with {NAME} as {partner.admin_email}" in page.text
    sent = client.get(
        f"/portal/sign-in/sso/{NAME}/start?idpEmail={partner.admin_email}", follow_redirects=False
    )
    with httpx.Client(timeout=30) as browser:
        hinted = browser.get(sent.headers["location"]).text
    configure(client, partner, idp, sendEmailHint=False)
    sent = client.get(
        f"/portal/sign-in/sso/{NAME}/start?idpEmail={partner.admin_email}", follow_redirects=False
    )
    with httpx.Client(timeout=30) as browser:
        unhinted = browser.get(sent.headers["location"]).text

    assert f'value="{partner.admin_email}"' in hinted
    assert f'value="{partner.admin_email}"' not in unhinted
