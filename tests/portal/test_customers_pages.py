"""The partner portal's customers pages over HTTP: a partner sees and finds only its own
customers, pages through them, and switches restricted mode; read-only staff see no switch
and are refused when they post it by hand."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner
from tests.portal.pages import GOOD, csrf_of, give_password, read_only_staff, sign_in
from tests.support import customer_body, provision_customer
from tukku.audit.models import AuditEvent
from tukku.core.clock import ManualClock
from tukku.core.db import Database


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


def test_the_list_shows_the_partners_own_customers_only(
    app_client: TestClient, partner: Partner, other_partner: Partner, signed_in: None
) -> None:
    mine = provision_customer(
        app_client, partner, customerInfo={"name": "Mine Pizza", "primaryEmail": "a@mine.test"}
    )
    theirs = provision_customer(
        app_client,
        other_partner,
        customerInfo={"name": "Their Pizza", "primaryEmail": "b@their.test"},
    )
    page = app_client.get("/portal/customers")
    assert page.status_code == 200
    assert "Mine Pizza" in page.text
    assert "Their Pizza" not in page.text
    assert app_client.get(f"/portal/customers/{mine['id']}").status_code == 200
    foreign = app_client.get(f"/portal/customers/{theirs['id']}")
    assert foreign.status_code == 404
    assert "Their Pizza" not in foreign.text


def test_search_finds_by_part_of_the_name_or_the_external_id_and_filters_by_status(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    provision_customer(
        app_client,
        partner,
        externalId="crm-77",
        customerInfo={"name": "Luigi's Trattoria", "primaryEmail": "l@l.test"},
    )
    provision_customer(
        app_client, partner, customerInfo={"name": "Mario A_B Pasta", "primaryEmail": "m@m.test"}
    )
    by_name = app_client.get("/portal/customers", params={"q": "TRATTORIA"}).text
    assert "Luigi&#39;s Trattoria" in by_name
    assert "Mario" not in by_name
    by_id = app_client.get("/portal/customers", params={"q": "crm-77"}).text
    assert "Luigi&#39;s Trattoria" in by_id
    provision_customer(
        app_client, partner, customerInfo={"name": "Mario AxB Deli", "primaryEmail": "x@m.test"}
    )
    # An _ in the search is a character, not LIKE's any-one-character wildcard.
    literal = app_client.get("/portal/customers", params={"q": "a_b"}).text
    assert "Mario A_B Pasta" in literal
    assert "AxB" not in literal
    provisioned = app_client.get("/portal/customers", params={"status": "provisioned"}).text
    assert "Trattoria" in provisioned
    assert "Trattoria" not in app_client.get("/portal/customers", params={"status": "error"}).text


def test_more_than_a_page_of_customers_pages(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    for n in range(26):
        body = customer_body(
            partner, customerInfo={"name": f"Shop {n:02d}", "primaryEmail": f"s{n}@s.test"}
        )
        posted = app_client.post("/v1/wholesale/customers", json=body, headers=partner.headers)
        assert posted.status_code == 202
    first = app_client.get("/portal/customers").text
    assert "Shop 00" in first
    assert "Shop 24" in first
    assert "Shop 25" not in first
    assert 'href="/portal/customers?page=2" rel="next"' in first
    second = app_client.get("/portal/customers", params={"page": "2"}).text
    assert "Shop 25" in second
    assert "Shop 24" not in second
    assert 'rel="next"' not in second
    assert "Shop 00" in app_client.get("/portal/customers", params={"page": "-3"}).text


def _restricted_mode_changes(db: Database, customer_id: str) -> list[object]:
    with db.unit_of_work(write=False) as session:
        return list(
            session.scalars(
                select(AuditEvent.after).where(
                    AuditEvent.action == "customer.restricted_mode",
                    AuditEvent.target_id == customer_id,
                )
            )
        )


def test_a_partner_admin_switches_restricted_mode_and_it_is_audited(
    app_client: TestClient, db: Database, partner: Partner, signed_in: None
) -> None:
    customer = provision_customer(app_client, partner)
    page = app_client.get(f"/portal/customers/{customer['id']}")
    assert "Restricted mode is <strong>on</strong>" in page.text
    switched = app_client.post(
        f"/portal/customers/{customer['id']}/restricted-mode",
        data={"enabled": "off", "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert switched.status_code == 303
    assert (
        "Restricted mode is <strong>off</strong>"
        in app_client.get(switched.headers["location"]).text
    )
    api = app_client.get(f"/v1/wholesale/customers/{customer['id']}", headers=partner.headers)
    assert api.json()["restrictedByPartner"] is False
    assert _restricted_mode_changes(db, customer["id"]) == [{"restrictedByPartner": False}]


def test_read_only_staff_see_no_switch_and_cannot_post_one(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    assert sign_in(app_client, "viewer@acme.test", GOOD).status_code == 303
    page = app_client.get(f"/portal/customers/{customer['id']}")
    assert page.status_code == 200
    assert "Turn restricted mode" not in page.text
    refused = app_client.post(
        f"/portal/customers/{customer['id']}/restricted-mode",
        data={"enabled": "off", "csrf": csrf_of(page)},
    )
    assert refused.status_code == 403
    assert _restricted_mode_changes(db, customer["id"]) == []


def test_the_switch_needs_the_forms_csrf_token(
    app_client: TestClient, db: Database, partner: Partner, signed_in: None
) -> None:
    customer = provision_customer(app_client, partner)
    refused = app_client.post(
        f"/portal/customers/{customer['id']}/restricted-mode", data={"enabled": "off", "csrf": "x"}
    )
    assert refused.status_code == 403
    assert _restricted_mode_changes(db, customer["id"]) == []
