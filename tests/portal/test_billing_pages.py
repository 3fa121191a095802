"""The partner portal's billing pages over HTTP: a report requested for a month is the API's,
shows its status and, once made, downloads through the signed link; mistakes show next to their
field; invoices and the price book are the API's; acting for a sub-partner requests its reports;
read-only staff, forms without their CSRF token and other partners are refused."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.billing.test_invoices import run_invoice_job_at, set_prices
from tests.conftest import Partner, drain
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tests.support import provision_customer, provision_subscriber, set_up_sub_partner
from tukku.core.clock import ManualClock
from tukku.core.db import Database

REPORTS = "/v1/wholesale/billing/reports"
NEW = "/portal/billing/reports/new"
# The API's tempDownloadURL: the public base URL, a signed token.
DOWNLOAD = re.compile(r'href="(http://tukku\.test/v1/billing/downloads/[^"]+)"')


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


def _request(client: TestClient, **fields: str) -> httpx.Response:
    form = client.get(NEW)
    return client.post(NEW, data={**fields, "csrf": csrf_of(form)}, follow_redirects=False)


def test_a_report_for_a_month_is_the_apis_and_downloads_once_made(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    provision_subscriber(app_client, partner, provision_customer(app_client, partner)["id"])
    requested = _request(app_client, month="2026-12", type="CUSTOMER")
    assert requested.status_code == 303
    (api,) = app_client.get(REPORTS, headers=partner.headers).json()["items"]
    assert (api["billingStartDate"], api["billingEndDate"]) == ("2026-12-01", "2026-12-31")
    assert api["type"] == "CUSTOMER"
    listed = app_client.get(requested.headers["location"])
    assert "The report is requested" in listed.text
    assert "in progress" in listed.text
    assert "Refresh" in listed.text
    assert not DOWNLOAD.search(listed.text)
    drain(app_client)
    done = app_client.get("/portal/billing")
    assert "completed" in done.text
    assert "Refresh" not in done.text
    link = DOWNLOAD.search(done.text)
    assert link, done.text
    downloaded = app_client.get(link.group(1))
    assert downloaded.status_code == 200
    header = next(csv.reader(io.StringIO(downloaded.text)))
    assert header[:2] == ["PARTNER_NAME", "PARTNER_ORG_ID"]
    assert "CUSTOMER_ORG_ID" in header
    detail = app_client.get(f"/portal/billing/reports/{api['id']}")
    assert DOWNLOAD.search(detail.text)
    assert "Delete this report" in detail.text


def test_mistakes_show_next_to_their_field_and_request_nothing(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    bad_month = _request(app_client, month="2026-13")
    assert bad_month.status_code == 400
    assert 'id="month-error"' in bad_month.text
    assert 'value="2026-13"' in bad_month.text
    both = _request(
        app_client, month="2026-11", billingStartDate="2026-11-01", billingEndDate="2026-11-30"
    )
    assert 'id="month-error"' in both.text
    today = _request(app_client, billingStartDate="2026-12-01", billingEndDate="2027-01-03")
    assert today.status_code == 400
    assert 'id="billingEndDate-error"' in today.text
    this_month = _request(app_client, month="2027-01")  # not over yet (the clock: 3 Jan 2027)
    assert 'id="month-error"' in this_month.text
    backwards = _request(app_client, billingStartDate="2026-12-05", billingEndDate="2026-12-01")
    assert 'id="billingStartDate-error"' in backwards.text
    missing = _request(app_client)
    assert 'id="billingStartDate-error"' in missing.text
    assert app_client.get(REPORTS, headers=partner.headers).json()["items"] == []
    assert _request(app_client, month="2026-12").status_code == 303
    drain(app_client)
    twice = _request(app_client, month="2026-12")
    assert twice.status_code == 400
    assert 'id="month-error"' in twice.text
    assert "delete it" in twice.text
    assert len(app_client.get(REPORTS, headers=partner.headers).json()["items"]) == 1


def test_deleting_a_report_stops_its_link(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    _request(app_client, month="2026-12")
    drain(app_client)
    (api,) = app_client.get(REPORTS, headers=partner.headers).json()["items"]
    detail = app_client.get(f"/portal/billing/reports/{api['id']}")
    link = DOWNLOAD.search(detail.text)
    assert link
    deleted = app_client.post(
        f"/portal/billing/reports/{api['id']}/delete", data={"csrf": csrf_of(detail)}
    )
    assert deleted.status_code == 200
    assert "No report yet" in deleted.text
    assert app_client.get(link.group(1)).status_code == 404


def test_invoices_and_the_price_book_are_the_apis(
    app_client: TestClient,
    clock: ManualClock,
    partner: Partner,
    ops: dict[str, str],
    signed_in: None,
) -> None:
    assert "No price book is in effect" in app_client.get("/portal/billing/price-book").text
    set_prices(app_client, ops, partner, {"TK-WHL-CALLING": "31.00"})
    customer = provision_customer(app_client, partner)
    provision_subscriber(app_client, partner, customer["id"])
    run_invoice_job_at(app_client, clock, datetime(2027, 2, 1, 3, 0, tzinfo=UTC))
    sign_in(app_client, partner.admin_email)  # a month later: the session has ended
    (api,) = app_client.get("/v1/partner/invoices", headers=partner.headers).json()["items"]
    assert api["lines"]
    prices = app_client.get("/portal/billing/price-book").text
    assert "TK-WHL-CALLING" in prices
    assert "31.00" in prices
    listed = app_client.get("/portal/billing/invoices").text
    assert f'href="/portal/billing/invoices/{api["id"]}"' in listed
    assert f"{api['total']} EUR" in listed
    detail = app_client.get(f"/portal/billing/invoices/{api['id']}").text
    for line in api["lines"]:
        assert line["sku"] in detail
        assert line["amount"] in detail
    page_csv = app_client.get(f"/portal/billing/invoices/{api['id']}/csv")
    api_csv = app_client.get(f"/v1/partner/invoices/{api['id']}/csv", headers=partner.headers)
    assert page_csv.status_code == 200
    assert page_csv.text == api_csv.text


def test_acting_for_a_sub_partner_requests_its_reports_and_hides_invoices(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    sub = set_up_sub_partner(app_client, partner, name="Billed Resellers")
    detail = app_client.get(f"/portal/sub-partners/{sub.org_id}")
    app_client.post(f"/portal/sub-partners/{sub.org_id}/act", data={"csrf": csrf_of(detail)})
    page = app_client.get("/portal/billing")
    assert "Acting for <strong>Billed Resellers</strong>" in page.text
    assert 'href="/portal/billing/invoices"' not in page.text
    assert app_client.get("/portal/billing/invoices").status_code == 404
    assert app_client.get("/portal/billing/price-book").status_code == 404
    assert _request(app_client, month="2026-12").status_code == 303
    params = {"subPartnerOrgId": sub.org_id}
    (theirs,) = app_client.get(REPORTS, params=params, headers=partner.headers).json()["items"]
    assert theirs["subPartnerOrgId"] == sub.org_id
    assert app_client.get(REPORTS, headers=partner.headers).json()["items"] == []
    assert app_client.get(REPORTS, headers=sub.headers).json()["items"][0]["id"] == theirs["id"]


def test_a_sub_partners_people_have_no_invoices(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner, name="Small Resellers")
    give_password(db, clock, sub.admin_email)
    sign_in(app_client, sub.admin_email)
    assert app_client.get("/portal/billing").status_code == 200
    assert app_client.get("/portal/billing/invoices").status_code == 404
    assert app_client.get("/portal/billing/price-book").status_code == 404


def test_another_partners_reports_and_invoices_are_not_found(
    app_client: TestClient,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
    ops: dict[str, str],
    signed_in: None,
) -> None:
    body = {"billingStartDate": "2026-12-01", "billingEndDate": "2026-12-31"}
    theirs = app_client.post(REPORTS, json=body, headers=other_partner.headers).json()
    drain(app_client)
    assert "2026-12-01" not in app_client.get("/portal/billing").text
    assert app_client.get(f"/portal/billing/reports/{theirs['id']}").status_code == 404
    page = app_client.get("/portal/billing")
    deleted = app_client.post(
        f"/portal/billing/reports/{theirs['id']}/delete", data={"csrf": csrf_of(page)}
    )
    assert deleted.status_code == 404
    kept = app_client.get(f"{REPORTS}/{theirs['id']}", headers=other_partner.headers)
    assert kept.status_code == 200
    set_prices(app_client, ops, other_partner, {"TK-WHL-CALLING": "10.00"})
    provision_customer(app_client, other_partner)
    run_invoice_job_at(app_client, clock, datetime(2027, 2, 1, 3, 0, tzinfo=UTC))
    sign_in(app_client, partner.admin_email)  # a month later: the session has ended
    invoices = app_client.get("/v1/partner/invoices", headers=other_partner.headers).json()
    (invoice,) = invoices["items"]
    assert app_client.get(f"/portal/billing/invoices/{invoice['id']}").status_code == 404
    assert app_client.get(f"/portal/billing/invoices/{invoice['id']}/csv").status_code == 404
    assert "No price book is in effect" in app_client.get("/portal/billing/price-book").text


def test_read_only_staff_read_but_neither_request_nor_delete(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    body = {"billingStartDate": "2026-12-01", "billingEndDate": "2026-12-31"}
    report = app_client.post(REPORTS, json=body, headers=partner.headers).json()
    drain(app_client)
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    sign_in(app_client, "viewer@acme.test")
    listed = app_client.get("/portal/billing")
    assert DOWNLOAD.search(listed.text)  # reading includes downloading
    assert "Request a report" not in listed.text
    detail = app_client.get(f"/portal/billing/reports/{report['id']}")
    assert "Delete this report" not in detail.text
    assert app_client.get(NEW).status_code == 403
    refused = app_client.post(
        NEW, data={"month": "2026-11", "csrf": csrf_of(detail)}, follow_redirects=False
    )
    assert refused.status_code == 403
    gone = app_client.post(
        f"/portal/billing/reports/{report['id']}/delete", data={"csrf": csrf_of(detail)}
    )
    assert gone.status_code == 403
    assert [r["id"] for r in app_client.get(REPORTS, headers=partner.headers).json()["items"]] == [
        report["id"]
    ]


def test_forms_without_their_csrf_token_are_refused(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    refused = app_client.post(NEW, data={"month": "2026-12", "csrf": "forged"})
    assert refused.status_code == 403
    assert app_client.get(REPORTS, headers=partner.headers).json()["items"] == []
    body = {"billingStartDate": "2026-12-01", "billingEndDate": "2026-12-31"}
    report = app_client.post(REPORTS, json=body, headers=partner.headers).json()
    kept = app_client.post(f"/portal/billing/reports/{report['id']}/delete", data={})
    assert kept.status_code == 403
    assert app_client.get(f"{REPORTS}/{report['id']}", headers=partner.headers).status_code == 200
