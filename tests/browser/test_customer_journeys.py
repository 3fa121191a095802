"""A partner's customer journeys in headless Chromium against a live `tukku serve` (whose
in-process worker provisions customers): a customer made with the create-customer wizard and
watched on its page until provisioned, set up with a branch and three users, its restricted
mode switched, Setup Assist ordered for its branch, and opened in the customer portal; and a
template created and its provisioningId copied with the Copy button. Every page reached is
checked with axe and kept as screenshots at both widths."""

from __future__ import annotations

import itertools

from playwright.sync_api import Page, expect

from tests.browser.conftest import Account, Portal, Review, sign_in, submit

_journeys = itertools.count()


def signed_in(page: Page, account: Account, path: str) -> None:
    page.goto(path)
    sign_in(page, account)


def test_a_customer_made_with_the_wizard_is_followed_until_provisioned_then_set_up(
    page: Page, portal: Portal, account: Account, review: Review
) -> None:
    n = next(_journeys)
    signed_in(page, account, "/portal/customers")
    page.get_by_role("link", name="New customer").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Step 1 of 5: Company")
    review(page, "customer-new-company")
    page.get_by_label("Company name").fill(f"Kahvila Aalto {n}")
    page.get_by_label("Administrator's e-mail address").fill(f"owner{n}@aalto.test")
    page.get_by_label("Your reference for the customer (external ID)").fill(f"crm-{n}")
    submit(page, "Next")

    expect(page.get_by_role("heading", level=2)).to_have_text("Step 2 of 5: Onboarding template")
    review(page, "customer-new-template")
    page.get_by_label("Default", exact=True).check()
    submit(page, "Next")

    expect(page.get_by_role("heading", level=2)).to_have_text("Step 3 of 5: Packages")
    review(page, "customer-new-packages")
    page.get_by_label("Webex Calling", exact=True).check()
    page.get_by_label("Webex Meetings", exact=True).check()
    submit(page, "Next")

    expect(page.get_by_role("heading", level=2)).to_have_text("Step 4 of 5: Headquarters")
    page.get_by_label("Address line 1").fill("Mannerheimintie 1")
    page.get_by_label("City").fill("Helsinki")
    page.get_by_label("Country", exact=True).select_option("FI")
    page.get_by_label("Time zone").fill("Europe/Helsinki")
    answer = submit(page, "Next")  # the country is not confirmed yet
    assert answer.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Confirm that the headquarters is in")
    review(page, "customer-new-headquarters-unconfirmed")
    page.get_by_label("The headquarters is in the country chosen above").check()
    submit(page, "Next")

    expect(page.get_by_role("heading", level=2)).to_have_text("Step 5 of 5: Summary")
    expect(page.get_by_text("Finland: supported")).to_be_visible()
    review(page, "customer-new-summary")
    submit(page, "Back")
    expect(page.get_by_label("City")).to_have_value("Helsinki")  # Back keeps what was typed
    submit(page, "Next")
    submit(page, "Create the customer")

    # The page follows the status in place (the notice shown only after creating stays).
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kahvila Aalto {n}")
    created_url = page.url
    status = page.locator("#status-now")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text("ready for users")
    assert page.url == created_url
    expect(page.get_by_text("The customer is created.")).to_be_visible()
    review(page, "customer-provisioned")

    page.get_by_role("link", name="Set up locations and users").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("Step 1 of 4: Locations")
    review(page, "set-up-locations")
    page.get_by_label("Location name").fill("Tampere branch")
    page.get_by_label("Address line 1").fill("Hämeenkatu 5")
    page.get_by_label("City").fill("Tampere")
    submit(page, "Add the location")  # country, time zone and language as the headquarters'
    expect(page.get_by_role("status")).to_have_text("Location Tampere branch is added.")
    expect(page.get_by_role("cell", name="Tampere branch")).to_be_visible()
    review(page, "set-up-location-added")

    page.get_by_role("link", name="The locations are right: add users").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Step 2 of 4: Users")
    for i, first in enumerate(("Aino", "Eero", "Helmi"), start=1):
        row = page.get_by_role("group", name=f"User {i}")
        row.get_by_label("First name").fill(first)
        row.get_by_label("Last name").fill("Virtanen")
        row.get_by_label("E-mail address").fill(f"{first.lower()}{n}@aalto.test")
        row.get_by_label("Package").select_option("webex_calling")
        row.get_by_label("Extension").fill(f"{200 + i}")
    page.get_by_role("group", name="User 3").get_by_label("Location").select_option(
        label="Tampere branch"
    )
    review(page, "set-up-users")
    submit(page, "Review")

    expect(page.get_by_role("heading", level=2)).to_have_text("Step 3 of 4: Review")
    expect(page.get_by_role("row")).to_have_count(4)
    review(page, "set-up-review")
    submit(page, "Create 3 users")

    expect(page.get_by_role("status")).to_have_text("3 of 3 users added.")
    expect(page.get_by_text("Created", exact=True)).to_have_count(3)
    review(page, "set-up-results")

    page.get_by_role("link", name=f"Done: see Kahvila Aalto {n}").click()
    expect(page.get_by_text("Restricted mode is on")).to_be_visible()
    submit(page, "Turn restricted mode off")
    expect(page.get_by_text("Restricted mode is off")).to_be_visible()
    expect(page.get_by_role("button", name="Turn restricted mode on")).to_be_visible()
    review(page, "customer-restricted-off")

    page.get_by_role("link", name="Order Setup Assist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Order Setup Assist for Kahvila Aalto {n}"
    )
    review(page, "setup-assist-new")
    page.get_by_label("Location", exact=True).select_option(label="Tampere branch")
    page.get_by_label("The customer's number of locations").fill("2")
    submit(page, "Order Setup Assist")
    expect(page.get_by_role("status")).to_contain_text("The order is placed")
    expect(page.get_by_role("cell", name="Discovery and assessment")).to_be_visible()
    review(page, "setup-assist-order")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Setup Assist").click()
    expect(page.get_by_role("cell", name="Tampere branch")).to_be_visible()
    review(page, "setup-assist-orders")
    page.goto(created_url)

    submit(page, "Open in the customer portal")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kahvila Aalto {n}")
    expect(page.get_by_role("region", name="Acting as partner")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    expect(page.get_by_role("row").filter(has_text="Helmi Virtanen")).to_be_visible()
    review(page, "customer-cross-launched")


def test_a_new_templates_provisioning_id_is_copied_with_the_copy_button_then_edited(
    page: Page, account: Account, review: Review
) -> None:
    n = next(_journeys)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    signed_in(page, account, "/portal/templates/new")
    review(page, "journey-template-new")
    page.get_by_label("Name", exact=True).fill(f"Shops {n}")
    page.get_by_label("PSTN provider (optional)").fill("Nordic PSTN")
    submit(page, "Create the template")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Shops {n}")
    provisioning_id = page.locator("#provisioning-id").inner_text().strip()
    assert provisioning_id
    page.get_by_role("button", name="Copy").click()
    expect(page.locator(".copied")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == provisioning_id
    review(page, "journey-template-copied")

    page.get_by_role("link", name="Edit the template").click()
    expect(page.get_by_label("PSTN provider (optional)")).to_have_value("Nordic PSTN")
    review(page, "journey-template-edit")
    page.get_by_label("Brand name (optional)").fill(f"Shops Calling {n}")
    submit(page, "Save the changes")
    expect(page.get_by_role("status").first).to_contain_text("The changes are saved")
    expect(page.locator("#provisioning-id")).to_have_text(provisioning_id)
    expect(page.get_by_text(f"Shops Calling {n}")).to_be_visible()
