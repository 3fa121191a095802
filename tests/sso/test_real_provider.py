"""Single sign-on end to end against a real OpenID provider nobody here wrote (`oidc-provider`
from the npm registry, run with Node on loopback): its discovery document, sign-in and consent
pages, token endpoint (PKCE enforced), signed ID tokens and user-info endpoint; tukku's only
knowledge of it is the settings a partner enters. The provider's pages are driven with plain
HTTP here; tests/browser/test_sso_journey.py does it in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.sso.real_provider import Provider, reserve_port, running
from tukku.app import create_app
from tukku.core.clock import ManualClock, SystemClock
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.sso import oidc

BASE = "http://tukku.test"
NAME = "local-oidc"
UNVERIFIED = "unverified@acme.test"

pytestmark = pytest.mark.slow


@pytest.fixture
def real_time_client(settings: Settings, db: Database, clock: ManualClock) -> Iterator[TestClient]:
    """The app with sessions and ID tokens on real time: the provider's tokens carry it."""
    app = create_app(settings, db=db, clock=clock, wall_clock=SystemClock())
    with TestClient(app, base_url=BASE) as client:
        yield client


@pytest.fixture
def provider(real_time_client: TestClient, partner: Partner, tmp_path: Path) -> Iterator[Provider]:
    port = reserve_port()
    oidc.forget_cached()
    body = {
        "idpName": NAME,
        "clientId": "tukku-portal",
        "clientSecret": "local-provider-secret",
        "scopes": "openid email",
        "discoveryEndpoint": f"http://127.0.0.1:{port}/.well-known/openid-configuration",
    }
    put = real_time_client.put("/v1/partner/sso", json=body, headers=partner.headers)
    assert put.status_code == 200, put.text
    redirect_uri = put.json()["redirectUri"]
    with running(port, redirect_uri, unverified=(UNVERIFIED,), log=tmp_path / "idp.log") as idp:
        yield idp


def sign_in_at_provider(client: TestClient, login: str) -> httpx.Response:
    """Press "Sign in with local-oidc" in tukku, sign in and consent at the provider as a person
    would (its forms, its cookies), and bring the browser back to tukku's callback."""
    page = client.get(f"/portal/sign-in/sso/{NAME}")
    assert page.status_code == 200
    started = client.get(f"/portal/sign-in/sso/{NAME}/start", follow_redirects=False)
    location = started.headers["location"]
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        for _ in range(20):
            if location.startswith(BASE):
                return client.get(location.removeprefix(BASE), follow_redirects=False)
            answer = browser.get(location)
            if answer.is_redirect:
                location = urljoin(location, answer.headers["location"])
                continue
            action = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
            assert action, answer.text[:500]
            prompt = re.search(r'name="prompt" value="([a-z]+)"', answer.text)
            assert prompt
            form = {"prompt": prompt.group(1), "login": login, "password": "anything"}
            posted = browser.post(urljoin(location, action.group(1)), data=form)
            assert posted.is_redirect, posted.text[:500]
            location = urljoin(location, posted.headers["location"])
    raise AssertionError("the provider never sent the browser back")


def test_a_partner_admin_signs_in_through_the_real_provider(
    real_time_client: TestClient, partner: Partner, provider: Provider
) -> None:
    back = sign_in_at_provider(real_time_client, partner.admin_email)

    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/portal/"
    home = real_time_client.get("/portal/", follow_redirects=False)
    assert home.status_code == 200
    assert partner.admin_email in home.text
    assert urlsplit(provider.issuer).hostname == "127.0.0.1"


def test_the_real_provider_not_vouching_for_the_email_is_refused(
    real_time_client: TestClient, provider: Provider
) -> None:
    back = sign_in_at_provider(real_time_client, UNVERIFIED)

    assert back.status_code == 403
    assert real_time_client.get("/portal/", follow_redirects=False).status_code == 303


def test_someone_without_an_account_is_refused(
    real_time_client: TestClient, provider: Provider
) -> None:
    back = sign_in_at_provider(real_time_client, "stranger@elsewhere.test")

    assert back.status_code == 403
    assert real_time_client.get("/portal/", follow_redirects=False).status_code == 303
