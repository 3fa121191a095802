"""The portal's sign-in as people use it, in headless Chromium against a live `tukku serve` on
each backend: what they see after each step, with the keyboard alone too, and every page reached
checked with axe and kept as screenshots at a phone's and a laptop's width."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    HEIGHT,
    WIDTHS,
    Account,
    Portal,
    Review,
    link_in,
    newest_mail,
    session_cookie,
    sign_in,
    submit,
)
from tests.e2e.conftest import tukku

WRONG = "The e-mail address or the password is wrong."
NEW_PASSWORD = "quiet harbour violet engine"


def test_a_page_leads_to_sign_in_and_back_to_it(
    page: Page, portal: Portal, account: Account, review: Review
) -> None:
    page.goto("/portal/account")

    expect(page).to_have_url(f"{portal.base_url}/portal/sign-in?next=/portal/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    review(page, "sign-in")
    sign_in(page, account)

    expect(page).to_have_url(f"{portal.base_url}/portal/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    this_browser = page.get_by_role("row").filter(has_text="(this browser)")
    expect(this_browser).to_have_count(1)
    expect(this_browser).to_contain_text(page.evaluate("navigator.userAgent"))
    expect(this_browser).to_contain_text("127.0.0.1")
    review(page, "account")
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})  # column headings off screen
    shown_before = this_browser.get_by_role("cell").evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
    )
    assert shown_before == ['"Signed in: "', '"Last used: "', '"From: "', '"Browser: "']

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(account.organization)
    expect(page.get_by_text("Signed in as")).to_have_text(f"Signed in as {account.email}.")
    review(page, "home")


def test_a_wrong_password_is_shown_next_to_the_form_and_opens_no_session(
    page: Page, account: Account, review: Review
) -> None:
    page.goto("/portal/sign-in")

    answer = sign_in(page, account, "not the password at all")

    assert answer.status == 401
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(WRONG)
    expect(alert).to_be_in_viewport()
    expect(page.get_by_label("E-mail address")).to_have_value(account.email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    assert not session_cookie(page)
    review(page, "sign-in-wrong-password")


def test_the_sixth_attempt_is_refused_even_with_the_right_password(
    page: Page, own_account: Account, review: Review
) -> None:
    page.goto("/portal/sign-in")
    for n in range(5):
        assert sign_in(page, own_account, f"wrong guess number {n}").status == 401
        expect(page.get_by_role("alert")).to_contain_text(WRONG)

    answer = sign_in(page, own_account)

    assert answer.status == 429
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-ins")
    assert not session_cookie(page)
    review(page, "sign-in-throttled")


def test_a_session_ended_elsewhere_leads_to_sign_in(
    page: Page, portal: Portal, account: Account
) -> None:
    page.goto("/portal/sign-in")
    sign_in(page, account)
    expect(page.get_by_role("heading", level=1)).to_have_text(account.organization)

    tukku("users", "sign-out", "--email", account.email, "--database-url", portal.database_url)
    page.get_by_role("link", name="Account").click()

    expect(page).to_have_url(f"{portal.base_url}/portal/sign-in?next=/portal/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_a_forged_csrf_token_is_refused(
    page: Page, portal: Portal, account: Account, review: Review
) -> None:
    page.goto("/portal/sign-in")
    page.evaluate("document.querySelector('input[name=csrf]').value = 'forged-token'")

    answer = sign_in(page, account)

    assert answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Form expired")
    assert not session_cookie(page)
    review(page, "form-expired")
    page.goto("/portal/")
    expect(page).to_have_url(re.compile(re.escape(f"{portal.base_url}/portal/sign-in")))


def test_a_forgotten_password_is_replaced_through_the_mailed_link(
    page: Page, portal: Portal, own_account: Account, review: Review
) -> None:
    page.goto("/portal/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    review(page, "forgot-password")

    page.get_by_label("E-mail address").fill(own_account.email)
    submit(page, "Send the link")

    expect(page.get_by_role("status")).to_contain_text(
        f"If an account uses {own_account.email}, we have sent it a link"
    )
    review(page, "forgot-password-sent")
    link = link_in(newest_mail(portal, own_account.email), "/portal/set-password/")
    assert urlsplit(link).port == urlsplit(portal.base_url).port  # this server, as configured

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    expect(page.get_by_text(f"For {own_account.email}.")).to_be_visible()
    review(page, "set-password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("The same password again").fill(NEW_PASSWORD)
    submit(page, "Set the password")

    expect(page.get_by_role("status")).to_have_text("Your password is set.")
    assert sign_in(page, own_account).status == 401  # the old password no longer works
    expect(page.get_by_role("alert")).to_contain_text(WRONG)
    sign_in(page, own_account, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(own_account.organization)


def test_the_keyboard_alone_skips_to_the_form_and_signs_in(
    page: Page, portal: Portal, account: Account
) -> None:
    page.goto("/portal/sign-in")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    expect(skip).to_have_css("outline-style", "solid")  # the focus is seen, not only there
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-mail address")).to_be_focused()
    page.keyboard.type(account.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(account.password)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{portal.base_url}/portal/")
    expect(page.get_by_role("heading", level=1)).to_have_text(account.organization)


def test_times_are_shown_in_the_viewers_time_zone_with_utc_on_hover(
    browser: Browser, portal: Portal, account: Account
) -> None:
    context = browser.new_context(
        base_url=portal.base_url, timezone_id="Asia/Kolkata", locale="en-GB"
    )
    try:
        page = context.new_page()
        page.goto("/portal/account")
        sign_in(page, account)
        signed_in = page.get_by_role("row").filter(has_text="(this browser)").locator("time")
        expect(signed_in.first).not_to_contain_text("UTC")  # portal.js has run
        exact = signed_in.first.get_attribute("datetime")
        assert exact is not None
        utc = datetime.fromisoformat(exact)
        expect(signed_in.first).to_have_attribute("title", utc.strftime("%Y-%m-%d %H:%M UTC"))
        kolkata = utc + timedelta(hours=5, minutes=30)  # India keeps no daylight saving time
        expect(signed_in.first).to_contain_text(f"{kolkata:%d/%m/%Y, %H:%M}")
    finally:
        context.close()
