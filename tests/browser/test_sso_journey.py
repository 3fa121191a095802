"""Partner single sign-on as people use it, in headless Chromium against a live `tukku serve`
and a real OpenID provider (`oidc-provider` from the npm registry, on loopback): a partner's
full administrator sets the provider up on the Single sign-on page (a mistake shown next to its
field first), registers the redirect URI the page shows, signs out, and signs in again through
the provider from the partner's sign-in link. Every tukku page reached passes axe."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Account, Review, session_cookie, sign_in, submit
from tests.sso.real_provider import CLIENT_ID, CLIENT_SECRET, reserve_port, running

_names = itertools.count()
LOOPBACK = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/")


def stay_on_loopback(page: Page) -> None:
    """Refuse every request off this machine (the provider's development pages ask for a web
    font; this workplace reaches no such host)."""

    def refuse(route: Route) -> None:
        route.abort()

    page.context.route(lambda url: not LOOPBACK.match(url), refuse)


def test_a_partner_admin_sets_up_oidc_and_signs_in_through_it(
    page: Page, own_account: Account, review: Review, tmp_path: Path
) -> None:
    stay_on_loopback(page)
    name = f"browser-idp-{next(_names)}"
    port = reserve_port()
    page.goto("/portal/sign-in")
    sign_in(page, own_account)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Single sign-on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Single sign-on")
    review(page, "sso-settings")

    page.get_by_label("IdP name").fill(name)
    page.get_by_label("Client ID").fill(CLIENT_ID)
    page.get_by_label("Client secret").fill(CLIENT_SECRET)
    page.get_by_label("Scopes").fill("openid profile")
    page.get_by_label("Discovery endpoint (optional)").fill(
        f"http://127.0.0.1:{port}/.well-known/openid-configuration"
    )
    assert submit(page, "Save").status == 400
    expect(page.get_by_role("alert")).to_contain_text("must include email")
    expect(page.locator("#scopes-error")).to_contain_text("must include email")
    expect(page.get_by_label("Client secret")).to_have_value("")
    review(page, "sso-settings-errors")

    page.get_by_label("Client secret").fill(CLIENT_SECRET)
    page.get_by_label("Scopes").fill("openid email profile")
    submit(page, "Save")
    expect(page.get_by_role("status").first).to_have_text("The identity provider is saved.")
    redirect_uri = page.locator("#redirect-uri").inner_text()
    sign_in_link = page.locator("#sign-in-link").inner_text()
    origin = redirect_uri.removesuffix("/portal/sso/callback")  # the server's link base URL
    assert sign_in_link == f"{origin}/portal/sign-in/sso/{name}"
    review(page, "sso-saved")
    submit(page, "Sign out")
    assert not session_cookie(page)

    with running(port, redirect_uri, log=tmp_path / "idp.log"):
        page.goto(sign_in_link)
        expect(page.get_by_role("link", name=f"Sign in with {name}")).to_be_visible()
        review(page, "sso-sign-in")
        page.get_by_role("link", name=f"Sign in with {name}").click()
        page.locator("input[name=login]").fill(own_account.email)
        page.locator("input[name=password]").fill("anything at the provider")
        page.get_by_role("button", name="Sign-in").click()
        page.get_by_role("button", name="Continue").click()

        expect(page).to_have_url(f"{origin}/portal/")
        expect(page.get_by_text("Signed in as")).to_have_text(f"Signed in as {own_account.email}.")
        assert session_cookie(page)
