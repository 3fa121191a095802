"""Partners' attach requests in the customer portal (PRODUCT.md 4.3): the organization's full
administrator sees who asks and why, reads what approving or rejecting does, decides, and sees
the outcome; the partner's customer then provisions (approved) or ends in error (rejected).
Read-only administrators and partners acting in an organization decide nothing; another
organization's request is not found."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.customers.test_attach import Org, attach, get_customer, standalone_org
from tests.portal.pages import csrf_of, give_password, sign_in
from tests.portal.test_hub_cross_launch_pages import launch
from tests.portal.test_hub_pages import main_of, new_org
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity
from tukku.identity.rules import Role

PAGE = "/hub/attach-requests"
LINK = re.compile(r'href="/hub/attach-requests/([^/"]+)/approve"')


def waiting(
    client: TestClient, partner: Partner, ops: dict[str, str], db: Database, clock: ManualClock
) -> tuple[Org, str]:
    """An organization with a verified domain the partner asked to attach, and the customer."""
    org = standalone_org(client, ops, verified=("bakery.example",))
    customer = attach(client, partner, org.id)
    assert customer["attachment"]["approval"] == "pending"
    give_password(db, clock, org.admin)
    return org, customer["id"]


@pytest.fixture
def asked(
    app_client: TestClient, partner: Partner, ops: dict[str, str], db: Database, clock: ManualClock
) -> tuple[Org, str]:
    return waiting(app_client, partner, ops, db, clock)


def request_id(page_text: str) -> str:
    found = LINK.search(page_text)
    assert found, page_text
    return found.group(1)


def test_the_admin_sees_who_asks_and_why(app_client: TestClient, asked: tuple[Org, str]) -> None:
    org, _ = asked
    sign_in(app_client, org.admin)
    home = app_client.get("/hub")

    page = app_client.get(PAGE)

    assert 'href="/hub/attach-requests"' in home.text
    assert page.status_code == 200
    assert "<h1>Partner requests</h1>" in page.text
    assert "Acme Telecom" in main_of(page)
    assert "verified e-mail domain" in page.text
    assert "Reject the request of Acme Telecom" in page.text
    assert "Decided" not in main_of(page)


def test_approving_says_what_it_does_then_the_partners_customer_provisions(
    app_client: TestClient, partner: Partner, asked: tuple[Org, str]
) -> None:
    org, customer_id = asked
    sign_in(app_client, org.admin)
    rid = request_id(app_client.get(PAGE).text)

    confirm = app_client.get(f"{PAGE}/{rid}/approve")
    approved = app_client.post(
        f"{PAGE}/{rid}/approve",
        data={"csrf": csrf_of(confirm), "note": "Welcome aboard"},
        follow_redirects=False,
    )
    after = app_client.get(approved.headers["location"])
    again = app_client.get(f"{PAGE}/{rid}/approve")
    drain(app_client)

    assert confirm.status_code == 200
    assert "<h1>Approve the request of Acme Telecom?</h1>" in confirm.text
    assert "keeps its name, its settings and how its users" in confirm.text
    assert approved.status_code == 303
    assert "The request is approved" in after.text
    assert "Waiting for your decision" in after.text
    assert "No request waits for your decision." in after.text
    assert ">Approved</span>" in after.text
    assert "Welcome aboard" in after.text
    assert "already approved" in again.text
    assert 'action="/hub/attach-requests/' not in again.text
    customer = get_customer(app_client, partner, customer_id)
    assert customer["status"] == "provisioned"
    assert customer["attachment"]["approval"] == "approved"


def test_rejecting_leaves_the_partners_customer_in_error_and_a_second_decision_is_refused(
    app_client: TestClient, partner: Partner, asked: tuple[Org, str]
) -> None:
    org, customer_id = asked
    sign_in(app_client, org.admin)
    rid = request_id(app_client.get(PAGE).text)
    confirm = app_client.get(f"{PAGE}/{rid}/reject")
    token = csrf_of(confirm)

    rejected = app_client.post(f"{PAGE}/{rid}/reject", data={"csrf": token}, follow_redirects=False)
    after = app_client.get(rejected.headers["location"])
    twice = app_client.post(f"{PAGE}/{rid}/approve", data={"csrf": token})

    assert "If you reject" in confirm.text
    assert rejected.status_code == 303
    assert "The request is rejected" in after.text
    assert ">Rejected</span>" in after.text
    assert twice.status_code == 400
    assert "already rejected" in twice.text
    assert 'class="error-summary"' in twice.text
    assert get_customer(app_client, partner, customer_id)["status"] == "error"


def test_a_note_longer_than_the_api_takes_is_explained_next_to_the_field(
    app_client: TestClient, partner: Partner, asked: tuple[Org, str]
) -> None:
    org, customer_id = asked
    sign_in(app_client, org.admin)
    rid = request_id(app_client.get(PAGE).text)
    confirm = app_client.get(f"{PAGE}/{rid}/approve")

    refused = app_client.post(
        f"{PAGE}/{rid}/approve", data={"csrf": csrf_of(confirm), "note": "x" * 1001}
    )

    assert refused.status_code == 400
    assert 'id="note-error"' in refused.text
    assert '<a href="#note">' in refused.text
    assert get_customer(app_client, partner, customer_id)["attachment"]["approval"] == "pending"


def test_a_read_only_administrator_neither_sees_nor_decides_requests(
    app_client: TestClient,
    partner: Partner,
    db: Database,
    clock: ManualClock,
    asked: tuple[Org, str],
) -> None:
    org, customer_id = asked
    sign_in(app_client, org.admin)
    rid = request_id(app_client.get(PAGE).text)
    app_client.post("/portal/sign-out", data={"csrf": csrf_of(app_client.get("/hub"))})
    with db.unit_of_work() as session:
        identity.create_user(
            session,
            org_id=org.id,
            email="reader@bakery.example",
            roles=[Role.CUSTOMER_READ_ONLY],
            now=clock.now(),
        )
    give_password(db, clock, "reader@bakery.example")
    sign_in(app_client, "reader@bakery.example")
    home = app_client.get("/hub")

    answers = [
        app_client.get(PAGE),
        app_client.get(f"{PAGE}/{rid}/approve"),
        app_client.post(f"{PAGE}/{rid}/approve", data={"csrf": csrf_of(home)}),
    ]

    assert home.status_code == 200
    assert 'href="/hub/attach-requests"' not in home.text
    assert [a.status_code for a in answers] == [403, 403, 403]
    assert get_customer(app_client, partner, customer_id)["attachment"]["approval"] == "pending"


def test_a_partner_acting_in_an_organization_decides_no_requests(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    org = new_org(app_client, partner, db, clock, 1)
    give_password(db, clock, partner.admin_email)
    sign_in(app_client, partner.admin_email)
    launch(app_client, org.id)
    home = app_client.get("/hub")

    page = app_client.get(PAGE)

    assert 'href="/hub/attach-requests"' not in home.text
    assert page.status_code == 403


def test_another_organizations_request_is_not_found(
    app_client: TestClient,
    partner: Partner,
    ops: dict[str, str],
    db: Database,
    clock: ManualClock,
    asked: tuple[Org, str],
) -> None:
    mine, _ = asked
    theirs, their_customer = waiting(app_client, partner, ops, db, clock)
    sign_in(app_client, theirs.admin)
    their_request = request_id(app_client.get(PAGE).text)
    app_client.post("/portal/sign-out", data={"csrf": csrf_of(app_client.get("/hub"))})
    sign_in(app_client, mine.admin)
    token = csrf_of(app_client.get(PAGE))

    answers = [
        app_client.get(f"{PAGE}/{their_request}/approve"),
        app_client.post(f"{PAGE}/{their_request}/approve", data={"csrf": token}),
        app_client.post(f"{PAGE}/{their_request}/reject", data={"csrf": token}),
    ]
    listed = app_client.get(PAGE)

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert their_request not in listed.text
    approval = get_customer(app_client, partner, their_customer)["attachment"]["approval"]
    assert approval == "pending"
