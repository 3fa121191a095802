"""The create-customer wizard over HTTP: each step refuses what `POST /customers` would refuse,
next to the field and before going on; Back keeps what was typed; "Create" checks everything
again and provisions the customer, whose page then shows it provisioned; another partner's
template cannot be used; read-only staff see no "New customer" and are refused; a form without
its CSRF token changes nothing."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tests.support import provision_customer
from tukku.core.clock import ManualClock
from tukku.core.db import Database

NEW = "/portal/customers/new"
COMPANY = {
    "name": "Kahvila Aalto",
    "primaryEmail": "owner@aalto.test",
    "externalId": "crm-1001",
    "language": "",
}
LOCATION = {
    "locationName": "Headquarters",
    "addressLine1": "Mannerheimintie 1",
    "addressLine2": "",
    "city": "Helsinki",
    "stateOrProvince": "",
    "zipOrPostalCode": "00100",
    "country": "FI",
    "timezone": "Europe/Helsinki",
    "confirmCountry": "yes",
}


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


def post(client: TestClient, step: str, go: str = "next", **fields: Any) -> httpx.Response:
    """Answer `step` of the wizard as its form would (packages may be a list)."""
    csrf = csrf_of(client.get(NEW))
    data = {"csrf": csrf, "step": step, "go": go, **fields}
    return client.post(NEW, data=data, follow_redirects=False)


def everything(partner: Partner, **overrides: Any) -> dict[str, Any]:
    """Every step's answers, as the summary's form carries them."""
    return {
        **COMPANY,
        "provisioningId": partner.provisioning_id,
        "packages": ["webex_calling", "webex_meetings"],
        **LOCATION,
        **overrides,
    }


def heading(page: httpx.Response) -> str:
    found = re.search(r"<h2>(Step \d of \d: [^<]+)</h2>", page.text)
    assert found, page.text[:800]
    return found.group(1)


def field_error(page: httpx.Response, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="{name}-error">([^<]+)</p>', page.text)
    assert found, f"no error next to {name}"
    return found.group(1)


def test_each_step_leads_to_the_next_and_create_provisions_the_customer(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    listing = app_client.get("/portal/customers")
    assert 'href="/portal/customers/new"' in listing.text
    assert heading(app_client.get(NEW)) == "Step 1 of 5: Company"

    template = post(app_client, "company", **COMPANY)
    assert template.status_code == 200
    assert heading(template) == "Step 2 of 5: Onboarding template"
    assert partner.provisioning_id in template.text
    assert 'name="name" value="Kahvila Aalto"' in template.text  # carried along, hidden

    packages = post(app_client, "template", **COMPANY, provisioningId=partner.provisioning_id)
    assert heading(packages) == "Step 3 of 5: Packages"
    assert "Webex Calling" in packages.text

    location = post(
        app_client,
        "packages",
        **COMPANY,
        provisioningId=partner.provisioning_id,
        packages=["webex_calling", "webex_meetings"],
    )
    assert heading(location) == "Step 4 of 5: Headquarters"
    assert '<option value="FI">Finland</option>' in location.text

    summary = post(app_client, "location", **everything(partner))
    assert heading(summary) == "Step 5 of 5: Summary"
    assert "Finland: supported" in summary.text
    assert "Webex Calling, Webex Meetings" in summary.text

    created = post(app_client, "summary", "create", **everything(partner))
    assert created.status_code == 303
    page_url = created.headers["location"]
    customer_id = page_url.removeprefix("/portal/customers/").removesuffix("?created=1")
    following = app_client.get(page_url)
    assert "The customer is created" in following.text
    assert "data-follow=" in following.text  # still provisioning: the page follows it
    assert "Refresh" in following.text

    drain(app_client)
    settled = app_client.get(f"/portal/customers/{customer_id}")
    assert 'Status: <span class="status status-provisioned">provisioned' in settled.text
    assert "data-follow=" not in settled.text
    api = app_client.get(f"/v1/wholesale/customers/{customer_id}", headers=partner.headers).json()
    assert api["externalId"] == "crm-1001"
    assert api["address"]["country"] == "FI"
    assert sorted(api["packages"]) == ["webex_calling", "webex_meetings"]
    query = {"orgId": api["orgId"]}
    locations = app_client.get("/v1/locations", params=query, headers=partner.headers)
    assert [loc["name"] for loc in locations.json()["items"]] == ["Headquarters"]
    assert locations.json()["items"][0]["timeZone"] == "Europe/Helsinki"


def test_the_company_step_shows_what_the_api_refuses_next_to_each_field(
    app_client: TestClient, signed_in: None
) -> None:
    page = post(
        app_client, "company", name="50% Off Shop", primaryEmail="not an address", externalId=""
    )
    assert page.status_code == 400
    assert heading(page) == "Step 1 of 5: Company"
    assert "%" in field_error(page, "name")
    assert field_error(page, "primaryEmail")
    assert field_error(page, "externalId") == "must not be blank"
    assert 'class="error-summary"' in page.text
    assert 'value="50% Off Shop"' in page.text  # what was typed stays


def test_template_packages_and_location_steps_each_need_their_answers(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    no_template = post(app_client, "template", **COMPANY)
    assert no_template.status_code == 400
    assert field_error(no_template, "provisioningId") == "Choose an onboarding template."

    no_packages = post(app_client, "packages", **COMPANY, provisioningId=partner.provisioning_id)
    assert no_packages.status_code == 400
    assert heading(no_packages) == "Step 3 of 5: Packages"
    assert "at least one package" in field_error(no_packages, "packages")

    wrong_place = everything(partner, city="", timezone="Mars/Olympus", confirmCountry="")
    location = post(app_client, "location", **wrong_place)
    assert location.status_code == 400
    assert heading(location) == "Step 4 of 5: Headquarters"
    assert field_error(location, "city") == "must not be blank"
    assert "not a time zone" in field_error(location, "timezone")
    confirm = field_error(location, "confirmCountry")
    assert confirm == "Confirm that the headquarters is in this country."


def test_an_add_on_without_its_package_is_refused_at_the_packages_step(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    page = post(
        app_client,
        "packages",
        **COMPANY,
        provisioningId=partner.provisioning_id,
        packages=["attendant_console"],
    )
    assert page.status_code == 400
    assert "attendant_console needs one of" in field_error(page, "packages")


def test_back_keeps_what_was_entered(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    back = post(app_client, "summary", "back", **everything(partner))
    assert heading(back) == "Step 4 of 5: Headquarters"
    assert 'value="Mannerheimintie 1"' in back.text
    assert '<option value="FI" selected>' in back.text
    back = post(app_client, "location", "back", **everything(partner, city="Espoo"))
    assert heading(back) == "Step 3 of 5: Packages"
    assert re.search(r'value="webex_calling" checked', back.text)
    assert 'name="city" value="Espoo"' in back.text  # kept, hidden, for when it comes back
    back = post(app_client, "packages", "back", **everything(partner))
    assert re.search(rf'value="{partner.provisioning_id}" checked', back.text)
    back = post(app_client, "template", "back", **everything(partner))
    assert 'value="Kahvila Aalto"' in back.text
    assert 'value="crm-1001"' in back.text


def test_create_checks_every_step_again(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    # The summary's hidden fields were changed by hand: create goes back to the step concerned.
    page = post(app_client, "summary", "create", **everything(partner, name="100% Pizza"))
    assert page.status_code == 400
    assert heading(page) == "Step 1 of 5: Company"
    assert field_error(page, "name")
    listing = app_client.get("/v1/wholesale/customers", headers=partner.headers).json()
    assert listing["items"] == []


def test_an_external_id_already_used_is_refused_at_the_company_step(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    provision_customer(app_client, partner, externalId="crm-1001")
    page = post(app_client, "company", **COMPANY)
    assert page.status_code == 400
    assert "already used" in field_error(page, "externalId")


def test_another_partners_template_cannot_be_used(
    app_client: TestClient, partner: Partner, other_partner: Partner, signed_in: None
) -> None:
    listed = post(app_client, "company", **COMPANY)
    assert other_partner.provisioning_id not in listed.text
    page = post(app_client, "template", **COMPANY, provisioningId=other_partner.provisioning_id)
    assert page.status_code == 400
    assert field_error(page, "provisioningId") == "onboarding template not found"
    created = post(
        app_client,
        "summary",
        "create",
        **everything(partner, provisioningId=other_partner.provisioning_id),
    )
    assert created.status_code == 400
    theirs = app_client.get("/v1/wholesale/customers", headers=other_partner.headers).json()
    assert theirs["items"] == []


def test_read_only_staff_see_no_new_customer_and_are_refused(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    assert sign_in(app_client, "viewer@acme.test").status_code == 303
    assert "/portal/customers/new" not in app_client.get("/portal/customers").text
    assert app_client.get(NEW).status_code == 403
    csrf = csrf_of(app_client.get("/portal/customers"))
    data = {"csrf": csrf, "step": "summary", "go": "create", **everything(partner)}
    refused = app_client.post(NEW, data=data, follow_redirects=False)
    assert refused.status_code == 403
    listing = app_client.get("/v1/wholesale/customers", headers=partner.headers).json()
    assert listing["items"] == []


def test_a_create_without_the_forms_csrf_token_is_refused(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    data = {"step": "summary", "go": "create", **everything(partner)}
    refused = app_client.post(NEW, data=data, follow_redirects=False)
    assert refused.status_code == 403
    assert "Form expired" in refused.text
    listing = app_client.get("/v1/wholesale/customers", headers=partner.headers).json()
    assert listing["items"] == []
