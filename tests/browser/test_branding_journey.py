"""A partner brands its portal in headless Chromium against a live `tukku serve`: uploads an SVG
logo, is told next to the field when a colour is unreadable, saves readable colours, and sees
its logo and colours in the portal's header (light, and dark when the browser prefers it)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Account, Review, sign_in, submit

LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40" onload="alert(1)">
<script>alert(2)</script><rect width="160" height="40" rx="8" fill="#a4161a"/>
<text x="16" y="27" font-size="20" fill="#fff8e7">PizzaPhone</text></svg>"""


def background_of_header(page: Page) -> str:
    color: str = page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor")
    return color


def test_a_partner_brands_the_portal(page: Page, own_account: Account, review: Review) -> None:
    page.goto("/portal/sign-in")
    sign_in(page, own_account)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Branding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Branding")
    expect(page.get_by_text("No brand is set yet")).to_be_visible()
    review(page, "branding")

    page.get_by_label("Logo file").set_input_files(
        {"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": LOGO}
    )
    submit(page, "Upload the logo")
    expect(page.get_by_role("status")).to_have_text("The logo is saved.")
    header_logo = page.locator("header.top img.brand-logo")
    expect(header_logo).to_have_attribute("alt", own_account.organization)
    assert header_logo.evaluate("img => img.complete && img.naturalWidth > 0")

    light = page.get_by_role("group", name="Light mode")
    light.get_by_label("Text colour").fill("#777777")
    light.get_by_label("Background colour").fill("#ffffff")
    page.get_by_label("Brand name (optional)").fill("PizzaPhone")
    submit(page, "Save the brand")
    expect(page.locator("#lightText-error")).to_contain_text("4.48:1")
    expect(page.get_by_role("alert")).to_contain_text("4.48:1")
    review(page, "branding-refused")

    light.get_by_label("Text colour").fill("#222222")
    light.get_by_label("Background colour").fill("#fff8e7")
    light.get_by_label("Link colour").fill("#a4161a")
    page.get_by_label("Support site (optional)").fill("https://help.pizzaphone.test/")
    submit(page, "Save the brand")
    expect(page.get_by_role("status")).to_have_text("The brand is saved.")
    expect(page.get_by_role("region", name="Light mode preview")).to_be_visible()
    assert background_of_header(page) == "rgb(255, 248, 231)"
    expect(header_logo).to_have_attribute("alt", "PizzaPhone")
    review(page, "branding-saved")

    page.emulate_media(color_scheme="dark")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    assert background_of_header(page) == "rgb(27, 31, 36)"  # the dark default kept
    page.emulate_media(color_scheme="light")
    assert background_of_header(page) == "rgb(255, 248, 231)"
