"""The partner portal's Setup Assist pages over HTTP: a partner administrator orders onboarding
help for a customer's location from the customer's page and follows its phases; bad dates and a
second open order are refused next to their fields with nothing placed; read-only staff see no
order control and are refused when they post by hand; nobody reaches another partner's
customers or orders."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tests.setup_assist.test_api import EARLIEST, OPS_ORDERS, customer_with_seats
from tests.support import provision_customer
from tukku.core.clock import ManualClock
from tukku.core.db import Database

NEW = "/portal/setup-assist/new"


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


def order_form(
    client: TestClient, customer_id: str, location_id: str, **values: str
) -> dict[str, str]:
    form = client.get(NEW, params={"customer": customer_id})
    assert form.status_code == 200, form.text
    data = {
        "csrf": csrf_of(form),
        "customer": customer_id,
        "locationId": location_id,
        "locationCount": "1",
        "deploymentDate": EARLIEST,
    }
    data.update(values)
    return data


def test_an_admin_orders_from_the_customers_page_and_follows_the_phases(
    app_client: TestClient, db: Database, partner: Partner, ops: dict[str, str], signed_in: None
) -> None:
    customer, location = customer_with_seats(app_client, db, partner, 2)
    detail = app_client.get(f"/portal/customers/{customer['id']}")
    assert f'href="/portal/setup-assist/new?customer={customer["id"]}"' in detail.text
    form = app_client.get(NEW, params={"customer": customer["id"]})
    # The earliest deployment date (six business days on) is offered.
    assert f'value="{EARLIEST}"' in form.text

    placed = app_client.post(
        NEW, data=order_form(app_client, customer["id"], location), follow_redirects=False
    )
    assert placed.status_code == 303, placed.text
    order_page = app_client.get(placed.headers["location"])
    assert "The order is placed" in order_page.text
    assert "SETUP ASSIST EXPRESS" in order_page.text  # two seats: the small-site service
    assert "Discovery and assessment" in order_page.text  # PRODUCT.md §11's Express phases
    assert "Solution design" in order_page.text
    assert "status-in_progress" not in order_page.text  # no phase started yet
    order_id = placed.headers["location"].split("/")[-1].split("?")[0]
    listed = app_client.get("/portal/setup-assist").text
    assert f'href="/portal/setup-assist/{order_id}"' in listed
    advanced = app_client.post(f"{OPS_ORDERS}/{order_id}/advance", headers=ops)
    assert advanced.status_code == 200, advanced.text
    followed = app_client.get(f"/portal/setup-assist/{order_id}").text
    assert followed.count("status-in_progress") == 2  # the order and its first phase
    assert "in progress: discovery and assessment" in re.sub(r"<[^>]+>", "", followed).lower()


def test_a_date_too_soon_and_a_second_open_order_are_refused_next_to_their_fields(
    app_client: TestClient, db: Database, partner: Partner, signed_in: None
) -> None:
    customer, location = customer_with_seats(app_client, db, partner, 1)
    too_soon = app_client.post(
        NEW, data=order_form(app_client, customer["id"], location, deploymentDate="2027-01-05")
    )
    assert too_soon.status_code == 400
    assert 'id="deploymentDate-error"' in too_soon.text
    no_count = app_client.post(
        NEW, data=order_form(app_client, customer["id"], location, locationCount="many")
    )
    assert no_count.status_code == 400
    assert 'id="locationCount-error"' in no_count.text
    assert "No order." in app_client.get("/portal/setup-assist").text

    first = app_client.post(NEW, data=order_form(app_client, customer["id"], location))
    assert first.status_code == 200  # followed to the order's page
    second = app_client.post(NEW, data=order_form(app_client, customer["id"], location))
    assert second.status_code == 400
    assert 'id="locationId-error"' in second.text
    assert "in progress" in second.text


def test_read_only_staff_see_orders_but_cannot_order(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    customer, location = customer_with_seats(app_client, db, partner, 1)
    read_only_staff(db, clock, partner.org_id, "reader@acme.test")
    assert sign_in(app_client, "reader@acme.test").status_code == 303
    csrf = csrf_of(app_client.get("/portal/setup-assist"))

    assert app_client.get("/portal/setup-assist").status_code == 200
    assert "Order Setup Assist" not in app_client.get(f"/portal/customers/{customer['id']}").text
    assert app_client.get(NEW, params={"customer": customer["id"]}).status_code == 403
    forged = app_client.post(
        NEW,
        data={
            "csrf": csrf,
            "customer": customer["id"],
            "locationId": location,
            "locationCount": "1",
            "deploymentDate": EARLIEST,
        },
    )
    assert forged.status_code == 403
    assert "No order." in app_client.get("/portal/setup-assist").text


def test_another_partners_customers_and_orders_are_not_found(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
    signed_in: None,
) -> None:
    theirs, their_location = customer_with_seats(app_client, db, other_partner, 1)
    their_order = app_client.post(
        "/v1/partner/setupAssist/orders",
        json={
            "partnerOrgId": other_partner.org_id,
            "customerOrgId": theirs["orgId"],
            "subscriptionId": other_partner.subscription_id,
            "locationCount": 1,
            "locationId": their_location,
            "deploymentDate": EARLIEST,
        },
        headers=other_partner.headers,
    )
    assert their_order.status_code == 201, their_order.text
    mine = provision_customer(app_client, partner)

    assert app_client.get(NEW, params={"customer": theirs["id"]}).status_code == 404
    crossing = app_client.post(NEW, data=order_form(app_client, mine["id"], their_location))
    assert crossing.status_code == 400
    assert 'id="locationId-error"' in crossing.text
    assert app_client.get(f"/portal/setup-assist/{their_order.json()['id']}").status_code == 404
    assert "No order." in app_client.get("/portal/setup-assist").text
