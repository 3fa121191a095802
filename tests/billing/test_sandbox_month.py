"""The sandbox month of the billing issue: provision on 3 January, change a package on 10 January
at 12:00, remove the subscriber on 20 January, advance to 2 February, and read exact January
reports and the January invoice — all through the API of a `--sandbox` server."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, make_partner
from tests.support import customer_body, operator_headers, subscriber_body
from tukku.app import create_app
from tukku.core.db import Database
from tukku.core.settings import Settings


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
    client: TestClient, partner: Partner, operator: dict[str, str], report_type: str
) -> list[dict[str, str]]:
    body = {"billingStartDate": "2027-01-01", "billingEndDate": "2027-01-31", "type": report_type}
    created = client.post("/v1/wholesale/billing/reports", json=body, headers=partner.headers)
    assert created.status_code == 200, created.text
    client.post("/v1/sandbox/clock", json={"advanceSeconds": 0}, headers=operator)
    report = client.get(
        f"/v1/wholesale/billing/reports/{created.json()['id']}", headers=partner.headers
    )
    assert report.json()["status"] == "COMPLETED"
    download = client.get(report.json()["tempDownloadURL"])
    return list(csv.DictReader(io.StringIO(download.text)))


def test_a_january_in_the_sandbox(sandbox: TestClient, db: Database) -> None:
    clock = sandbox.app.state.clock  # type: ignore[attr-defined]
    partner = make_partner(db, clock)
    operator = operator_headers(db, clock)
    move(sandbox, operator, "2027-01-01T00:00:00Z")
    prices = {
        "currency": "EUR",
        "effectiveFrom": "2027-01-01",
        "prices": [
            {"sku": "TK-WHL-CALLING", "monthlyPrice": "31.00"},
            {"sku": "TK-WHL-SUITE", "monthlyPrice": "49.99"},
        ],
    }
    set_prices = sandbox.put(
        "/v1/partner/priceBook",
        params={"partnerOrgId": partner.org_id},
        json=prices,
        headers=operator,
    )
    assert set_prices.status_code == 200, set_prices.text

    move(sandbox, operator, "2027-01-03T09:00:00Z")
    accepted = sandbox.post(
        "/v1/wholesale/customers",
        json=customer_body(partner, packages=["webex_calling", "webex_suite"]),
        headers=partner.headers,
    )
    move(sandbox, operator, "2027-01-03T09:00:00Z")  # no time passes; due jobs run
    customer = sandbox.get(accepted.json()["url"], headers=partner.headers).json()
    assert customer["status"] == "provisioned"
    subscriber = sandbox.post(
        "/v1/wholesale/subscribers", json=subscriber_body(customer["id"]), headers=partner.headers
    ).json()

    move(sandbox, operator, "2027-01-10T12:00:00Z")
    changed = sandbox.put(
        f"/v1/wholesale/subscribers/{subscriber['id']}",
        json={"packages": ["webex_suite"]},
        headers=partner.headers,
    )
    assert changed.status_code == 200

    move(sandbox, operator, "2027-01-20T18:00:00Z")
    removed = sandbox.delete(
        f"/v1/wholesale/subscribers/{subscriber['id']}", headers=partner.headers
    )
    assert removed.status_code == 204

    move(sandbox, operator, "2027-02-02T00:00:00Z")

    # Held by hand: webex_calling 3 Jan 09:00 → 10 Jan 12:00 = 15/24 + 6 + 1/2 days;
    # webex_suite 10 Jan 12:00 → 20 Jan 18:00 = 1/2 + 9 + 18/24 days.
    calling, suite = Decimal("0.625") + 6 + Decimal("0.5"), Decimal("0.5") + 9 + Decimal("0.75")
    expected = {"WEBEX_CALLING": calling, "WEBEX_SUITE": suite}
    by_level = {
        level: report_rows(sandbox, partner, operator, level)
        for level in ("PARTNER", "CUSTOMER", "USER")
    }
    for level, rows in by_level.items():
        assert {r["SERVICE_NAME"]: Decimal(r["QUANTITY"]) for r in rows} == expected, level
    assert {r["SUBSCRIBER_ID"] for r in by_level["USER"]} == {subscriber["id"]}

    invoices = sandbox.get("/v1/partner/invoices", headers=partner.headers).json()["items"]
    assert [i["month"] for i in invoices] == ["2027-01"]
    cent = Decimal("0.01")
    amounts = {
        "TK-WHL-CALLING": (calling * Decimal("31.00") / 31).quantize(cent, ROUND_HALF_UP),
        "TK-WHL-SUITE": (suite * Decimal("49.99") / 31).quantize(cent, ROUND_HALF_UP),
    }
    lines = {line["sku"]: Decimal(line["amount"]) for line in invoices[0]["lines"]}
    assert lines == amounts
    assert Decimal(invoices[0]["total"]) == sum(amounts.values())
