"""The customer portal (Control Hub) in headless Chromium against a live `tukku serve`: a
customer's administrator signs in and lands there, sees the restricted-mode banner and no
controls it removes (a forged post of one is refused), then (the partner having turned the mode
off) adds 25 users by hand, edits one, and adds 198 more from a CSV file of 200 rows checked
before it is applied, the two bad rows reported and left out; the partner cross-launches into
the same organization and sees the "acting as partner" bar. Every page reached is checked with
axe and kept as screenshots at both widths."""

from __future__ import annotations

import time
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, Account, Portal, Review, sign_in, submit
from tests.browser.test_operator_journeys import new_partner
from tests.conftest import Partner
from tests.e2e.conftest import tukku
from tests.support import customer_body
from tukku.core.db import Database
from tukku.identity import service as identity

WAIT_SECONDS = 30


def provisioned_customer(client: httpx.Client, partner: Partner) -> dict[str, Any]:
    """A customer with calling and the suite, once the server's worker has provisioned it."""
    body = customer_body(partner, packages=["webex_calling", "webex_suite"])
    body["customerInfo"]["name"] = "Kahvila Hub"
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


def first_admin_email(portal: Portal, org_id: str) -> str:
    database = Database(portal.database_url, pool_size=1)
    try:
        with database.unit_of_work(write=False) as session:
            admin = identity.first_admin(session, org_id)
            assert admin is not None
            return admin.email
    finally:
        database.dispose()


def users_matching(portal: Portal, org_id: str, search: str) -> int:
    """How many users of the organization match `search`, read from the database itself."""
    database = Database(portal.database_url, pool_size=1)
    try:
        with database.unit_of_work(write=False) as session:
            return len(identity.users_matching(session, org_id, search=search))
    finally:
        database.dispose()


def set_password(portal: Portal, email: str) -> None:
    url = ("--database-url", portal.database_url)
    tukku("users", "set-password", "--email", email, "--password-stdin", *url, stdin=PASSWORD)


def test_a_customer_admin_works_in_control_hub_and_the_partner_cross_launches_into_it(
    page: Page, portal: Portal, review: Review
) -> None:
    partner = new_partner(portal, "Hub Telecom")
    with httpx.Client(base_url=portal.base_url, timeout=WAIT_SECONDS) as client:
        customer = provisioned_customer(client, partner)
        seat = {
            "customerId": customer["id"],
            "email": "helmi@kahvila.test",
            "packages": ["webex_calling"],
            "provisioningParameters": {
                "firstName": "Helmi",
                "lastName": "Virtanen",
                "extension": "2001",
            },
        }
        made = client.post("/v1/wholesale/subscribers", json=seat, headers=partner.headers)
        assert made.status_code == 200, made.text
        admin = Account(first_admin_email(portal, customer["orgId"]), PASSWORD, "Kahvila Hub")
        set_password(portal, admin.email)

        page.goto("/portal/sign-in")
        sign_in(page, admin)
        expect(page).to_have_url(f"{portal.base_url}/hub")
        expect(page.get_by_role("heading", level=1)).to_have_text("Kahvila Hub")
        expect(page.get_by_role("region", name="Restricted mode")).to_contain_text(
            "Restricted mode is on"
        )
        review(page, "hub-home-restricted")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
        expect(page.get_by_role("row").filter(has_text="helmi@kahvila.test")).to_be_visible()
        expect(page.get_by_role("link", name="Add users")).to_have_count(0)
        review(page, "hub-users-restricted")
        forged = page.request.post(
            f"{portal.base_url}/hub/users/new",
            form={
                "csrf": page.locator('input[name="csrf"]').first.input_value(),
                "rows": "1",
                "r0-firstName": "Forged",
                "r0-lastName": "Post",
                "r0-email": "forged@kahvila.test",
            },
        )
        assert forged.status == 403
        assert users_matching(portal, customer["orgId"], "forged") == 0

        off = client.put(
            f"/v1/partner/customers/{customer['id']}/restrictedMode",
            json={"enabled": False},
            headers=partner.headers,
        )
        assert off.status_code == 200, off.text

    page.reload()
    expect(page.get_by_role("region", name="Restricted mode")).to_have_count(0)
    page.get_by_role("link", name="Add users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add users")
    review(page, "hub-users-new")
    for _ in range(4):  # five rows at first, five more a click, up to 25
        submit(page, "Add more rows")
    expect(page.get_by_role("button", name="Add more rows")).to_have_count(0)
    for i in range(1, 26):
        row = page.get_by_role("group", name=f"User {i}", exact=True)
        row.get_by_label("First name").fill("Eero" if i == 2 else "Käsin")
        row.get_by_label("Last name").fill("Koski" if i == 2 else f"Lisätty{i}")
        row.get_by_label("E-mail address").fill(f"kasin{i}@kahvila.test")
    second = page.get_by_role("group", name="User 2", exact=True)
    second.get_by_label("Package").select_option("webex_calling")
    second.get_by_label("Extension").fill("2002")
    submit(page, "Add the users")

    expect(page.get_by_role("status")).to_have_text("25 of 25 users added.")
    review(page, "hub-users-results")

    page.get_by_role("link", name="Done: see the users").click()
    page.get_by_role("link", name="Eero Koski").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eero Koski")
    expect(page.get_by_role("button", name="Change the package")).to_be_visible()
    review(page, "hub-user")
    page.get_by_label("Display name").fill("Eero K.")
    submit(page, "Save")
    expect(page.get_by_role("status")).to_have_text("The user is changed.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Eero K.")

    page.get_by_role("link", name="Back to the users").click()
    page.get_by_role("link", name="Add or edit users by CSV file").click()
    review(page, "hub-users-import")
    good = [f"Kortti,Käyttäjä{i},kortti{i}@kahvila.test" for i in range(198)]
    bad = ["Bad,Address,not-an-address", "Nameless,,kortti-nameless@kahvila.test"]
    rows = "\n".join(good[:100] + bad[:1] + good[100:] + bad[1:])
    csv_file = {
        "name": "users.csv",
        "mimeType": "text/csv",
        "buffer": f"First Name,Last Name,Email\n{rows}\n".encode(),
    }
    page.get_by_label("CSV file").set_input_files(csv_file)
    submit(page, "Check the file")
    expect(page.get_by_role("status")).to_have_text(
        "198 of 200 rows can be applied; 2 cannot: see why below."
    )
    review(page, "hub-users-import-checked")
    submit(page, "Apply 198 rows (the others are left out)")
    expect(page.get_by_role("status")).to_have_text(
        "198 of 200 rows applied; 2 not applied: see why below."
    )
    expect(page.get_by_role("row").filter(has_text="not-an-address")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="kortti-nameless@kahvila.test")).to_be_visible()
    assert users_matching(portal, customer["orgId"], "kortti") == 198  # nothing else lost
    review(page, "hub-users-import-applied")
    submit(page, "Sign out")

    set_password(portal, partner.admin_email)
    page.goto(f"/portal/customers/{customer['id']}")
    sign_in(page, Account(partner.admin_email, PASSWORD, "Hub Telecom"))
    submit(page, "Open in the customer portal")
    bar = page.get_by_role("region", name="Acting as partner")
    expect(bar).to_contain_text("Acting as partner Hub Telecom in Kahvila Hub")
    review(page, "hub-cross-launched")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    expect(page.get_by_role("row").filter(has_text="Eero K.")).to_be_visible()
    submit(page, "Back to the partner portal")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kahvila Hub")
