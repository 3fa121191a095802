"""Sub-partners and billing as a partner's administrator uses them, in headless Chromium against
a live `tukku serve` on each backend: setting up a sub-partner and acting for it (the banner,
its customers rather than one's own, stopping), and a billing report requested, followed until
the server's worker has made it, and downloaded. Every page reached is checked with axe and kept
as screenshots at a phone's and a laptop's width."""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, Account, Portal, Review, sign_in, submit
from tests.e2e.conftest import tukku

_n = itertools.count()


def _partner_with_token(portal: Portal) -> tuple[Account, dict[str, str]]:
    """A partner from `tukku partners create` (its administrator given a password), and the
    Authorization header of the API token it comes with."""
    n = next(_n)
    organization = f"Channel Telecom {n}"
    email = f"channel{n}@browser.test"
    url = ("--database-url", portal.database_url)
    created = json.loads(
        tukku("partners", "create", "--name", organization, "--admin-email", email, "--json", *url)
    )
    tukku("users", "set-password", "--email", email, "--password-stdin", *url, stdin=PASSWORD)
    return Account(email, PASSWORD, organization), {"Authorization": f"Bearer {created['token']}"}


def _api(portal: Portal, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
    answer = httpx.request(method, f"{portal.base_url}{path}", headers=headers, timeout=30, **kw)
    assert answer.is_success, answer.text
    return answer.json()


def _customer(
    portal: Portal, headers: dict[str, str], name: str, sub_partner: str | None = None
) -> None:
    """A meetings customer through the API, for the partner or (on its behalf) a sub-partner."""
    params = {"onBehalfOfSubPartnerOrgId": sub_partner} if sub_partner else {}
    templates = _api(portal, "GET", "/v1/partner/onboardingTemplates", headers, params=params)
    body = {
        "provisioningId": templates["items"][0]["provisioningId"],
        "packages": ["webex_meetings"],
        "externalId": name.lower().replace(" ", "-"),
        "address": {
            "addressLine1": "Mannerheimintie 1",
            "city": "Helsinki",
            "stateOrProvince": "Uusimaa",
            "zipOrPostalCode": "00100",
            "country": "FI",
        },
        "customerInfo": {"name": name, "primaryEmail": f"owner@{name.split()[0].lower()}.test"},
        "provisioningParameters": {"meetings": {"timezone": "Europe/Helsinki"}},
    }
    _api(portal, "POST", "/v1/wholesale/customers", headers, params=params, json=body)


def test_a_partner_sets_up_a_sub_partner_and_acts_for_it(
    page: Page, portal: Portal, review: Review
) -> None:
    account, headers = _partner_with_token(portal)
    _customer(portal, headers, "Parent Sauna Shop")
    page.goto("/portal/sign-in")
    sign_in(page, account)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sub-partners").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sub-partners")
    expect(page.get_by_text("No sub-partner yet.")).to_be_visible()
    review(page, "sub-partners-empty")

    page.get_by_role("link", name="New sub-partner").click()
    page.get_by_label("Organization name").fill("Lakeside Resellers")
    page.get_by_label("Administrator's e-mail address").fill("not an address")
    page.get_by_label("Administrator's first name").fill("Lea")
    page.get_by_label("Administrator's last name").fill("Lakeside")
    assert submit(page, "Set up the sub-partner").status == 400
    expect(page.get_by_role("alert")).to_contain_text("not a valid e-mail address")
    expect(page.get_by_label("Administrator's e-mail address")).to_have_attribute(
        "aria-invalid", "true"
    )
    review(page, "sub-partner-new-invalid")
    page.get_by_label("Administrator's e-mail address").fill("lea@lakeside.test")
    submit(page, "Set up the sub-partner")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lakeside Resellers")
    expect(page.get_by_role("status")).to_contain_text("The sub-partner is set up")
    review(page, "sub-partner")
    sub_partner = page.url.split("/")[-1].split("?")[0]
    _customer(portal, headers, "Lakeside Bakery", sub_partner)

    submit(page, "Act for Lakeside Resellers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    banner = page.get_by_role("region", name="Acting for a sub-partner")
    expect(banner).to_contain_text("Acting for Lakeside Resellers")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Lakeside Bakery")
    expect(table).not_to_contain_text("Parent Sauna Shop")
    review(page, "customers-acting")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Templates").click()
    expect(banner).to_be_visible()  # on every page until it stops
    submit(page, "Stop acting")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sub-partners")
    expect(page.get_by_role("region", name="Acting for a sub-partner")).to_have_count(0)
    expect(page.get_by_role("link", name="Lakeside Resellers")).to_be_visible()
    review(page, "sub-partners")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    expect(page.get_by_role("table")).to_contain_text("Parent Sauna Shop")


def _last_month() -> date:
    """The first day of last month (real time: the server's worker runs on it)."""
    first = datetime.now(UTC).date().replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def test_a_billing_report_is_requested_made_and_downloaded(
    page: Page, portal: Portal, review: Review
) -> None:
    account, _ = _partner_with_token(portal)
    month = _last_month()
    period = f"{month:%Y-%m}-01 to {_next_month(month) - timedelta(days=1)}"
    page.goto("/portal/billing")
    sign_in(page, account)
    expect(page.get_by_role("heading", level=1)).to_have_text("Billing reports")
    expect(page.get_by_text("No report yet.")).to_be_visible()
    review(page, "billing-empty")

    page.get_by_role("link", name="Request a report").click()
    page.get_by_label("Month").fill("2001-01")
    assert submit(page, "Request the report").status == 400
    expect(page.get_by_role("alert")).to_contain_text("within the last")
    review(page, "billing-request-invalid")
    page.get_by_label("Month").fill(f"{month:%Y-%m}")
    page.get_by_label("Type").select_option("CUSTOMER")
    submit(page, "Request the report")
    expect(page.get_by_role("status").first).to_contain_text("The report is requested")
    # The server's worker makes it; the page's script puts the fresh list in place.
    row = page.get_by_role("row").filter(has_text=f"{month:%Y-%m}-01")
    expect(row).to_contain_text("completed", timeout=60_000)
    review(page, "billing")

    with page.expect_download() as downloading:
        row.get_by_role("link", name="Download CSV").click()
    download = downloading.value
    path = download.path()
    assert path is not None
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["PARTNER_NAME", "PARTNER_ORG_ID"]
    assert "CUSTOMER_EXTERNAL_ID" in rows[0]
    assert download.suggested_filename.endswith(".csv")

    row.get_by_role("link", name=period, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{month:%Y-%m}-01")
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    review(page, "billing-report")

    page.get_by_role("link", name="All billing reports").click()
    page.get_by_role("navigation", name="Billing").get_by_role("link", name="Invoices").click()
    expect(page.get_by_text("No invoice yet.")).to_be_visible()
    review(page, "billing-invoices")
    page.get_by_role("navigation", name="Billing").get_by_role("link", name="Price book").click()
    expect(page.get_by_text("No price book is in effect yet")).to_be_visible()
    review(page, "billing-price-book")
