"""A workspace with Webex Calling in the sandbox: created on 5 January at 06:00, deleted on
25 January at 18:00, read back on 2 February from the PARTNER, CUSTOMER and USER reports (its
own USER row) and the January invoice — all through the API of a `--sandbox` server, the
sandbox clock driving it."""

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

CMNAREA = "TK-WHL-CMNAREA"


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
    return list(csv.DictReader(io.StringIO(client.get(report.json()["tempDownloadURL"]).text)))


def test_a_workspace_is_billed_for_the_time_it_has_calling(
    sandbox: TestClient, db: Database
) -> None:
    clock = sandbox.app.state.clock  # type: ignore[attr-defined]
    partner = make_partner(db, clock)
    operator = operator_headers(db, clock)
    move(sandbox, operator, "2027-01-01T00:00:00Z")
    prices = {
        "currency": "EUR",
        "effectiveFrom": "2027-01-01",
        "prices": [
            {"sku": "TK-WHL-CALLING", "monthlyPrice": "31.00"},
            {"sku": CMNAREA, "monthlyPrice": "9.30"},
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
    body = customer_body(partner, packages=["webex_calling", "common_area_calling"])
    accepted = sandbox.post("/v1/wholesale/customers", json=body, headers=partner.headers)
    move(sandbox, operator, "2027-01-03T09:00:00Z")  # no time passes; due jobs run
    customer = sandbox.get(accepted.json()["url"], headers=partner.headers).json()
    assert customer["status"] == "provisioned"
    org = {"orgId": customer["orgId"]}
    location = sandbox.get("/v1/locations", params=org, headers=partner.headers).json()
    subscriber = sandbox.post(
        "/v1/wholesale/subscribers", json=subscriber_body(customer["id"]), headers=partner.headers
    ).json()

    move(sandbox, operator, "2027-01-05T06:00:00Z")
    webex = {"locationId": location["items"][0]["id"], "extension": "4001"}
    created = sandbox.post(
        "/v1/workspaces",
        params=org,
        json={"displayName": "Lobby", "calling": {"type": "webexCalling", "webexCalling": webex}},
        headers=partner.headers,
    )
    assert created.status_code == 201, created.text
    workspace = created.json()["id"]
    move(sandbox, operator, "2027-01-25T18:00:00Z")
    deleted = sandbox.delete(f"/v1/workspaces/{workspace}", params=org, headers=partner.headers)
    assert deleted.status_code == 204
    move(sandbox, operator, "2027-02-02T00:00:00Z")

    # By hand: 5 Jan from 06:00 (0.75) + 6..24 Jan (19) + 25 Jan until 18:00 (0.75) = 20.5;
    # the subscriber: 3 Jan from 09:00 (0.625) + 4..31 Jan (28) = 28.625.
    common_area, calling = Decimal("20.5"), Decimal("28.625")
    expected = {"WEBEX_CALLING": calling, "COMMON_AREA_CALLING": common_area}
    for level in ("PARTNER", "CUSTOMER"):
        rows = report_rows(sandbox, partner, operator, level)
        assert {r["SERVICE_NAME"]: Decimal(r["QUANTITY"]) for r in rows} == expected, level
    users = report_rows(sandbox, partner, operator, "USER")
    by_holder = {
        (r["SUBSCRIBER_ID"], r["WORKSPACE_ID"]): (r["SERVICE_NAME"], Decimal(r["QUANTITY"]))
        for r in users
    }
    assert by_holder == {
        (subscriber["id"], ""): ("WEBEX_CALLING", calling),
        ("", workspace): ("COMMON_AREA_CALLING", common_area),
    }

    invoices = sandbox.get("/v1/partner/invoices", headers=partner.headers).json()["items"]
    assert [i["month"] for i in invoices] == ["2027-01"]
    lines = {line["sku"]: Decimal(line["amount"]) for line in invoices[0]["lines"]}
    cent = Decimal("0.01")
    assert lines[CMNAREA] == (common_area * Decimal("9.30") / 31).quantize(cent, ROUND_HALF_UP)
    assert lines["TK-WHL-CALLING"] == (calling * Decimal("31.00") / 31).quantize(
        cent, ROUND_HALF_UP
    )
