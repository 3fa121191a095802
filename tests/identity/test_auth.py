"""Bearer tokens, scopes and roles: who may call what (PRODUCT.md 10.1, WEBEX-API-NOTES 4.7)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from tests.conftest import Partner
from tests.support import ADDRESS, customer_body, error_codes
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.errors import DomainError
from tukku.identity import service as identity
from tukku.identity.models import RoleAssignment, User
from tukku.identity.rules import WHOLESALE_SCOPES, Role, Scope

CUSTOMERS = "/v1/wholesale/customers"
OPS = "/v1/ops/organizations"
WRITE_SCOPES = [
    Scope.CUSTOMERS_WRITE,
    Scope.SUBSCRIBERS_WRITE,
    Scope.BILLING_WRITE,
    Scope.TEMPLATES_WRITE,
    Scope.OPS,
]
READ_SCOPES = [
    Scope.CUSTOMERS_READ,
    Scope.SUBSCRIBERS_READ,
    Scope.BILLING_READ,
    Scope.TEMPLATES_READ,
    Scope.SUB_PARTNERS_READ,
]
ALL_WHOLESALE = sorted(WHOLESALE_SCOPES)
PROTECTED = [
    ("GET", CUSTOMERS),
    ("POST", CUSTOMERS),
    ("POST", f"{CUSTOMERS}/validate"),
    ("GET", "/v1/wholesale/subscribers"),
    ("POST", "/v1/wholesale/subscribers"),
    ("GET", "/v1/partner/onboardingTemplates"),
    ("GET", OPS + "/x"),
]
_users = itertools.count()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_user_token(
    db: Database,
    clock: ManualClock,
    org_id: str,
    *,
    roles: Iterable[str],
    scopes: Iterable[str],
    expires_at: datetime | None = None,
) -> tuple[str, str]:
    """A new user of `org_id` with `roles`, and a token for it: (token id, plain token)."""
    with db.unit_of_work() as session:
        user = identity.create_user(
            session, org_id=org_id, email=f"u{next(_users)}@auth.test", roles=roles, now=clock.now()
        )
        token, plain = identity.issue_token(
            session, user=user, scopes=scopes, name="t", now=clock.now(), expires_at=expires_at
        )
        return token.id, plain


def operator_token(db: Database, clock: ManualClock) -> str:
    with db.unit_of_work() as session:
        org = identity.create_organization(
            session, kind="operator", name="Platform Ops", now=clock.now()
        )
        user = identity.create_user(
            session,
            org_id=org.id,
            email="ops@platform.test",
            roles=[Role.OPERATOR],
            now=clock.now(),
        )
        _, plain = identity.issue_token(
            session, user=user, scopes={Scope.OPS}, name="ops", now=clock.now(), expires_at=None
        )
    return plain


def assert_401(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "errors", "trackingId"}
    assert body["message"]
    assert body["trackingId"] == response.headers["trackingid"]
    assert [set(e) for e in body["errors"]] == [{"description", "errorCode"}]


def call(client: TestClient, method: str, url: str, headers: dict[str, str]) -> Any:
    json = {} if method == "POST" else None
    return client.request(method, url, json=json, headers=headers)


def test_no_authorization_header_is_401_with_the_webex_error_body(
    app_client: TestClient,
) -> None:
    for method, url in PROTECTED:
        assert_401(call(app_client, method, url, {}))


def test_no_token_is_401_whatever_the_body(app_client: TestClient) -> None:
    # authentication comes first: a caller without credentials learns nothing about its body
    for content, content_type in [
        (b"not json", "application/json"),
        (b"[]", "application/json"),
        (b"name=x", "text/plain"),
    ]:
        response = app_client.post(
            CUSTOMERS, content=content, headers={"Content-Type": content_type}
        )

        assert_401(response)


def test_malformed_authorization_headers_are_401(app_client: TestClient, partner: Partner) -> None:
    for value in (
        partner.token,
        f"Token {partner.token}",
        f"Basic {partner.token}",
        "Bearer",
        "Bearer ",
        "Bearer    ",
        f"Bearer{partner.token}",
    ):
        assert_401(app_client.get(CUSTOMERS, headers={"Authorization": value}))


def test_scheme_is_case_insensitive(app_client: TestClient, partner: Partner) -> None:
    response = app_client.get(CUSTOMERS, headers={"Authorization": f"bearer {partner.token}"})

    assert response.status_code == 200


def test_unknown_token_is_401(app_client: TestClient, partner: Partner) -> None:
    for token in ("tku_not-a-real-token", partner.token + "x", partner.token[:-1]):
        for method, url in PROTECTED:
            assert_401(call(app_client, method, url, bearer(token)))


def test_revoked_token_is_401(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    token_id, token = new_user_token(
        db, clock, partner.org_id, roles=[Role.PARTNER_FULL_ADMIN], scopes=ALL_WHOLESALE
    )
    assert app_client.get(CUSTOMERS, headers=bearer(token)).status_code == 200

    with db.unit_of_work() as session:
        identity.revoke_token(session, token_id, now=clock.now())

    for method, url in PROTECTED:
        assert_401(call(app_client, method, url, bearer(token)))
    assert app_client.get(CUSTOMERS, headers=partner.headers).status_code == 200


def test_token_expired_before_now_is_401(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    _, token = new_user_token(
        db,
        clock,
        partner.org_id,
        roles=[Role.PARTNER_FULL_ADMIN],
        scopes=ALL_WHOLESALE,
        expires_at=clock.now() - timedelta(seconds=1),
    )

    for method, url in PROTECTED:
        assert_401(call(app_client, method, url, bearer(token)))


def test_token_stops_working_when_the_clock_passes_its_expiry(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    _, token = new_user_token(
        db,
        clock,
        partner.org_id,
        roles=[Role.PARTNER_FULL_ADMIN],
        scopes=ALL_WHOLESALE,
        expires_at=clock.now() + timedelta(hours=1),
    )
    assert app_client.get(CUSTOMERS, headers=bearer(token)).status_code == 200

    clock.advance(timedelta(hours=1, seconds=1))

    assert_401(app_client.get(CUSTOMERS, headers=bearer(token)))


def test_missing_write_scope_is_403_but_read_works(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    _, token = new_user_token(
        db,
        clock,
        partner.org_id,
        roles=[Role.PARTNER_FULL_ADMIN],
        scopes=[Scope.CUSTOMERS_READ, Scope.TEMPLATES_READ],
    )

    refused = app_client.post(CUSTOMERS, json=customer_body(partner), headers=bearer(token))
    listed = app_client.get(CUSTOMERS, headers=bearer(token))

    assert refused.status_code == 403
    assert error_codes(refused) == [1011]
    assert Scope.CUSTOMERS_WRITE.value in refused.json()["message"]
    assert listed.status_code == 200
    assert listed.json()["items"] == []


def test_each_resource_demands_its_own_scope(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    _, customers_only = new_user_token(
        db,
        clock,
        partner.org_id,
        roles=[Role.PARTNER_FULL_ADMIN],
        scopes=[Scope.CUSTOMERS_READ, Scope.CUSTOMERS_WRITE],
    )

    for method, url in [
        ("GET", "/v1/wholesale/subscribers"),
        ("POST", "/v1/wholesale/subscribers"),
        ("GET", "/v1/partner/onboardingTemplates"),
        ("POST", "/v1/partner/onboardingTemplates"),
    ]:
        response = call(app_client, method, url, bearer(customers_only))

        assert response.status_code == 403, (method, url)
        assert error_codes(response) == [1011], (method, url)
    assert app_client.get(CUSTOMERS, headers=bearer(customers_only)).status_code == 200


def test_scopes_beyond_the_users_roles_cannot_be_issued(
    partner: Partner, db: Database, clock: ManualClock
) -> None:
    for roles, scopes in [
        ([], [Scope.CUSTOMERS_READ]),
        ([Role.CUSTOMER_FULL_ADMIN], [Scope.CUSTOMERS_READ]),
        ([Role.PARTNER_FULL_ADMIN], [Scope.OPS]),
        ([Role.PROVISIONING_ADMIN], [Scope.BILLING_READ]),
        ([Role.PROVISIONING_ADMIN], [Scope.TEMPLATES_WRITE]),
        ([Role.PARTNER_READ_ONLY], [Scope.CUSTOMERS_READ, Scope.CUSTOMERS_WRITE]),
    ]:
        with db.unit_of_work() as session:
            user = identity.create_user(
                session,
                org_id=partner.org_id,
                email=f"u{next(_users)}@auth.test",
                roles=roles,
                now=clock.now(),
            )
            with pytest.raises(DomainError):
                identity.issue_token(
                    session, user=user, scopes=scopes, name="t", now=clock.now(), expires_at=None
                )


def test_partner_read_only_user_cannot_get_a_write_scope(
    partner: Partner, db: Database, clock: ManualClock
) -> None:
    with db.unit_of_work() as session:
        user = identity.create_user(
            session,
            org_id=partner.org_id,
            email="reader@auth.test",
            roles=[Role.PARTNER_READ_ONLY],
            now=clock.now(),
        )

    for scope in WRITE_SCOPES:
        with pytest.raises(DomainError) as refused, db.unit_of_work() as session:
            identity.issue_token(
                session, user=user, scopes=[scope], name="t", now=clock.now(), expires_at=None
            )

        assert scope.value in str(refused.value)


def test_partner_read_only_user_gets_read_scopes_that_work(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    _, token = new_user_token(
        db, clock, partner.org_id, roles=[Role.PARTNER_READ_ONLY], scopes=READ_SCOPES
    )

    assert app_client.get(CUSTOMERS, headers=bearer(token)).status_code == 200
    assert app_client.get("/v1/wholesale/subscribers", headers=bearer(token)).status_code == 200
    templates = app_client.get("/v1/partner/onboardingTemplates", headers=bearer(token))
    assert templates.status_code == 200
    assert [t["provisioningId"] for t in templates.json()["items"]] == [partner.provisioning_id]
    assert app_client.post(CUSTOMERS, json={}, headers=bearer(token)).status_code == 403


def test_precheck_needs_the_partner_full_admin_role(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    scopes = [
        Scope.CUSTOMERS_READ,
        Scope.CUSTOMERS_WRITE,
        Scope.SUBSCRIBERS_READ,
        Scope.SUBSCRIBERS_WRITE,
    ]
    customer_check = {"address": ADDRESS, "customerInfo": {"primaryEmail": "new@pizza.test"}}
    subscriber_check = {"email": "new@pizza.test", "packages": ["webex_meetings"]}

    for role in (Role.WHOLESALE_ADMIN, Role.PROVISIONING_ADMIN):
        _, token = new_user_token(db, clock, partner.org_id, roles=[role], scopes=scopes)
        customers = app_client.post(
            f"{CUSTOMERS}/validate", json=customer_check, headers=bearer(token)
        )
        subscribers = app_client.post(
            "/v1/wholesale/subscribers/validate", json=subscriber_check, headers=bearer(token)
        )

        assert customers.status_code == 403, role
        assert set(customers.json()) == {"message", "errors", "trackingId"}
        assert subscribers.status_code == 403, role
        # the same role may still provision: only the precheck is reserved
        provision = app_client.post(CUSTOMERS, json=customer_body(partner), headers=bearer(token))
        assert provision.status_code == 202, provision.text

    as_full_admin = app_client.post(
        f"{CUSTOMERS}/validate", json=customer_check, headers=partner.headers
    )
    assert as_full_admin.status_code == 200


def test_ops_routes_refuse_a_partner_token(app_client: TestClient, partner: Partner) -> None:
    created = app_client.post(OPS, json={"name": "Free Org"}, headers=partner.headers)
    fetched = app_client.get(f"{OPS}/{partner.org_id}", headers=partner.headers)

    assert created.status_code == 403
    assert fetched.status_code == 403
    assert partner.admin_email not in fetched.text


def test_ops_routes_accept_an_operator_token(
    app_client: TestClient, db: Database, clock: ManualClock
) -> None:
    token = operator_token(db, clock)
    body = {"name": "Free Org", "country": "FI", "users": [{"email": "Solo@Free.test"}]}

    created = app_client.post(OPS, json=body, headers=bearer(token))

    assert created.status_code == 201, created.text
    org = created.json()
    assert org["name"] == "Free Org"
    assert org["country"] == "FI"
    assert [u["email"] for u in org["users"]] == ["solo@free.test"]
    assert created.headers["location"].endswith(f"{OPS}/{org['id']}")
    fetched = app_client.get(f"{OPS}/{org['id']}", headers=bearer(token))
    assert fetched.status_code == 200
    assert fetched.json() == org


def test_operator_token_is_not_a_wholesale_partner(
    app_client: TestClient, db: Database, clock: ManualClock
) -> None:
    with db.unit_of_work() as session:
        org = identity.create_organization(session, kind="operator", name="Ops", now=clock.now())
        user = identity.create_user(
            session,
            org_id=org.id,
            email="ops2@platform.test",
            roles=[Role.OPERATOR],
            now=clock.now(),
        )
        _, token = identity.issue_token(
            session, user=user, scopes=ALL_WHOLESALE, name="t", now=clock.now(), expires_at=None
        )

    response = app_client.get(CUSTOMERS, headers=bearer(token))

    assert response.status_code == 403


def test_a_demoted_user_loses_the_write_access_of_its_old_token(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    # PRODUCT.md 10.1: a partner read-only user may not write; a token issued while the user
    # was an administrator must not outlive the role that allowed its write scopes.
    with db.unit_of_work() as session:
        user = identity.create_user(
            session,
            org_id=partner.org_id,
            email="demoted@auth.test",
            roles=[Role.WHOLESALE_ADMIN],
            now=clock.now(),
        )
        user_id = user.id
        _, token = identity.issue_token(
            session, user=user, scopes=ALL_WHOLESALE, name="t", now=clock.now(), expires_at=None
        )
    assert (
        app_client.post(CUSTOMERS, json=customer_body(partner), headers=bearer(token)).status_code
        == 202
    )

    # Defence in depth: even when the role disappears without the identity service (which
    # would revoke the token, see test_token_lifecycle.py), the token narrows to the roles held.
    with db.unit_of_work() as session:
        session.execute(delete(RoleAssignment).where(RoleAssignment.user_id == user_id))
        demoted = session.get(User, user_id)
        assert demoted is not None
        identity.grant_role(session, user=demoted, role=Role.PARTNER_READ_ONLY, now=clock.now())

    refused = app_client.post(CUSTOMERS, json=customer_body(partner), headers=bearer(token))
    assert refused.status_code == 403
    assert app_client.get(CUSTOMERS, headers=bearer(token)).status_code == 200
