"""A partner's brand override for one customer in the partner portal, reached from the customer's
page: saved with the same checks as the partner's own brand (an unreadable colour refused next to
its field with the contrast found), a logo of its own, shown in the customer portal instead of the
partner's brand, and removed again; read-only staff see it without controls and are refused;
another partner's customer is not found."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tests.portal.test_branding_pages import FORM, theme_of
from tests.portal.test_hub_pages import Org, new_org
from tukku.core.clock import ManualClock
from tukku.core.db import Database

OVERRIDE = FORM | {
    "name": "Pizza Brand",
    "lightText": "#111111",
    "lightBackground": "#eef7ee",
    "lightAccent": "#1d5e20",
    "supportEmail": "help@pizza.test",
}


@pytest.fixture
def org(app_client: TestClient, partner: Partner, db: Database, clock: ManualClock) -> Org:
    return new_org(app_client, partner, db, clock, 1)


@pytest.fixture
def staff(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> TestClient:
    """The partner's full administrator, signed in."""
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303
    return app_client


def page_of(org: Org) -> str:
    return f"/portal/customers/{org.id}/branding"


def save(client: TestClient, org: Org, **changes: str) -> httpx.Response:
    page = client.get(page_of(org))
    return client.post(
        page_of(org), data=OVERRIDE | changes | {"csrf": csrf_of(page)}, follow_redirects=False
    )


def hub_header(client: TestClient, org: Org) -> str:
    """The customer portal's header as the customer's administrator sees it."""
    client.post("/portal/sign-out", data={"csrf": csrf_of(client.get("/portal/"))})
    assert sign_in(client, org.admin_email).status_code == 303
    return client.get("/hub").text.split("</header>")[0]


def test_the_customers_page_leads_to_its_branding(staff: TestClient, org: Org) -> None:
    customer = staff.get(f"/portal/customers/{org.id}")

    page = staff.get(page_of(org))

    assert f'href="{page_of(org)}"' in customer.text
    assert page.status_code == 200
    assert "<h1>Branding of Pizza 1</h1>" in page.text
    assert "No override is set: the customer&#39;s users see your brand." in page.text
    assert f'action="{page_of(org)}"' in page.text
    assert f'action="{page_of(org)}/logo"' in page.text
    assert f'action="{page_of(org)}/remove"' not in page.text


def test_a_saved_override_is_what_the_customers_portal_wears(
    staff: TestClient, partner: Partner, org: Org
) -> None:
    staff.put("/v1/partner/branding", json=FORM, headers=partner.headers)

    saved = save(staff, org)
    shown = staff.get(saved.headers["location"])
    header = hub_header(staff, org)

    assert saved.status_code == 303
    assert "The brand is saved." in shown.text
    assert "An override is set." in shown.text
    assert 'value="Pizza Brand"' in shown.text
    assert ">Pizza Brand</a>" in header
    assert "1d5e20" in theme_of(header)
    assert "PizzaPhone" not in header


def test_an_unreadable_override_colour_is_refused_next_to_its_field(
    staff: TestClient, org: Org
) -> None:
    refused = save(staff, org, lightText="#777777", lightBackground="#ffffff")

    assert refused.status_code == 400
    assert '<p class="field-error" id="lightText-error">' in refused.text
    assert "4.48:1" in refused.text
    assert '<a href="#lightText">' in refused.text
    assert 'value="#777777"' in refused.text
    assert "No override is set" in staff.get(page_of(org)).text


def test_an_override_gets_a_logo_and_is_removed_again(
    staff: TestClient, partner: Partner, org: Org
) -> None:
    staff.put("/v1/partner/branding", json=FORM, headers=partner.headers)
    save(staff, org)
    out = io.BytesIO()
    Image.new("RGB", (90, 30), "#1d5e20").save(out, format="PNG")
    token = csrf_of(staff.get(page_of(org)))

    uploaded = staff.post(
        f"{page_of(org)}/logo",
        data={"csrf": token},
        files={"logo": ("logo.png", out.getvalue(), "image/png")},
        follow_redirects=False,
    )
    with_logo = staff.get(uploaded.headers["location"])
    refused = staff.post(
        f"{page_of(org)}/logo",
        data={"csrf": token},
        files={"logo": ("logo.png", b"not an image", "image/png")},
    )
    removed = staff.post(f"{page_of(org)}/remove", data={"csrf": token}, follow_redirects=False)
    after = staff.get(removed.headers["location"])
    header = hub_header(staff, org)

    assert "The logo is saved." in with_logo.text
    assert re.search(
        r'<img class="brand-logo" src="/brand/logos/[0-9a-f]{64}\.png"', with_logo.text
    )
    assert refused.status_code == 400
    assert 'id="logo-error"' in refused.text
    assert removed.status_code == 303
    assert "The override is removed" in after.text
    assert "No override is set" in after.text
    assert ">PizzaPhone</a>" in header  # the partner's brand again


def test_read_only_staff_see_the_override_without_controls_and_are_refused(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, org: Org
) -> None:
    read_only_staff(db, clock, partner.org_id, "reader@acme.test")
    sign_in(app_client, "reader@acme.test")
    page = app_client.get(page_of(org))
    token = csrf_of(page)
    png = io.BytesIO()
    Image.new("RGB", (9, 3), "#000000").save(png, format="PNG")

    refused = [
        app_client.post(page_of(org), data=OVERRIDE | {"csrf": token}),
        app_client.post(
            f"{page_of(org)}/logo",
            data={"csrf": token},
            files={"logo": ("logo.png", png.getvalue(), "image/png")},
        ),
        app_client.post(f"{page_of(org)}/remove", data={"csrf": token}),
    ]

    assert page.status_code == 200
    assert "<form" not in page.text.split('<main id="main"', 1)[1]
    assert "Save one below" not in page.text
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert "No override is set" in app_client.get(page_of(org)).text


def test_another_partners_customer_is_not_found(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    other_partner: Partner,
    staff: TestClient,
    org: Org,
) -> None:
    give_password(db, clock, other_partner.admin_email)
    staff.post("/portal/sign-out", data={"csrf": csrf_of(staff.get("/portal/"))})
    sign_in(app_client, other_partner.admin_email)
    token = csrf_of(app_client.get("/portal/"))

    answers = [
        app_client.get(page_of(org)),
        app_client.post(page_of(org), data=OVERRIDE | {"csrf": token}),
        app_client.post(f"{page_of(org)}/remove", data={"csrf": token}),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert all("Pizza 1" not in a.text for a in answers)
    assert ">Pizza Brand</a>" not in hub_header(app_client, org)
