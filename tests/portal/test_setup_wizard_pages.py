"""The set-up wizard of a new customer over HTTP: locations are added (and refused as the rules
say, next to the field), users are filled in rows (more rows keep what was typed), reviewed,
and created each on its own, a refused row leaving the others created; a customer still
provisioning cannot be set up; another partner's customer is 404; read-only staff see no
"Set up" and are refused; a form without its CSRF token changes nothing."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tests.support import customer_body, provision_customer
from tukku.core.clock import ManualClock
from tukku.core.db import Database

BRANCH = {
    "name": "Tampere branch",
    "addressLine1": "Hämeenkatu 5",
    "addressLine2": "",
    "city": "Tampere",
    "stateOrProvince": "",
    "zipOrPostalCode": "33100",
    "country": "FI",
    "timezone": "Europe/Helsinki",
    "language": "en_GB",
}


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


@pytest.fixture
def customer(app_client: TestClient, partner: Partner) -> dict[str, Any]:
    """A provisioned customer with webex_calling and webex_meetings, its headquarters in the US."""
    return provision_customer(app_client, partner)


def set_up(customer: dict[str, Any], path: str = "") -> str:
    return f"/portal/customers/{customer['id']}/set-up{path}"


def post(client: TestClient, url: str, **fields: Any) -> httpx.Response:
    csrf = csrf_of(client.get("/portal/customers"))
    return client.post(url, data={"csrf": csrf, **fields}, follow_redirects=False)


def rows(*people: dict[str, str]) -> dict[str, str]:
    """The users form's fields for these rows."""
    fields = {"rows": str(len(people))}
    for i, person in enumerate(people):
        fields.update({f"r{i}-{name}": value for name, value in person.items()})
    return fields


def person(n: int, **overrides: str) -> dict[str, str]:
    return {
        "firstName": "Aino",
        "lastName": f"Virtanen{n}",
        "email": f"aino{n}@pizza.test",
        "package": "webex_calling",
        "extension": f"20{n:02d}",
        **overrides,
    }


def locations_of(client: TestClient, partner: Partner, customer: dict[str, Any]) -> list[str]:
    query = {"orgId": customer["orgId"]}
    answer = client.get("/v1/locations", params=query, headers=partner.headers)
    return [loc["name"] for loc in answer.json()["items"]]


def test_the_customer_page_leads_to_set_up_once_provisioned(
    app_client: TestClient, partner: Partner, customer: dict[str, Any], signed_in: None
) -> None:
    page = app_client.get(f"/portal/customers/{customer['id']}")
    assert f'href="{set_up(customer)}"' in page.text
    waiting = app_client.post(
        "/v1/wholesale/customers", json=customer_body(partner), headers=partner.headers
    )
    waiting_id = waiting.json()["url"].rsplit("/", 1)[1]
    page = app_client.get(f"/portal/customers/{waiting_id}")
    assert "/set-up" not in page.text
    locations = app_client.get(f"/portal/customers/{waiting_id}/set-up")
    assert "once it is provisioned" in locations.text
    refused = post(app_client, f"/portal/customers/{waiting_id}/set-up/locations", **BRANCH)
    assert refused.status_code == 409


def test_a_location_is_added_and_confirmed(
    app_client: TestClient, partner: Partner, customer: dict[str, Any], signed_in: None
) -> None:
    page = app_client.get(set_up(customer))
    assert "Head Office (headquarters)" in page.text
    added = post(app_client, set_up(customer, "/locations"), **BRANCH)
    assert added.status_code == 303
    confirmed = app_client.get(added.headers["location"])
    assert "Location Tampere branch is added." in confirmed.text
    assert "Hämeenkatu 5, Tampere, 33100, Finland" in confirmed.text
    assert sorted(locations_of(app_client, partner, customer)) == ["Head Office", "Tampere branch"]


def test_a_location_the_rules_refuse_is_shown_next_to_its_fields(
    app_client: TestClient, partner: Partner, customer: dict[str, Any], signed_in: None
) -> None:
    wrong = {**BRANCH, "name": "head office", "city": "", "timezone": "Nowhere", "country": "XX"}
    page = post(app_client, set_up(customer, "/locations"), **wrong)
    assert page.status_code == 400
    errors = dict(re.findall(r'<p class="field-error" id="([^"]+)-error">([^<]+)</p>', page.text))
    assert "already has a location called" in errors["name"]
    assert errors["city"] == "must not be blank"
    assert "not a time zone" in errors["timezone"]
    assert "not an ISO 3166 alpha-2 country code" in errors["country"]
    assert 'value="Hämeenkatu 5"' in page.text
    assert locations_of(app_client, partner, customer) == ["Head Office"]


def test_more_rows_keep_what_was_typed_and_review_lists_only_filled_rows(
    app_client: TestClient, customer: dict[str, Any], signed_in: None
) -> None:
    empty = app_client.get(set_up(customer, "/users"))
    assert len(re.findall(r"<legend>User \d+</legend>", empty.text)) == 5
    typed = {**rows(person(1), {}, {}, {}, {}), "go": "more"}
    more = post(app_client, set_up(customer, "/users"), **typed)
    assert len(re.findall(r"<legend>User \d+</legend>", more.text)) == 10
    assert 'value="aino1@pizza.test"' in more.text
    review = post(app_client, set_up(customer, "/users"), **rows(person(1), {}), go="review")
    assert "Step 3 of 4: Review" in review.text
    assert "Create 1 user" in review.text
    assert "aino1@pizza.test" in review.text
    back = post(app_client, set_up(customer, "/users"), **rows(person(1)), go="edit")
    assert 'value="Virtanen1"' in back.text
    nothing = post(app_client, set_up(customer, "/users"), **rows({}, {}), go="review")
    assert nothing.status_code == 400
    assert "Fill in at least one user." in nothing.text


def test_each_row_is_created_on_its_own_and_shows_its_result(
    app_client: TestClient, partner: Partner, customer: dict[str, Any], signed_in: None
) -> None:
    taken = person(2, extension="2001")  # the first row's extension
    no_number = person(3, extension="")
    created = post(
        app_client,
        set_up(customer, "/users"),
        **rows(person(1), taken, no_number, person(4)),
        go="create",
    )
    assert created.status_code == 200
    assert "2 of 4 users added; 2 not added" in created.text
    results = re.findall(r"<tr>.*?</tr>", created.text, re.S)[1:]
    created_mark = '<span class="result-ok">Created</span>'
    assert created_mark in results[0]
    assert "Not created" in results[1]
    assert "Extension: " in results[1]  # the extension is the first row's
    assert "Not created" in results[2]  # a calling user needs a number
    assert created_mark in results[3]
    listing = app_client.get(
        "/v1/wholesale/subscribers", params={"customerId": customer["id"]}, headers=partner.headers
    ).json()
    assert sorted(s["email"] for s in listing["items"]) == ["aino1@pizza.test", "aino4@pizza.test"]
    # The rows not added go back to the form, as typed, to be corrected.
    correct = re.search(r'<form method="post" action="[^"]+/users">.*?</form>', created.text, re.S)
    assert correct is not None
    assert 'value="aino2@pizza.test"' in correct.group(0)
    assert "aino1@pizza.test" not in correct.group(0)


def test_another_partners_customer_is_not_found(
    app_client: TestClient,
    other_partner: Partner,
    signed_in: None,
) -> None:
    theirs = provision_customer(app_client, other_partner)
    assert app_client.get(set_up(theirs)).status_code == 404
    assert app_client.get(set_up(theirs, "/users")).status_code == 404
    assert post(app_client, set_up(theirs, "/locations"), **BRANCH).status_code == 404
    created = post(app_client, set_up(theirs, "/users"), **rows(person(1)), go="create")
    assert created.status_code == 404
    listing = app_client.get(
        "/v1/wholesale/subscribers",
        params={"customerId": theirs["id"]},
        headers=other_partner.headers,
    ).json()
    assert listing["items"] == []


def test_read_only_staff_see_no_set_up_and_are_refused(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    customer: dict[str, Any],
) -> None:
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    assert sign_in(app_client, "viewer@acme.test").status_code == 303
    assert "/set-up" not in app_client.get(f"/portal/customers/{customer['id']}").text
    assert app_client.get(set_up(customer)).status_code == 403
    assert post(app_client, set_up(customer, "/locations"), **BRANCH).status_code == 403
    created = post(app_client, set_up(customer, "/users"), **rows(person(1)), go="create")
    assert created.status_code == 403
    assert locations_of(app_client, partner, customer) == ["Head Office"]


def test_posts_without_the_forms_csrf_token_are_refused(
    app_client: TestClient, partner: Partner, customer: dict[str, Any], signed_in: None
) -> None:
    location = app_client.post(set_up(customer, "/locations"), data=BRANCH)
    assert location.status_code == 403
    users = app_client.post(set_up(customer, "/users"), data={**rows(person(1)), "go": "create"})
    assert users.status_code == 403
    assert locations_of(app_client, partner, customer) == ["Head Office"]
    listing = app_client.get(
        "/v1/wholesale/subscribers", params={"customerId": customer["id"]}, headers=partner.headers
    ).json()
    assert listing["items"] == []
