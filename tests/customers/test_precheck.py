"""`POST /v1/wholesale/customers/validate`: every problem at once, nothing changed (PRODUCT 6)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import ADDRESS, CALLING, customer_body, error_codes, provision_customer

VALIDATE = "/v1/wholesale/customers/validate"
CUSTOMERS = "/v1/wholesale/customers"
MINIMAL = {"address": ADDRESS, "customerInfo": {"primaryEmail": "owner@newpizza.test"}}


def assert_success(response: Any) -> None:
    """The documented clean answer: exactly `{message: success, info: [{infoCode: 100, ...}]}`."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"message", "info"}
    assert body["message"] == "success"
    assert len(body["info"]) == 1
    assert set(body["info"][0]) == {"infoCode", "description"}
    assert body["info"][0]["infoCode"] == 100
    assert isinstance(body["info"][0]["description"], str)
    assert body["info"][0]["description"]


def test_minimal_variant_succeeds(app_client: TestClient, partner: Partner) -> None:
    response = app_client.post(VALIDATE, json=MINIMAL, headers=partner.headers)
    address_alone = app_client.post(VALIDATE, json={"address": ADDRESS}, headers=partner.headers)

    assert_success(response)
    assert_success(address_alone)


def test_full_provisioning_shaped_body_succeeds(app_client: TestClient, partner: Partner) -> None:
    response = app_client.post(VALIDATE, json=customer_body(partner), headers=partner.headers)

    assert_success(response)


def test_every_problem_is_reported_with_its_own_code_in_one_400(
    app_client: TestClient, partner: Partner
) -> None:
    provision_customer(app_client, partner, externalId="taken-ext")
    body = {
        "provisioningId": "bm8tc3VjaC10ZW1wbGF0ZQ",
        "packages": ["webex_meetings", "attendant_console"],
        "orgId": "bm8tc3VjaC1vcmc",
        "externalId": "taken-ext",
        "address": {**ADDRESS, "addressLine1": "x" * 51},
        "customerInfo": {
            "name": "New Pizza",
            "primaryEmail": "not-an-e-mail",
            "language": "xx_YY",
        },
        "provisioningParameters": CALLING,
    }

    response = app_client.post(VALIDATE, json=body, headers=partner.headers)

    assert response.status_code == 400
    assert sorted(error_codes(response)) == [4002, 4003, 4004, 4007, 4010, 4012, 5015]
    by_code = {e["errorCode"]: e["description"] for e in response.json()["errors"]}
    assert "address.addressLine1" in by_code[4010]
    assert "provisioningId" in by_code[4002]
    assert "attendant_console" in by_code[4007]
    assert "externalId" in by_code[4003]
    assert "customerInfo.primaryEmail" in by_code[5015]
    assert "customerInfo.language" in by_code[4012]
    assert "orgId" in by_code[4004]
    assert response.json()["trackingId"]


def test_each_problem_alone_gives_only_its_code(app_client: TestClient, partner: Partner) -> None:
    provision_customer(app_client, partner, externalId="taken-ext")
    no_pstn = app_client.post(
        "/v1/partner/onboardingTemplates", json={"name": "No PSTN"}, headers=partner.headers
    ).json()["provisioningId"]
    full = customer_body(partner)
    cases = [
        ({"provisioningId": no_pstn}, 4009),
        ({"provisioningId": no_pstn, "packages": ["webex_meetings"]}, None),
        ({"provisioningParameters": None}, 4008),
        ({"customerInfo": {"name": "100% Pizza", "primaryEmail": "a@b.test"}}, 4014),
        ({"address": {**ADDRESS, "addressLine2": "y" * 51}}, 4010),
        ({"provisioningId": "bm8tc3VjaC10ZW1wbGF0ZQ"}, 4002),
        ({"packages": ["webex_calling", "cisco_calling_plan", "attendant_console"]}, None),
        ({"packages": ["webex_meetings", "cisco_calling_plan"]}, 4007),
        ({"externalId": "taken-ext"}, 4003),
        ({"customerInfo": {"name": "New", "primaryEmail": "a@@b"}}, 5015),
        ({"customerInfo": {"name": "New", "primaryEmail": "a@b.test", "language": "en_FR"}}, 4012),
        ({"orgId": "bm8tc3VjaC1vcmc"}, 4004),
    ]

    for change, code in cases:
        response = app_client.post(VALIDATE, json={**full, **change}, headers=partner.headers)

        if code is None:
            assert_success(response)
        else:
            assert response.status_code == 400, change
            assert error_codes(response) == [code], change


def test_minimal_variant_reports_a_bad_e_mail_and_address(
    app_client: TestClient, partner: Partner
) -> None:
    body = {
        "address": {**ADDRESS, "country": "XX"},
        "customerInfo": {"primaryEmail": "nobody"},
    }

    response = app_client.post(VALIDATE, json=body, headers=partner.headers)

    assert response.status_code == 400
    assert sorted(error_codes(response)) == [4011, 5015]


def test_precheck_creates_nothing(app_client: TestClient, partner: Partner) -> None:
    body = customer_body(partner, externalId="checked-ext")
    email = body["customerInfo"]["primaryEmail"]
    failing = {**body, "address": {**ADDRESS, "addressLine1": "x" * 51}}

    assert_success(app_client.post(VALIDATE, json=body, headers=partner.headers))
    assert app_client.post(VALIDATE, json=failing, headers=partner.headers).status_code == 400
    drain(app_client)

    assert app_client.get(CUSTOMERS, headers=partner.headers).json()["items"] == []
    assert app_client.get("/v1/wholesale/subscribers", headers=partner.headers).json() == {
        "items": []
    }
    # the externalId and the e-mail are still free: provisioning the same body succeeds
    assert_success(app_client.post(VALIDATE, json=body, headers=partner.headers))
    customer = provision_customer(
        app_client,
        partner,
        externalId="checked-ext",
        customerInfo={"name": "Checked", "primaryEmail": email},
    )
    assert customer["status"] == "provisioned"


def test_another_partners_external_id_is_not_taken(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    provision_customer(app_client, other_partner, externalId="shared-ext")

    response = app_client.post(
        VALIDATE, json=customer_body(partner, externalId="shared-ext"), headers=partner.headers
    )

    assert_success(response)


def test_another_partners_provisioning_id_is_unknown(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    body = customer_body(partner, provisioningId=other_partner.provisioning_id)

    response = app_client.post(VALIDATE, json=body, headers=partner.headers)

    assert response.status_code == 400
    assert error_codes(response) == [4002]
    assert other_partner.org_id not in response.text


def test_another_partners_customer_org_reads_like_an_unknown_one(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    theirs = provision_customer(app_client, other_partner)

    foreign = app_client.post(
        VALIDATE, json={**MINIMAL, "orgId": theirs["orgId"]}, headers=partner.headers
    )
    unknown = app_client.post(
        VALIDATE, json={**MINIMAL, "orgId": "bm8tc3VjaC1vcmc"}, headers=partner.headers
    )

    assert foreign.status_code == unknown.status_code == 400
    assert error_codes(foreign) == error_codes(unknown) == [4004]
    assert foreign.json()["message"] == unknown.json()["message"]
    assert theirs["id"] not in foreign.text
    assert theirs["externalId"] not in foreign.text


def test_missing_address_or_primary_email_is_400_naming_it(
    app_client: TestClient, partner: Partner
) -> None:
    no_address = app_client.post(
        VALIDATE, json={"customerInfo": {"primaryEmail": "a@b.test"}}, headers=partner.headers
    )
    no_email = app_client.post(
        VALIDATE,
        json={"address": ADDRESS, "customerInfo": {"name": "No Mail"}},
        headers=partner.headers,
    )

    assert no_address.status_code == 400
    assert no_address.json()["message"].startswith("address")
    assert error_codes(no_address) == [1001]
    assert no_email.status_code == 400
    assert "customerInfo.primaryEmail" in no_email.json()["message"]
