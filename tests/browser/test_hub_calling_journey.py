"""The customer portal's calling pages in headless Chromium against a live `tukku serve`: a
customer's administrator adds a location, a workspace with Webex Calling, a generic SIP phone
for it by MAC address (downloading its SIP credentials), an activation code, and a call queue
that gets an agent and is upgraded to CX Essentials. Every page reached is checked with axe
and kept as screenshots at both widths."""

from __future__ import annotations

import time
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, Account, Portal, Review, sign_in, submit
from tests.browser.test_hub_journeys import first_admin_email, set_password
from tests.browser.test_operator_journeys import new_partner
from tests.conftest import Partner
from tests.support import customer_body

WAIT_SECONDS = 30
PACKAGES = ["webex_calling", "cx_essentials", "common_area_calling"]


def calling_customer(client: httpx.Client, partner: Partner) -> dict[str, Any]:
    """A customer with calling, CX Essentials and Common Area calling, once provisioned."""
    body = customer_body(partner, packages=PACKAGES)
    body["customerInfo"]["name"] = "Sauna Calling"
    created = client.post("/v1/wholesale/customers", json=body, headers=partner.headers)
    assert created.status_code == 202, created.text
    url = created.json()["url"]
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        customer: dict[str, Any] = client.get(url, headers=partner.headers).json()
        if customer["status"] == "provisioned":
            return customer
        time.sleep(0.2)
    raise AssertionError(f"the customer is {customer['status']}, not provisioned")


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_a_customer_admin_sets_up_a_location_workspace_device_and_call_queue(
    page: Page, portal: Portal, review: Review
) -> None:
    partner = new_partner(portal, "Calling Hub Telecom")
    with httpx.Client(base_url=portal.base_url, timeout=WAIT_SECONDS) as client:
        customer = calling_customer(client, partner)
        seat = {
            "customerId": customer["id"],
            "email": "aino@sauna.test",
            "packages": ["cx_essentials"],
            "provisioningParameters": {
                "firstName": "Aino",
                "lastName": "Agent",
                "extension": "2001",
            },
        }
        made = client.post("/v1/wholesale/subscribers", json=seat, headers=partner.headers)
        assert made.status_code == 200, made.text
    admin = Account(first_admin_email(portal, customer["orgId"]), PASSWORD, "Sauna Calling")
    set_password(portal, admin.email)
    page.goto("/portal/sign-in")
    sign_in(page, admin)
    expect(page).to_have_url(f"{portal.base_url}/hub")

    # a location
    nav(page, "Locations")
    review(page, "hub-locations")
    page.get_by_role("link", name="Add a location").click()
    review(page, "hub-location-new")
    page.get_by_label("Location name").fill("Tampere")
    submit(page, "Add the location")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    page.get_by_label("Address line 1").fill("Hämeenkatu 1")
    page.get_by_label("City").fill("Tampere")
    page.get_by_label("State or province").fill("Pirkanmaa")
    page.get_by_label("Postal code").fill("33100")
    page.get_by_label("Country").fill("FI")
    page.get_by_label("Time zone").fill("Europe/Helsinki")
    page.get_by_label("Language", exact=True).fill("en_US")
    page.get_by_label("Announcement language").fill("en_US")
    submit(page, "Add the location")
    expect(page.get_by_role("status")).to_have_text("The location is added.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tampere")
    review(page, "hub-location")

    nav(page, "Numbers")
    expect(page.get_by_role("row").filter(has_text="2001")).to_contain_text("Aino Agent")
    expect(page.get_by_role("button", name="Add the numbers")).to_have_count(0)
    review(page, "hub-numbers")

    # a workspace with Webex Calling
    nav(page, "Workspaces")
    review(page, "hub-workspaces")
    page.get_by_role("link", name="Add a workspace").click()
    review(page, "hub-workspace-new")
    page.get_by_label("Name").fill("Aula")
    page.get_by_label("Location").select_option(label="Tampere")
    page.get_by_label("Webex Calling", exact=True).check()
    page.get_by_label("Extension (Webex Calling)").fill("4000")
    submit(page, "Add the workspace")
    expect(page.get_by_role("status")).to_have_text("The workspace is added.")
    review(page, "hub-workspace")

    # a generic SIP phone by MAC, its credentials downloaded
    nav(page, "Devices")
    review(page, "hub-devices")
    page.get_by_role("link", name="Add a device").click()
    review(page, "hub-device-new")
    by_mac = page.locator('form[action="/hub/devices/new"]')
    by_mac.get_by_label("For").select_option(label="Aula (workspace)")
    by_mac.get_by_label("Model").select_option("Generic IPPhone Customer Managed")
    by_mac.get_by_label("MAC address").fill("00:1A:2B:3C:4D:5E")
    submit(page, "Add the device")
    expect(page.get_by_role("status")).to_have_text("The device is added.")
    review(page, "hub-device")
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download the SIP credentials").click()
    credentials = downloading.value
    path = credentials.path()
    assert path is not None
    text = path.read_text()
    assert "SIP user name: " in text
    assert "SIP password: " in text

    page.get_by_role("link", name="Back to the devices").click()
    page.get_by_role("link", name="Add a device").click()
    by_code = page.locator('form[action="/hub/devices/activation-code"]')
    by_code.get_by_label("For").select_option(label="Aino Agent")
    submit(page, "Get an activation code")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activation code")
    review(page, "hub-device-code")

    # a call queue, an agent, the upgrade
    nav(page, "Call queues")
    review(page, "hub-queues")
    page.get_by_role("link", name="Create a call queue").click()
    review(page, "hub-queue-new")
    page.get_by_label("Location").select_option(label="Tampere")
    page.get_by_label("Name").fill("Tuki")
    page.get_by_label("Extension").fill("7001")
    submit(page, "Create the call queue")
    expect(page.get_by_role("status")).to_have_text("The call queue is created.")
    page.get_by_label("Add an agent").select_option(label="Aino Agent")
    submit(page, "Add the agent")
    expect(page.get_by_role("row").filter(has_text="Aino Agent")).to_be_visible()
    review(page, "hub-queue")
    submit(page, "Upgrade to CX Essentials")
    expect(page.get_by_role("status")).to_have_text("The call queue is upgraded to CX Essentials.")
    expect(page.get_by_role("button", name="Upgrade to CX Essentials")).to_have_count(0)
    review(page, "hub-queue-essentials")
