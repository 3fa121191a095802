"""API tokens over `/v1/partner/tokens`: staff create their own tokens within what their roles
(and the token they call with) allow, see the secret once, use it, and revoke it; full
administrators see and revoke their organization's tokens; nobody reaches another partner's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.support import bearer, error_codes, new_user_headers, next_url, user_headers
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity.rules import READ_SCOPES, Role, Scope

TOKENS = "/v1/partner/tokens"
CUSTOMERS = "/v1/wholesale/customers"


def create(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    body = {"name": "ci", "scopes": [Scope.CUSTOMERS_READ.value], **body}
    response = client.post(TOKENS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_created_token_works_with_its_scopes_only_and_its_secret_is_shown_once(
    app_client: TestClient, clock: ManualClock, partner: Partner
) -> None:
    created = create(app_client, partner.headers, name="reporting", expiresInDays=30)

    assert created["token"].startswith(created["prefix"])
    assert created["scopes"] == [Scope.CUSTOMERS_READ.value]
    assert created["status"] == "active"
    expires = clock.now() + timedelta(days=30)
    assert created["expires"].startswith(expires.strftime("%Y-%m-%dT%H:%M"))
    assert app_client.get(CUSTOMERS, headers=bearer(created["token"])).status_code == 200
    write = app_client.post(CUSTOMERS, json={}, headers=bearer(created["token"]))
    assert write.status_code == 403
    listed = app_client.get(TOKENS, headers=partner.headers).json()["items"]
    (shown,) = [t for t in listed if t["id"] == created["id"]]
    assert "token" not in shown
    assert created["token"] not in app_client.get(TOKENS, headers=partner.headers).text
    assert shown["lastUsed"] is not None


def test_a_token_expires_after_the_days_given(
    app_client: TestClient, clock: ManualClock, partner: Partner
) -> None:
    created = create(app_client, partner.headers, expiresInDays=1)

    clock.advance(timedelta(days=1, seconds=1))

    assert app_client.get(CUSTOMERS, headers=bearer(created["token"])).status_code == 401


def test_without_an_expiry_the_platform_lifetime_applies(
    app_client: TestClient, clock: ManualClock, partner: Partner
) -> None:
    created = create(app_client, partner.headers)

    expires = clock.now() + timedelta(days=90)  # TUKKU_TOKEN_LIFETIME_DAYS' default
    assert created["expires"].startswith(expires.strftime("%Y-%m-%dT%H:%M"))


def test_revoking_a_token_makes_it_answer_401(
    app_client: TestClient, clock: ManualClock, partner: Partner
) -> None:
    created = create(app_client, partner.headers)
    assert app_client.get(CUSTOMERS, headers=bearer(created["token"])).status_code == 200

    revoked = app_client.delete(f"{TOKENS}/{created['id']}", headers=partner.headers)

    assert revoked.status_code == 204
    clock.advance(timedelta(seconds=10))  # past the token cache
    assert app_client.get(CUSTOMERS, headers=bearer(created["token"])).status_code == 401
    listed = app_client.get(TOKENS, headers=partner.headers).json()["items"]
    assert created["id"] not in [t["id"] for t in listed]
    got = app_client.get(f"{TOKENS}/{created['id']}", headers=partner.headers)
    assert got.json()["status"] == "revoked"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "scopes": [Scope.CUSTOMERS_READ.value]}, "name"),
        ({"name": "x" * 101, "scopes": [Scope.CUSTOMERS_READ.value]}, "name"),
        ({"name": "two\nlines", "scopes": [Scope.CUSTOMERS_READ.value]}, "name"),
        ({"scopes": [Scope.CUSTOMERS_READ.value]}, "name"),
        ({"name": "ci", "scopes": []}, "scopes"),
        ({"name": "ci"}, "scopes"),
        ({"name": "ci", "scopes": ["spark-admin:everything"]}, "scopes"),
        ({"name": "ci", "scopes": [Scope.OPS.value]}, "scopes"),
        ({"name": "ci", "scopes": [Scope.CUSTOMER_ADMIN_WRITE.value]}, "scopes"),
        (
            {"name": "ci", "scopes": [Scope.CUSTOMERS_READ.value], "expiresInDays": 0},
            "expiresInDays",
        ),
        (
            {"name": "ci", "scopes": [Scope.CUSTOMERS_READ.value], "expiresInDays": 366},
            "expiresInDays",
        ),
        (
            {"name": "ci", "scopes": [Scope.CUSTOMERS_READ.value], "expiresInDays": "soon"},
            "expiresInDays",
        ),
    ],
)
def test_a_token_request_is_refused_naming_the_field(
    app_client: TestClient, partner: Partner, body: dict[str, Any], field: str
) -> None:
    before = app_client.get(TOKENS, headers=partner.headers).json()["items"]

    response = app_client.post(TOKENS, json=body, headers=partner.headers)

    assert response.status_code == 400, response.text
    assert [e["description"].split(":")[0] for e in response.json()["errors"]] == [field]
    assert app_client.get(TOKENS, headers=partner.headers).json()["items"] == before


def test_a_token_never_mints_a_broader_one(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    narrow = user_headers(db, clock, partner.admin_email, [Scope.TOKENS_READ, Scope.TOKENS_WRITE])

    response = app_client.post(
        TOKENS, json={"name": "wider", "scopes": [Scope.CUSTOMERS_WRITE.value]}, headers=narrow
    )

    assert response.status_code == 400
    assert "scopes" in response.json()["message"]


def test_a_role_allows_only_its_own_scopes(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    provisioner = new_user_headers(db, clock, partner.org_id, Role.PROVISIONING_ADMIN)

    allowed = app_client.post(
        TOKENS, json={"name": "p", "scopes": [Scope.SUBSCRIBERS_WRITE.value]}, headers=provisioner
    )
    refused = app_client.post(
        TOKENS, json={"name": "p", "scopes": [Scope.BILLING_READ.value]}, headers=provisioner
    )

    assert allowed.status_code == 201
    assert refused.status_code == 400


def test_read_only_staff_see_their_tokens_but_create_and_revoke_none(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    viewer = new_user_headers(db, clock, partner.org_id, Role.PARTNER_READ_ONLY, READ_SCOPES)
    (own,) = app_client.get(TOKENS, headers=viewer).json()["items"]

    created = app_client.post(
        TOKENS, json={"name": "r", "scopes": [Scope.CUSTOMERS_READ.value]}, headers=viewer
    )
    revoked = app_client.delete(f"{TOKENS}/{own['id']}", headers=viewer)

    assert created.status_code == 403
    assert error_codes(created) == [1011]  # the read-only token lacks the write scope
    assert revoked.status_code == 403
    assert app_client.get(CUSTOMERS, headers=viewer).status_code == 200


def test_staff_see_their_own_tokens_and_full_administrators_everyones(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    colleague = new_user_headers(db, clock, partner.org_id, Role.WHOLESALE_ADMIN)
    theirs = create(app_client, colleague, name="colleague's")
    mine = create(app_client, partner.headers, name="mine")

    own = [t["name"] for t in app_client.get(TOKENS, headers=colleague).json()["items"]]
    every = app_client.get(TOKENS, params={"everyone": "true"}, headers=partner.headers)
    not_allowed = app_client.get(TOKENS, params={"everyone": "true"}, headers=colleague)
    peek = app_client.get(f"{TOKENS}/{mine['id']}", headers=colleague)

    assert sorted(own) == ["colleague's", "t"]  # and the one it calls with
    assert {"mine", "colleague's"} <= {t["name"] for t in every.json()["items"]}
    assert not_allowed.status_code == 403
    assert peek.status_code == 404
    # a full administrator revokes a colleague's (leaked) token
    assert app_client.delete(f"{TOKENS}/{theirs['id']}", headers=partner.headers).status_code == 204
    clock.advance(timedelta(seconds=10))
    assert app_client.get(CUSTOMERS, headers=bearer(theirs["token"])).status_code == 401


def test_other_partners_tokens_answer_404(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    theirs = create(app_client, other_partner.headers)

    answers = [
        app_client.get(f"{TOKENS}/{theirs['id']}", headers=partner.headers),
        app_client.delete(f"{TOKENS}/{theirs['id']}", headers=partner.headers),
    ]
    every = app_client.get(TOKENS, params={"everyone": "true"}, headers=partner.headers)

    assert [a.status_code for a in answers] == [404, 404]
    assert theirs["id"] not in [t["id"] for t in every.json()["items"]]
    assert app_client.get(CUSTOMERS, headers=bearer(theirs["token"])).status_code == 200


def test_the_list_pages(app_client: TestClient, clock: ManualClock, partner: Partner) -> None:
    for n in range(3):
        clock.advance(timedelta(seconds=1))
        create(app_client, partner.headers, name=f"t{n}")

    first = app_client.get(TOKENS, params={"max": 2}, headers=partner.headers)
    follow = next_url(first)
    assert follow is not None
    second = app_client.get(follow, headers=partner.headers)

    names = [t["name"] for r in (first, second) for t in r.json()["items"]]
    assert names == ["t2", "t1", "t0", "test"]
