"""Setup Assist's routes: placing an order (validation, tenancy, suspension, the SKU chosen from
the seat count), reading orders, and operators advancing every phase with mail and audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select

from tests.conftest import Partner
from tests.support import error_codes, next_url, outbox, provision_customer, provision_subscriber
from tukku.audit.models import AuditEvent
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.customers.models import Customer, Location
from tukku.setup_assist.rules import PHASES, Sku

ORDERS = "/v1/partner/setupAssist/orders"
OPS_ORDERS = "/v1/ops/setupAssist/orders"
# The test clock starts on Sunday 2027-01-03: six business days later is Monday 2027-01-11.
EARLIEST = "2027-01-11"


def location_of(db: Database, customer_id: str) -> str:
    with db.unit_of_work(write=False) as session:
        found = session.scalars(
            select(Location.id)
            .join(Customer, Customer.id == Location.customer_id)
            .where(Customer.id == customer_id)
        ).first()
        assert found is not None
        return found


def customer_with_seats(
    client: TestClient, db: Database, partner: Partner, seats: int
) -> tuple[dict[str, Any], str]:
    """A provisioned customer with `seats` calling subscribers at its headquarters."""
    customer = provision_customer(client, partner)
    for _ in range(seats):
        provision_subscriber(client, partner, customer["id"])
    return customer, location_of(db, customer["id"])


def order_body(
    partner: Partner, customer: dict[str, Any], location_id: str, **overrides: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "partnerOrgId": partner.org_id,
        "customerOrgId": customer["orgId"],
        "subscriptionId": partner.subscription_id,
        "locationCount": 1,
        "locationId": location_id,
        "deploymentDate": EARLIEST,
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(("seats", "sku", "quantity"), [(5, "EXPRESS", 1), (6, "STANDARD", 6)])
def test_the_sku_follows_the_locations_seats(
    app_client: TestClient, db: Database, partner: Partner, seats: int, sku: str, quantity: int
) -> None:
    customer, location = customer_with_seats(app_client, db, partner, seats)
    placed = app_client.post(
        ORDERS, json=order_body(partner, customer, location), headers=partner.headers
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["sku"] == f"TK-WHL-SA-{sku}"
    assert order["serviceName"] == f"SETUP_ASSIST_{sku}"
    assert (order["seats"], order["quantity"]) == (seats, quantity)
    assert order["status"] == "submitted"
    assert order["phase"] is None
    assert order["partnerOrgId"] == partner.org_id
    assert order["subscriptionId"] == partner.subscription_id
    assert order["deploymentDate"] == EARLIEST
    assert order["created"] == "2027-01-03T09:00:00.000Z"
    expected = PHASES[Sku.EXPRESS if sku == "EXPRESS" else Sku.STANDARD]
    assert [p["name"] for p in order["phases"]] == [p.value for p in expected]
    assert {p["status"] for p in order["phases"]} == {"pending"}
    got = app_client.get(f"{ORDERS}/{order['id']}", headers=partner.headers)
    assert got.status_code == 200
    assert got.json() == order


def test_bad_fields_are_each_named(app_client: TestClient, db: Database, partner: Partner) -> None:
    customer, location = customer_with_seats(app_client, db, partner, 1)
    body = order_body(partner, customer, location, deploymentDate="2027-01-10", locationCount=0)
    refused = app_client.post(ORDERS, json=body, headers=partner.headers)
    assert refused.status_code == 400
    assert sorted(error_codes(refused)) == [8061, 8063]
    assert "deploymentDate" in refused.text
    assert "locationCount" in refused.text
    bad_date = order_body(partner, customer, location, deploymentDate="11/01/2027")
    refused = app_client.post(ORDERS, json=bad_date, headers=partner.headers)
    assert error_codes(refused) == [8062]
    wrong_subscription = order_body(partner, customer, location, subscriptionId="SUB-0")
    refused = app_client.post(ORDERS, json=wrong_subscription, headers=partner.headers)
    assert refused.status_code == 400
    assert error_codes(refused) == [8064]
    assert "subscriptionId" in refused.text
    missing = order_body(partner, customer, location)
    del missing["locationId"]
    refused = app_client.post(ORDERS, json=missing, headers=partner.headers)
    assert refused.status_code == 400
    assert "locationId" in refused.text
    unknown_location = order_body(partner, customer, "nowhere")
    refused = app_client.post(ORDERS, json=unknown_location, headers=partner.headers)
    assert refused.status_code == 404
    assert error_codes(refused) == [8065]


def test_holidays_setting_delays_the_earliest_date(
    settings: Settings, db: Database, clock: ManualClock, partner: Partner
) -> None:
    from tukku.app import create_app

    with_holiday = settings.model_copy(update={"setup_assist_holidays": "2027-01-07"})
    app = create_app(with_holiday, db=db, clock=clock, wall_clock=clock)
    with TestClient(app, base_url="http://tukku.test") as client:
        customer, location = customer_with_seats(client, db, partner, 1)
        body = order_body(partner, customer, location, deploymentDate=EARLIEST)
        refused = client.post(ORDERS, json=body, headers=partner.headers)
        assert error_codes(refused) == [8061]
        assert "2027-01-12" in refused.text
        body["deploymentDate"] = "2027-01-12"
        assert client.post(ORDERS, json=body, headers=partner.headers).status_code == 201


def test_holidays_setting_is_checked() -> None:
    parsed = Settings(setup_assist_holidays=" 2027-12-24,2027-12-25 ,")
    assert {d.isoformat() for d in parsed.setup_assist_holiday_dates} == {
        "2027-12-24",
        "2027-12-25",
    }
    with pytest.raises(ValidationError):
        Settings(setup_assist_holidays="2027-12-24,24.12.2027")


def test_another_partners_customer_and_order_are_not_found(
    app_client: TestClient, db: Database, partner: Partner, other_partner: Partner
) -> None:
    customer, location = customer_with_seats(app_client, db, partner, 1)
    theirs = order_body(other_partner, customer, location)
    refused = app_client.post(ORDERS, json=theirs, headers=other_partner.headers)
    assert refused.status_code == 404
    assert "customerOrgId" in refused.text
    not_me = order_body(partner, customer, location)
    refused = app_client.post(ORDERS, json=not_me, headers=other_partner.headers)
    assert refused.status_code == 404
    assert "partnerOrgId" in refused.text
    # A location of the other partner's own customer is not a location of this customer.
    own, _ = customer_with_seats(app_client, db, other_partner, 0)
    foreign_location = order_body(other_partner, own, location)
    refused = app_client.post(ORDERS, json=foreign_location, headers=other_partner.headers)
    assert refused.status_code == 404
    assert error_codes(refused) == [8065]

    order = app_client.post(ORDERS, json=not_me, headers=partner.headers).json()
    assert (
        app_client.get(f"{ORDERS}/{order['id']}", headers=other_partner.headers).status_code == 404
    )
    assert app_client.get(ORDERS, headers=other_partner.headers).json()["items"] == []


def test_a_suspended_partner_cannot_order(
    app_client: TestClient, db: Database, partner: Partner, ops: dict[str, str]
) -> None:
    customer, location = customer_with_seats(app_client, db, partner, 1)
    suspended = app_client.post(f"/v1/ops/partners/{partner.org_id}/suspend", headers=ops)
    assert suspended.status_code == 200
    body = order_body(partner, customer, location)
    refused = app_client.post(ORDERS, json=body, headers=partner.headers)
    assert refused.status_code == 403
    assert error_codes(refused) == [1023]
    app_client.post(f"/v1/ops/partners/{partner.org_id}/reactivate", headers=ops)
    assert app_client.post(ORDERS, json=body, headers=partner.headers).status_code == 201


def test_one_open_order_per_location(
    app_client: TestClient, db: Database, partner: Partner
) -> None:
    customer, location = customer_with_seats(app_client, db, partner, 1)
    body = order_body(partner, customer, location)
    assert app_client.post(ORDERS, json=body, headers=partner.headers).status_code == 201
    again = app_client.post(ORDERS, json=body, headers=partner.headers)
    assert again.status_code == 409
    assert error_codes(again) == [8066]


def test_listing_filters_and_pages(app_client: TestClient, db: Database, partner: Partner) -> None:
    ids = []
    for _ in range(3):
        customer, location = customer_with_seats(app_client, db, partner, 0)
        placed = app_client.post(
            ORDERS, json=order_body(partner, customer, location), headers=partner.headers
        )
        ids.append(placed.json()["id"])
    first = app_client.get(ORDERS, params={"max": 2}, headers=partner.headers)
    link = next_url(first)
    assert link is not None
    second = app_client.get(link, headers=partner.headers)
    assert next_url(second) is None
    listed = [o["id"] for o in first.json()["items"] + second.json()["items"]]
    assert sorted(listed) == sorted(ids)
    only = app_client.get(
        ORDERS, params={"customerOrgId": customer["orgId"]}, headers=partner.headers
    ).json()["items"]
    assert [o["id"] for o in only] == [ids[-1]]
    completed = app_client.get(ORDERS, params={"status": "completed"}, headers=partner.headers)
    assert completed.json()["items"] == []
    bad = app_client.get(ORDERS, params={"status": "done"}, headers=partner.headers)
    assert bad.status_code == 400
    assert "status" in bad.text


def test_operators_advance_every_phase_with_mail_and_audit(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
    ops: dict[str, str],
) -> None:
    customer, location = customer_with_seats(app_client, db, partner, 6)
    order = app_client.post(
        ORDERS, json=order_body(partner, customer, location), headers=partner.headers
    ).json()
    listed = app_client.get(OPS_ORDERS, params={"partnerOrgId": partner.org_id}, headers=ops)
    assert [o["id"] for o in listed.json()["items"]] == [order["id"]]
    url = f"{OPS_ORDERS}/{order['id']}/advance"
    assert app_client.post(url, headers=partner.headers).status_code == 403
    before = len(outbox(app_client, partner.admin_email))
    phases = [p.value for p in PHASES[Sku.STANDARD]]
    for position, phase in enumerate(phases):
        expected = phases[position - 1] if position else "submitted"
        moved = app_client.post(url, json={"expectedPhase": expected}, headers=ops)
        assert moved.status_code == 200, moved.text
        assert moved.json()["phase"] == phase
        assert moved.json()["status"] == "in_progress"
        clock.advance(timedelta(days=1))
    stale = app_client.post(url, json={"expectedPhase": phases[0]}, headers=ops)
    assert stale.status_code == 409
    assert error_codes(stale) == [8068]
    done = app_client.post(url, headers=ops)
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    assert done.json()["phase"] is None
    assert {p["status"] for p in done.json()["phases"]} == {"completed"}
    # Phase timestamps follow the platform clock: one phase a day from the order on.
    started = [p["started"][:10] for p in done.json()["phases"]]
    assert started == [f"2027-01-{3 + day:02d}" for day in range(len(phases))]
    support = done.json()["phases"][phases.index("post_cut_over_support")]
    assert support["endsBy"] == "2027-01-15"  # started Saturday the 9th: Monday to Friday
    again = app_client.post(url, headers=ops)
    assert again.status_code == 409
    assert error_codes(again) == [8067]

    mails = outbox(app_client, partner.admin_email)[before:]
    assert len(mails) == len(phases) + 1
    assert {m.kind for m in mails} == {"setup_assist"}
    assert "project management started" in mails[0].subject
    assert "completed" in mails[-1].subject
    assert outbox(app_client, other_partner.admin_email) == []

    seen = app_client.get(f"{ORDERS}/{order['id']}", headers=partner.headers)
    assert seen.json() == done.json()
    with db.unit_of_work(write=False) as session:
        actions = list(
            session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == order["id"]))
        )
    assert actions.count("setup_assist.order") == 1
    assert actions.count("setup_assist.advance") == len(phases) + 1


def test_unknown_order_for_operators(app_client: TestClient, ops: dict[str, str]) -> None:
    missing = app_client.post(f"{OPS_ORDERS}/nothing/advance", headers=ops)
    assert missing.status_code == 404
    assert error_codes(missing) == [8060]
    assert app_client.get(f"{OPS_ORDERS}/nothing", headers=ops).status_code == 404


def test_a_location_with_an_order_stays(
    app_client: TestClient, db: Database, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    org = {"orgId": customer["orgId"]}
    branch = app_client.post(
        "/v1/locations",
        params=org,
        json={
            "name": "Branch",
            "timeZone": "America/Denver",
            "preferredLanguage": "en_us",
            "announcementLanguage": "en_us",
            "address": {
                "address1": "1 Main St",
                "city": "Denver",
                "state": "CO",
                "postalCode": "80202",
                "country": "US",
            },
        },
        headers=partner.headers,
    )
    assert branch.status_code == 201, branch.text
    body = order_body(partner, customer, branch.json()["id"])
    assert app_client.post(ORDERS, json=body, headers=partner.headers).status_code == 201

    refused = app_client.delete(
        f"/v1/locations/{branch.json()['id']}", params=org, headers=partner.headers
    )

    assert refused.status_code == 409
    assert "1 Setup Assist order;" in refused.json()["errors"][0]["description"]
