"""`/v1/partner/priceBook`: operators set a partner's monthly prices, partners read theirs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import error_codes
from tukku.core.clock import ManualClock

URL = "/v1/partner/priceBook"
VERSIONS = f"{URL}/versions"
CALLING = "TK-WHL-CALLING"
MEETINGS = "TK-WHL-MEETINGS"


def put_prices(client: TestClient, ops: dict[str, str], partner: Partner, **body: Any) -> Any:
    """PUT a price book for `partner` (the raw response)."""
    return client.put(URL, params={"partnerOrgId": partner.org_id}, json=body, headers=ops)


def prices_of(book: dict[str, Any]) -> dict[str, str]:
    """SKU → monthlyPrice of a price book answer."""
    return {p["sku"]: p["monthlyPrice"] for p in book["prices"]}


def test_operator_sets_prices_and_the_partner_reads_them(
    app_client: TestClient, ops: dict[str, str], partner: Partner
) -> None:
    response = put_prices(
        app_client,
        ops,
        partner,
        currency="EUR",
        prices=[
            {"sku": MEETINGS, "monthlyPrice": "7.5"},
            {"sku": CALLING, "monthlyPrice": "12.50"},
            {"sku": "TK-WHL-CALLPLAN", "monthlyPrice": "0.123456"},
        ],
    )

    assert response.status_code == 200, response.text
    book = response.json()
    assert book["partnerOrgId"] == partner.org_id
    assert book["subscriptionId"] == partner.subscription_id
    assert book["currency"] == "EUR"
    assert book["effectiveFrom"] == "2027-01-01"  # default: this month (clock: 2027-01-03)
    assert prices_of(book) == {
        CALLING: "12.50",
        MEETINGS: "7.50",
        "TK-WHL-CALLPLAN": "0.123456",
    }
    packages = {p["sku"]: p["package"] for p in book["prices"]}
    assert packages == {
        CALLING: "webex_calling",
        MEETINGS: "webex_meetings",
        "TK-WHL-CALLPLAN": "cisco_calling_plan",
    }
    mine = app_client.get(URL, headers=partner.headers)
    assert mine.status_code == 200
    assert mine.json() == book
    as_operator = app_client.get(URL, params={"partnerOrgId": partner.org_id}, headers=ops)
    assert as_operator.status_code == 200
    assert as_operator.json() == book


def test_versions_are_listed_newest_first_and_a_future_one_waits_for_its_month(
    app_client: TestClient, ops: dict[str, str], partner: Partner, clock: ManualClock
) -> None:
    for month, price in (("2027-01-01", "10.00"), ("2027-03-01", "11.00"), ("2026-11-01", "9")):
        body = {
            "currency": "EUR",
            "effectiveFrom": month,
            "prices": [{"sku": CALLING, "monthlyPrice": price}],
        }
        assert put_prices(app_client, ops, partner, **body).status_code == 200

    versions = app_client.get(VERSIONS, headers=partner.headers)
    today = app_client.get(URL, headers=partner.headers).json()

    assert versions.status_code == 200
    items = versions.json()["items"]
    assert [v["effectiveFrom"] for v in items] == ["2027-03-01", "2027-01-01", "2026-11-01"]
    assert [prices_of(v) for v in items] == [
        {CALLING: "11.00"},
        {CALLING: "10.00"},
        {CALLING: "9.00"},
    ]
    assert today["effectiveFrom"] == "2027-01-01"
    assert prices_of(today) == {CALLING: "10.00"}

    clock.set(datetime(2027, 2, 28, 23, 59, 59, tzinfo=UTC))
    assert app_client.get(URL, headers=partner.headers).json()["effectiveFrom"] == "2027-01-01"
    clock.set(datetime(2027, 3, 1, 0, 0, tzinfo=UTC))
    march = app_client.get(URL, headers=partner.headers).json()
    assert march["effectiveFrom"] == "2027-03-01"
    assert prices_of(march) == {CALLING: "11.00"}


def test_setting_the_same_month_again_replaces_its_prices(
    app_client: TestClient, ops: dict[str, str], partner: Partner
) -> None:
    first = {
        "currency": "EUR",
        "effectiveFrom": "2027-01-01",
        "prices": [
            {"sku": CALLING, "monthlyPrice": "12.50"},
            {"sku": MEETINGS, "monthlyPrice": "7.50"},
        ],
    }
    assert put_prices(app_client, ops, partner, **first).status_code == 200

    again = put_prices(
        app_client,
        ops,
        partner,
        currency="USD",
        effectiveFrom="2027-01-01",
        prices=[{"sku": CALLING, "monthlyPrice": "10"}],
    )

    assert again.status_code == 200, again.text
    book = app_client.get(URL, headers=partner.headers).json()
    assert book["currency"] == "USD"
    assert prices_of(book) == {CALLING: "10.00"}
    versions = app_client.get(VERSIONS, headers=partner.headers).json()["items"]
    assert len(versions) == 1
    assert prices_of(versions[0]) == {CALLING: "10.00"}


def test_a_month_an_invoice_used_cannot_change(
    app_client: TestClient, ops: dict[str, str], partner: Partner, clock: ManualClock
) -> None:
    drain(app_client)
    january = {
        "currency": "EUR",
        "effectiveFrom": "2027-01-01",
        "prices": [{"sku": CALLING, "monthlyPrice": "12.50"}],
    }
    assert put_prices(app_client, ops, partner, **january).status_code == 200
    clock.set(datetime(2027, 2, 1, 3, 0, tzinfo=UTC))
    app_client.app.state.drainer.tick_schedule()  # type: ignore[attr-defined]
    drain(app_client)
    invoices = app_client.get("/v1/partner/invoices", headers=partner.headers).json()["items"]
    assert [i["month"] for i in invoices] == ["2027-01"]

    changed = put_prices(
        app_client, ops, partner, **{**january, "prices": [{"sku": CALLING, "monthlyPrice": "1"}]}
    )
    february = put_prices(
        app_client,
        ops,
        partner,
        currency="EUR",
        effectiveFrom="2027-02-01",
        prices=[{"sku": CALLING, "monthlyPrice": "1"}],
    )

    assert changed.status_code == 409
    assert error_codes(changed) == [1020]
    assert "2027-01" in changed.json()["message"]
    assert february.status_code == 200, february.text
    versions = app_client.get(VERSIONS, headers=partner.headers).json()["items"]
    assert [(v["effectiveFrom"], prices_of(v)) for v in versions] == [
        ("2027-02-01", {CALLING: "1.00"}),
        ("2027-01-01", {CALLING: "12.50"}),
    ]


def test_a_new_version_cannot_take_effect_in_an_invoiced_month(
    app_client: TestClient, ops: dict[str, str], partner: Partner, clock: ManualClock
) -> None:
    drain(app_client)
    january = {
        "currency": "EUR",
        "effectiveFrom": "2027-01-01",
        "prices": [{"sku": CALLING, "monthlyPrice": "12.50"}],
    }
    assert put_prices(app_client, ops, partner, **january).status_code == 200
    clock.set(datetime(2027, 3, 1, 3, 0, tzinfo=UTC))
    app_client.app.state.drainer.tick_schedule()  # type: ignore[attr-defined]
    drain(app_client)
    invoices = app_client.get("/v1/partner/invoices", headers=partner.headers).json()["items"]
    assert [i["month"] for i in invoices] == ["2027-02", "2027-01"]  # both at January's prices

    february = put_prices(app_client, ops, partner, **{**january, "effectiveFrom": "2027-02-01"})
    march = put_prices(app_client, ops, partner, **{**january, "effectiveFrom": "2027-03-01"})

    # February is invoiced at 12.50: a version from February on would rewrite its prices
    assert february.status_code == 409, february.text
    assert error_codes(february) == [1020]
    assert "2027-02" in february.json()["message"]
    assert march.status_code == 200, march.text
    versions = app_client.get(VERSIONS, headers=partner.headers).json()["items"]
    assert [v["effectiveFrom"] for v in versions] == ["2027-03-01", "2027-01-01"]


def test_every_problem_of_a_price_book_is_reported_together(
    app_client: TestClient, ops: dict[str, str], partner: Partner
) -> None:
    response = put_prices(
        app_client,
        ops,
        partner,
        currency="eur",
        effectiveFrom="2027-02-15",
        prices=[
            {"sku": "TK-NO-SUCH", "monthlyPrice": "1.00"},
            {"sku": CALLING, "monthlyPrice": "12.50"},
            {"sku": CALLING, "monthlyPrice": "13.50"},
            {"sku": MEETINGS, "monthlyPrice": "-1"},
            {"sku": "TK-WHL-SUITE", "monthlyPrice": "1.0000001"},
            {"sku": "TK-WHL-VOICE", "monthlyPrice": "twelve"},
        ],
    )

    assert response.status_code == 400
    assert sorted(error_codes(response)) == [6006, 6006, 6006, 6007, 6007, 6008, 6011]
    message = response.json()["message"]
    for field in (
        "currency",
        "effectiveFrom",
        "prices[0].sku",
        "prices[2].sku",
        "prices[3].monthlyPrice",
        "prices[4].monthlyPrice",
        "prices[5].monthlyPrice",
    ):
        assert field in message
    nothing = app_client.get(URL, headers=partner.headers)
    assert nothing.status_code == 404
    assert error_codes(nothing) == [6009]
    assert app_client.get(VERSIONS, headers=partner.headers).json()["items"] == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"currency": "EURO"}, 6008),
        ({"currency": "E1R"}, 6008),
        ({"currency": ""}, 6008),
        ({"effectiveFrom": "2027-02"}, 6011),
        ({"effectiveFrom": "2027-13-01"}, 6011),
        ({"effectiveFrom": "1 Feb 2027"}, 6011),
        ({"effectiveFrom": "2027-W05-1"}, 6011),  # an ISO week date (Monday 2027-02-01)
        ({"prices": [{"sku": CALLING, "monthlyPrice": "NaN"}]}, 6006),
        ({"prices": [{"sku": CALLING, "monthlyPrice": "-0.01"}]}, 6006),
        ({"prices": [{"sku": CALLING, "monthlyPrice": ""}]}, 6006),
        ({"prices": [{"sku": CALLING, "monthlyPrice": "1e30"}]}, 6006),
        ({"prices": [{"sku": CALLING, "monthlyPrice": "99999999999999"}]}, 6006),
        ({"prices": [{"sku": "webex_calling", "monthlyPrice": "1"}]}, 6007),
    ],
)
def test_each_invalid_field_alone_is_a_400_with_its_code(
    app_client: TestClient,
    ops: dict[str, str],
    partner: Partner,
    change: dict[str, Any],
    code: int,
) -> None:
    body = {"currency": "EUR", "prices": [{"sku": CALLING, "monthlyPrice": "1"}], **change}

    response = put_prices(app_client, ops, partner, **body)

    assert response.status_code == 400
    assert error_codes(response) == [code]
    assert app_client.get(VERSIONS, headers=partner.headers).json()["items"] == []


def test_only_operators_set_prices_and_they_must_name_a_known_partner(
    app_client: TestClient, ops: dict[str, str], partner: Partner
) -> None:
    body = {"currency": "EUR", "prices": [{"sku": CALLING, "monthlyPrice": "1"}]}

    by_partner = app_client.put(URL, json=body, headers=partner.headers)
    by_partner_named = app_client.put(
        URL, params={"partnerOrgId": partner.org_id}, json=body, headers=partner.headers
    )
    unnamed = app_client.put(URL, json=body, headers=ops)
    unknown = app_client.put(
        URL, params={"partnerOrgId": "bm8tc3VjaC1vcmc"}, json=body, headers=ops
    )

    assert by_partner.status_code == 403
    assert error_codes(by_partner) == [1011]
    assert by_partner_named.status_code == 403
    assert unnamed.status_code == 400
    assert error_codes(unnamed) == [1001]
    assert unknown.status_code == 404
    assert app_client.get(VERSIONS, headers=partner.headers).json()["items"] == []
    operator_get = app_client.get(URL, headers=ops)
    assert operator_get.status_code == 400


def test_another_partner_never_sees_the_price_book(
    app_client: TestClient, ops: dict[str, str], partner: Partner, other_partner: Partner
) -> None:
    body = {"currency": "EUR", "prices": [{"sku": CALLING, "monthlyPrice": "12.50"}]}
    assert put_prices(app_client, ops, partner, **body).status_code == 200
    theirs = {"partnerOrgId": partner.org_id}

    own = app_client.get(URL, headers=other_partner.headers)
    named = app_client.get(URL, params=theirs, headers=other_partner.headers)
    named_versions = app_client.get(VERSIONS, params=theirs, headers=other_partner.headers)
    own_versions = app_client.get(VERSIONS, headers=other_partner.headers)

    assert own.status_code == 404
    assert error_codes(own) == [6009]
    assert named.status_code == 404
    assert named_versions.status_code == 404
    assert "12.50" not in named.text + named_versions.text
    assert own_versions.status_code == 200
    assert own_versions.json()["items"] == []
    assert app_client.get(URL, headers=partner.headers).status_code == 200


def test_a_partner_without_a_price_book_gets_404(
    app_client: TestClient, ops: dict[str, str], partner: Partner
) -> None:
    mine = app_client.get(URL, headers=partner.headers)
    as_operator = app_client.get(URL, params={"partnerOrgId": partner.org_id}, headers=ops)

    assert mine.status_code == 404
    assert error_codes(mine) == [6009]
    assert as_operator.status_code == 404
    assert error_codes(as_operator) == [6009]
