"""The partner portal's branding page over HTTP: refusals next to the field (with the contrast
found), the saved brand in the portal's own header, a logo upload, read-only staff without
controls and refused; and the sign-in page in the brand its link names, the default for an
unknown ID."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tests.support import provision_customer
from tukku.core.clock import ManualClock
from tukku.core.db import Database

PAGE = "/portal/branding"
FORM = {
    "name": "PizzaPhone",
    "lightText": "#222222",
    "lightBackground": "#fff8e7",
    "lightAccent": "#a4161a",
    "darkText": "#fff8e7",
    "darkBackground": "#2b0a0b",
    "darkAccent": "#ffb4a2",
    "supportUrl": "https://help.pizzaphone.test/",
    "supportEmail": "help@pizzaphone.test",
    "supportPhone": "+44 20 7946 0000",
}
THEME = re.compile(r'<link rel="stylesheet" href="(/brand/theme\.css\?[^"]+)">')


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


def post(client: TestClient, **changes: str) -> httpx.Response:
    page = client.get(PAGE)
    return client.post(PAGE, data=FORM | changes | {"csrf": csrf_of(page)}, follow_redirects=False)


def theme_of(html: str) -> str:
    found = THEME.search(html)
    assert found, html[:800]
    return found.group(1).replace("&amp;", "&")


def test_a_saved_brand_colours_the_portal(app_client: TestClient, signed_in: None) -> None:
    saved = post(app_client)
    assert saved.status_code == 303

    page = app_client.get(saved.headers["location"])
    assert "The brand is saved." in page.text
    assert ">PizzaPhone</a>" in page.text  # the header shows the brand's name (no logo yet)
    css = app_client.get(theme_of(page.text))
    assert css.headers["content-type"].startswith("text/css")
    assert "--brand-accent: #a4161a" in css.text
    assert "@media (prefers-color-scheme: dark) { :root { --brand-text: #fff8e7" in css.text
    assert 'value="https://help.pizzaphone.test/"' in page.text


def test_an_unreadable_colour_is_refused_next_to_its_field(
    app_client: TestClient, signed_in: None
) -> None:
    refused = post(
        app_client, lightText="#777777", lightBackground="#ffffff", supportUrl="http://help.test"
    )
    assert refused.status_code == 400
    text = refused.text
    assert '<p class="field-error" id="lightText-error">' in text
    assert "4.48:1" in text
    assert '<a href="#lightText">' in text  # summarised at the top, linked to the field
    assert 'id="supportUrl-error"' in text
    assert 'value="#777777"' in text  # what was typed stays
    assert "No brand is set yet" in app_client.get(PAGE).text


def test_a_logo_upload_shows_in_the_header(app_client: TestClient, signed_in: None) -> None:
    out = io.BytesIO()
    Image.new("RGB", (90, 30), "#a4161a").save(out, format="PNG")
    page = app_client.get(PAGE)
    uploaded = app_client.post(
        f"{PAGE}/logo",
        data={"csrf": csrf_of(page)},
        files={"logo": ("logo.gif", out.getvalue(), "image/gif")},  # name and type ignored
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    header = app_client.get("/portal/").text.split("</header>")[0]
    found = re.search(r'<img class="brand-logo" src="(/brand/logos/[0-9a-f]{64}\.png)"', header)
    assert found
    assert app_client.get(found.group(1)).headers["content-type"] == "image/png"

    refused = app_client.post(
        f"{PAGE}/logo",
        data={"csrf": csrf_of(page)},
        files={"logo": ("logo.png", b"<script>alert(1)</script>", "image/png")},
    )
    assert refused.status_code == 400
    assert 'id="logo-error"' in refused.text


def test_a_post_without_the_csrf_token_is_refused(app_client: TestClient, signed_in: None) -> None:
    refused = app_client.post(PAGE, data=FORM)
    assert refused.status_code == 403
    assert "No brand is set yet" in app_client.get(PAGE).text


def test_read_only_staff_see_no_controls_and_cannot_post(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    read_only_staff(db, clock, partner.org_id, "reader@acme.test")
    sign_in(app_client, "reader@acme.test")
    page = app_client.get(PAGE)
    assert page.status_code == 200
    assert 'action="/portal/branding"' not in page.text
    assert 'type="file"' not in page.text
    forged = app_client.post(PAGE, data=FORM | {"csrf": csrf_of(page)})
    assert forged.status_code == 403


def test_the_sign_in_page_wears_the_brand_its_link_names(
    app_client: TestClient, partner: Partner
) -> None:
    app_client.put(
        "/v1/partner/branding",
        json=dict(FORM.items()),
        headers=partner.headers,
    )
    customer = provision_customer(app_client, partner)

    for org_id in (partner.org_id, customer["orgId"]):
        page = app_client.get("/portal/sign-in", params={"brand": org_id})
        assert "<h1>Sign in to PizzaPhone</h1>" in page.text
        assert "a4161a" in theme_of(page.text)
        assert 'href="mailto:help@pizzaphone.test"' in page.text
        assert f'name="brand" value="{org_id}"' in page.text

    plain = app_client.get("/portal/sign-in")
    unknown = app_client.get("/portal/sign-in", params={"brand": "no-such-organization"})
    assert unknown.status_code == plain.status_code == 200
    assert theme_of(unknown.text) == theme_of(plain.text)
    assert "<h1>Sign in</h1>" in unknown.text
    assert "PizzaPhone" not in unknown.text
