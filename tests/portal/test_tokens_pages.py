"""The partner portal's API tokens over HTTP: the create form offers only the scopes the
user's roles allow and shows the secret once, which then works against the API; revoking makes
it answer 401; a full administrator sees and revokes the organization's tokens; read-only staff
see no controls and cannot post any; another partner's tokens are not found."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tests.support import bearer, new_user_headers
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity
from tukku.identity.rules import Role, Scope

TOKENS = "/v1/partner/tokens"
CUSTOMERS = "/v1/wholesale/customers"
SECRET = re.compile(r'<code id="new-token">([^<]+)</code>')


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


def _create(client: TestClient, *scopes: str, **fields: str) -> httpx.Response:
    form = client.get("/portal/tokens/new")
    data: dict[str, object] = {"days": "30", **fields, "scopes": list(scopes)}
    return client.post("/portal/tokens/new", data={**data, "csrf": csrf_of(form)})


def test_a_created_token_is_shown_once_and_works_with_its_scopes(
    app_client: TestClient, clock: ManualClock, partner: Partner, signed_in: None
) -> None:
    created = _create(app_client, Scope.CUSTOMERS_READ.value, name="Reporting")

    assert created.status_code == 200
    found = SECRET.search(created.text)
    assert found is not None
    secret = found.group(1)
    assert app_client.get(CUSTOMERS, headers=bearer(secret)).status_code == 200
    assert app_client.post(CUSTOMERS, json={}, headers=bearer(secret)).status_code == 403
    listed = app_client.get("/portal/tokens")
    assert "Reporting" in listed.text
    assert secret[:12] in listed.text  # the prefix names it
    assert secret not in listed.text
    (api,) = [
        t
        for t in app_client.get(TOKENS, headers=partner.headers).json()["items"]
        if t["name"] == "Reporting"
    ]
    assert api["scopes"] == [Scope.CUSTOMERS_READ.value]
    expires = clock.now() + timedelta(days=30)
    assert api["expires"].startswith(expires.strftime("%Y-%m-%dT%H:%M"))


def test_the_form_offers_only_what_the_roles_allow(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    email = "provisioner@acme.test"
    with db.unit_of_work() as session:
        identity.create_user(
            session,
            org_id=partner.org_id,
            email=email,
            roles=[Role.PROVISIONING_ADMIN],
            now=clock.now(),
        )
    give_password(db, clock, email)
    assert sign_in(app_client, email).status_code == 303

    form = app_client.get("/portal/tokens/new")
    beyond = _create(app_client, Scope.BILLING_READ.value, name="sneaky")

    assert Scope.SUBSCRIBERS_WRITE.value in form.text
    assert Scope.BILLING_READ.value not in form.text
    assert Scope.STAFF_WRITE.value not in form.text
    assert beyond.status_code == 400
    assert 'id="scopes-error"' in beyond.text


def test_the_form_refuses_next_to_the_field(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    before = app_client.get(TOKENS, headers=partner.headers).json()["items"]

    no_name = _create(app_client, Scope.CUSTOMERS_READ.value, name=" ")
    no_scope = _create(app_client, name="Empty")
    bad_days = _create(app_client, Scope.CUSTOMERS_READ.value, name="Forever", days="9999")

    assert no_name.status_code == 400
    assert 'id="name-error"' in no_name.text
    assert no_scope.status_code == 400
    assert 'id="scopes-error"' in no_scope.text
    assert 'value="Empty"' in no_scope.text  # what was typed stays
    assert bad_days.status_code == 400
    assert 'id="expiresInDays-error"' in bad_days.text
    assert app_client.get(TOKENS, headers=partner.headers).json()["items"] == before


def test_revoking_a_token_makes_it_answer_401(
    app_client: TestClient, clock: ManualClock, partner: Partner, signed_in: None
) -> None:
    created = _create(app_client, Scope.CUSTOMERS_READ.value, name="Short-lived")
    found = SECRET.search(created.text)
    assert found is not None
    (api,) = [
        t
        for t in app_client.get(TOKENS, headers=partner.headers).json()["items"]
        if t["name"] == "Short-lived"
    ]
    page = app_client.get("/portal/tokens")

    revoked = app_client.post(f"/portal/tokens/{api['id']}/revoke", data={"csrf": csrf_of(page)})

    assert revoked.status_code == 200
    assert "The token is revoked" in revoked.text
    assert "Short-lived" not in revoked.text
    clock.advance(timedelta(seconds=10))  # past the token cache
    assert app_client.get(CUSTOMERS, headers=bearer(found.group(1))).status_code == 401


def test_a_full_administrator_sees_and_revokes_the_organizations_tokens(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, signed_in: None
) -> None:
    colleague = new_user_headers(db, clock, partner.org_id, Role.WHOLESALE_ADMIN)
    theirs = app_client.post(
        TOKENS,
        json={"name": "Colleague CI", "scopes": [Scope.CUSTOMERS_READ.value]},
        headers=colleague,
    ).json()

    own = app_client.get("/portal/tokens")
    everyone = app_client.get("/portal/tokens?everyone=1")
    revoked = app_client.post(
        f"/portal/tokens/{theirs['id']}/revoke", data={"csrf": csrf_of(everyone), "everyone": "1"}
    )

    assert "Colleague CI" not in own.text
    assert "Colleague CI" in everyone.text
    assert revoked.status_code == 200
    assert "Colleague CI" not in revoked.text
    clock.advance(timedelta(seconds=10))
    assert app_client.get(CUSTOMERS, headers=bearer(theirs["token"])).status_code == 401


def test_read_only_staff_see_their_tokens_but_no_controls_and_cannot_post(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    assert sign_in(app_client, "viewer@acme.test").status_code == 303
    admins = app_client.get(TOKENS, headers=partner.headers).json()["items"]

    listed = app_client.get("/portal/tokens")
    csrf = csrf_of(listed)
    attempts = [
        app_client.get("/portal/tokens/new"),
        app_client.get("/portal/tokens?everyone=1"),
        app_client.post(
            "/portal/tokens/new",
            data={"name": "r", "scopes": [Scope.CUSTOMERS_READ.value], "days": "30", "csrf": csrf},
        ),
        app_client.post(f"/portal/tokens/{admins[0]['id']}/revoke", data={"csrf": csrf}),
    ]

    assert listed.status_code == 200
    assert "Create a token" not in listed.text
    assert "Revoke" not in listed.text
    assert [a.status_code for a in attempts] == [403, 403, 403, 404]
    assert app_client.get(TOKENS, headers=partner.headers).json()["items"] == admins


def test_another_partners_token_is_not_found(
    app_client: TestClient, partner: Partner, other_partner: Partner, signed_in: None
) -> None:
    theirs = app_client.post(
        TOKENS,
        json={"name": "Rival", "scopes": [Scope.CUSTOMERS_READ.value]},
        headers=other_partner.headers,
    ).json()
    page = app_client.get("/portal/tokens?everyone=1")

    revoked = app_client.post(f"/portal/tokens/{theirs['id']}/revoke", data={"csrf": csrf_of(page)})

    assert revoked.status_code == 404
    assert "Rival" not in page.text
    assert app_client.get(CUSTOMERS, headers=bearer(theirs["token"])).status_code == 200
