"""A Setup Assist order through the sandbox clock into January's reports and invoice: ordered on
4 January for a location of 6 seats (Standard, per seat) and one of 2 seats (Express, flat);
advance to 2 February; every report level and the invoice include the orders, checked against
figures computed here."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, make_partner
from tests.setup_assist.test_api import location_of
from tests.support import customer_body, operator_headers, subscriber_body
from tukku.app import create_app
from tukku.core.db import Database
from tukku.core.settings import Settings

JANUARY = {"billingStartDate": "2027-01-01", "billingEndDate": "2027-01-31"}
PRICES = {"TK-WHL-CALLING": "31.00", "TK-WHL-SA-EXPRESS": "499.99", "TK-WHL-SA-STANDARD": "45.50"}


@pytest.fixture
def sandbox(database_url: str, db: Database, tmp_path: object) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database_url,
        sandbox=True,
        public_base_url="http://tukku.test",
        report_dir=f"{tmp_path}/reports",
    )
    with TestClient(create_app(settings, db=db), base_url="http://tukku.test") as client:
        yield client


def move(client: TestClient, operator: dict[str, str], instant: str) -> None:
    response = client.post("/v1/sandbox/clock", json={"now": instant}, headers=operator)
    assert response.status_code == 200, response.text


def report_rows(
    client: TestClient, partner: Partner, operator: dict[str, str], body: dict[str, str]
) -> list[dict[str, str]]:
    created = client.post("/v1/wholesale/billing/reports", json=body, headers=partner.headers)
    assert created.status_code == 200, created.text
    client.post("/v1/sandbox/clock", json={"advanceSeconds": 0}, headers=operator)
    report = client.get(
        f"/v1/wholesale/billing/reports/{created.json()['id']}", headers=partner.headers
    )
    assert report.json()["status"] == "COMPLETED", report.text
    return list(csv.DictReader(io.StringIO(client.get(report.json()["tempDownloadURL"]).text)))


def customer_with_seats(
    client: TestClient, db: Database, partner: Partner, operator: dict[str, str], seats: int
) -> tuple[dict[str, object], str]:
    accepted = client.post(
        "/v1/wholesale/customers",
        json=customer_body(partner, packages=["webex_calling"]),
        headers=partner.headers,
    )
    assert accepted.status_code == 202, accepted.text
    move(client, operator, "2027-01-04T09:00:00Z")  # no time passes; due jobs run
    customer = client.get(accepted.json()["url"], headers=partner.headers).json()
    assert customer["status"] == "provisioned"
    for _ in range(seats):
        made = client.post(
            "/v1/wholesale/subscribers",
            json=subscriber_body(str(customer["id"])),
            headers=partner.headers,
        )
        assert made.status_code == 200, made.text
    return customer, location_of(db, str(customer["id"]))


def test_orders_appear_in_every_report_and_on_the_invoice(
    sandbox: TestClient, db: Database
) -> None:
    clock = sandbox.app.state.clock  # type: ignore[attr-defined]
    partner = make_partner(db, clock)
    operator = operator_headers(db, clock)
    move(sandbox, operator, "2027-01-01T00:00:00Z")
    prices = {
        "currency": "EUR",
        "effectiveFrom": "2027-01-01",
        "prices": [{"sku": sku, "monthlyPrice": price} for sku, price in PRICES.items()],
    }
    set_prices = sandbox.put(
        "/v1/partner/priceBook",
        params={"partnerOrgId": partner.org_id},
        json=prices,
        headers=operator,
    )
    assert set_prices.status_code == 200, set_prices.text

    move(sandbox, operator, "2027-01-04T09:00:00Z")
    seats = {"standard": 6, "express": 2}
    orders = {}
    for name, count in seats.items():
        customer, location = customer_with_seats(sandbox, db, partner, operator, count)
        placed = sandbox.post(
            "/v1/partner/setupAssist/orders",
            json={
                "partnerOrgId": partner.org_id,
                "customerOrgId": customer["orgId"],
                "subscriptionId": partner.subscription_id,
                "locationCount": 1,
                "locationId": location,
                "deploymentDate": "2027-01-12",
            },
            headers=partner.headers,
        )
        assert placed.status_code == 201, placed.text
        orders[name] = (customer, location, placed.json())
    assert orders["standard"][2]["sku"] == "TK-WHL-SA-STANDARD"
    assert orders["express"][2]["sku"] == "TK-WHL-SA-EXPRESS"

    move(sandbox, operator, "2027-01-05T10:00:00Z")
    advanced = sandbox.post(
        f"/v1/ops/setupAssist/orders/{orders['express'][2]['id']}/advance", headers=operator
    )
    assert advanced.json()["phases"][0]["started"] == "2027-01-05T10:00:00.000Z"

    move(sandbox, operator, "2027-02-02T00:00:00Z")

    # Worked by hand: 8 calling subscribers from 4 Jan 09:00 to the month's end, 27 days and
    # 15 hours each; Standard billed per seat (6), Express once (1), both on 4 January.
    calling = 8 * (27 + Decimal(15) / 24)
    expected = {
        "WEBEX_CALLING": calling,
        "SETUP_ASSIST_STANDARD": Decimal(6),
        "SETUP_ASSIST_EXPRESS": Decimal(1),
    }
    partner_rows = report_rows(sandbox, partner, operator, {**JANUARY, "type": "PARTNER"})
    assert {r["SERVICE_NAME"]: Decimal(r["QUANTITY"]) for r in partner_rows} == expected
    for row in partner_rows:
        if row["SERVICE_NAME"].startswith("SETUP_ASSIST"):
            assert (row["CONSUMPTION_START_DATE"], row["CONSUMPTION_END_DATE"]) == (
                "2027-01-04",
                "2027-01-04",
            )
            assert row["SUBSCRIPTION_ID"] == partner.subscription_id

    customer_rows = report_rows(sandbox, partner, operator, {**JANUARY, "type": "CUSTOMER"})
    summed: dict[str, Decimal] = defaultdict(Decimal)
    for row in customer_rows:
        summed[row["SERVICE_NAME"]] += Decimal(row["QUANTITY"])
    assert summed == expected  # the partner total is the sum of the customers'
    by_customer = {
        (r["CUSTOMER_ORG_ID"], r["SERVICE_NAME"]): Decimal(r["QUANTITY"]) for r in customer_rows
    }
    assert by_customer[(orders["standard"][0]["orgId"], "SETUP_ASSIST_STANDARD")] == 6
    assert by_customer[(orders["express"][0]["orgId"], "SETUP_ASSIST_EXPRESS")] == 1

    user_rows = report_rows(sandbox, partner, operator, {**JANUARY, "type": "USER"})
    assist = [r for r in user_rows if r["SERVICE_NAME"].startswith("SETUP_ASSIST")]
    assert {(r["LOCATION_ID"], r["SUBSCRIBER_ID"]) for r in assist} == {
        (orders["standard"][1], ""),
        (orders["express"][1], ""),
    }

    february = {"billingStartDate": "2027-02-01", "billingEndDate": "2027-02-01"}
    later = report_rows(sandbox, partner, operator, {**february, "type": "PARTNER"})
    assert {r["SERVICE_NAME"] for r in later} == {"WEBEX_CALLING"}  # charged once only

    invoices = sandbox.get("/v1/partner/invoices", headers=partner.headers).json()["items"]
    assert [i["month"] for i in invoices] == ["2027-01"]
    cent = Decimal("0.01")
    amounts = {
        "TK-WHL-CALLING": (calling * Decimal(PRICES["TK-WHL-CALLING"]) / 31).quantize(
            cent, ROUND_HALF_UP
        ),
        "TK-WHL-SA-STANDARD": 6 * Decimal(PRICES["TK-WHL-SA-STANDARD"]),
        "TK-WHL-SA-EXPRESS": 1 * Decimal(PRICES["TK-WHL-SA-EXPRESS"]),
    }
    lines = {line["sku"]: Decimal(line["amount"]) for line in invoices[0]["lines"]}
    assert lines == amounts
    assert Decimal(invoices[0]["total"]) == sum(amounts.values())
    described = {line["sku"]: line["description"] for line in invoices[0]["lines"]}
    assert "per seat" in described["TK-WHL-SA-STANDARD"]
