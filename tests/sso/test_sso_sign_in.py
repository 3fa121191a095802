"""Signing in through a partner's OpenID provider, against a fake provider served on loopback
over real HTTP whose ID tokens the test forges: the good round trip (PKCE S256, state, nonce,
the same session as a password sign-in) and every refusal: another browser or state, a replay,
a wrong nonce, a bad signature, a wrong audience or issuer, an expired token, an unverified or
unknown e-mail. Keys rotated at the provider are picked up."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import give_password, sign_in
from tests.sso.fake_idp import FakeIdp, rsa_key, serve
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.sso import oidc

SSO = "/v1/partner/sso"
NAME = "acme-login"
CLIENT_ID = "tukku-portal"


@pytest.fixture
def idp(app_client: TestClient, partner: Partner) -> Iterator[FakeIdp]:
    oidc.forget_cached()
    for fake in serve():
        body = {
            "idpName": NAME,
            "clientId": CLIENT_ID,
            "clientSecret": "the-client-secret",
            "scopes": "openid email",
            "discoveryEndpoint": fake.discovery,
        }
        assert app_client.put(SSO, json=body, headers=partner.headers).status_code == 200
        yield fake
    oidc.forget_cached()


def start(client: TestClient) -> dict[str, str]:
    """Press "Sign in with <IdP>"; the authorization request's parameters."""
    page = client.get(f"/portal/sign-in/sso/{NAME}")
    assert page.status_code == 200
    assert f"Sign in with {NAME}" in page.text
    assert f"/portal/sign-in/sso/{NAME}/start" in page.text
    sent = client.get(f"/portal/sign-in/sso/{NAME}/start", follow_redirects=False)
    assert sent.status_code == 303
    return {k: v[0] for k, v in parse_qs(urlsplit(sent.headers["location"]).query).items()}


def claims(
    fake: FakeIdp, clock: ManualClock, nonce: str, email: str, **more: Any
) -> dict[str, Any]:
    now = int(clock.now().timestamp())
    return {
        "iss": fake.issuer,
        "sub": "user-123",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        "email": email,
        "email_verified": True,
        **more,
    }


def back(client: TestClient, state: str) -> httpx.Response:
    return client.get(f"/portal/sso/callback?code=the-code&state={state}", follow_redirects=False)


def signed_in(client: TestClient) -> bool:
    return client.get("/portal/", follow_redirects=False).status_code == 200


def test_the_round_trip_signs_the_partner_admin_in(
    app_client: TestClient, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    request = start(app_client)
    idp.claims = claims(idp, clock, request["nonce"], partner.admin_email.upper())

    answer = back(app_client, request["state"])

    assert answer.status_code == 303
    assert answer.headers["location"] == "/portal/"
    assert signed_in(app_client)
    assert request["code_challenge_method"] == "S256"
    assert request["redirect_uri"] == "http://tukku.test/portal/sso/callback"
    assert request["client_id"] == CLIENT_ID
    assert set(request["scope"].split()) == {"openid", "email"}
    (token_request,) = idp.token_requests
    verifier = token_request["form"]["code_verifier"]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == request["code_challenge"]
    assert token_request["form"]["code"] == "the-code"
    assert token_request["authorization"].startswith("Basic ")
    audit = app_client.get("/v1/partner/auditEvents", headers=partner.headers).text
    assert '"via":"oidc"' in audit.replace(" ", "")


def test_a_replayed_callback_is_refused(
    app_client: TestClient, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    request = start(app_client)
    idp.claims = claims(idp, clock, request["nonce"], partner.admin_email)
    assert back(app_client, request["state"]).status_code == 303
    app_client.cookies.delete("tukku_session")

    assert back(app_client, request["state"]).status_code == 400
    assert not signed_in(app_client)


def test_a_wrong_state_is_refused(
    app_client: TestClient, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    request = start(app_client)
    idp.claims = claims(idp, clock, request["nonce"], partner.admin_email)

    answer = back(app_client, "forged-" + request["state"])

    assert answer.status_code == 400
    assert "Start it again" in answer.text
    assert not signed_in(app_client)
    assert idp.token_requests == []


def test_the_callback_in_another_browser_is_refused(
    app_client: TestClient, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    request = start(app_client)
    idp.claims = claims(idp, clock, request["nonce"], partner.admin_email)
    app_client.cookies.delete("tukku_pre")  # another browser: not this pre-session
    app_client.cookies.set("tukku_pre", "someone-elses-pre-session")

    assert back(app_client, request["state"]).status_code == 400
    assert not signed_in(app_client)


@pytest.mark.parametrize(
    "forged",
    [
        {"nonce": "another-nonce"},
        {"aud": "another-client"},
        {"iss": "https://evil.example"},
        {"email_verified": False},
        {"email_verified": "true"},
        {"email": "nobody@nowhere.test"},
    ],
    ids=["nonce", "audience", "issuer", "unverified", "verified-as-string", "unknown-email"],
)
def test_a_token_with_a_wrong_claim_is_refused(
    app_client: TestClient,
    clock: ManualClock,
    partner: Partner,
    idp: FakeIdp,
    forged: dict[str, Any],
) -> None:
    request = start(app_client)
    idp.claims = claims(idp, clock, request["nonce"], partner.admin_email) | forged

    answer = back(app_client, request["state"])

    assert answer.status_code == 403
    assert "cannot let you in" in answer.text
    assert not signed_in(app_client)


def test_an_unknown_email_and_an_unverified_one_get_the_same_answer(
    app_client: TestClient, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    answers = []
    for forged in ({"email": "nobody@nowhere.test"}, {"email_verified": False}):
        request = start(app_client)
        idp.claims = claims(idp, clock, request["nonce"], partner.admin_email) | forged
        answers.append(back(app_client, request["state"]).text)

    assert answers[0] == answers[1]


def test_an_authorization_response_naming_another_issuer_is_refused(
    app_client: TestClient, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    request = start(app_client)
    idp.claims = claims(idp, clock, request["nonce"], partner.admin_email)
    query = f"code=the-code&state={request['state']}&iss=https://evil.example"

    answer = app_client.get(f"/portal/sso/callback?{query}", follow_redirects=False)

    assert answer.status_code == 403
    assert idp.token_requests == []  # the code never went to this provider
    assert not signed_in(app_client)


def test_a_token_signed_by_another_key_is_refused(
    app_client: TestClient, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    request = start(app_client)
    idp.claims = claims(idp, clock, request["nonce"], partner.admin_email)
    idp.signing_key, idp.kid = rsa_key("intruder"), idp.keys[0].kid  # claims the real key's kid

    assert back(app_client, request["state"]).status_code == 403
    assert not signed_in(app_client)


def test_an_expired_token_is_refused(
    app_client: TestClient, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    request = start(app_client)
    idp.claims = claims(idp, clock, request["nonce"], partner.admin_email)
    clock.advance(timedelta(seconds=300 + oidc.LEEWAY_SECONDS + 1))

    answer = back(app_client, request["state"])

    assert answer.status_code == 403
    assert not signed_in(app_client)


def test_a_token_of_a_key_rotated_in_is_accepted_after_one_new_fetch(
    app_client: TestClient, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    first = start(app_client)
    idp.claims = claims(idp, clock, first["nonce"], partner.admin_email)
    assert back(app_client, first["state"]).status_code == 303
    fetched = idp.jwks_fetches
    app_client.cookies.clear()

    idp.keys = [rsa_key("k2")]
    second = start(app_client)
    idp.claims = claims(idp, clock, second["nonce"], partner.admin_email)

    assert back(app_client, second["state"]).status_code == 303
    assert idp.jwks_fetches == fetched + 1
    assert signed_in(app_client)


def test_an_unknown_key_is_refused_after_one_new_fetch(
    app_client: TestClient, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    request = start(app_client)
    idp.claims = claims(idp, clock, request["nonce"], partner.admin_email)
    idp.signing_key = rsa_key("never-published")

    assert back(app_client, request["state"]).status_code == 403
    assert idp.jwks_fetches == 2  # the cached set, then once more


def test_another_partners_staff_cannot_sign_in_through_this_provider(
    app_client: TestClient, clock: ManualClock, idp: FakeIdp, other_partner: Partner
) -> None:
    request = start(app_client)
    idp.claims = claims(idp, clock, request["nonce"], other_partner.admin_email)

    assert back(app_client, request["state"]).status_code == 403
    assert not signed_in(app_client)


def test_an_unknown_provider_name_is_not_found(app_client: TestClient, idp: FakeIdp) -> None:
    assert app_client.get("/portal/sign-in/sso/nobody").status_code == 404


def test_staff_of_a_provider_applied_to_them_cannot_use_their_password(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, idp: FakeIdp
) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303
    app_client.cookies.clear()
    settings = app_client.get(SSO, headers=partner.headers).json()
    applied = {**settings, "applyToStaff": True, "clientSecret": ""}
    assert app_client.put(SSO, json=applied, headers=partner.headers).status_code == 200

    refused = sign_in(app_client, partner.admin_email)

    assert refused.status_code == 403
    assert f"Sign in with {NAME}" in refused.text
    assert not signed_in(app_client)
    wrong = sign_in(app_client, partner.admin_email, password="not the password at all")
    assert wrong.status_code == 401  # a wrong password says nothing about single sign-on
    assert NAME not in wrong.text
