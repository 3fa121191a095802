"""The partner portal's onboarding templates over HTTP: creating one ends with the
provisioningId the API knows; the API's rules refuse the same mistakes next to the field;
retiring is audited; read-only staff can neither create nor retire."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tukku.core.clock import ManualClock
from tukku.core.db import Database

TEMPLATES = "/v1/partner/onboardingTemplates"


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


def _create(client: TestClient, **fields: str) -> httpx.Response:
    form = client.get("/portal/templates/new")
    return client.post(
        "/portal/templates/new", data={**fields, "csrf": csrf_of(form)}, follow_redirects=False
    )


def test_creating_a_template_shows_the_provisioning_id_the_api_knows(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    created = _create(app_client, name="UK offices", country="GB", pstnProvider="Acme PSTN")
    assert created.status_code == 303
    page = app_client.get(created.headers["location"])
    assert "The template is created" in page.text
    listed = app_client.get(TEMPLATES, headers=partner.headers).json()["items"]
    (api,) = [t for t in listed if t["name"] == "UK offices"]
    assert f'<code id="provisioning-id">{api["provisioningId"]}</code>' in page.text
    assert api["country"] == "GB"
    assert api["pstnProvider"] == "Acme PSTN"
    assert "UK offices" in app_client.get("/portal/templates").text


def test_the_apis_rules_refuse_the_form_next_to_the_field(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    before = len(app_client.get(TEMPLATES, headers=partner.headers).json()["items"])
    bad_country = _create(app_client, name="Somewhere", country="XX")
    assert bad_country.status_code == 400
    assert 'id="country-error"' in bad_country.text
    assert 'value="Somewhere"' in bad_country.text  # what was typed stays
    no_name = _create(app_client, name="  ")
    assert no_name.status_code == 400
    assert 'id="name-error"' in no_name.text
    assert _create(app_client, name="Twice").status_code == 303
    twice = _create(app_client, name="Twice")
    assert twice.status_code == 400
    assert 'id="name-error"' in twice.text
    after = len(app_client.get(TEMPLATES, headers=partner.headers).json()["items"])
    assert after == before + 1


def test_retiring_a_template_hides_it_from_the_list(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    page = app_client.get(_create(app_client, name="Short-lived").headers["location"])
    template_id = page.url.path.rsplit("/", 1)[1]
    retired = app_client.post(
        f"/portal/templates/{template_id}/delete", data={"csrf": csrf_of(page)}
    )
    assert retired.status_code == 200
    assert "Short-lived" not in retired.text
    assert app_client.get(f"{TEMPLATES}/{template_id}", headers=partner.headers).status_code == 404


def test_read_only_staff_can_neither_create_nor_retire(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    listed = app_client.get(TEMPLATES, headers=partner.headers).json()["items"]
    template_id = listed[0]["id"]
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    sign_in(app_client, "viewer@acme.test")
    assert "New template" not in app_client.get("/portal/templates").text
    assert app_client.get("/portal/templates/new").status_code == 403
    page = app_client.get(f"/portal/templates/{template_id}")
    assert "Retire this template" not in page.text
    refused = app_client.post(
        f"/portal/templates/{template_id}/delete", data={"csrf": csrf_of(page)}
    )
    assert refused.status_code == 403
    assert app_client.get(f"{TEMPLATES}/{template_id}", headers=partner.headers).status_code == 200


def _edit(client: TestClient, template_id: str, **fields: str) -> httpx.Response:
    form = client.get(f"/portal/templates/{template_id}/edit")
    assert form.status_code == 200
    return client.post(
        f"/portal/templates/{template_id}/edit",
        data={**fields, "csrf": csrf_of(form)},
        follow_redirects=False,
    )


def test_editing_replaces_the_settings_as_put_does_and_keeps_the_provisioning_id(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    created = _create(app_client, name="Nordics", country="FI", pstnProvider="Acme PSTN")
    template_id = created.headers["location"].split("?")[0].rsplit("/", 1)[1]
    before = app_client.get(f"{TEMPLATES}/{template_id}", headers=partner.headers).json()
    form = app_client.get(f"/portal/templates/{template_id}/edit")
    assert 'value="Nordics"' in form.text  # the form starts from the template as it is
    assert 'value="Acme PSTN"' in form.text

    saved = _edit(
        app_client,
        template_id,
        name="Nordics and Baltics",
        country="SE",
        authMode="partner_saml",
        idpEntityId="https://idp.example.test/saml",
        disableWebexToWebexCalling="on",
    )

    assert saved.status_code == 303
    assert "The changes are saved" in app_client.get(saved.headers["location"]).text
    after = app_client.get(f"{TEMPLATES}/{template_id}", headers=partner.headers).json()
    assert after["provisioningId"] == before["provisioningId"]
    assert (after["name"], after["country"]) == ("Nordics and Baltics", "SE")
    assert after["authMode"] == "partner_saml"
    assert after["idpEntityId"] == "https://idp.example.test/saml"
    assert after["disableWebexToWebexCalling"] is True
    assert after["allowAdminInviteEmailsOnAttach"] is False
    assert after["pstnProvider"] is None  # left empty: replaced, as PUT replaces every field


def test_an_edit_the_api_refuses_shows_why_next_to_the_field_and_changes_nothing(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    _create(app_client, name="Taken")
    created = _create(app_client, name="Mine")
    template_id = created.headers["location"].split("?")[0].rsplit("/", 1)[1]
    taken = _edit(app_client, template_id, name="Taken")
    assert taken.status_code == 400
    assert 'id="name-error"' in taken.text
    no_idp = _edit(app_client, template_id, name="Mine", authMode="partner_oidc")
    assert no_idp.status_code == 400
    assert "idpEntityId" in no_idp.text
    assert 'value="partner_oidc" selected' in no_idp.text  # the choice made stays
    api = app_client.get(f"{TEMPLATES}/{template_id}", headers=partner.headers).json()
    assert (api["name"], api["authMode"]) == ("Mine", "webex")


def test_no_edit_of_another_partners_template_or_by_read_only_staff(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
    signed_in: None,
) -> None:
    theirs = app_client.get(TEMPLATES, headers=other_partner.headers).json()["items"][0]
    assert app_client.get(f"/portal/templates/{theirs['id']}/edit").status_code == 404
    mine = app_client.get(TEMPLATES, headers=partner.headers).json()["items"][0]
    page = app_client.get(f"/portal/templates/{mine['id']}")
    assert "Edit the template" in page.text
    refused = app_client.post(
        f"/portal/templates/{theirs['id']}/edit", data={"name": "Hijacked", "csrf": csrf_of(page)}
    )
    assert refused.status_code == 404
    forged = app_client.post(
        f"/portal/templates/{mine['id']}/edit", data={"name": "Forged", "csrf": "x"}
    )
    assert forged.status_code == 403
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    sign_in(app_client, "viewer@acme.test")
    page = app_client.get(f"/portal/templates/{mine['id']}")
    assert "Edit the template" not in page.text
    assert app_client.get(f"/portal/templates/{mine['id']}/edit").status_code == 403
    by_hand = app_client.post(
        f"/portal/templates/{mine['id']}/edit", data={"name": "Renamed", "csrf": csrf_of(page)}
    )
    assert by_hand.status_code == 403
    names = {
        t["name"] for t in app_client.get(TEMPLATES, headers=other_partner.headers).json()["items"]
    }
    names |= {t["name"] for t in app_client.get(TEMPLATES, headers=partner.headers).json()["items"]}
    assert not names & {"Hijacked", "Forged", "Renamed"}
