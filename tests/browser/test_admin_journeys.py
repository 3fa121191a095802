"""Administering a partner's own people and API access, in headless Chromium against a live
`tukku serve`: a full administrator invites a read-only colleague, creates an API token, uses
it and revokes it; the colleague sets a password from the invitation e-mail, signs in, sees no
control that changes anything, and a form posted by hand is refused. Every page reached is
checked with axe and kept as screenshots."""

from __future__ import annotations

import itertools
import time
from urllib.parse import urlsplit

from playwright.sync_api import APIResponse, Page, expect

from tests.browser.conftest import (
    Account,
    Portal,
    Review,
    link_in,
    newest_mail,
    sign_in,
    submit,
)

COLLEAGUE_PASSWORD = "amber kettle signal meadow"
_n = itertools.count()


def _csrf(page: Page) -> str:
    value = page.locator('input[name="csrf"]').first.get_attribute("value")
    assert value
    return value


def _api(page: Page, path: str, token: str) -> APIResponse:
    return page.request.get(path, headers={"Authorization": f"Bearer {token}"})


def test_an_administrator_invites_a_read_only_colleague_who_can_change_nothing(
    page: Page, portal: Portal, account: Account, review: Review
) -> None:
    colleague = f"viewer{next(_n)}-{portal.backend}@browser.test"
    page.goto("/portal/users")
    sign_in(page, account)
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    expect(page.get_by_role("row").filter(has_text=account.email)).to_contain_text(
        "Full administrator"
    )
    review(page, "users")

    page.get_by_role("link", name="Invite a user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a user")
    review(page, "users-new")
    page.get_by_label("E-mail address").fill(colleague)
    answer = submit(page, "Send the invitation")
    assert answer.status == 400
    expect(page.get_by_role("alert")).to_contain_text("give at least one role")
    review(page, "users-new-errors")
    page.get_by_label("First name (optional)").fill("Vera")
    page.get_by_label("Last name (optional)").fill("Viewer")
    page.get_by_label("Read-only").check()
    submit(page, "Send the invitation")
    expect(page.get_by_role("status")).to_have_text("The invitation is on its way.")
    row = page.get_by_role("row").filter(has_text=colleague)
    expect(row).to_contain_text("Read-only")
    expect(row).to_contain_text("invited")

    row.get_by_role("link", name="Vera Viewer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vera Viewer")
    expect(page.get_by_label("Read-only")).to_be_checked()
    review(page, "users-member")
    page.get_by_role("link", name="Remove this user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Remove {colleague}?")
    review(page, "users-remove")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vera Viewer")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    link = link_in(newest_mail(portal, colleague), "/portal/set-password/")
    assert urlsplit(link).port == urlsplit(portal.base_url).port  # this server, as configured
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    expect(page.get_by_text(f"For {colleague}.")).to_be_visible()
    page.get_by_label("New password").fill(COLLEAGUE_PASSWORD)
    page.get_by_label("The same password again").fill(COLLEAGUE_PASSWORD)
    submit(page, "Set the password")
    expect(page.get_by_role("status")).to_have_text("Your password is set.")
    page.goto("/portal/")  # back at the address the journey began at (the link's host may differ)
    sign_in(page, Account(colleague, COLLEAGUE_PASSWORD, account.organization))
    expect(page.get_by_role("heading", level=1)).to_have_text(account.organization)

    page.goto("/portal/users")
    expect(page.get_by_role("row").filter(has_text=colleague)).to_contain_text("active")
    expect(page.get_by_role("link", name="Invite a user")).to_have_count(0)
    review(page, "users-read-only")
    page.get_by_role("row").filter(has_text=account.email).get_by_role("link").click()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("link", name="Remove this user")).to_have_count(0)
    admin_page = page.url
    page.goto("/portal/customers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    page.goto("/portal/templates")
    expect(page.get_by_role("link", name="New template")).to_have_count(0)
    page.goto("/portal/tokens")
    expect(page.get_by_role("link", name="Create a token")).to_have_count(0)
    review(page, "tokens-read-only")

    csrf = _csrf(page)
    by_hand = [
        page.request.post("/portal/templates/new", form={"name": "Planted", "csrf": csrf}),
        page.request.post(
            "/portal/users/new",
            form={"email": "planted@browser.test", "roles": "partner_full_admin", "csrf": csrf},
        ),
        page.request.post(f"{admin_page}/remove", form={"csrf": csrf}),
        page.request.post(
            "/portal/tokens/new",
            form={"name": "r", "scopes": "spark-admin:wholesale_customers_read", "csrf": csrf},
        ),
    ]
    assert [r.status for r in by_hand] == [403, 403, 403, 403]
    page.goto("/portal/templates")
    expect(page.get_by_text("Planted")).to_have_count(0)


def test_an_api_token_made_on_the_page_works_until_it_is_revoked(
    page: Page, account: Account, review: Review
) -> None:
    page.goto("/portal/tokens")
    sign_in(page, account)
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    review(page, "tokens")

    page.get_by_role("link", name="Create a token").click()
    review(page, "tokens-new")
    page.get_by_label("Name").fill("Billing export")
    page.get_by_label("spark-admin:wholesale_customers_read").check()
    page.get_by_label("Expires after").select_option("30")
    submit(page, "Create the token")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    expect(page.get_by_role("button", name="Copy")).to_be_visible()
    review(page, "tokens-created")
    token = page.locator("#new-token").inner_text().strip()

    assert _api(page, "/v1/wholesale/customers", token).status == 200
    assert _api(page, "/v1/wholesale/subscribers", token).status == 403

    page.get_by_role("link", name="All tokens").click()
    row = page.get_by_role("row").filter(has_text="Billing export")
    expect(row).to_contain_text(token[:12])
    expect(row).not_to_contain_text(token)
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_have_text("The token is revoked.")
    expect(page.get_by_role("row").filter(has_text="Billing export")).to_have_count(0)
    deadline = time.monotonic() + 15  # other processes forget the token within seconds
    while _api(page, "/v1/wholesale/customers", token).status != 401:
        assert time.monotonic() < deadline, "the revoked token still works"
        time.sleep(0.5)
