"""Partner single sign-on with SAML 2.0 as people use it, in headless Chromium against a live
`tukku serve` and a real SAML IdP in its own process (pysaml2's own IdP, tests/saml_idp): a
partner's full administrator chooses SAML on the Single sign-on page, gives the IdP's entity ID
and metadata URL (a mistake shown next to its field first), downloads tukku's SP metadata for
the IdP, signs out, and signs in again through the IdP from the partner's sign-in link. Every
tukku page reached passes axe."""

from __future__ import annotations

import itertools
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import Account, Review, session_cookie, sign_in, submit
from tests.browser.test_sso_journey import stay_on_loopback
from tests.saml_idp.process import running

_names = itertools.count()


def test_a_partner_admin_sets_up_saml_and_signs_in_through_it(
    page: Page, own_account: Account, review: Review, tmp_path: Path
) -> None:
    stay_on_loopback(page)
    name = f"browser-saml-{next(_names)}"
    with running(tmp_path) as idp:
        page.goto("/portal/sign-in")
        sign_in(page, own_account)
        nav = page.get_by_role("navigation", name="Main")
        nav.get_by_role("link", name="Single sign-on").click()
        page.get_by_role("link", name="SAML 2.0").click()
        expect(page.get_by_label("IdP entity ID")).to_be_visible()
        review(page, "saml-settings")

        page.get_by_label("IdP name").fill(name)
        page.get_by_label("IdP entity ID").fill("https://someone.else/idp")
        page.get_by_label("IdP metadata URL (optional)").fill(idp.metadata_url)
        assert submit(page, "Save").status == 400
        expect(page.locator("#idpMetadataUrl-error")).to_contain_text("describes no IdP")
        expect(page.get_by_role("alert")).to_contain_text("describes no IdP")
        review(page, "saml-settings-errors")

        page.get_by_label("IdP entity ID").fill(idp.entity_id)
        submit(page, "Save")
        expect(page.get_by_role("status").first).to_have_text("The identity provider is saved.")
        acs_url = page.locator("#acs-url").inner_text()
        sign_in_link = page.locator("#sign-in-link").inner_text()
        origin = sign_in_link.removesuffix(f"/portal/sign-in/sso/{name}")
        assert acs_url.startswith(f"{origin}/portal/sso/saml/")
        with page.expect_download() as downloaded:
            page.get_by_role("link", name="Download tukku's SP metadata (XML)").click()
        downloaded.value.save_as(idp.sp_metadata)
        assert acs_url in idp.sp_metadata.read_text()
        review(page, "saml-saved")
        submit(page, "Sign out")
        assert not session_cookie(page)

        page.goto(sign_in_link)
        expect(page.get_by_role("link", name=f"Sign in with {name}")).to_be_visible()
        review(page, "saml-sign-in")
        page.get_by_role("link", name=f"Sign in with {name}").click()
        page.get_by_label("E-mail").fill(own_account.email)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Continue").click()

        expect(page).to_have_url(f"{origin}/portal/")
        expect(page.get_by_text("Signed in as")).to_have_text(f"Signed in as {own_account.email}.")
        assert session_cookie(page)
