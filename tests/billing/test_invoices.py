"""`/v1/partner/invoices`: the monthly invoice in arrears, checked against a hand calculation
and against the same month's PARTNER billing report.

Rule under test: per SKU, quantity (user-days) × monthly price ÷ days of the month, exact, rounded
once per line, half up, to the currency's minor unit; total = Σ lines.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import error_codes, provision_customer, provision_subscriber
from tukku.core.clock import ManualClock

INVOICES = "/v1/partner/invoices"
CALLING = "TK-WHL-CALLING"
MEETINGS = "TK-WHL-MEETINGS"
CENT = Decimal("0.01")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


# ---- the independent oracle ------------------------------------------------------------------


def user_days(start: datetime, end: datetime | None, first: date, last: date) -> Decimal:
    """User-days a package held from `start` until `end` (None: still held) counts in the days
    `first`..`last`: per UTC day, the share of its 86,400 seconds it was held."""
    total = Decimal(0)
    day = first
    while day <= last:
        lower = datetime(day.year, day.month, day.day, tzinfo=UTC)
        upper = lower + timedelta(days=1)
        held = min(upper, end or upper) - max(lower, start)
        if held > timedelta(0):
            total += Decimal(int(held.total_seconds())) / Decimal(86_400)
        day += timedelta(days=1)
    return total


def amount(quantity: Decimal, monthly_price: str, days: int, places: str = "0.01") -> Decimal:
    """quantity × price ÷ days, rounded once, half up, to the minor unit."""
    exact = quantity * Decimal(monthly_price) / Decimal(days)
    return exact.quantize(Decimal(places), rounding=ROUND_HALF_UP)


JAN_1, JAN_31 = date(2027, 1, 1), date(2027, 1, 31)
PROVISIONED = utc(2027, 1, 3, 9, 0)
CHANGED = utc(2027, 1, 10, 12, 0)
REMOVED = utc(2027, 1, 20, 18, 0)


# ---- helpers -----------------------------------------------------------------------------------


def set_prices(
    client: TestClient,
    ops: dict[str, str],
    partner: Partner,
    prices: dict[str, str],
    *,
    currency: str = "EUR",
    effective_from: str = "2027-01-01",
) -> None:
    body = {
        "currency": currency,
        "effectiveFrom": effective_from,
        "prices": [{"sku": sku, "monthlyPrice": price} for sku, price in prices.items()],
    }
    response = client.put(
        "/v1/partner/priceBook", params={"partnerOrgId": partner.org_id}, json=body, headers=ops
    )
    assert response.status_code == 200, response.text


def run_invoice_job_at(client: TestClient, clock: ManualClock, moment: datetime) -> None:
    """Move the platform clock, enqueue the periodic jobs due by then, run them."""
    clock.set(moment)
    client.app.state.drainer.tick_schedule()  # type: ignore[attr-defined]
    drain(client)


def invoices_of(client: TestClient, headers: dict[str, str], **params: str) -> list[Any]:
    response = client.get(INVOICES, params=params, headers=headers)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


def lines_by_sku(invoice: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["sku"]: line for line in invoice["lines"]}


def meetings_subscriber(client: TestClient, partner: Partner, customer_id: str) -> dict[str, Any]:
    body_params = {"firstName": "Grace", "lastName": "Hopper"}
    return provision_subscriber(
        client,
        partner,
        customer_id,
        packages=["webex_meetings"],
        provisioningParameters=body_params,
    )


@dataclass(frozen=True)
class January:
    """The scripted January: A (calling → meetings → removed) and B (calling all along)."""

    customer: dict[str, Any]
    calling: Decimal
    meetings: Decimal


def script_january(client: TestClient, clock: ManualClock, partner: Partner) -> January:
    """Subscriber A provisioned 3 Jan 09:00 on webex_calling, moved to webex_meetings on
    10 Jan 12:00, removed 20 Jan 18:00; subscriber B on webex_calling from 3 Jan 09:00 on."""
    assert clock.now() == PROVISIONED
    customer = provision_customer(client, partner)  # also starts the periodic schedule
    a = provision_subscriber(client, partner, customer["id"])
    provision_subscriber(client, partner, customer["id"])
    clock.set(CHANGED)
    moved = client.put(
        f"/v1/wholesale/subscribers/{a['id']}",
        json={"packages": ["webex_meetings"]},
        headers=partner.headers,
    )
    assert moved.status_code == 200, moved.text
    clock.set(REMOVED)
    removed = client.delete(f"/v1/wholesale/subscribers/{a['id']}", headers=partner.headers)
    assert removed.status_code == 204, removed.text
    calling = user_days(PROVISIONED, CHANGED, JAN_1, JAN_31) + user_days(
        PROVISIONED, None, JAN_1, JAN_31
    )
    meetings = user_days(CHANGED, REMOVED, JAN_1, JAN_31)
    # by hand: A 0.625 + 6 + 0.5, B 0.625 + 28; A on meetings 0.5 + 9 + 0.75
    assert (calling, meetings) == (Decimal("35.75"), Decimal("10.25"))
    return January(customer, calling, meetings)


def partner_report_quantities(
    client: TestClient, partner: Partner, start: str, end: str
) -> dict[str, Decimal]:
    """SKU → QUANTITY of the PARTNER billing report for `start`..`end`, downloaded as CSV."""
    created = client.post(
        "/v1/wholesale/billing/reports",
        json={"billingStartDate": start, "billingEndDate": end},
        headers=partner.headers,
    )
    assert created.status_code == 200, created.text
    drain(client)
    report = client.get(
        f"/v1/wholesale/billing/reports/{created.json()['id']}", headers=partner.headers
    ).json()
    assert report["status"] == "COMPLETED", report
    download = client.get(report["tempDownloadURL"])
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len({r["SKU"] for r in rows}) == len(rows)  # one row per SKU
    return {r["SKU"]: Decimal(r["QUANTITY"]) for r in rows}


# Prices chosen so that the rounding rule shows: 35.75 × 12.50 ÷ 31 = 14.4153… (per-user
# rounding would give 2.87 + 11.54 = 14.41), 10.25 × 3.10 ÷ 31 = 1.025 exactly (half up: 1.03;
# half even or truncation: 1.02).
PRICES = {CALLING: "12.50", MEETINGS: "3.10"}


@pytest.fixture
def january(
    app_client: TestClient, clock: ManualClock, partner: Partner, ops: dict[str, str]
) -> January:
    """The scripted January with prices from 2027-01-01, invoiced at 2027-02-01 03:00."""
    set_prices(app_client, ops, partner, PRICES)
    history = script_january(app_client, clock, partner)
    run_invoice_job_at(app_client, clock, utc(2027, 2, 1, 3, 0))
    return history


# ---- tests -------------------------------------------------------------------------------------


def test_january_invoice_is_user_days_times_price_over_31_rounded_once_half_up(
    app_client: TestClient, partner: Partner, january: January
) -> None:
    listed = invoices_of(app_client, partner.headers)
    by_month = invoices_of(app_client, partner.headers, month="2027-01")

    assert [i["month"] for i in listed] == ["2027-01"]
    assert by_month == listed
    assert invoices_of(app_client, partner.headers, month="2026-12") == []
    response = app_client.get(f"{INVOICES}/{listed[0]['id']}", headers=partner.headers)
    assert response.status_code == 200
    invoice = response.json()
    assert invoice == listed[0]
    assert invoice["partnerOrgId"] == partner.org_id
    assert invoice["subscriptionId"] == partner.subscription_id
    assert invoice["currency"] == "EUR"
    lines = lines_by_sku(invoice)
    assert set(lines) == {CALLING, MEETINGS}
    expected_calling = amount(january.calling, "12.50", 31)
    expected_meetings = amount(january.meetings, "3.10", 31)
    assert (expected_calling, expected_meetings) == (Decimal("14.42"), Decimal("1.03"))
    calling, meetings = lines[CALLING], lines[MEETINGS]
    assert Decimal(calling["quantity"]) == january.calling
    assert Decimal(meetings["quantity"]) == january.meetings
    assert (calling["monthlyPrice"], meetings["monthlyPrice"]) == ("12.50", "3.10")
    assert (calling["amount"], meetings["amount"]) == (
        str(expected_calling),
        str(expected_meetings),
    )
    assert (calling["serviceName"], meetings["serviceName"]) == ("WEBEX_CALLING", "WEBEX_MEETINGS")
    assert invoice["total"] == str(expected_calling + expected_meetings) == "15.45"
    assert Decimal(invoice["total"]) == sum(Decimal(line["amount"]) for line in invoice["lines"])


def test_invoice_lines_match_the_months_partner_report_to_the_cent(
    app_client: TestClient, partner: Partner, january: January
) -> None:
    invoice = invoices_of(app_client, partner.headers, month="2027-01")[0]

    report = partner_report_quantities(app_client, partner, "2027-01-01", "2027-01-31")

    lines = lines_by_sku(invoice)
    assert set(report) == set(lines)
    assert report == {CALLING: january.calling, MEETINGS: january.meetings}
    for sku, quantity in report.items():
        assert Decimal(lines[sku]["quantity"]) == quantity
        assert Decimal(lines[sku]["amount"]) == amount(quantity, PRICES[sku], 31)


def test_invoice_csv_has_a_row_per_sku_and_the_total(
    app_client: TestClient, partner: Partner, january: January
) -> None:
    invoice = invoices_of(app_client, partner.headers)[0]

    response = app_client.get(f"{INVOICES}/{invoice['id']}/csv", headers=partner.headers)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["SKU"] for r in rows] == [CALLING, MEETINGS, ""]
    assert {r["MONTH"] for r in rows} == {"2027-01"}
    assert {r["CURRENCY"] for r in rows} == {"EUR"}
    for row, line in zip(rows, invoice["lines"], strict=False):
        assert row["SKU"] == line["sku"]
        assert Decimal(row["QUANTITY"]) == Decimal(line["quantity"])
        assert row["MONTHLY_PRICE"] == line["monthlyPrice"]
        assert row["AMOUNT"] == line["amount"]
    total = rows[-1]
    assert total["SERVICE_NAME"] == "TOTAL"
    assert total["AMOUNT"] == invoice["total"]
    assert Decimal(total["AMOUNT"]) == sum(Decimal(r["AMOUNT"]) for r in rows[:-1])


def test_running_the_job_again_issues_no_second_invoice(
    app_client: TestClient, partner: Partner, clock: ManualClock, january: January
) -> None:
    first = invoices_of(app_client, partner.headers)

    app_client.app.state.drainer.tick_schedule()  # type: ignore[attr-defined]
    drain(app_client)
    run_invoice_job_at(app_client, clock, utc(2027, 2, 2, 3, 0))

    assert invoices_of(app_client, partner.headers) == first
    assert len(first) == 1


def test_a_month_without_prices_on_its_first_day_is_not_invoiced(
    app_client: TestClient, partner: Partner, clock: ManualClock, ops: dict[str, str]
) -> None:
    set_prices(app_client, ops, partner, {CALLING: "12.50"}, effective_from="2027-02-01")
    customer = provision_customer(app_client, partner)
    provision_subscriber(app_client, partner, customer["id"])

    run_invoice_job_at(app_client, clock, utc(2027, 2, 1, 3, 0))
    assert invoices_of(app_client, partner.headers) == []
    run_invoice_job_at(app_client, clock, utc(2027, 2, 28, 23, 0))
    assert invoices_of(app_client, partner.headers) == []
    run_invoice_job_at(app_client, clock, utc(2027, 3, 1, 3, 0))

    invoices = invoices_of(app_client, partner.headers)
    assert [i["month"] for i in invoices] == ["2027-02"]
    line = lines_by_sku(invoices[0])[CALLING]
    february = user_days(PROVISIONED, None, date(2027, 2, 1), date(2027, 2, 28))
    assert february == 28
    assert Decimal(line["quantity"]) == february
    # a whole month of one user costs exactly the monthly price
    assert line["amount"] == str(amount(february, "12.50", 28)) == "12.50"
    assert invoices[0]["total"] == "12.50"


@pytest.mark.parametrize(
    ("currency", "price", "places", "expected"),
    [
        # 28.625 × 1000 ÷ 31 = 923.387… yen
        ("JPY", "1000", "1", "923"),
        # 28.625 × 12.345 ÷ 31 = 11.39923… dinars (three decimals: fils)
        ("KWD", "12.345", "0.001", "11.399"),
    ],
)
def test_amounts_are_rounded_to_the_currencys_minor_unit(
    app_client: TestClient,
    partner: Partner,
    clock: ManualClock,
    ops: dict[str, str],
    currency: str,
    price: str,
    places: str,
    expected: str,
) -> None:
    set_prices(app_client, ops, partner, {CALLING: price}, currency=currency)
    customer = provision_customer(app_client, partner)
    provision_subscriber(app_client, partner, customer["id"])

    run_invoice_job_at(app_client, clock, utc(2027, 2, 1, 3, 0))

    invoice = invoices_of(app_client, partner.headers)[0]
    quantity = user_days(PROVISIONED, None, JAN_1, JAN_31)
    assert str(amount(quantity, price, 31, places)) == expected
    assert invoice["currency"] == currency
    assert lines_by_sku(invoice)[CALLING]["amount"] == expected
    assert invoice["total"] == expected


def test_an_internal_customers_usage_is_not_invoiced(
    app_client: TestClient, partner: Partner, clock: ManualClock, ops: dict[str, str]
) -> None:
    set_prices(app_client, ops, partner, {CALLING: "12.50"})
    billed = provision_customer(app_client, partner)
    internal = provision_customer(app_client, partner)
    provision_subscriber(app_client, partner, billed["id"])
    for _ in range(2):
        provision_subscriber(app_client, partner, internal["id"])
    marked = app_client.patch(
        f"/v1/ops/organizations/{internal['orgId']}", json={"internal": True}, headers=ops
    )
    assert marked.status_code == 200, marked.text

    run_invoice_job_at(app_client, clock, utc(2027, 2, 1, 3, 0))

    invoice = invoices_of(app_client, partner.headers)[0]
    quantity = user_days(PROVISIONED, None, JAN_1, JAN_31)  # the billed customer's one user
    line = lines_by_sku(invoice)[CALLING]
    assert Decimal(line["quantity"]) == quantity
    assert line["amount"] == str(amount(quantity, "12.50", 31))
    assert invoice["total"] == line["amount"]


def test_a_used_sku_missing_from_the_price_book_is_invoiced_at_zero(
    app_client: TestClient, partner: Partner, clock: ManualClock, ops: dict[str, str]
) -> None:
    set_prices(app_client, ops, partner, {CALLING: "12.50"})
    customer = provision_customer(app_client, partner)
    provision_subscriber(app_client, partner, customer["id"])
    meetings_subscriber(app_client, partner, customer["id"])

    run_invoice_job_at(app_client, clock, utc(2027, 2, 1, 3, 0))

    invoice = invoices_of(app_client, partner.headers)[0]
    lines = lines_by_sku(invoice)
    quantity = user_days(PROVISIONED, None, JAN_1, JAN_31)
    assert set(lines) == {CALLING, MEETINGS}
    assert Decimal(lines[MEETINGS]["quantity"]) == quantity
    assert lines[MEETINGS]["monthlyPrice"] == "0.00"
    assert lines[MEETINGS]["amount"] == "0.00"
    assert lines[CALLING]["amount"] == str(amount(quantity, "12.50", 31))
    assert invoice["total"] == lines[CALLING]["amount"]


def test_invoices_are_per_partner_and_operators_read_any(
    app_client: TestClient,
    partner: Partner,
    other_partner: Partner,
    ops: dict[str, str],
    january: January,
) -> None:
    invoice = invoices_of(app_client, partner.headers)[0]
    url = f"{INVOICES}/{invoice['id']}"
    theirs = {"partnerOrgId": partner.org_id}

    other_get = app_client.get(url, headers=other_partner.headers)
    other_csv = app_client.get(f"{url}/csv", headers=other_partner.headers)
    other_named = app_client.get(INVOICES, params=theirs, headers=other_partner.headers)

    assert other_get.status_code == 404
    assert error_codes(other_get) == [6010]
    assert other_csv.status_code == 404
    assert invoices_of(app_client, other_partner.headers) == []
    assert other_named.status_code == 404
    assert invoices_of(app_client, ops, partnerOrgId=partner.org_id) == [invoice]
    assert app_client.get(url, params=theirs, headers=ops).json() == invoice
    as_csv = app_client.get(f"{url}/csv", params=theirs, headers=ops)
    assert as_csv.status_code == 200
    assert as_csv.text == app_client.get(f"{url}/csv", headers=partner.headers).text
    assert invoices_of(app_client, ops, partnerOrgId=other_partner.org_id) == []
    unnamed = app_client.get(INVOICES, headers=ops)
    assert unnamed.status_code == 400
    unknown = app_client.get(f"{INVOICES}/bm8taW52b2ljZQ", headers=partner.headers)
    assert unknown.status_code == 404
    assert error_codes(unknown) == [6010]


def test_a_malformed_month_filter_is_a_400(app_client: TestClient, partner: Partner) -> None:
    for month in ("2027-1", "January", "2027-13"):
        response = app_client.get(INVOICES, params={"month": month}, headers=partner.headers)
        assert response.status_code == 400, month
