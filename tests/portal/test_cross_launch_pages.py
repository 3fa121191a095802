"""Cross-launch from the partner portal: a partner administrator opens the customer's
organization in the customer portal (`/hub`), and the launch is audited; never for another
partner's customer, never without the form's CSRF token, and not before the customer has an
organization. What the partner then does there: tests/portal/test_hub_cross_launch_pages.py."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner
from tests.portal.pages import GOOD, csrf_of, give_password, read_only_staff, sign_in
from tests.support import customer_body, provision_customer, provision_subscriber
from tukku.audit.models import AuditEvent
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


def _launches(db: Database) -> list[tuple[str | None, str]]:
    with db.unit_of_work(write=False) as session:
        rows = session.execute(
            select(AuditEvent.actor_user_id, AuditEvent.target_id).where(
                AuditEvent.action == "customer.cross_launch"
            )
        )
        return [(who, target) for who, target in rows]


def _launch(client: TestClient, customer_id: str) -> httpx.Response:
    page = client.get(f"/portal/customers/{customer_id}")
    return client.post(
        f"/portal/customers/{customer_id}/launch",
        data={"csrf": csrf_of(page)},
        follow_redirects=False,
    )


def test_launching_opens_the_customer_portal_with_the_customers_users_and_is_audited(
    app_client: TestClient, db: Database, partner: Partner, signed_in: None
) -> None:
    customer = provision_customer(app_client, partner)
    provision_subscriber(
        app_client,
        partner,
        customer["id"],
        email="grace@pizza.test",
        provisioningParameters={"firstName": "Grace", "lastName": "Hopper", "extension": "2001"},
    )
    launched = _launch(app_client, customer["id"])
    assert launched.status_code == 303
    assert launched.headers["location"] == "/hub"
    view = app_client.get("/hub/users")
    assert view.status_code == 200
    assert "Grace Hopper" in view.text
    assert "grace@pizza.test" in view.text
    assert "Acting as partner" in view.text
    assert len(_launches(db)) == 1
    assert _launches(db)[0][1] == customer["id"]


def test_read_only_staff_may_look_too_and_their_launch_is_theirs_in_the_log(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    assert sign_in(app_client, "viewer@acme.test", GOOD).status_code == 303
    assert _launch(app_client, customer["id"]).status_code == 303
    [(who, _)] = _launches(db)
    with db.unit_of_work(write=False) as session:
        viewer = service.find_user_by_email(session, "viewer@acme.test")
        assert viewer is not None
        assert who == viewer.id


def test_another_partners_customer_cannot_be_launched_or_seen(
    app_client: TestClient, db: Database, partner: Partner, other_partner: Partner, signed_in: None
) -> None:
    theirs = provision_customer(
        app_client, other_partner, customerInfo={"name": "Their Deli", "primaryEmail": "t@d.test"}
    )
    mine = app_client.get("/portal/customers")
    refused = app_client.post(
        f"/portal/customers/{theirs['id']}/launch", data={"csrf": csrf_of(mine)}
    )
    assert refused.status_code == 404
    app_client.cookies.set("tukku_hub", theirs["id"])
    hidden = app_client.get("/hub/users")
    assert hidden.status_code == 404
    assert "Their Deli" not in hidden.text
    assert _launches(db) == []


def test_a_launch_needs_the_forms_csrf_token_and_a_provisioned_organization(
    app_client: TestClient, db: Database, partner: Partner, signed_in: None
) -> None:
    customer = provision_customer(app_client, partner)
    forged = app_client.post(f"/portal/customers/{customer['id']}/launch", data={"csrf": "x"})
    assert forged.status_code == 403
    accepted = app_client.post(
        "/v1/wholesale/customers", json=customer_body(partner), headers=partner.headers
    )
    waiting = accepted.json()["url"].rsplit("/", 1)[1]  # the worker has not run yet
    page = app_client.get(f"/portal/customers/{waiting}")
    assert "Open the customer" not in page.text
    early = app_client.post(f"/portal/customers/{waiting}/launch", data={"csrf": csrf_of(page)})
    assert early.status_code == 409
    assert "wait until it is provisioned" in early.text
    assert _launches(db) == []
