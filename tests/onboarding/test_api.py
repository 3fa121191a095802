"""`/v1/partner/onboardingTemplates`: create, read, list, replace, delete and every refusal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import ADDRESS, customer_body, error_codes, next_url
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity
from tukku.identity.rules import WHOLESALE_SCOPES, Role

TEMPLATES = "/v1/partner/onboardingTemplates"
PARTNER_NAME = "Acme Telecom"  # the organization name the `partner` fixture is created with
DEFAULTS = {
    "country": "US",
    "language": "en_US",
    "authMode": "webex",
    "idpEntityId": None,
    "pstnProvider": None,
    "brandName": PARTNER_NAME,
    "allowAdminInviteEmailsOnAttach": False,
    "disableWebexToWebexCalling": False,
}
EVERYTHING_SET = {
    "country": "CA",
    "language": "fr_CA",
    "authMode": "partner_saml",
    "idpEntityId": "https://idp.pizza.test/saml/metadata",
    "pstnProvider": "Maple PSTN",
    "brandName": "Maple Voice",
    "allowAdminInviteEmailsOnAttach": True,
    "disableWebexToWebexCalling": True,
}


def create(client: TestClient, partner: Partner, **fields: Any) -> dict[str, Any]:
    """Create a template and return its body (asserting the 201)."""
    response = client.post(TEMPLATES, json=fields, headers=partner.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_answers_201_with_location_and_every_default_filled_in(
    app_client: TestClient, partner: Partner
) -> None:
    response = app_client.post(TEMPLATES, json={"name": "Small business"}, headers=partner.headers)

    assert response.status_code == 201
    body = response.json()
    assert body["id"]
    assert body["provisioningId"]
    assert response.headers["location"] == f"http://tukku.test{TEMPLATES}/{body['id']}"
    assert body["name"] == "Small business"
    assert {k: body[k] for k in DEFAULTS} == DEFAULTS
    assert body["subscriptionId"] == partner.subscription_id
    assert body["created"] == "2027-01-03T09:00:00.000Z"  # the test clock's start
    assert body["lastModified"] == body["created"]


def test_location_of_a_new_template_serves_it(app_client: TestClient, partner: Partner) -> None:
    response = app_client.post(
        TEMPLATES, json={"name": "Retail", **EVERYTHING_SET}, headers=partner.headers
    )

    fetched = app_client.get(response.headers["location"], headers=partner.headers)

    assert fetched.status_code == 200
    assert fetched.json() == response.json()
    assert {k: fetched.json()[k] for k in EVERYTHING_SET} == EVERYTHING_SET


def test_template_with_pstn_provider_provisions_a_calling_customer(
    app_client: TestClient, partner: Partner
) -> None:
    template = create(app_client, partner, name="Calling", pstnProvider="Cloud PSTN Oy")
    body = customer_body(partner, provisioningId=template["provisioningId"])

    accepted = app_client.post("/v1/wholesale/customers", json=body, headers=partner.headers)

    assert accepted.status_code == 202, accepted.text
    drain(app_client)
    customer = app_client.get(accepted.json()["url"], headers=partner.headers).json()
    assert customer["status"] == "provisioned"
    assert customer["packages"] == ["webex_calling", "webex_meetings"]


def test_template_without_pstn_provider_cannot_provision_calling(
    app_client: TestClient, partner: Partner
) -> None:
    template = create(app_client, partner, name="Meetings only")
    calling = customer_body(partner, provisioningId=template["provisioningId"])
    meetings = customer_body(
        partner,
        provisioningId=template["provisioningId"],
        packages=["webex_meetings"],
        provisioningParameters=None,
    )

    refused = app_client.post("/v1/wholesale/customers", json=calling, headers=partner.headers)
    accepted = app_client.post("/v1/wholesale/customers", json=meetings, headers=partner.headers)

    assert refused.status_code == 400
    assert error_codes(refused) == [4009]
    assert "provisioningId" in refused.json()["message"]
    assert accepted.status_code == 202, accepted.text


def test_list_pages_with_link_headers_that_keep_max(
    app_client: TestClient, partner: Partner
) -> None:
    created = [create(app_client, partner, name=f"Tier {n}") for n in range(4)]
    everything = app_client.get(TEMPLATES, headers=partner.headers)

    pages: list[list[str]] = []
    url: str | None = f"{TEMPLATES}?max=2"
    while url:
        page = app_client.get(url, headers=partner.headers)
        assert page.status_code == 200
        pages.append([t["id"] for t in page.json()["items"]])
        url = next_url(page)
        if url:
            assert url.startswith(f"http://tukku.test{TEMPLATES}?")
            assert "max=2" in url

    assert everything.status_code == 200
    assert "link" not in everything.headers
    items = everything.json()["items"]
    # the partner's default template comes first (oldest), then the four made here
    assert [t["provisioningId"] for t in items[:1]] == [partner.provisioning_id]
    assert items[1:] == created
    assert len({t["id"] for t in items}) == len({t["provisioningId"] for t in items}) == 5
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [i for p in pages for i in p] == [t["id"] for t in items]


def test_list_refuses_a_bad_max(app_client: TestClient, partner: Partner) -> None:
    for value in ("0", "-1", "many"):
        response = app_client.get(TEMPLATES, params={"max": value}, headers=partner.headers)

        assert response.status_code == 400, value
        assert "max" in response.json()["message"], value


def test_put_replaces_every_setting_and_absent_fields_go_back_to_defaults(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    template = create(app_client, partner, name="Retail")
    url = f"{TEMPLATES}/{template['id']}"
    clock.advance(timedelta(hours=1))

    everything = app_client.put(
        url, json={"name": "Retail", **EVERYTHING_SET}, headers=partner.headers
    )
    clock.advance(timedelta(hours=1))
    reset = app_client.put(url, json={"name": "Retail v2"}, headers=partner.headers)

    assert everything.status_code == 200
    assert {k: everything.json()[k] for k in EVERYTHING_SET} == EVERYTHING_SET
    assert everything.json()["lastModified"] == "2027-01-03T10:00:00.000Z"
    assert reset.status_code == 200
    body = reset.json()
    assert body["name"] == "Retail v2"
    assert {k: body[k] for k in DEFAULTS} == DEFAULTS
    assert body["subscriptionId"] == partner.subscription_id
    assert body["id"] == template["id"]
    assert body["provisioningId"] == template["provisioningId"]
    assert body["created"] == template["created"]
    assert body["lastModified"] == "2027-01-03T11:00:00.000Z"
    assert app_client.get(url, headers=partner.headers).json() == body


def test_delete_answers_204_then_the_template_is_gone(
    app_client: TestClient, partner: Partner
) -> None:
    template = create(app_client, partner, name="Old offer", pstnProvider="PSTN")
    url = f"{TEMPLATES}/{template['id']}"

    response = app_client.delete(url, headers=partner.headers)

    assert response.status_code == 204
    assert response.content == b""
    assert app_client.get(url, headers=partner.headers).status_code == 404
    assert app_client.put(url, json={"name": "x"}, headers=partner.headers).status_code == 404
    assert app_client.delete(url, headers=partner.headers).status_code == 404
    listed = app_client.get(TEMPLATES, headers=partner.headers).json()["items"]
    assert template["id"] not in [t["id"] for t in listed]
    provision = app_client.post(
        "/v1/wholesale/customers",
        json=customer_body(partner, provisioningId=template["provisioningId"]),
        headers=partner.headers,
    )
    assert provision.status_code == 404
    assert error_codes(provision) == [4002]
    assert app_client.get("/v1/wholesale/customers", headers=partner.headers).json()["items"] == []


def test_customers_of_a_deleted_template_are_unaffected(
    app_client: TestClient, partner: Partner
) -> None:
    template = create(app_client, partner, name="Old offer", pstnProvider="PSTN")
    accepted = app_client.post(
        "/v1/wholesale/customers",
        json=customer_body(partner, provisioningId=template["provisioningId"]),
        headers=partner.headers,
    )
    drain(app_client)

    app_client.delete(f"{TEMPLATES}/{template['id']}", headers=partner.headers)

    customer = app_client.get(accepted.json()["url"], headers=partner.headers)
    assert customer.status_code == 200
    assert customer.json()["status"] == "provisioned"


def test_duplicate_name_is_a_conflict(app_client: TestClient, partner: Partner) -> None:
    create(app_client, partner, name="Gold")

    response = app_client.post(TEMPLATES, json={"name": "Gold"}, headers=partner.headers)

    assert response.status_code == 409
    assert error_codes(response) == [3003]
    names = [t["name"] for t in app_client.get(TEMPLATES, headers=partner.headers).json()["items"]]
    assert names.count("Gold") == 1


def test_renaming_onto_another_templates_name_is_a_conflict(
    app_client: TestClient, partner: Partner
) -> None:
    create(app_client, partner, name="Gold")
    silver = create(app_client, partner, name="Silver")
    url = f"{TEMPLATES}/{silver['id']}"

    response = app_client.put(url, json={"name": "Gold"}, headers=partner.headers)
    keeping = app_client.put(
        url, json={"name": "Silver", "brandName": "Silvery"}, headers=partner.headers
    )

    assert response.status_code == 409
    assert error_codes(response) == [3003]
    assert keeping.status_code == 200  # keeping its own name is no conflict
    assert app_client.get(url, headers=partner.headers).json()["name"] == "Silver"


def test_names_are_unique_per_partner_only(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    create(app_client, partner, name="Gold")

    theirs = app_client.post(TEMPLATES, json={"name": "Gold"}, headers=other_partner.headers)

    assert theirs.status_code == 201
    assert theirs.json()["brandName"] == "Rival Networks"
    assert theirs.json()["subscriptionId"] == other_partner.subscription_id


def test_partner_sso_needs_an_idp_entity_id(app_client: TestClient, partner: Partner) -> None:
    for mode in ("partner_saml", "partner_oidc"):
        for idp in ({}, {"idpEntityId": None}, {"idpEntityId": ""}, {"idpEntityId": "   "}):
            body = {"name": "SSO", "authMode": mode, **idp}

            response = app_client.post(TEMPLATES, json=body, headers=partner.headers)

            assert response.status_code == 400, body
            assert error_codes(response) == [3002], body
            assert "idpEntityId" in response.json()["message"], body


def test_partner_sso_with_an_idp_is_accepted(app_client: TestClient, partner: Partner) -> None:
    saml = create(
        app_client, partner, name="SAML", authMode="partner_saml", idpEntityId="urn:acme:idp"
    )
    oidc = create(app_client, partner, name="OIDC", authMode="partner_oidc", idpEntityId="acme")

    assert (saml["authMode"], saml["idpEntityId"]) == ("partner_saml", "urn:acme:idp")
    assert (oidc["authMode"], oidc["idpEntityId"]) == ("partner_oidc", "acme")


def test_unknown_auth_mode_is_refused(app_client: TestClient, partner: Partner) -> None:
    response = app_client.post(
        TEMPLATES, json={"name": "x", "authMode": "ldap"}, headers=partner.headers
    )

    assert response.status_code == 400
    assert "authMode" in response.json()["message"]


def test_invalid_country_is_a_400_naming_the_field(
    app_client: TestClient, partner: Partner
) -> None:
    for country in ("XX", "USA", "1", "U"):
        response = app_client.post(
            TEMPLATES, json={"name": "x", "country": country}, headers=partner.headers
        )

        assert response.status_code == 400, country
        assert response.json()["message"].startswith("country"), country
        assert error_codes(response) == [4011], country
    listed = app_client.get(TEMPLATES, headers=partner.headers).json()["items"]
    assert [t["provisioningId"] for t in listed] == [partner.provisioning_id]


def test_unsupported_language_is_a_400_naming_the_field(
    app_client: TestClient, partner: Partner
) -> None:
    for language in ("xx_YY", "en_FR", "klingon", "e", "xx"):
        response = app_client.post(
            TEMPLATES, json={"name": "x", "language": language}, headers=partner.headers
        )

        assert response.status_code == 400, language
        assert response.json()["message"].startswith("language"), language
        assert error_codes(response) == [4012], language


def test_bad_country_and_bad_language_are_reported_together(
    app_client: TestClient, partner: Partner
) -> None:
    response = app_client.post(
        TEMPLATES, json={"name": "x", "country": "XX", "language": "xx_YY"}, headers=partner.headers
    )

    assert response.status_code == 400
    assert sorted(error_codes(response)) == [4011, 4012]


def test_language_resolves_to_a_supported_locale(app_client: TestClient, partner: Partner) -> None:
    cases = [  # (country, language) -> (country, locale), from PRODUCT.md 4.2
        (("CA", "fr"), ("CA", "fr_CA")),  # fr_CA is supported: language + the country
        (("DE", "fr"), ("DE", "fr_FR")),  # fr_DE is not: the language's default
        (("GB", "en"), ("GB", "en_GB")),
        (("FI", "en"), ("FI", "en_US")),
        (("BR", "pt"), ("BR", "pt_BR")),
        (("US", "de_DE"), ("US", "de_DE")),
        (("gb", "en"), ("GB", "en_GB")),
    ]
    for n, ((country, language), expected) in enumerate(cases):
        body = create(app_client, partner, name=f"t{n}", country=country, language=language)

        assert (body["country"], body["language"]) == expected, (country, language)


def test_a_foreign_or_unknown_subscription_id_is_refused(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    for value in (other_partner.subscription_id, "Sub0000000000"):
        response = app_client.post(
            TEMPLATES, json={"name": "x", "subscriptionId": value}, headers=partner.headers
        )

        assert response.status_code == 400, value
        assert response.json()["message"].startswith("subscriptionId"), value
        assert other_partner.subscription_id not in response.text


def test_naming_ones_own_subscription_id_is_accepted(
    app_client: TestClient, partner: Partner
) -> None:
    body = create(app_client, partner, name="x", subscriptionId=partner.subscription_id)

    assert body["subscriptionId"] == partner.subscription_id


def test_name_is_required(app_client: TestClient, partner: Partner) -> None:
    missing = app_client.post(TEMPLATES, json={"country": "US"}, headers=partner.headers)

    assert missing.status_code == 400
    assert missing.json()["message"].startswith("name")
    assert error_codes(missing) == [1001]
    for name in ("", "   "):
        blank = app_client.post(TEMPLATES, json={"name": name}, headers=partner.headers)

        assert blank.status_code == 400, repr(name)
        assert blank.json()["message"].startswith("name"), repr(name)


def sub_partner_of(db: Database, clock: ManualClock, parent: Partner, name: str) -> tuple[str, str]:
    """A sub-partner of `parent` with a full administrator: (org id, token)."""
    with db.unit_of_work() as session:
        org = identity.create_organization(
            session, kind="sub_partner", name=name, parent_id=parent.org_id, now=clock.now()
        )
        admin = identity.create_user(
            session,
            org_id=org.id,
            email=f"admin@{org.id[-8:].lower()}.reseller.test",
            roles=[Role.PARTNER_FULL_ADMIN],
            now=clock.now(),
        )
        _, token = identity.issue_token(
            session, user=admin, scopes=WHOLESALE_SCOPES, name="t", now=clock.now(), expires_at=None
        )
        return org.id, token


def test_sub_partner_templates_share_the_parents_subscription(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    _, token = sub_partner_of(db, clock, partner, "Corner Reseller")
    headers = {"Authorization": f"Bearer {token}"}

    response = app_client.post(TEMPLATES, json={"name": "Resold"}, headers=headers)

    assert response.status_code == 201, response.text
    assert response.json()["subscriptionId"] == partner.subscription_id
    assert response.json()["brandName"] == "Corner Reseller"
    # a sub-partner never sees its parent's templates
    listed = app_client.get(TEMPLATES, headers=headers).json()["items"]
    assert [t["id"] for t in listed] == [response.json()["id"]]
    parents = app_client.post(
        "/v1/wholesale/customers/validate",
        json={"address": ADDRESS, "provisioningId": partner.provisioning_id},
        headers=headers,
    )
    assert error_codes(parents) == [4002]  # the parent's template is not the sub-partner's


def test_parent_manages_a_sub_partners_templates_on_its_behalf(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    org_id, token = sub_partner_of(db, clock, partner, "Corner Reseller")
    on_behalf = {"onBehalfOfSubPartnerOrgId": org_id}

    created = app_client.post(
        TEMPLATES, params=on_behalf, json={"name": "For reseller"}, headers=partner.headers
    )

    assert created.status_code == 201, created.text
    assert created.json()["subscriptionId"] == partner.subscription_id
    theirs = app_client.get(TEMPLATES, headers={"Authorization": f"Bearer {token}"})
    assert [t["id"] for t in theirs.json()["items"]] == [created.json()["id"]]
    via = app_client.get(TEMPLATES, params=on_behalf, headers=partner.headers).json()["items"]
    assert [t["id"] for t in via] == [created.json()["id"]]
