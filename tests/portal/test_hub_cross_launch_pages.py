"""A partner's staff in the customer portal after a cross-launch (PRODUCT.md 12): they act in
the customer's organization as the partner, under a visible bar with a way back; restricted mode
binds the customer's administrators, not them; what they change is audited as theirs; read-only
staff change nothing; another partner's customer is not found."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner
from tests.portal.pages import GOOD, csrf_of, give_password, read_only_staff, sign_in
from tests.portal.test_hub_pages import Org, main_of, new_org, package_of, rows, user_names
from tukku.audit.models import AuditEvent
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity


@pytest.fixture
def org(app_client: TestClient, partner: Partner, db: Database, clock: ManualClock) -> Org:
    return new_org(app_client, partner, db, clock, 1)


def launch(client: TestClient, customer_id: str) -> None:
    page = client.get(f"/portal/customers/{customer_id}")
    launched = client.post(
        f"/portal/customers/{customer_id}/launch",
        data={"csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert launched.status_code == 303, launched.text
    assert launched.headers["location"] == "/hub"


@pytest.fixture
def launched(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, org: Org
) -> TestClient:
    """The partner's full administrator, cross-launched into the customer's organization."""
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303
    launch(app_client, org.id)
    return app_client


def user_id_of(db: Database, email: str) -> str:
    with db.unit_of_work(write=False) as session:
        user = identity.find_user_by_email(session, email)
        assert user is not None
        return user.id


def test_the_partner_sees_the_acting_bar_and_the_customers_organization(
    launched: TestClient, org: Org
) -> None:
    home = launched.get("/hub")
    users = launched.get("/hub/users")

    assert home.status_code == users.status_code == 200
    assert "Acting as partner <strong>Acme Telecom</strong> in <strong>Pizza 1</strong>" in (
        home.text
    )
    assert "Back to the partner portal" in home.text
    assert "Restricted mode is on" in home.text
    assert "as its partner you are not restricted" in home.text
    assert org.user_email in users.text


def test_restricted_mode_does_not_bind_the_partner_whose_changes_are_audited_as_its_own(
    launched: TestClient, partner: Partner, db: Database, org: Org
) -> None:
    form = launched.get("/hub/users/new")
    assert form.status_code == 200
    results = launched.post(
        "/hub/users/new",
        data={
            "csrf": csrf_of(form),
            **rows({"firstName": "Pat", "lastName": "Partner", "email": "pat@pizza.test"}),
        },
    )
    page = launched.get(f"/hub/users/{org.user_id}")
    upgraded = launched.post(
        f"/hub/users/{org.user_id}/package",
        data={"csrf": csrf_of(page), "package": "webex_suite"},
        follow_redirects=False,
    )
    downgraded = launched.post(
        f"/hub/users/{org.user_id}/package",
        data={"csrf": csrf_of(page), "package": "webex_calling"},
        follow_redirects=False,
    )

    assert "1 of 1 user added" in results.text
    assert user_names(db, org.org_id)["pat@pizza.test"] == ("Pat", "Partner")
    assert upgraded.status_code == downgraded.status_code == 303  # partners may downgrade
    assert package_of(launched, partner, org.user_email) == ["webex_calling"]
    with db.unit_of_work(write=False) as session:
        who = set(
            session.scalars(
                select(AuditEvent.actor_user_id).where(AuditEvent.action == "user.create")
            )
        )
    assert who == {user_id_of(db, partner.admin_email)}


def test_partner_read_only_staff_see_no_write_controls_and_are_refused(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, org: Org
) -> None:
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    assert sign_in(app_client, "viewer@acme.test", GOOD).status_code == 303
    launch(app_client, org.id)
    before = user_names(db, org.org_id)

    users = app_client.get("/hub/users")
    one = app_client.get(f"/hub/users/{org.user_id}")
    token = csrf_of(users)
    refused = [
        app_client.get("/hub/users/new"),
        app_client.post(
            "/hub/users/new",
            data={"csrf": token, **rows({"firstName": "A", "lastName": "B", "email": "a@p.test"})},
        ),
        app_client.post(
            f"/hub/users/{org.user_id}",
            data={"csrf": token, "firstName": "Sneaky", "lastName": "X", "email": "s@p.test"},
        ),
    ]

    assert users.status_code == one.status_code == 200
    assert "/hub/users/new" not in main_of(users)
    assert 'method="post"' not in main_of(one)
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert user_names(db, org.org_id) == before


def test_another_partners_customer_in_the_cookie_is_not_found_and_the_cookie_goes(
    launched: TestClient,
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    other_partner: Partner,
) -> None:
    theirs = new_org(app_client, other_partner, db, clock, 2)
    launched.cookies.delete("tukku_hub")  # the launch's own, set by the server
    launched.cookies.set("tukku_hub", theirs.id)

    page = launched.get("/hub/users")

    assert page.status_code == 404
    assert theirs.user_email not in page.text
    assert "Pizza 2" not in page.text
    assert 'tukku_hub=""' in page.headers["set-cookie"]


def test_leaving_goes_back_to_the_customer_in_the_partner_portal(
    launched: TestClient, org: Org
) -> None:
    left = launched.post(
        "/hub/leave", data={"csrf": csrf_of(launched.get("/hub"))}, follow_redirects=False
    )

    assert left.status_code == 303
    assert left.headers["location"] == f"/portal/customers/{org.id}"
    assert launched.get("/hub").status_code == 404


def test_a_customer_administrator_ignores_a_hub_cookie_and_stays_in_its_own_organization(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock, org: Org
) -> None:
    other = new_org(app_client, partner, db, clock, 2)
    sign_in(app_client, org.admin_email)
    app_client.cookies.set("tukku_hub", other.id)

    users = app_client.get("/hub/users")
    foreign = app_client.get(f"/hub/users/{other.user_id}")

    assert "<h1>Users</h1>" in users.text
    assert org.user_email in users.text
    assert other.user_email not in users.text
    assert foreign.status_code == 404
    assert "Acting as partner" not in users.text
