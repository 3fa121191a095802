"""An organization's own administrator and its new partner in headless Chromium against a live
`tukku serve`: a partner asks to manage an existing organization (it has a verified domain, so
its administrator must approve); the administrator approves in the customer portal, renames the
company and adds a domain (a bad one refused next to the field first); the partner gives the
customer a brand of its own from the customer's page in the partner portal (an unreadable colour
refused first); the customer portal, and the consent page a user reaches from the consent
e-mail, then wear that brand. Every new page is checked with axe and kept as screenshots."""

from __future__ import annotations

import time
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    PASSWORD,
    Account,
    Portal,
    Review,
    link_in,
    new_operator,
    newest_mail,
    sign_in,
    submit,
)
from tests.browser.test_hub_journeys import set_password
from tests.browser.test_operator_journeys import new_partner
from tests.conftest import Partner
from tests.support import customer_body, subscriber_body

WAIT_SECONDS = 30
ADMIN = "aino@leipomo.test"
MOVING = "veikko@freemail.test"


def standalone_org(client: httpx.Client, ops: dict[str, str]) -> str:
    """An organization outside wholesale with a verified domain, its admin `ADMIN`."""
    body = {
        "name": "Leipomo Aino",
        "users": [{"email": ADMIN, "firstName": "Aino", "lastName": "Leipuri", "admin": True}],
        "verifiedDomains": ["leipomo.test"],
    }
    made = client.post("/v1/ops/organizations", json=body, headers=ops)
    assert made.status_code == 201, made.text
    org_id: str = made.json()["id"]
    return org_id


def customer_when(
    client: httpx.Client, partner: Partner, url: str, ready: str, field: str = "status"
) -> dict[str, Any]:
    """The customer once its `field` (or its attachment's approval) reads `ready`."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        customer: dict[str, Any] = client.get(url, headers=partner.headers).json()
        value = customer["attachment"]["approval"] if field == "approval" else customer[field]
        if value == ready:
            return customer
        time.sleep(0.2)
    raise AssertionError(f"the customer's {field} is not {ready}: {customer}")


def background_of_header(page: Page) -> str:
    color: str = page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor")
    return color


def test_an_organization_approves_its_partner_settles_in_and_wears_its_own_brand(
    page: Page, portal: Portal, review: Review
) -> None:
    partner = new_partner(portal, "Leipa Telecom")
    ops = {"Authorization": f"Bearer {new_operator(portal).token}"}
    with httpx.Client(base_url=portal.base_url, timeout=WAIT_SECONDS) as client:
        org_id = standalone_org(client, ops)
        body = customer_body(partner, orgId=org_id)
        del body["customerInfo"]
        asked = client.post("/v1/wholesale/customers", json=body, headers=partner.headers)
        assert asked.status_code == 202, asked.text
        url = asked.json()["url"]
        customer_id = customer_when(client, partner, url, "pending", "approval")["id"]
    set_password(portal, ADMIN)
    admin = Account(ADMIN, PASSWORD, "Leipomo Aino")

    # The organization's administrator approves the partner's request.
    page.goto("/portal/sign-in")
    sign_in(page, admin)
    expect(page).to_have_url(f"{portal.base_url}/hub")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Partner requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner requests")
    expect(page.get_by_role("row").filter(has_text="Leipa Telecom")).to_contain_text(
        "verified e-mail domain"
    )
    review(page, "hub-attach-requests")
    page.get_by_role("link", name="Approve the request of Leipa Telecom").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Approve the request of Leipa Telecom?"
    )
    review(page, "hub-attach-request-confirm")
    page.get_by_label("Note for the record (optional)").fill("Tervetuloa")
    submit(page, "Approve the request")
    expect(page.get_by_role("status")).to_contain_text("The request is approved")
    expect(page.get_by_text("No request waits for your decision.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Tervetuloa")).to_contain_text("Approved")
    review(page, "hub-attach-requests-decided")
    with httpx.Client(base_url=portal.base_url, timeout=WAIT_SECONDS) as client:
        customer_when(client, partner, url, "provisioned")

    # Its settings: the company renamed, a domain added (a bad one refused first).
    nav.get_by_role("link", name="Organization").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account and organization")
    review(page, "hub-organization")
    page.get_by_role("textbox", name="Company name").fill("Leipomo Aino ja Veikko")
    submit(page, "Save the company name")
    expect(page.get_by_role("status")).to_have_text("The company name is changed.")
    expect(page.locator("header.top .org-name")).to_have_text("Leipomo Aino ja Veikko")
    page.get_by_label("Verified domains").fill("leipomo.test\nnot a domain")
    submit(page, "Save the domains")
    expect(page.locator("#domains-error")).to_contain_text("not a domain")
    expect(page.get_by_role("alert")).to_contain_text("not a domain")
    review(page, "hub-organization-refused")
    page.get_by_label("Verified domains").fill("leipomo.test\nveikko.test")
    submit(page, "Save the domains")
    expect(page.get_by_role("status")).to_have_text("The domains are saved.")
    expect(page.get_by_label("Verified domains")).to_have_value("leipomo.test\nveikko.test")
    submit(page, "Sign out")

    # The partner gives the customer a brand of its own.
    set_password(portal, partner.admin_email)
    page.goto(f"/portal/customers/{customer_id}")
    sign_in(page, Account(partner.admin_email, PASSWORD, "Leipa Telecom"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Leipomo Aino ja Veikko")
    page.get_by_role("main").get_by_role("link", name="Branding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Branding of Leipomo Aino ja Veikko")
    expect(page.get_by_text("No override is set")).to_be_visible()
    review(page, "branding-customer")
    light = page.get_by_role("group", name="Light mode")
    page.get_by_label("Brand name (optional)").fill("Leipomo")
    light.get_by_label("Text colour").fill("#888888")
    light.get_by_label("Background colour").fill("#ffffff")
    submit(page, "Save the brand")
    expect(page.locator("#lightText-error")).to_contain_text(":1")
    review(page, "branding-customer-refused")
    light.get_by_label("Text colour").fill("#2b1d0e")
    light.get_by_label("Background colour").fill("#fdf3e1")
    light.get_by_label("Link colour").fill("#7a3e00")
    page.get_by_label("Support e-mail (optional)").fill("apu@leipomo.test")
    submit(page, "Save the brand")
    expect(page.get_by_role("status")).to_have_text("The brand is saved.")
    expect(page.get_by_text("An override is set.")).to_be_visible()
    review(page, "branding-customer-saved")
    submit(page, "Sign out")

    # The customer portal wears it.
    page.goto("/portal/sign-in")
    sign_in(page, admin)
    expect(page).to_have_url(f"{portal.base_url}/hub")
    expect(page.locator("header.top a.brand")).to_have_text("Leipomo")
    assert background_of_header(page) == "rgb(253, 243, 225)"

    # And so does the consent page of a user asked to move in.
    with httpx.Client(base_url=portal.base_url, timeout=WAIT_SECONDS) as client:
        elsewhere = {
            "name": "Freemail",
            "users": [{"email": MOVING, "firstName": "Veikko", "lastName": "Leipuri"}],
        }
        assert client.post("/v1/ops/organizations", json=elsewhere, headers=ops).is_success
        seat = subscriber_body(customer_id, email=MOVING)
        moved = client.post("/v1/wholesale/subscribers", json=seat, headers=partner.headers)
        assert moved.status_code == 202, moved.text
    page.goto(link_in(newest_mail(portal, MOVING), "/v1/consent/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Join Leipomo Aino ja Veikko")
    expect(page.locator("header.top a.brand")).to_have_text("Leipomo")
    expect(page.get_by_role("region", name="Support")).to_contain_text("apu@leipomo.test")
    review(page, "consent")
