"""Corrections found by checking every operation against the public Wholesale OpenAPI: the
official request examples are accepted, errors carry catalogued codes and name fields once,
`GET` answers carry the `Location` the contract lists, prechecks refuse what provisioning does.

The official examples are written out here (adapted: plain values where the published ones quote
them twice, no `orgId` or `subPartnerAdminEmail` of another tenant), so that the suite does not
need the reference files.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner, drain
from tests.support import customer_body, error_codes, provision_customer, provision_subscriber
from tests.support import subscriber_body as make_subscriber_body
from tukku.core.db import Database
from tukku.core.errors import Codes, Conflict, Invalid, NotFound
from tukku.core.validation import normalize_phone_number
from tukku.customers.models import CustomerPackage

CUSTOMERS = "/v1/wholesale/customers"
SUBSCRIBERS = "/v1/wholesale/subscribers"
REPORTS = "/v1/wholesale/billing/reports"
JSON = {"Content-Type": "application/json"}

EXAMPLE_ADDRESS = {
    "addressLine1": "771 Alder Drive",
    "addressLine2": "Cisco Site 5",
    "city": "Milpitas",
    "stateOrProvince": "CA",
    "zipOrPostalCode": "95035",
    "country": "US",
}
EXAMPLE_LIMITS = {
    "webex_calling": 50,
    "common_area_calling": 50,
    "webex_meetings": 50,
    "webex_suite": 50,
    "webex_voice": 50,
    "cx_essentials": 50,
    "webex_calling_standard": 50,
    "attendant_console": 50,
}
EXAMPLE_PARAMETERS = {
    "calling": {
        "location": {
            "name": "Head Office",
            "address": EXAMPLE_ADDRESS,
            "timezone": "America/Los_Angeles",
            "language": "en_us",
            "emergencyLocationIdentifier": "95547321",
        }
    },
    "meetings": {"timezone": "America/Los_Angeles"},
    "packages": {"limits": EXAMPLE_LIMITS},
}


def example_create(partner: Partner) -> dict[str, Any]:
    """The official `POST /wholesale/customers` example."""
    return {
        "provisioningId": partner.provisioning_id,
        "packages": ["common_area_calling"],
        "externalId": "c1677a16-557a-4fb4-b48f-24adde57ec99",
        "address": EXAMPLE_ADDRESS,
        "customerInfo": {
            "name": "John's Pizza",
            "primaryEmail": "john.anderson@acme.test",
            "language": "en",
        },
        "provisioningParameters": EXAMPLE_PARAMETERS,
    }


def example_update() -> dict[str, Any]:
    """The official `PUT /wholesale/customers/{customerId}` example."""
    return {
        "externalId": "c1677a16-557a-4fb4-b48f-24adde57ec99",
        "packages": ["common_area_calling"],
        "address": EXAMPLE_ADDRESS,
        "provisioningParameters": EXAMPLE_PARAMETERS,
    }


def limits_of(client: TestClient, customer_id: str) -> dict[str, int | None]:
    db: Database = client.app.state.db  # type: ignore[attr-defined]
    with db.unit_of_work(write=False) as session:
        rows = session.execute(
            select(CustomerPackage.name, CustomerPackage.limit).where(
                CustomerPackage.customer_id == customer_id
            )
        )
        return {row.name: row.limit for row in rows}


# --- limits of packages not in the list ----------------------------------------------------------


def test_the_official_customer_examples_are_accepted_and_unlisted_limits_ignored(
    app_client: TestClient, partner: Partner
) -> None:
    validate = app_client.post(
        f"{CUSTOMERS}/validate", json=example_create(partner), headers=partner.headers
    )
    created = app_client.post(CUSTOMERS, json=example_create(partner), headers=partner.headers)
    assert validate.status_code == 200, validate.text
    assert created.status_code == 202, created.text
    drain(app_client)
    customer_id = created.json()["url"].rsplit("/", 1)[1]

    updated = app_client.put(
        f"{CUSTOMERS}/{customer_id}", json=example_update(), headers=partner.headers
    )

    assert updated.status_code == 202, updated.text
    drain(app_client)
    assert limits_of(app_client, customer_id) == {"common_area_calling": 50}


def test_a_negative_limit_is_still_refused_listed_or_not(
    app_client: TestClient, partner: Partner
) -> None:
    for name in ("common_area_calling", "webex_suite"):
        parameters = {**EXAMPLE_PARAMETERS, "packages": {"limits": {name: -1}}}
        body = {**example_create(partner), "provisioningParameters": parameters}

        response = app_client.post(CUSTOMERS, json=body, headers=partner.headers)

        assert response.status_code == 400
        assert error_codes(response) == [Codes.PACKAGE_LIMIT_INVALID.number]
        assert f"provisioningParameters.packages.limits.{name}" in response.json()["message"]


# --- phone numbers with separators ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("+12405551212", "+12405551212"),
        ("+1-240-555-1212", "+12405551212"),
        ("+1 (240) 555-1212", "+12405551212"),
        ("+1.240.555.1212", "+12405551212"),
        (" +44 20 7946 0958 ", "+442079460958"),
        ("+49\u00a030\u00a0901820", "+4930901820"),
        ("240-555-1212", None),  # no country code
        ("+1-240-CALL-NOW", None),
        ("+0 240 555 1212", None),
        ("+1 240", None),
        ("+1 2405 5512 1212 3456", None),  # 16 digits
        ("++12405551212", None),
        ("", None),
    ],
)
def test_phone_numbers_are_read_with_common_separators(written: str, e164: str | None) -> None:
    assert normalize_phone_number(written) == e164


def test_subscriber_numbers_with_separators_are_stored_in_e164(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    meetings = provision_subscriber(
        app_client,
        partner,
        customer["id"],
        packages=["webex_meetings"],
        provisioningParameters={"firstName": "John", "lastName": "Andersen"},
    )
    # The official `PUT /wholesale/subscribers/{subscriberId}` example, but for the location.
    example = {
        "packages": ["webex_calling"],
        "provisioningParameters": {"primaryPhoneNumber": "+1-240-555-1212", "extension": "5221"},
    }

    updated = app_client.put(
        f"{SUBSCRIBERS}/{meetings['id']}", json=example, headers=partner.headers
    )
    same_number = make_subscriber_body(
        customer["id"],
        provisioningParameters={
            "firstName": "Ada",
            "lastName": "Lovelace",
            "primaryPhoneNumber": "+12405551212",
        },
    )
    taken = app_client.post(SUBSCRIBERS, json=same_number, headers=partner.headers)
    checked = app_client.post(f"{SUBSCRIBERS}/validate", json=same_number, headers=partner.headers)

    assert updated.status_code == 200, updated.text
    assert updated.json()["packages"] == ["webex_calling"]
    assert taken.status_code == 409
    assert error_codes(taken) == [Codes.NUMBER_TAKEN.number]
    assert "+12405551212 is already in use" in taken.json()["message"]
    assert error_codes(checked) == [Codes.NUMBER_TAKEN.number]


def test_new_subscribers_and_prechecks_take_separators_and_refuse_what_is_no_number(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)

    def body(number: str) -> dict[str, Any]:
        parameters = {"firstName": "Ada", "lastName": "Lovelace", "primaryPhoneNumber": number}
        return make_subscriber_body(customer["id"], provisioningParameters=parameters)

    precheck = app_client.post(
        f"{SUBSCRIBERS}/validate", json=body("+1 (408) 555-0199"), headers=partner.headers
    )
    created = app_client.post(SUBSCRIBERS, json=body("+1.408.555.0198"), headers=partner.headers)
    refused = app_client.post(SUBSCRIBERS, json=body("408-555-0197"), headers=partner.headers)

    assert precheck.status_code == 200, precheck.text
    assert created.status_code == 200, created.text
    assert refused.status_code == 400
    assert error_codes(refused) == [Codes.PHONE_NUMBER_INVALID.number]
    assert refused.json()["message"].startswith("provisioningParameters.primaryPhoneNumber: ")


# --- bodies that are empty or not UTF-8 ----------------------------------------------------------


@pytest.mark.parametrize("content_type", [JSON, {}])
def test_an_empty_report_request_names_each_missing_field(
    app_client: TestClient, partner: Partner, content_type: dict[str, str]
) -> None:
    response = app_client.post(REPORTS, content=b"", headers={**partner.headers, **content_type})

    assert response.status_code == 400
    assert error_codes(response) == [Codes.MISSING_FIELD.number] * 2
    message = "billingStartDate: is required; billingEndDate: is required"
    assert response.json()["message"] == message
    assert "None" not in response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", REPORTS),
        ("POST", CUSTOMERS),
        ("POST", f"{CUSTOMERS}/validate"),
        ("PUT", f"{SUBSCRIBERS}/bm8tc3Vic2NyaWJlcg"),
        ("PUT", "/v1/partner/onboardingTemplates/bm8tdGVtcGxhdGU"),
    ],
)
def test_a_body_that_is_not_utf8_is_a_malformed_body(
    app_client: TestClient, partner: Partner, method: str, path: str
) -> None:
    latin1 = '{"billingStartDate": "2027-01-01", "name": "Café"}'.encode("latin-1")

    response = app_client.request(method, path, content=latin1, headers={**partner.headers, **JSON})

    assert response.status_code == 400
    assert error_codes(response) == [Codes.MALFORMED_BODY.number]
    assert "UTF-8" in response.json()["message"]


# --- Location on GET -----------------------------------------------------------------------------


def test_get_customer_and_subscriber_send_their_own_url_as_location(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    subscriber = provision_subscriber(app_client, partner, customer["id"])
    customer_url = f"http://tukku.test{CUSTOMERS}/{customer['id']}"
    subscriber_url = f"http://tukku.test{SUBSCRIBERS}/{subscriber['id']}"

    got_customer = app_client.get(customer_url, headers=partner.headers)
    got_subscriber = app_client.get(subscriber_url, headers=partner.headers)

    assert got_customer.status_code == 200
    assert got_customer.headers["Location"] == customer_url
    assert got_subscriber.status_code == 200
    assert got_subscriber.headers["Location"] == subscriber_url


# --- prechecks refuse a null provisioningParameters as provisioning does --------------------------


def test_subscriber_precheck_refuses_null_parameters_as_provisioning_does(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    for packages in (["webex_meetings"], ["webex_calling"]):
        body = make_subscriber_body(customer["id"], packages=packages, provisioningParameters=None)

        checked = app_client.post(f"{SUBSCRIBERS}/validate", json=body, headers=partner.headers)
        provisioned = app_client.post(SUBSCRIBERS, json=body, headers=partner.headers)

        assert provisioned.status_code == 400
        assert checked.status_code == 400
        refusals = provisioned.json()["errors"]
        assert refusals == [
            {"description": f"provisioningParameters.{name}: is required", "errorCode": 5014}
            for name in ("firstName", "lastName")
        ]
        assert all(refusal in checked.json()["errors"] for refusal in refusals)


def test_subscriber_precheck_without_parameters_stays_the_documented_minimal_variant(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    minimal = {"customerId": customer["id"], "email": "alice.anderson@acme.test"}

    response = app_client.post(f"{SUBSCRIBERS}/validate", json=minimal, headers=partner.headers)

    assert response.status_code == 200, response.text


def test_customer_precheck_answers_null_parameters_as_provisioning_does(
    app_client: TestClient, partner: Partner
) -> None:
    for packages in (["webex_calling"], ["webex_meetings"]):
        body = customer_body(partner, packages=packages, provisioningParameters=None)

        checked = app_client.post(f"{CUSTOMERS}/validate", json=body, headers=partner.headers)
        provisioned = app_client.post(CUSTOMERS, json=body, headers=partner.headers)

        if provisioned.status_code == 202:
            assert checked.status_code == 200, checked.text
        else:
            assert checked.status_code == 400
            assert checked.json()["errors"] == provisioned.json()["errors"]


# --- 409 messages name the field once ------------------------------------------------------------


def test_a_taken_external_id_is_named_once(app_client: TestClient, partner: Partner) -> None:
    provision_customer(app_client, partner, externalId="taken")
    other = provision_customer(app_client, partner, externalId="free")

    created = app_client.post(
        CUSTOMERS, json=customer_body(partner, externalId="taken"), headers=partner.headers
    )
    updated = app_client.put(
        f"{CUSTOMERS}/{other['id']}",
        json={"packages": ["webex_calling", "webex_meetings"], "externalId": "taken"},
        headers=partner.headers,
    )

    for response in (created, updated):
        assert response.status_code == 409
        assert response.json()["message"] == "externalId: 'taken' is already used"
        assert response.json()["errors"][0]["description"] == response.json()["message"]


@pytest.mark.parametrize("error", [Conflict, Invalid])
def test_domain_errors_name_their_field_once(error: type[Conflict] | type[Invalid]) -> None:
    plain = error("now", "before the current sandbox time")
    named = error("now", "now: before the current sandbox time")

    assert plain.message == named.message == "now: before the current sandbox time"
    assert NotFound("customer", field_name="customerId").message == "customerId: customer not found"


# --- precheck info stays a list ------------------------------------------------------------------


def test_precheck_info_is_a_list_as_in_the_official_examples(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    minimal_customer = {"address": EXAMPLE_ADDRESS, "customerInfo": {"primaryEmail": "j@a.test"}}
    minimal_subscriber = {"customerId": customer["id"], "email": "alice.anderson@acme.test"}

    answers = [
        app_client.post(f"{path}/validate", json=body, headers=partner.headers)
        for path, body in ((CUSTOMERS, minimal_customer), (SUBSCRIBERS, minimal_subscriber))
    ]

    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert answer.json()["info"] == [
            {"infoCode": 100, "description": Codes.PRECHECK_OK.meaning}
        ]
