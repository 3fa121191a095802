"""Tokens expire, can be revoked everywhere, never act in an organization their user left, are
never answered from memory after their organization changed kind, and every security change
(tokens, roles, moves, organizations entering or leaving wholesale) lands in the audit log."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import (
    bearer,
    customer_body,
    operator_headers,
    outbox,
    provision_customer,
    subscriber_body,
    user_headers,
)
from tukku.app import create_app
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.identity import service as identity
from tukku.identity.models import ApiToken, User
from tukku.identity.rules import READ_SCOPES, WHOLESALE_SCOPES, OrgKind, Role

CUSTOMERS = "/v1/wholesale/customers"
ORG = "/v1/customer/organization"
CONSENT = re.compile(r"http://tukku\.test/v1/consent/\S+")


def audit_actions(client: TestClient, ops: dict[str, str], **query: str) -> list[dict[str, Any]]:
    response = client.get("/v1/ops/auditEvents", params={"max": "500", **query}, headers=ops)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def new_partner_user(
    db: Database, clock: ManualClock, partner: Partner, email: str, *roles: Role
) -> str:
    with db.unit_of_work() as session:
        user = identity.create_user(
            session, org_id=partner.org_id, email=email, roles=roles, now=clock.now()
        )
        return user.id


def test_a_user_who_moves_organization_loses_its_old_tokens(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    # The review's reproduction: X administers a standalone organization S with a token, is
    # provisioned as a subscriber into a new customer and consents; the old token must not keep
    # administrator rights over S.
    ops = operator_headers(db, clock)
    users = [
        {"email": "x@standalone.test", "firstName": "Xena", "lastName": "Admin", "admin": True},
        {"email": "y@standalone.test", "firstName": "Yann", "lastName": "User"},
    ]
    created = app_client.post(
        "/v1/ops/organizations", json={"name": "Standalone S", "users": users}, headers=ops
    )
    assert created.status_code == 201, created.text
    y_id = next(u["id"] for u in created.json()["users"] if u["email"] == "y@standalone.test")
    old = user_headers(db, clock, "x@standalone.test")
    assert app_client.patch(ORG, json={"name": "S, renamed"}, headers=old).status_code == 200

    customer = provision_customer(app_client, partner)
    body = subscriber_body(customer["id"], email="x@standalone.test")
    pending = app_client.post("/v1/wholesale/subscribers", json=body, headers=partner.headers)
    assert pending.status_code == 202, pending.text
    (mail,) = outbox(app_client, "x@standalone.test")
    link = CONSENT.search(mail.body)
    assert link is not None
    accepted = app_client.post(link.group(0))
    assert accepted.status_code == 200, accepted.text

    email_change = app_client.patch(
        f"/v1/customer/users/{y_id}", json={"email": "stolen@evil.test"}, headers=old
    )
    rename = app_client.patch(ORG, json={"name": "Taken over"}, headers=old)
    assert (email_change.status_code, rename.status_code) == (401, 401)
    org = app_client.get(f"/v1/ops/organizations/{created.json()['id']}", headers=ops).json()
    assert org["name"] == "S, renamed"
    assert "y@standalone.test" in [u["email"] for u in org["users"]]
    with db.unit_of_work(write=False) as session:
        x = identity.find_user_by_email(session, "x@standalone.test")
        assert x is not None
        x_id, x_org = x.id, x.org_id
        tokens = identity.list_tokens(
            session, now=clock.now(), email=x.email, include_inactive=True
        )
        assert [info.status(clock.now()) for info in tokens] == ["revoked"]
    moves = [e for e in audit_actions(app_client, ops, targetId=x_id) if e["action"] == "user.move"]
    assert {(e["before"]["orgId"], e["after"]["orgId"]) for e in moves} == {
        (created.json()["id"], x_org)
    }


def test_a_token_of_another_organization_than_its_users_is_refused(
    app_client: TestClient,
    partner: Partner,
    other_partner: Partner,
    db: Database,
    clock: ManualClock,
) -> None:
    # Even a token that was not revoked (data from before the fix, or a change made outside the
    # identity service) acts only where its user belongs now.
    assert app_client.get(CUSTOMERS, headers=partner.headers).status_code == 200
    with db.unit_of_work() as session:
        admin = identity.find_user_by_email(session, partner.admin_email)
        assert admin is not None
        admin.org_id = other_partner.org_id
    app_client.app.state.token_cache.clear()  # type: ignore[attr-defined]

    assert app_client.get(CUSTOMERS, headers=partner.headers).status_code == 401


def test_losing_a_role_revokes_the_tokens_that_relied_on_it_only(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    user_id = new_partner_user(
        db, clock, partner, "demoted@auth.test", Role.WHOLESALE_ADMIN, Role.PARTNER_READ_ONLY
    )
    with db.unit_of_work() as session:
        user = session.get(User, user_id)
        assert user is not None
        _, writer = identity.issue_token(
            session, user=user, scopes=WHOLESALE_SCOPES, name="w", now=clock.now(), expires_at=None
        )
        _, reader = identity.issue_token(
            session, user=user, scopes=READ_SCOPES, name="r", now=clock.now(), expires_at=None
        )
    assert app_client.get(CUSTOMERS, headers=bearer(writer)).status_code == 200

    with db.unit_of_work() as session:
        user = session.get(User, user_id)
        assert user is not None
        identity.revoke_role(session, user=user, role=Role.WHOLESALE_ADMIN, now=clock.now())

    assert app_client.get(CUSTOMERS, headers=bearer(writer)).status_code == 401
    refused = app_client.post(CUSTOMERS, json=customer_body(partner), headers=bearer(writer))
    assert refused.status_code == 401
    assert app_client.get(CUSTOMERS, headers=bearer(reader)).status_code == 200


def test_an_expired_token_is_refused_even_when_remembered(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    with db.unit_of_work() as session:
        user = identity.find_user_by_email(session, partner.admin_email)
        assert user is not None
        _, token = identity.issue_token(
            session,
            user=user,
            scopes=WHOLESALE_SCOPES,
            name="short",
            now=clock.now(),
            expires_at=clock.now() + timedelta(minutes=10),
        )
    assert app_client.get(CUSTOMERS, headers=bearer(token)).status_code == 200
    assert app_client.get(CUSTOMERS, headers=bearer(token)).status_code == 200  # from memory

    clock.advance(timedelta(minutes=10))

    assert app_client.get(CUSTOMERS, headers=bearer(token)).status_code == 401


def test_a_token_revoked_by_another_process_stops_working_within_the_cache_window(
    settings: Settings, partner: Partner, db: Database, clock: ManualClock
) -> None:
    # Two API processes on one database: B remembers the token, A's side revokes it. B may
    # answer from memory for at most auth_cache_seconds, never after.
    window = 0.5
    other = Database(settings.database_url, pool_size=2)
    try:
        app_b = create_app(
            settings.model_copy(update={"auth_cache_seconds": window}),
            db=other,
            clock=clock,
            wall_clock=clock,
        )
        with TestClient(app_b, base_url="http://tukku.test") as b:
            assert b.get(CUSTOMERS, headers=partner.headers).status_code == 200
            with db.unit_of_work() as session:
                (token,) = session.query(ApiToken).filter_by(org_id=partner.org_id).all()
                identity.revoke_token(session, token.id, now=clock.now())
            time.sleep(window + 0.05)

            assert b.get(CUSTOMERS, headers=partner.headers).status_code == 401
    finally:
        other.dispose()


def test_a_revocation_is_seen_at_once_by_the_process_that_made_it(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    assert app_client.get(CUSTOMERS, headers=partner.headers).status_code == 200
    with db.unit_of_work() as session:
        (token,) = session.query(ApiToken).filter_by(org_id=partner.org_id).all()
        identity.revoke_token(session, token.id, now=clock.now())

    assert app_client.get(CUSTOMERS, headers=partner.headers).status_code == 401


def test_security_changes_are_in_the_audit_log(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    ops = operator_headers(db, clock)
    user_id = new_partner_user(db, clock, partner, "audited@auth.test", Role.WHOLESALE_ADMIN)
    with db.unit_of_work() as session:
        user = session.get(User, user_id)
        assert user is not None
        issued, _ = identity.issue_token(
            session,
            user=user,
            scopes=WHOLESALE_SCOPES,
            name="nightly sync",
            now=clock.now(),
            expires_at=clock.now() + timedelta(days=30),
        )
        identity.revoke_role(session, user=user, role=Role.WHOLESALE_ADMIN, now=clock.now())

    events = audit_actions(app_client, ops, targetId=user_id) + audit_actions(
        app_client, ops, targetId=issued.id
    )
    actions = sorted(e["action"] for e in events)
    assert actions == ["role.grant", "role.revoke", "token.issue", "token.revoke"]
    issue = next(e for e in events if e["action"] == "token.issue")
    assert issue["after"]["name"] == "nightly sync"
    assert issue["after"]["prefix"] == issued.prefix
    assert issue["partnerOrgId"] == partner.org_id
    revoke = next(e for e in events if e["action"] == "token.revoke")
    assert revoke["after"]["reason"] == "role.revoke"
    # The partner sees its own people's security events; nothing secret is in them.
    mine = app_client.get(
        "/v1/partner/auditEvents", params={"targetId": issued.id}, headers=partner.headers
    )
    assert {e["action"] for e in mine.json()["items"]} == {"token.issue", "token.revoke"}
    assert "tku_" not in str(events).replace(str(issued.prefix), "")


def test_refused_authentications_are_logged_with_their_source(
    app_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tukku.auth"):
        app_client.get(
            CUSTOMERS,
            headers={"Authorization": "Bearer tku_not-a-real-token", "User-Agent": "probe/1"},
        )
        app_client.get(CUSTOMERS)

    refused = [r for r in caplog.records if r.getMessage() == "authentication refused"]
    assert [getattr(r, "reason", None) for r in refused] == [
        "unknown, expired or revoked token",
        "no bearer token",
    ]
    assert all(getattr(r, "client", None) == "testclient" for r in refused)
    assert getattr(refused[0], "userAgent", None) == "probe/1"
    assert all("tku_not-a-real-token" not in str(vars(r)) for r in refused)


@pytest.fixture
def remembering_client(
    settings: Settings, db: Database, clock: ManualClock
) -> Iterator[TestClient]:
    """The app with the longest token memory allowed, so nothing but a cleared cache refreshes a
    principal during a test."""
    app = create_app(
        settings.model_copy(update={"auth_cache_seconds": 60}), db=db, clock=clock, wall_clock=clock
    )
    with TestClient(app, base_url="http://tukku.test") as client:
        yield client


def test_a_remembered_principal_follows_its_organization_into_wholesale_and_out(
    remembering_client: TestClient,
    partner: Partner,
    ops: dict[str, str],
    db: Database,
    clock: ManualClock,
) -> None:
    # Principals remember their organization's kind. Adopting a standalone organization as a
    # customer, and releasing it when the customer is removed, change that kind: the process that
    # made the change must not answer the organization's tokens from memory with the old one.
    client = remembering_client
    admin = {"email": "baker@bakery.test", "firstName": "Bea", "lastName": "Baker", "admin": True}
    created = client.post(
        "/v1/ops/organizations", json={"name": "Bakery", "users": [admin]}, headers=ops
    )
    assert created.status_code == 201, created.text
    org_id = created.json()["id"]
    headers = user_headers(db, clock, admin["email"])
    token_hash = identity.hash_token(headers["Authorization"].removeprefix("Bearer "))
    cache = client.app.state.token_cache  # type: ignore[attr-defined]

    def kind_seen() -> OrgKind:
        """The organization kind the admin's next request authenticates with."""
        assert client.get(ORG, headers=headers).status_code == 200
        remembered = cache.get(token_hash)
        assert remembered is not None
        kind: OrgKind = remembered.principal.org_kind
        return kind

    assert kind_seen() == OrgKind.STANDALONE
    body = customer_body(partner, orgId=org_id)
    del body["customerInfo"]
    attached = client.post(CUSTOMERS, json=body, headers=partner.headers)
    assert attached.status_code == 202, attached.text
    drain(client)
    customer = client.get(attached.json()["url"], headers=partner.headers).json()
    assert (customer["status"], customer["orgId"]) == ("provisioned", org_id)

    assert kind_seen() == OrgKind.CUSTOMER

    removed = client.delete(f"{CUSTOMERS}/{customer['id']}", headers=partner.headers)
    assert removed.status_code == 202, removed.text
    drain(client)

    assert kind_seen() == OrgKind.STANDALONE
    changes = [
        (e["action"], e["before"]["kind"], e["after"]["kind"])
        for e in reversed(audit_actions(client, ops, targetId=org_id))
        if e["action"] in ("organization.adopt", "organization.release")
    ]
    assert changes == [
        ("organization.adopt", "standalone", "customer"),
        ("organization.release", "customer", "standalone"),
    ]
