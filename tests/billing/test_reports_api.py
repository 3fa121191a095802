"""`/v1/wholesale/billing/reports` and its signed download links, through the real app.

Quantities expected below are worked out by hand from the scripted history of each test (the
share of each UTC day a package was held); they are not taken from tukku's billing code.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.conftest import START, Partner, drain
from tests.support import (
    error_codes,
    next_url,
    operator_headers,
    provision_customer,
    provision_subscriber,
    subscriber_body,
)
from tukku.catalog.packages import catalog
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings

URL = "/v1/wholesale/billing/reports"
FEB_2 = datetime(2027, 2, 2, 10, 0, tzinfo=UTC)  # "today" in the tests of January's usage
JANUARY = {"billingStartDate": "2027-01-01", "billingEndDate": "2027-01-31"}
DECEMBER = {"billingStartDate": "2026-12-01", "billingEndDate": "2026-12-31"}

PARTNER_COLUMNS = [
    "PARTNER_NAME",
    "PARTNER_ORG_ID",
    "SUBSCRIPTION_ID",
    "SERVICE_NAME",
    "SKU",
    "DESCRIPTION",
    "CONSUMPTION_START_DATE",
    "CONSUMPTION_END_DATE",
    "QUANTITY",
]
CUSTOMER_COLUMNS = [
    "PARTNER_NAME",
    "PARTNER_ORG_ID",
    "SUBSCRIPTION_ID",
    "CUSTOMER_ORG_ID",
    "CUSTOMER_EXTERNAL_ID",
    "SERVICE_NAME",
    "SKU",
    "DESCRIPTION",
    "CONSUMPTION_START_DATE",
    "CONSUMPTION_END_DATE",
    "QUANTITY",
]
USER_COLUMNS = [
    "PARTNER_NAME",
    "PARTNER_ORG_ID",
    "SUBSCRIPTION_ID",
    "CUSTOMER_ORG_ID",
    "CUSTOMER_EXTERNAL_ID",
    "SUBSCRIBER_ID",
    "USER_ID",
    "WORKSPACE_ID",
    "LOCATION_ID",
    "SERVICE_NAME",
    "SKU",
    "DESCRIPTION",
    "CONSUMPTION_START_DATE",
    "CONSUMPTION_END_DATE",
    "QUANTITY",
]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The suite's settings, with report files in this test's own directory."""
    return Settings(
        database_url=database_url,
        sandbox=False,
        public_base_url="http://tukku.test",
        job_retry_base_seconds=0.01,
        report_dir=str(tmp_path / "reports"),
    )


# -- helpers -------------------------------------------------------------------------------------


def create(client: TestClient, partner: Partner, **body: Any) -> Any:
    return client.post(URL, json={**DECEMBER, **body}, headers=partner.headers)


def created_id(client: TestClient, partner: Partner, **body: Any) -> str:
    response = create(client, partner, **body)
    assert response.status_code == 200, response.text
    report_id: str = response.json()["id"]
    return report_id


def get(client: TestClient, partner: Partner, report_id: str) -> Any:
    return client.get(f"{URL}/{report_id}", headers=partner.headers)


def completed(client: TestClient, partner: Partner, **body: Any) -> dict[str, Any]:
    """Request a report, run the jobs, and return it as GET shows it (COMPLETED)."""
    report_id = created_id(client, partner, **body)
    drain(client)
    report = get(client, partner, report_id)
    assert report.status_code == 200, report.text
    result: dict[str, Any] = report.json()
    assert result["status"] == "COMPLETED", result
    return result


def download(client: TestClient, link: str) -> Any:
    """GET a download link the way anyone holding it would: no Authorization header."""
    response = client.get(link)
    assert "authorization" not in {k.lower() for k in response.request.headers}
    return response


def table(client: TestClient, report: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """The CSV behind a report's link: its header and its rows (QUANTITY as a Decimal)."""
    response = download(client, report["tempDownloadURL"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    header, body = lines[0], lines[1:]
    rows = []
    for line in body:
        row: dict[str, Any] = dict(zip(header, line, strict=True))
        assert re.fullmatch(r"\d+(\.\d+)?", row["QUANTITY"]), row["QUANTITY"]
        row["QUANTITY"] = Decimal(row["QUANTITY"])
        rows.append(row)
    return header, rows


def items(client: TestClient, partner: Partner, **params: Any) -> list[dict[str, Any]]:
    response = client.get(URL, params=params, headers=partner.headers)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()["items"]
    return result


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def with_token(link: str, token: str) -> str:
    return f"{link.rsplit('/', 1)[0]}/{token}"


def admin_person_id(client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> str:
    """The partner administrator's person ID, as an operator reads it from the organization."""
    org = client.get(f"/v1/ops/organizations/{partner.org_id}", headers=operator_headers(db, clock))
    assert org.status_code == 200, org.text
    (admin,) = [u for u in org.json()["users"] if u["email"] == partner.admin_email]
    person_id: str = admin["id"]
    return person_id


def parse_iso(text: str) -> datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", text), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def only_location(client: TestClient, partner: Partner, customer: dict[str, Any]) -> str:
    response = client.get(
        "/v1/locations", params={"orgId": customer["orgId"]}, headers=partner.headers
    )
    (location,) = response.json()["items"]
    location_id: str = location["id"]
    return location_id


def meetings_body(customer_id: str) -> dict[str, Any]:
    body = subscriber_body(customer_id, packages=["webex_meetings"])
    del body["provisioningParameters"]["extension"]
    return body


def add_subscriber(
    client: TestClient, partner: Partner, customer: dict[str, Any], package: str = "webex_calling"
) -> dict[str, Any]:
    if package == "webex_meetings":
        response = client.post(
            "/v1/wholesale/subscribers", json=meetings_body(customer["id"]), headers=partner.headers
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result
    return provision_subscriber(client, partner, customer["id"])


def change_package(client: TestClient, partner: Partner, sub: dict[str, Any], package: str) -> None:
    response = client.put(
        f"/v1/wholesale/subscribers/{sub['id']}",
        json={"packages": [package]},
        headers=partner.headers,
    )
    assert response.status_code == 200, response.text


def remove(client: TestClient, partner: Partner, sub: dict[str, Any]) -> None:
    response = client.delete(f"/v1/wholesale/subscribers/{sub['id']}", headers=partner.headers)
    assert response.status_code == 204, response.text


def at(day: int, hour: int = 0, minute: int = 0, month: int = 1) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


CALLING, MEETINGS = catalog()["webex_calling"], catalog()["webex_meetings"]


def service(package: Any) -> dict[str, str]:
    """The service columns of a package, from the catalog (which is data)."""
    return {
        "SERVICE_NAME": package.name.upper(),
        "SKU": package.sku,
        "DESCRIPTION": package.description,
    }


# -- create ----------------------------------------------------------------------------------------


def test_create_answers_200_with_exactly_id_period_type_and_category(
    app_client: TestClient, partner: Partner
) -> None:
    response = app_client.post(URL, json=DECEMBER, headers=partner.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"id", "billingStartDate", "billingEndDate", "type", "category"}
    assert body["id"]
    assert body["billingStartDate"] == "2026-12-01"
    assert body["billingEndDate"] == "2026-12-31"
    assert body["type"] == "PARTNER"
    assert body["category"] == "RECONCILIATION"


def test_each_type_and_the_internal_flag_are_accepted(
    app_client: TestClient, partner: Partner
) -> None:
    for report_type in ("PARTNER", "CUSTOMER", "USER"):
        response = create(app_client, partner, type=report_type, internal=True)

        assert response.status_code == 200, response.text
        assert response.json()["type"] == report_type
        assert get(app_client, partner, response.json()["id"]).json()["type"] == report_type


def test_report_is_in_progress_without_link_until_generated_then_completed(
    app_client: TestClient, partner: Partner, clock: ManualClock, db: Database
) -> None:
    report_id = created_id(app_client, partner)

    pending = get(app_client, partner, report_id)

    assert pending.status_code == 200
    assert pending.json()["status"] == "IN_PROGRESS"
    assert "tempDownloadURL" not in pending.json()
    assert [r["status"] for r in items(app_client, partner)] == ["IN_PROGRESS"]
    assert "tempDownloadURL" not in items(app_client, partner)[0]

    clock.set(START + timedelta(minutes=3))
    drain(app_client)
    done = get(app_client, partner, report_id).json()

    assert done["status"] == "COMPLETED"
    assert done["id"] == report_id
    assert done["billingStartDate"] == "2026-12-01"
    assert done["billingEndDate"] == "2026-12-31"
    assert done["type"] == "PARTNER"
    assert done["category"] == "RECONCILIATION"
    assert parse_iso(done["created"]) == START
    assert done["createdBy"] == admin_person_id(app_client, db, clock, partner)
    assert done["tempDownloadURL"].startswith("http://tukku.test/")
    assert "errors" not in done


# -- validation ------------------------------------------------------------------------------------


INVALID_REQUESTS: list[tuple[dict[str, Any], int, str | None]] = [
    ({"billingStartDate": "2027/01/01"}, 6001, "billingStartDate"),
    ({"billingStartDate": "01-01-2027"}, 6001, "billingStartDate"),
    ({"billingEndDate": "2026-12-32"}, 6001, "billingEndDate"),
    ({"billingEndDate": "2026-12-1"}, 6001, "billingEndDate"),
    ({"billingStartDate": "2026-12-20", "billingEndDate": "2026-12-10"}, 6001, None),
    ({"billingEndDate": "2027-01-03"}, 6001, "billingEndDate"),  # today
    ({"billingEndDate": "2027-01-04"}, 6001, "billingEndDate"),  # the future
    ({"billingStartDate": "2022-01-02"}, 6001, "billingStartDate"),  # five years and a day
    ({"type": "MONTHLY"}, 6003, "type"),
    ({"type": "partner"}, 6003, "type"),
    ({"category": "USAGE"}, 6003, "category"),
    ({"category": "POINT_IN_TIME", "type": "PARTNER"}, 6003, "type"),
    ({"category": "POINT_IN_TIME"}, 6003, "type"),  # PARTNER by default
]


def test_invalid_request_is_a_400_naming_the_field(
    app_client: TestClient, partner: Partner
) -> None:
    # The platform's today is 3 January 2027.
    for body, code, field in INVALID_REQUESTS:
        response = create(app_client, partner, **body)

        assert response.status_code == 400, (body, response.text)
        assert error_codes(response) == [code], body
        message = response.json()["message"]
        if field is None:  # start after end: either date may be named
            assert "billingStartDate" in message or "billingEndDate" in message, body
        else:
            assert field in message, body
    assert items(app_client, partner) == []


@pytest.mark.parametrize("missing", ["billingStartDate", "billingEndDate"])
def test_missing_date_is_a_400_naming_it(
    app_client: TestClient, partner: Partner, missing: str
) -> None:
    body = dict(DECEMBER)
    del body[missing]

    response = app_client.post(URL, json=body, headers=partner.headers)

    assert response.status_code == 400
    assert missing in response.json()["message"]


def test_dates_are_judged_by_the_platform_clock(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    # 3 January 2027, 09:00: January is not over; 2 January is the latest day to report on.
    assert create(app_client, partner, **JANUARY).status_code == 400
    second = {"billingStartDate": "2027-01-02", "billingEndDate": "2027-01-02"}
    assert create(app_client, partner, **second).status_code == 200

    clock.set(datetime(2027, 2, 1, 0, 0, tzinfo=UTC))  # the first instant after January

    assert create(app_client, partner, **JANUARY).status_code == 200


def test_the_last_five_years_are_open(app_client: TestClient, partner: Partner) -> None:
    response = create(
        app_client, partner, billingStartDate="2022-01-03", billingEndDate="2022-01-31"
    )

    assert response.status_code == 200, response.text


def test_sub_partner_that_is_not_one_of_yours_is_404(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    response = create(app_client, partner, subPartnerOrgId=other_partner.org_id)

    assert response.status_code == 404
    assert items(app_client, partner) == []


# -- conflicts and failures ------------------------------------------------------------------------


def test_completed_report_blocks_the_same_request_until_deleted(
    app_client: TestClient, partner: Partner
) -> None:
    first = completed(app_client, partner, type="CUSTOMER")

    again = create(app_client, partner, type="CUSTOMER")

    assert again.status_code == 409
    assert error_codes(again) == [6002]
    assert create(app_client, partner, type="USER").status_code == 200
    assert create(app_client, partner, type="CUSTOMER", category="POINT_IN_TIME").status_code == 200
    assert (
        create(app_client, partner, type="CUSTOMER", billingEndDate="2026-12-30").status_code == 200
    )
    assert (
        create(app_client, partner, type="CUSTOMER", billingStartDate="2026-12-02").status_code
        == 200
    )

    deleted = app_client.delete(f"{URL}/{first['id']}", headers=partner.headers)

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert create(app_client, partner, type="CUSTOMER").status_code == 200


def test_report_still_in_progress_does_not_block(app_client: TestClient, partner: Partner) -> None:
    one = created_id(app_client, partner)

    two = created_id(app_client, partner)
    drain(app_client)

    assert one != two
    assert {get(app_client, partner, i).json()["status"] for i in (one, two)} == {"COMPLETED"}
    assert create(app_client, partner).status_code == 409


def wait_for_status(
    client: TestClient, partner: Partner, report_id: str, status: str
) -> dict[str, Any]:
    """Run jobs (retries included, which wait a few milliseconds) until the report has `status`."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        drain(client)
        report: dict[str, Any] = get(client, partner, report_id).json()
        if report["status"] == status:
            return report
        time.sleep(0.02)
    raise AssertionError(f"report {report_id} never became {status}: {report}")


def test_generation_that_keeps_failing_is_failed_with_error_and_does_not_block(
    app_client: TestClient, partner: Partner, settings: Settings, tmp_path: Path
) -> None:
    good_dir = settings.report_dir
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("storage writes under a file fail\n")
    settings.report_dir = str(not_a_directory)
    report_id = created_id(app_client, partner)

    failed = wait_for_status(app_client, partner, report_id, "FAILED")

    assert set(failed["errors"][0]) == {"code", "description"}
    assert [e["code"] for e in failed["errors"]] == [6004]
    description = failed["errors"][0]["description"]
    assert description
    # what went wrong inside the server is for operators, not for the partner's API client
    assert str(tmp_path) not in description
    assert "Traceback" not in description
    assert ".py" not in description
    assert "tempDownloadURL" not in failed
    assert [r["id"] for r in items(app_client, partner, status="FAILED")] == [report_id]

    settings.report_dir = good_dir
    retry = create(app_client, partner)

    assert retry.status_code == 200, retry.text
    drain(app_client)
    assert get(app_client, partner, retry.json()["id"]).json()["status"] == "COMPLETED"
    assert get(app_client, partner, report_id).json()["status"] == "FAILED"


# -- list ------------------------------------------------------------------------------------------


def four_reports(client: TestClient, partner: Partner) -> dict[str, str]:
    """A: Dec 1–31 PARTNER, B: Dec 1–15 CUSTOMER, C: Dec 10–31 USER, D: Dec 5–20 PARTNER."""
    periods = {
        "A": ("2026-12-01", "2026-12-31", "PARTNER"),
        "B": ("2026-12-01", "2026-12-15", "CUSTOMER"),
        "C": ("2026-12-10", "2026-12-31", "USER"),
        "D": ("2026-12-05", "2026-12-20", "PARTNER"),
    }
    return {
        name: created_id(client, partner, billingStartDate=s, billingEndDate=e, type=t)
        for name, (s, e, t) in periods.items()
    }


def test_list_items_and_each_filter_matching_exactly(
    app_client: TestClient, partner: Partner
) -> None:
    ids = four_reports(app_client, partner)
    drain(app_client)
    ids["E"] = created_id(app_client, partner, billingStartDate="2026-12-05", type="USER")
    name = {v: k for k, v in ids.items()}

    def names(**params: Any) -> set[str]:
        return {name[r["id"]] for r in items(app_client, partner, **params)}

    assert names() == {"A", "B", "C", "D", "E"}
    assert names(billingStartDate="2026-12-01") == {"A", "B"}
    assert names(billingStartDate="2026-12-05") == {"D", "E"}  # not A, which covers it
    assert names(billingStartDate="2026-12-02") == set()
    assert names(billingEndDate="2026-12-31") == {"A", "C", "E"}
    assert names(billingEndDate="2026-12-20") == {"D"}
    assert names(billingStartDate="2026-12-05", billingEndDate="2026-12-20") == {"D"}
    assert names(type="PARTNER") == {"A", "D"}
    assert names(type="USER") == {"C", "E"}
    assert names(status="IN_PROGRESS") == {"E"}
    assert names(status="COMPLETED") == {"A", "B", "C", "D"}
    assert names(status="FAILED") == set()
    assert names(type="USER", status="COMPLETED") == {"C"}
    listed = {r["id"]: r for r in items(app_client, partner)}
    shown = get(app_client, partner, ids["B"]).json()
    assert {k: v for k, v in listed[ids["B"]].items() if k != "tempDownloadURL"} == {
        k: v for k, v in shown.items() if k != "tempDownloadURL"
    }
    assert "tempDownloadURL" in listed[ids["B"]]
    assert "tempDownloadURL" not in listed[ids["E"]]


def test_list_sort_orders(app_client: TestClient, partner: Partner) -> None:
    ids = four_reports(app_client, partner)
    drain(app_client)
    ids["E"] = created_id(
        app_client, partner, billingStartDate="2026-11-24", billingEndDate="2026-12-25"
    )
    name = {v: k for k, v in ids.items()}

    def order(**params: Any) -> list[str]:
        return [name[r["id"]] for r in items(app_client, partner, **params)]

    default = order()
    assert default[0] == "E"
    assert set(default[1:3]) == {"A", "B"}
    assert default[3:] == ["D", "C"]
    assert order(sortBy="billingStartDate") == default
    by_end = order(sortBy="billingEndDate")
    assert by_end[:3] == ["B", "D", "E"]
    assert set(by_end[3:]) == {"A", "C"}
    by_status = order(sortBy="status")
    assert set(by_status[:4]) == {"A", "B", "C", "D"}
    assert by_status[4] == "E"
    by_id = [r["id"] for r in items(app_client, partner, sortBy="id")]
    assert by_id == sorted(ids.values())


def follow_pages(
    client: TestClient, partner: Partner, params: dict[str, str]
) -> tuple[list[dict[str, Any]], int]:
    """Every item of a list, following `rel="next"` links as clients do (never re-sending the
    query); each next link must carry every parameter of the first request."""
    seen: list[dict[str, Any]] = []
    pages = 0
    response = client.get(URL, params=params, headers=partner.headers)
    while True:
        assert response.status_code == 200, response.text
        pages += 1
        seen += response.json()["items"]
        link = next_url(response)
        if link is None:
            return seen, pages
        query = parse_qs(urlsplit(link).query)
        for key, value in params.items():
            assert query[key] == [value], (key, link)
        response = client.get(link, headers=partner.headers)


def test_list_pages_through_link_headers_that_carry_every_filter(
    app_client: TestClient, partner: Partner
) -> None:
    users = [
        created_id(app_client, partner, billingStartDate=f"2026-12-0{day}", type="USER")
        for day in (5, 1, 4, 2, 3)
    ]
    partners = [
        created_id(app_client, partner, billingEndDate=f"2026-12-{day}", type="PARTNER")
        for day in (20, 10, 30)
    ]
    created_id(app_client, partner, billingStartDate="2026-12-06", type="CUSTOMER")
    created_id(app_client, partner, billingStartDate="2026-12-07", billingEndDate="2026-12-30")

    by_start, start_pages = follow_pages(
        app_client,
        partner,
        {
            "type": "USER",
            "billingEndDate": "2026-12-31",
            "status": "IN_PROGRESS",
            "sortBy": "billingStartDate",
            "max": "2",
        },
    )
    by_end, end_pages = follow_pages(
        app_client,
        partner,
        {
            "billingStartDate": "2026-12-01",
            "type": "PARTNER",
            "sortBy": "billingEndDate",
            "max": "1",
        },
    )

    assert start_pages == 3
    assert [r["billingStartDate"] for r in by_start] == [f"2026-12-0{d}" for d in (1, 2, 3, 4, 5)]
    assert {r["id"] for r in by_start} == set(users)
    assert end_pages == 3
    assert [r["billingEndDate"] for r in by_end] == ["2026-12-10", "2026-12-20", "2026-12-30"]
    assert {r["id"] for r in by_end} == set(partners)


def test_max_defaults_to_100_and_is_capped_at_100(app_client: TestClient, partner: Partner) -> None:
    for _ in range(101):  # all still in progress, so the same period may be asked again
        created_id(app_client, partner)

    first = app_client.get(URL, headers=partner.headers)
    capped = app_client.get(URL, params={"max": 500}, headers=partner.headers)
    small = app_client.get(URL, params={"max": 7}, headers=partner.headers)

    assert len(first.json()["items"]) == 100
    assert len(capped.json()["items"]) == 100
    assert len(small.json()["items"]) == 7
    link = next_url(first)
    assert link is not None
    rest = app_client.get(link, headers=partner.headers)
    assert len(rest.json()["items"]) == 1
    assert next_url(rest) is None
    every = {r["id"] for r in first.json()["items"]} | {r["id"] for r in rest.json()["items"]}
    assert len(every) == 101


def test_invalid_list_parameter_is_a_400_naming_it(
    app_client: TestClient, partner: Partner
) -> None:
    for param, value in (
        ("billingStartDate", "2027-13-01"),
        ("billingStartDate", "January"),
        ("billingEndDate", "2027/01/31"),
        ("type", "MONTHLY"),
        ("status", "DONE"),
        ("sortBy", "created"),
        ("max", "0"),
        ("max", "ten"),
    ):
        response = app_client.get(URL, params={param: value}, headers=partner.headers)

        assert response.status_code == 400, (param, value)
        assert error_codes(response) == [1003], (param, value)
        assert param in response.json()["message"], (param, value)


# -- get, delete, tenancy --------------------------------------------------------------------------


def test_unknown_report_is_404_for_get_and_delete(app_client: TestClient, partner: Partner) -> None:
    for report_id in ("nope", "Y2lzY29zcGFyazovL3VzL0JJTExJTkdfUkVQT1JUL25vbmU"):
        found = get(app_client, partner, report_id)
        deleted = app_client.delete(f"{URL}/{report_id}", headers=partner.headers)

        assert found.status_code == 404
        assert error_codes(found) == [2024]
        assert deleted.status_code == 404
        assert error_codes(deleted) == [2024]


def test_deleted_report_is_gone(app_client: TestClient, partner: Partner) -> None:
    report = completed(app_client, partner)

    assert app_client.delete(f"{URL}/{report['id']}", headers=partner.headers).status_code == 204

    assert get(app_client, partner, report["id"]).status_code == 404
    assert app_client.delete(f"{URL}/{report['id']}", headers=partner.headers).status_code == 404
    assert items(app_client, partner) == []


def test_other_partners_never_see_or_delete_a_report(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    report = completed(app_client, partner)

    seen = get(app_client, other_partner, report["id"])
    deleted = app_client.delete(f"{URL}/{report['id']}", headers=other_partner.headers)

    assert seen.status_code == 404
    assert error_codes(seen) == [2024]
    assert deleted.status_code == 404
    assert items(app_client, other_partner) == []
    assert items(app_client, other_partner, billingStartDate="2026-12-01", type="PARTNER") == []
    assert get(app_client, partner, report["id"]).json()["status"] == "COMPLETED"
    # the other partner may make its own report of the same period: no conflict across partners
    assert create(app_client, other_partner).status_code == 200


def test_reports_need_a_token(app_client: TestClient, partner: Partner) -> None:
    report_id = created_id(app_client, partner)

    assert app_client.get(URL).status_code == 401
    assert app_client.get(f"{URL}/{report_id}").status_code == 401
    assert app_client.post(URL, json=DECEMBER).status_code == 401
    assert app_client.delete(f"{URL}/{report_id}").status_code == 401


# -- download links --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report_type", "columns"),
    [("PARTNER", PARTNER_COLUMNS), ("CUSTOMER", CUSTOMER_COLUMNS), ("USER", USER_COLUMNS)],
)
def test_link_serves_the_csv_with_the_documented_columns_without_a_token(
    app_client: TestClient,
    partner: Partner,
    report_type: str,
    columns: list[str],
) -> None:
    report = completed(app_client, partner, type=report_type)

    header, rows = table(app_client, report)

    assert header == columns
    assert rows == []


def test_link_works_for_30_minutes_from_the_get_that_issued_it(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    report = completed(app_client, partner)
    issued = START + timedelta(hours=1)
    clock.set(issued)
    link = get(app_client, partner, report["id"]).json()["tempDownloadURL"]

    clock.set(issued + timedelta(minutes=29))
    early = download(app_client, link)
    clock.set(issued + timedelta(minutes=31))
    late = download(app_client, link)
    fresh = get(app_client, partner, report["id"]).json()["tempDownloadURL"]
    again = download(app_client, fresh)

    assert early.status_code == 200
    assert late.status_code == 403
    assert error_codes(late) == [6005]
    assert again.status_code == 200
    assert again.content == early.content
    clock.set(issued + timedelta(minutes=31 + 29))
    assert download(app_client, fresh).status_code == 200


def test_each_get_issues_a_different_link(app_client: TestClient, partner: Partner) -> None:
    report = completed(app_client, partner)

    links = [get(app_client, partner, report["id"]).json()["tempDownloadURL"] for _ in range(3)]
    listed = items(app_client, partner)[0]["tempDownloadURL"]

    assert len({*links, listed}) == 4
    assert all(download(app_client, link).status_code == 200 for link in links)


def change_char(text: str, index: int) -> str:
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


def test_tampered_or_forged_link_is_refused(app_client: TestClient, partner: Partner) -> None:
    report = completed(app_client, partner)
    link = report["tempDownloadURL"]
    token = token_of(link)
    signature_middle = token.rindex(".") + (len(token) - token.rindex(".")) // 2

    for forged in (
        change_char(token, 0),
        change_char(token, len(token) // 3),
        change_char(token, signature_middle),
        token[:-1],
        "not-a-token",
    ):
        response = download(app_client, with_token(link, forged))
        assert response.status_code == 403, forged
        assert error_codes(response) == [6005]
    assert download(app_client, link).status_code == 200


def test_link_of_a_deleted_report_is_404_and_its_file_goes(
    app_client: TestClient, partner: Partner, settings: Settings
) -> None:
    report = completed(app_client, partner)
    link = report["tempDownloadURL"]
    files = list(Path(settings.report_dir).rglob("*.csv"))
    assert len(files) == 1

    app_client.delete(f"{URL}/{report['id']}", headers=partner.headers)

    gone = download(app_client, link)
    assert gone.status_code == 404
    assert error_codes(gone) == [2024]
    drain(app_client)
    assert not files[0].exists()
    assert download(app_client, link).status_code == 404


# -- content ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """Customer A (alice, bob) and customer B (carol), provisioned at known platform times."""

    a: dict[str, Any]
    b: dict[str, Any]
    a_location: str
    b_location: str
    alice: dict[str, Any]
    bob: dict[str, Any]
    carol: dict[str, Any]


@pytest.fixture
def history(app_client: TestClient, partner: Partner, clock: ManualClock) -> History:
    """alice: webex_calling 3 Jan 12:00, webex_meetings from 10 Jan 06:00;
    bob: webex_calling 5 Jan 18:00 until removed 20 Jan 12:00 (customer A);
    carol: webex_calling from 5 Jan 18:00 (customer B). Then the clock reads 2 Feb."""
    a = provision_customer(app_client, partner)
    b = provision_customer(app_client, partner)
    clock.set(at(3, 12))
    alice = add_subscriber(app_client, partner, a)
    clock.set(at(5, 18))
    bob = add_subscriber(app_client, partner, a)
    carol = add_subscriber(app_client, partner, b)
    clock.set(at(10, 6))
    change_package(app_client, partner, alice, "webex_meetings")
    clock.set(at(20, 12))
    remove(app_client, partner, bob)
    clock.set(FEB_2)
    return History(
        a,
        b,
        only_location(app_client, partner, a),
        only_location(app_client, partner, b),
        alice,
        bob,
        carol,
    )


def partner_part(partner: Partner) -> dict[str, str]:
    return {
        "PARTNER_NAME": "Acme Telecom",
        "PARTNER_ORG_ID": partner.org_id,
        "SUBSCRIPTION_ID": partner.subscription_id,
    }


def customer_part(customer: dict[str, Any]) -> dict[str, str]:
    return {"CUSTOMER_ORG_ID": customer["orgId"], "CUSTOMER_EXTERNAL_ID": customer["externalId"]}


def user_part(sub: dict[str, Any], location: str) -> dict[str, str]:
    return {
        "SUBSCRIBER_ID": sub["id"],
        "USER_ID": sub["personId"],
        "WORKSPACE_ID": "",
        "LOCATION_ID": location,
    }


def usage(first: str, last: str, quantity: str) -> dict[str, Any]:
    return {
        "CONSUMPTION_START_DATE": first,
        "CONSUMPTION_END_DATE": last,
        "QUANTITY": Decimal(quantity),
    }


def usage_of(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("CONSUMPTION_START_DATE", "CONSUMPTION_END_DATE", "QUANTITY")
    return {k: row[k] for k in keys}


def all_completed(
    client: TestClient, partner: Partner, *bodies: dict[str, Any]
) -> list[dict[str, Any]]:
    """Request several reports, run the jobs once, and return them (COMPLETED) as GET shows them."""
    ids = [created_id(client, partner, **body) for body in bodies]
    drain(client)
    reports = [get(client, partner, report_id).json() for report_id in ids]
    assert [r["status"] for r in reports] == ["COMPLETED"] * len(ids), reports
    return reports


def unordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=repr)


def test_january_at_each_level_with_hand_computed_quantities(
    app_client: TestClient, partner: Partner, history: History
) -> None:
    h = history
    partner_report, customer_report, user_report = all_completed(
        app_client,
        partner,
        {**JANUARY, "type": "PARTNER"},
        {**JANUARY, "type": "CUSTOMER"},
        {**JANUARY, "type": "USER"},
    )

    partner_header, partner_rows = table(app_client, partner_report)
    customer_header, customer_rows = table(app_client, customer_report)
    user_header, user_rows = table(app_client, user_report)

    # By hand, in days of January:
    # alice webex_calling 3 Jan 12:00 → 10 Jan 06:00 = 0.5 + 6 (4–9 Jan) + 0.25 = 6.75
    # alice webex_meetings 10 Jan 06:00 → end = 0.75 + 21 (11–31 Jan) = 21.75
    # bob webex_calling 5 Jan 18:00 → 20 Jan 12:00 = 0.25 + 14 (6–19 Jan) + 0.5 = 14.75
    # carol webex_calling 5 Jan 18:00 → end = 0.25 + 26 (6–31 Jan) = 26.25
    p = partner_part(partner)
    calling, meetings = service(CALLING), service(MEETINGS)
    assert partner_header == PARTNER_COLUMNS
    assert unordered(partner_rows) == unordered(
        [
            {**p, **calling, **usage("2027-01-03", "2027-01-31", "47.75")},  # 6.75+14.75+26.25
            {**p, **meetings, **usage("2027-01-10", "2027-01-31", "21.75")},
        ]
    )
    a, b = customer_part(h.a), customer_part(h.b)
    assert customer_header == CUSTOMER_COLUMNS
    assert unordered(customer_rows) == unordered(
        [
            {**p, **a, **calling, **usage("2027-01-03", "2027-01-20", "21.5")},  # alice + bob
            {**p, **a, **meetings, **usage("2027-01-10", "2027-01-31", "21.75")},
            {**p, **b, **calling, **usage("2027-01-05", "2027-01-31", "26.25")},
        ]
    )
    alice, bob = user_part(h.alice, h.a_location), user_part(h.bob, h.a_location)
    carol = user_part(h.carol, h.b_location)
    alice_meetings = {**alice, "LOCATION_ID": ""}  # a webex_meetings seat has no calling location
    assert user_header == USER_COLUMNS
    assert unordered(user_rows) == unordered(
        [
            {**p, **a, **alice, **calling, **usage("2027-01-03", "2027-01-10", "6.75")},
            {**p, **a, **alice_meetings, **meetings, **usage("2027-01-10", "2027-01-31", "21.75")},
            {**p, **a, **bob, **calling, **usage("2027-01-05", "2027-01-20", "14.75")},
            {**p, **b, **carol, **calling, **usage("2027-01-05", "2027-01-31", "26.25")},
        ]
    )
    assert all(r["USER_ID"] and r["SUBSCRIBER_ID"] and r["CUSTOMER_ORG_ID"] for r in user_rows)
    assert all(r["LOCATION_ID"] for r in user_rows if r["SERVICE_NAME"] == "WEBEX_CALLING")


def test_consumption_dates_and_quantities_stay_inside_the_period(
    app_client: TestClient, partner: Partner, history: History
) -> None:
    h = history
    week = {"billingStartDate": "2027-01-08", "billingEndDate": "2027-01-12"}
    later = {"billingStartDate": "2027-01-21", "billingEndDate": "2027-01-25"}
    week_report, later_report = all_completed(
        app_client, partner, {**week, "type": "PARTNER"}, {**later, "type": "USER"}
    )

    _, partner_rows = table(app_client, week_report)
    _, user_rows = table(app_client, later_report)

    # 8–12 Jan: alice webex_calling 8, 9 Jan + 6 h of 10 Jan = 2.25, bob 5, carol 5;
    # alice webex_meetings 18 h of 10 Jan + 11, 12 Jan = 2.75.
    assert {r["SERVICE_NAME"]: usage_of(r) for r in partner_rows} == {
        "WEBEX_CALLING": usage("2027-01-08", "2027-01-12", "12.25"),
        "WEBEX_MEETINGS": usage("2027-01-10", "2027-01-12", "2.75"),
    }
    # 21–25 Jan: bob is gone; alice (webex_meetings) and carol hold all five days.
    assert len(user_rows) == 2
    assert {(r["SUBSCRIBER_ID"], r["SERVICE_NAME"]): usage_of(r) for r in user_rows} == {
        (h.alice["id"], "WEBEX_MEETINGS"): usage("2027-01-21", "2027-01-25", "5"),
        (h.carol["id"], "WEBEX_CALLING"): usage("2027-01-21", "2027-01-25", "5"),
    }


# -- point in time ---------------------------------------------------------------------------------


def test_point_in_time_lists_allocations_held_at_the_end_of_the_last_day(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    customer = provision_customer(app_client, partner)
    location = only_location(app_client, partner, customer)
    one, two, three = (add_subscriber(app_client, partner, customer) for _ in range(3))
    four = add_subscriber(app_client, partner, customer, "webex_meetings")
    clock.set(at(15, 12))
    remove(app_client, partner, two)  # before the moment (the end of 20 Jan): absent
    clock.set(at(18, 8))
    change_package(app_client, partner, one, "webex_meetings")
    clock.set(at(25, 9))
    remove(app_client, partner, three)  # after the moment: present
    clock.set(FEB_2)
    pit = {"category": "POINT_IN_TIME", "billingStartDate": "2027-01-01"}

    early, customer_report, user_report = all_completed(
        app_client,
        partner,
        {**pit, "billingEndDate": "2027-01-10", "type": "CUSTOMER"},
        {**pit, "billingEndDate": "2027-01-20", "type": "CUSTOMER"},
        {**pit, "billingEndDate": "2027-01-20", "type": "USER"},
    )
    _, early_rows = table(app_client, early)
    customer_header, customer_rows = table(app_client, customer_report)
    user_header, user_rows = table(app_client, user_report)

    assert customer_report["category"] == user_report["category"] == "POINT_IN_TIME"
    assert {r["SERVICE_NAME"]: r["QUANTITY"] for r in early_rows} == {
        "WEBEX_CALLING": 3,  # one, two, three
        "WEBEX_MEETINGS": 1,  # four
    }
    assert customer_header == CUSTOMER_COLUMNS
    assert {r["SERVICE_NAME"]: r["QUANTITY"] for r in customer_rows} == {
        "WEBEX_CALLING": 1,  # three
        "WEBEX_MEETINGS": 2,  # one (changed on 18 Jan) and four
    }
    assert {r["CUSTOMER_ORG_ID"] for r in customer_rows} == {customer["orgId"]}
    assert {r["CUSTOMER_EXTERNAL_ID"] for r in customer_rows} == {customer["externalId"]}
    assert user_header == USER_COLUMNS
    assert {(r["SUBSCRIBER_ID"], r["SERVICE_NAME"]): r["QUANTITY"] for r in user_rows} == {
        (one["id"], "WEBEX_MEETINGS"): 1,
        (three["id"], "WEBEX_CALLING"): 1,
        (four["id"], "WEBEX_MEETINGS"): 1,
    }
    held = {r["SUBSCRIBER_ID"]: r for r in user_rows}[three["id"]]
    assert held["USER_ID"] == three["personId"]
    assert held["LOCATION_ID"] == location
    assert held["SKU"] == CALLING.sku


# -- internal organizations ------------------------------------------------------------------------


def test_internal_organizations_are_left_out_unless_asked_for(
    app_client: TestClient, partner: Partner, clock: ManualClock, db: Database
) -> None:
    real = provision_customer(app_client, partner)
    test_org = provision_customer(app_client, partner)
    add_subscriber(app_client, partner, real)
    add_subscriber(app_client, partner, test_org)
    clock.set(FEB_2)
    marked = app_client.patch(
        f"/v1/ops/organizations/{test_org['orgId']}",
        json={"internal": True},
        headers=operator_headers(db, clock),
    )
    assert marked.status_code == 200, marked.text
    assert marked.json()["internal"] is True

    plain, partner_report, pit, with_internal = all_completed(
        app_client,
        partner,
        {**JANUARY, "type": "CUSTOMER"},
        {**JANUARY, "type": "PARTNER"},
        {**JANUARY, "type": "USER", "category": "POINT_IN_TIME"},
        {**JANUARY, "type": "USER", "internal": True},
    )
    _, plain_rows = table(app_client, plain)
    _, partner_rows = table(app_client, partner_report)
    _, pit_rows = table(app_client, pit)
    _, internal_rows = table(app_client, with_internal)

    # 3 Jan 09:00 to the end of January: 15 h + 28 days = 28.625 days each.
    each = Decimal("28.625")
    assert {(r["CUSTOMER_ORG_ID"], r["QUANTITY"]) for r in plain_rows} == {(real["orgId"], each)}
    assert [r["QUANTITY"] for r in partner_rows] == [each]
    assert {r["CUSTOMER_ORG_ID"] for r in pit_rows} == {real["orgId"]}
    assert {(r["CUSTOMER_ORG_ID"], r["QUANTITY"]) for r in internal_rows} == {
        (real["orgId"], each),
        (test_org["orgId"], each),
    }


# -- customer removal and CSV quoting --------------------------------------------------------------


def test_usage_of_a_removed_customer_is_reported_until_its_removal(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    customer = provision_customer(app_client, partner)
    subscriber = add_subscriber(app_client, partner, customer)  # 3 Jan 09:00
    clock.set(at(5, 18))
    removal = app_client.delete(
        f"/v1/wholesale/customers/{customer['id']}", headers=partner.headers
    )
    assert removal.status_code == 202, removal.text
    drain(app_client)
    clock.set(at(8, 10))
    period = {"billingStartDate": "2027-01-03", "billingEndDate": "2027-01-07"}

    user_report, pit_report = all_completed(
        app_client,
        partner,
        {**period, "type": "USER"},
        {**period, "type": "CUSTOMER", "category": "POINT_IN_TIME"},
    )
    _, rows = table(app_client, user_report)
    _, pit_rows = table(app_client, pit_report)

    # 15 h of 3 Jan + 4 Jan + 18 h of 5 Jan = 0.625 + 1 + 0.75.
    assert [
        (r["CUSTOMER_ORG_ID"], r["CUSTOMER_EXTERNAL_ID"], r["SUBSCRIBER_ID"], usage_of(r))
        for r in rows
    ] == [
        (
            customer["orgId"],
            customer["externalId"],
            subscriber["id"],
            usage("2027-01-03", "2027-01-05", "2.375"),
        )
    ]
    assert pit_rows == []  # nothing is held at the end of 7 January


def test_csv_values_are_quoted_and_utf8_encoded(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    external_id = 'Pizza, "Quattro" Stagioni — Ääkkönen'
    customer = provision_customer(app_client, partner, externalId=external_id)
    add_subscriber(app_client, partner, customer)
    clock.set(at(5, 1))
    (report,) = all_completed(
        app_client,
        partner,
        {"billingStartDate": "2027-01-04", "billingEndDate": "2027-01-04", "type": "CUSTOMER"},
    )

    _, rows = table(app_client, report)

    assert [(r["CUSTOMER_EXTERNAL_ID"], r["QUANTITY"]) for r in rows] == [(external_id, 1)]
