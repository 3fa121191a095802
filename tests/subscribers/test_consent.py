"""A user outside wholesale joins a customer only with consent (202 `pending_user_migration`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner
from tests.support import (
    error_codes,
    operator_headers,
    outbox,
    provision_customer,
    provision_subscriber,
    subscriber_body,
    user_outside_wholesale,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.metering.models import PackageAssignment

URL = "/v1/wholesale/subscribers"
LINK = re.compile(r"http://tukku\.test/v1/consent/(\S+)")
EMAIL = "grace@freemail.test"
CUSTOMER = "Marconi Pizza"


class Pending:
    """A subscriber waiting for the consent of a user who lives in an organization outside."""

    def __init__(self, client: TestClient, partner: Partner, db: Database, clock: ManualClock):
        self.ops = operator_headers(db, clock)
        self.org = user_outside_wholesale(client, self.ops, EMAIL)
        info = {"name": CUSTOMER, "primaryEmail": "owner@marconi.test"}
        self.customer = provision_customer(client, partner, customerInfo=info)
        self.response = client.post(
            URL, json=subscriber_body(self.customer["id"], email=EMAIL), headers=partner.headers
        )
        self.subscriber: dict[str, Any] = self.response.json()


@pytest.fixture
def pending(app_client: TestClient, partner: Partner, db: Database, clock: ManualClock) -> Pending:
    return Pending(app_client, partner, db, clock)


def ledger(client: TestClient, subscriber_id: str) -> list[tuple[Any, ...]]:
    """The subscriber's package assignments: (package, user, started, ended)."""
    db: Database = client.app.state.db  # type: ignore[attr-defined]
    with db.unit_of_work(write=False) as session:
        rows = session.execute(
            select(
                PackageAssignment.package,
                PackageAssignment.user_id,
                PackageAssignment.started_at,
                PackageAssignment.ended_at,
            )
            .where(PackageAssignment.subscriber_id == subscriber_id)
            .order_by(PackageAssignment.id)
        )
        return [tuple(row) for row in rows]


def consent_links(client: TestClient) -> list[str]:
    """The consent links mailed to the user, oldest first."""
    links = []
    for mail in outbox(client, EMAIL):
        assert mail.kind == "consent"
        match = LINK.search(mail.body)
        assert match is not None, mail.body
        links.append(match.group(0))
    return links


def test_user_outside_wholesale_answers_202_pending_without_person(
    app_client: TestClient, partner: Partner, pending: Pending
) -> None:
    response = pending.response

    assert response.status_code == 202, response.text
    sub = pending.subscriber
    assert sub["status"] == "pending_user_migration"
    assert "personId" not in sub
    assert sub["email"] == EMAIL
    assert sub["packages"] == ["webex_calling"]
    assert response.headers["location"] == f"http://tukku.test{URL}/{sub['id']}"
    fetched = app_client.get(response.headers["location"], headers=partner.headers)
    assert fetched.json() == sub
    (mail,) = outbox(app_client, EMAIL)
    assert mail.kind == "consent"
    assert CUSTOMER in mail.subject
    assert LINK.search(mail.body) is not None
    # The user has not moved yet.
    org = app_client.get(f"/v1/ops/organizations/{pending.org['id']}", headers=pending.ops)
    assert [u["email"] for u in org.json()["users"]] == [EMAIL]
    # Nor can the package change before the user has consented.
    change = app_client.put(
        f"{URL}/{sub['id']}", json={"packages": ["webex_meetings"]}, headers=partner.headers
    )
    assert change.status_code == 409
    assert error_codes(change) == [1020]
    assert app_client.get(f"{URL}/{sub['id']}", headers=partner.headers).json() == sub


def test_consent_mail_can_be_sent_again_on_both_paths(
    app_client: TestClient, partner: Partner, other_partner: Partner, pending: Pending
) -> None:
    sub_id = pending.subscriber["id"]
    foreign = app_client.post(f"{URL}/{sub_id}/emails/consentMove", headers=other_partner.headers)
    assert foreign.status_code == 404
    assert len(consent_links(app_client)) == 1

    wholesale = app_client.post(f"{URL}/{sub_id}/emails/consentMove", headers=partner.headers)
    published = app_client.post(
        f"/v1/subscribers/{sub_id}/emails/consentMove", headers=partner.headers
    )

    assert wholesale.status_code == 204
    assert wholesale.content == b""
    assert published.status_code == 204
    assert len(consent_links(app_client)) == 3


def test_consent_move_of_a_provisioned_subscriber_is_a_conflict(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    sub = provision_subscriber(app_client, partner, customer["id"])

    response = app_client.post(f"{URL}/{sub['id']}/emails/consentMove", headers=partner.headers)

    assert response.status_code == 409
    assert error_codes(response) == [5012]
    assert [m.kind for m in outbox(app_client, sub["email"])] == ["welcome"]


def test_consent_page_names_the_customer(app_client: TestClient, pending: Pending) -> None:
    (link,) = consent_links(app_client)

    page = app_client.get(link)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert CUSTOMER in page.text
    assert EMAIL in page.text


def test_consent_page_escapes_the_customer_name(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    user_outside_wholesale(app_client, operator_headers(db, clock), EMAIL)
    name = "Pizza <script>alert(1)</script> & Sons"
    info = {"name": name, "primaryEmail": "owner@sons.test"}
    customer = provision_customer(app_client, partner, customerInfo=info)
    body = subscriber_body(customer["id"], email=EMAIL)
    assert app_client.post(URL, json=body, headers=partner.headers).status_code == 202
    (link,) = consent_links(app_client)

    page = app_client.get(link)

    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "Pizza &lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in page.text


def test_accepting_moves_the_user_and_provisions_the_subscriber(
    app_client: TestClient, partner: Partner, pending: Pending, clock: ManualClock
) -> None:
    (link,) = consent_links(app_client)
    user_id = pending.org["users"][0]["id"]
    assert ledger(app_client, pending.subscriber["id"]) == []
    clock.advance(timedelta(hours=2, milliseconds=300))

    accepted = app_client.post(link)

    assert accepted.status_code == 200
    assert CUSTOMER in accepted.text
    sub = app_client.get(f"{URL}/{pending.subscriber['id']}", headers=partner.headers).json()
    assert sub["status"] == "provisioned"
    assert sub["personId"] == user_id
    old_org = app_client.get(f"/v1/ops/organizations/{pending.org['id']}", headers=pending.ops)
    assert old_org.status_code == 200
    assert old_org.json()["users"] == []
    new_org = app_client.get(
        f"/v1/ops/organizations/{pending.customer['orgId']}", headers=pending.ops
    )
    assert [u["id"] for u in new_org.json()["users"]] == [user_id]
    assert [m.kind for m in outbox(app_client, EMAIL)] == ["consent", "welcome"]
    # Billing starts with the consent, not with the request.
    consented = datetime(2027, 1, 3, 11, 0, 0, tzinfo=UTC)
    assert ledger(app_client, sub["id"]) == [("webex_calling", user_id, consented, None)]
    # The link works once.
    assert app_client.post(link).status_code == 404
    assert app_client.get(link).status_code == 404


def test_tampered_consent_link_is_404(
    app_client: TestClient, partner: Partner, pending: Pending
) -> None:
    (link,) = consent_links(app_client)
    token = link.rsplit("/", 1)[1]
    swapped = "B" if token[3] != "B" else "C"
    tampered = link.replace(token, token[:3] + swapped + token[4:])

    assert app_client.get(tampered).status_code == 404
    assert app_client.post(tampered).status_code == 404
    assert app_client.post(link.replace(token, "not-a-token")).status_code == 404
    sub = app_client.get(f"{URL}/{pending.subscriber['id']}", headers=partner.headers).json()
    assert sub["status"] == "pending_user_migration"


def test_expired_consent_link_is_404_and_a_resent_one_works(
    app_client: TestClient, partner: Partner, pending: Pending, clock: ManualClock
) -> None:
    (old,) = consent_links(app_client)
    max_age = app_client.app.state.settings.consent_link_max_age_seconds  # type: ignore[attr-defined]
    clock.advance(timedelta(seconds=max_age - 60))
    assert app_client.get(old).status_code == 200
    clock.advance(timedelta(seconds=61))

    assert app_client.get(old).status_code == 404
    assert app_client.post(old).status_code == 404
    sub_id = pending.subscriber["id"]
    still = app_client.get(f"{URL}/{sub_id}", headers=partner.headers).json()
    assert still["status"] == "pending_user_migration"

    resent = app_client.post(f"{URL}/{sub_id}/emails/consentMove", headers=partner.headers)
    assert resent.status_code == 204
    fresh = consent_links(app_client)[-1]
    assert fresh != old
    assert app_client.post(fresh).status_code == 200
    done = app_client.get(f"{URL}/{sub_id}", headers=partner.headers).json()
    assert done["status"] == "provisioned"


def test_removed_pending_subscriber_invalidates_the_link(
    app_client: TestClient, partner: Partner, pending: Pending
) -> None:
    (link,) = consent_links(app_client)

    removed = app_client.delete(f"{URL}/{pending.subscriber['id']}", headers=partner.headers)

    assert removed.status_code == 204
    assert app_client.post(link).status_code == 404
    org = app_client.get(f"/v1/ops/organizations/{pending.org['id']}", headers=pending.ops)
    assert [u["email"] for u in org.json()["users"]] == [EMAIL]


def test_status_filter_and_last_status_change_follow_the_consent(
    app_client: TestClient, partner: Partner, pending: Pending, clock: ManualClock
) -> None:
    waiting_id = pending.subscriber["id"]
    clock.advance(timedelta(minutes=1))
    other = provision_subscriber(app_client, partner, pending.customer["id"])

    def listed(**params: str) -> list[str]:
        response = app_client.get(URL, params=params, headers=partner.headers)
        assert response.status_code == 200, response.text
        return [s["id"] for s in response.json()["items"]]

    assert listed(status="pending_user_migration") == [waiting_id]
    assert listed(status="provisioned") == [other["id"]]

    clock.advance(timedelta(minutes=1))  # 09:02
    (link,) = consent_links(app_client)
    assert app_client.post(link).status_code == 200

    assert listed(status="pending_user_migration") == []
    assert listed(status="provisioned") == [waiting_id, other["id"]]
    assert listed(sortBy="lastStatusChange") == [other["id"], waiting_id]
    assert listed(sortBy="created") == [waiting_id, other["id"]]
    assert listed(lastStatusChange="2027-01-03T09:01:30Z") == [waiting_id]
    assert listed(after="2027-01-03T09:00:30Z") == [other["id"]]
    moved = app_client.get(f"{URL}/{waiting_id}", headers=partner.headers).json()
    assert moved["created"] == "2027-01-03T09:00:00.000Z"
    assert moved["lastStatusChange"] == "2027-01-03T09:02:00.000Z"
