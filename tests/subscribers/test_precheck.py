"""`POST /v1/wholesale/subscribers/validate`: what provisioning would meet; changes nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.support import (
    CALLING,
    customer_body,
    error_codes,
    operator_headers,
    outbox,
    provision_customer,
    provision_subscriber,
    subscriber_body,
    user_outside_wholesale,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity
from tukku.identity.rules import WHOLESALE_SCOPES, Role

URL = "/v1/wholesale/subscribers"
VALIDATE = f"{URL}/validate"
# Both spellings appear in the published API description.
SUCCESS = "provisioning precheck validation successful."


def validate(client: TestClient, partner: Partner, body: dict[str, Any]) -> Any:
    return client.post(VALIDATE, json=body, headers=partner.headers)


def info_codes(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [i["infoCode"] for i in response.json()["info"]]


def test_clean_precheck_answers_success_with_info_100(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)

    response = validate(app_client, partner, subscriber_body(customer["id"]))

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"message", "info"}
    assert body["message"] == "success"
    (info,) = body["info"]
    assert set(info) == {"infoCode", "description"}
    assert info["infoCode"] == 100
    assert info["description"].lower() == SUCCESS


def test_email_only_and_customer_and_email_variants(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)

    email_only = validate(app_client, partner, {"email": "new@pizza.test"})
    with_customer = validate(
        app_client, partner, {"email": "new@pizza.test", "customerId": customer["id"]}
    )
    customer_to_be = validate(
        app_client,
        partner,
        {
            "email": "new@pizza.test",
            "provisioningId": partner.provisioning_id,
            "customerInfo": {"primaryEmail": "boss@pizza.test"},
        },
    )

    assert info_codes(email_only) == [100]
    assert info_codes(with_customer) == [100]
    assert info_codes(customer_to_be) == [100]


def test_user_outside_wholesale_is_reported_as_info_101(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    user_outside_wholesale(app_client, operator_headers(db, clock), "free@mail.test")
    customer = provision_customer(app_client, partner)

    response = validate(
        app_client, partner, subscriber_body(customer["id"], email="free@mail.test")
    )

    assert info_codes(response) == [100, 101]


def test_member_of_the_customer_is_reported_as_info_102(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    former = provision_subscriber(app_client, partner, customer["id"])
    app_client.delete(f"{URL}/{former['id']}", headers=partner.headers)
    other = provision_customer(app_client, partner)

    member = validate(app_client, partner, subscriber_body(customer["id"], email=former["email"]))
    elsewhere = validate(app_client, partner, subscriber_body(other["id"], email=former["email"]))

    assert info_codes(member) == [100, 102]
    assert elsewhere.status_code == 400
    assert error_codes(elsewhere) == [10022]


def test_every_problem_is_reported_with_its_own_code_in_one_400(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    provision_subscriber(
        app_client,
        partner,
        customer["id"],
        provisioningParameters={
            "firstName": "Ada",
            "lastName": "Lovelace",
            "extension": "93131",
            "primaryPhoneNumber": "+14085550131",
        },
    )
    body = subscriber_body(
        customer["id"],
        email="not an address",
        packages=["webex_suite"],
        provisioningParameters={
            "firstName": "Bob",
            "lastName": "Builder",
            "extension": "93131",
            "primaryPhoneNumber": "+14085550131",
            "locationId": "bm8tc3VjaC1sb2NhdGlvbg",
        },
    )

    response = validate(app_client, partner, body)

    assert response.status_code == 400
    assert sorted(error_codes(response)) == [5003, 5005, 5006, 5007, 5015]
    assert response.json()["trackingId"]


def test_malformed_numbers_and_missing_numbers_are_reported(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    names = {"firstName": "Ada", "lastName": "Lovelace"}
    malformed = subscriber_body(
        customer["id"],
        provisioningParameters={**names, "extension": "1", "primaryPhoneNumber": "555-0100"},
    )
    missing = subscriber_body(customer["id"], provisioningParameters=names)

    bad = validate(app_client, partner, malformed)
    none = validate(app_client, partner, missing)

    assert bad.status_code == 400
    assert sorted(error_codes(bad)) == [5010, 5011]
    assert none.status_code == 400
    assert error_codes(none) == [5004]


def test_precheck_creates_nothing(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    body = subscriber_body(customer["id"])

    ok = validate(app_client, partner, body)
    failing = validate(app_client, partner, {**body, "packages": ["webex_suite"]})

    assert ok.status_code == 200
    assert failing.status_code == 400
    assert app_client.get(URL, headers=partner.headers).json()["items"] == []
    assert outbox(app_client, body["email"]) == []
    # Nothing was reserved: the same request provisions, and a second precheck now objects.
    assert app_client.post(URL, json=body, headers=partner.headers).status_code == 200
    after = validate(app_client, partner, body)
    assert after.status_code == 400
    assert sorted(error_codes(after)) == [5005, 10022]


def test_package_limit_and_customer_state_are_checked(
    app_client: TestClient, partner: Partner
) -> None:
    limited = provision_customer(
        app_client,
        partner,
        provisioningParameters={
            **CALLING,
            "packages": {"limits": {"webex_calling": 1}},
        },
    )
    provision_subscriber(app_client, partner, limited["id"])
    busy = app_client.post(
        "/v1/wholesale/customers", json=customer_body(partner), headers=partner.headers
    )
    busy_id = busy.json()["url"].rsplit("/", 1)[1]

    at_limit = validate(app_client, partner, subscriber_body(limited["id"]))
    provisioning = validate(app_client, partner, subscriber_body(busy_id))

    assert at_limit.status_code == 400
    assert error_codes(at_limit) == [5008]
    assert provisioning.status_code == 400
    assert error_codes(provisioning) == [5009]


def test_email_of_another_partners_subscriber_is_in_use_and_nothing_more(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    info = {"name": "Hidden Osteria", "primaryEmail": "owner@hidden.test"}
    theirs = provision_customer(app_client, other_partner, customerInfo=info)
    sub = provision_subscriber(app_client, other_partner, theirs["id"], email="taken@pizza.test")
    mine = provision_customer(app_client, partner)

    with_customer = validate(
        app_client, partner, subscriber_body(mine["id"], email="taken@pizza.test")
    )
    email_only = validate(app_client, partner, {"email": "TAKEN@pizza.test"})

    for response in (with_customer, email_only):
        assert response.status_code == 400
        assert error_codes(response) == [10022]
        assert "already in use" in response.json()["errors"][0]["description"]
        for secret in (
            theirs["id"],
            theirs["orgId"],
            theirs["externalId"],
            "Hidden Osteria",
            sub["id"],
            sub["personId"],
            other_partner.org_id,
        ):
            assert secret not in response.text


def test_only_partner_full_administrators_may_precheck(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    with db.unit_of_work() as session:
        user = identity.create_user(
            session,
            org_id=partner.org_id,
            email="wsadmin@acme.test",
            now=clock.now(),
            roles=[Role.WHOLESALE_ADMIN],
        )
        _, token = identity.issue_token(
            session, user=user, scopes=WHOLESALE_SCOPES, name="ws", now=clock.now(), expires_at=None
        )
    headers = {"Authorization": f"Bearer {token}"}
    customer = provision_customer(app_client, partner)
    body = subscriber_body(customer["id"])

    refused = app_client.post(VALIDATE, json=body, headers=headers)

    assert refused.status_code == 403
    assert error_codes(refused) == [1012]
    # The same user may provision: the refusal is about the precheck, not the token.
    assert app_client.post(URL, json=body, headers=headers).status_code == 200
