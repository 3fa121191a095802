"""The consent pages (reached from the consent e-mail) wear the brand the customer's people
see: the customer's override when its partner set one, else the partner's brand, else tukku's;
the same before and after accepting."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.test_branding_pages import FORM, theme_of
from tests.subscribers.test_consent import Pending, consent_links
from tukku.core.clock import ManualClock
from tukku.core.db import Database

OVERRIDE = FORM | {
    "name": "Marconi Brand",
    "lightAccent": "#1d5e20",
    "supportEmail": "help@marconi.test",
}


def test_the_consent_pages_wear_the_customers_override(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    assert app_client.put("/v1/partner/branding", json=FORM, headers=partner.headers).is_success
    pending = Pending(app_client, partner, db, clock)
    override = f"/v1/partner/customers/{pending.customer['id']}/branding"
    assert app_client.put(override, json=OVERRIDE, headers=partner.headers).is_success
    (link,) = consent_links(app_client)

    review = app_client.get(link)
    done = app_client.post(link)

    for page in (review, done):
        assert page.status_code == 200
        assert ">Marconi Brand</a>" in page.text
        assert "1d5e20" in theme_of(page.text)
        assert 'href="mailto:help@marconi.test"' in page.text
        assert "PizzaPhone" not in page.text
    assert "Accept and move my account" in review.text
    assert f"/portal/sign-in?brand={pending.customer['orgId']}" in done.text


def test_without_an_override_the_consent_page_wears_the_partners_brand(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    assert app_client.put("/v1/partner/branding", json=FORM, headers=partner.headers).is_success
    Pending(app_client, partner, db, clock)
    (link,) = consent_links(app_client)

    page = app_client.get(link)

    assert ">PizzaPhone</a>" in page.text
    assert "a4161a" in theme_of(page.text)
    assert 'href="mailto:help@pizzaphone.test"' in page.text


def test_an_unbranded_partners_consent_page_wears_tukkus_brand(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    Pending(app_client, partner, db, clock)
    (link,) = consent_links(app_client)

    page = app_client.get(link)

    assert page.status_code == 200
    assert ">tukku</a>" in page.text
    assert "Help from" not in page.text
