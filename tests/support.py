"""Request builders and small helpers for API tests."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Partner, drain

_n = itertools.count(1)

ADDRESS = {
    "addressLine1": "771 Alder Drive",
    "addressLine2": "Site 5",
    "city": "Milpitas",
    "stateOrProvince": "CA",
    "zipOrPostalCode": "95035",
    "country": "US",
}
CALLING = {
    "calling": {
        "location": {
            "name": "Head Office",
            "address": ADDRESS,
            "timezone": "America/Los_Angeles",
            "language": "en_us",
            "emergencyLocationIdentifier": "95547321",
        }
    },
    "meetings": {"timezone": "America/Los_Angeles"},
}


def customer_body(partner: Partner, **overrides: Any) -> dict[str, Any]:
    """A valid body for `POST /customers` (calling and meetings), with overrides."""
    n = next(_n)
    body: dict[str, Any] = {
        "provisioningId": partner.provisioning_id,
        "packages": ["webex_calling", "webex_meetings"],
        "externalId": f"ext-{n}",
        "address": dict(ADDRESS),
        "customerInfo": {"name": f"Pizza {n}", "primaryEmail": f"owner{n}@pizza.test"},
        "provisioningParameters": CALLING,
    }
    body.update(overrides)
    return body


def provision_customer(client: TestClient, partner: Partner, **overrides: Any) -> dict[str, Any]:
    """Provision a customer, run the jobs, and return it as `GET` shows it."""
    response = client.post(
        "/v1/wholesale/customers", json=customer_body(partner, **overrides), headers=partner.headers
    )
    assert response.status_code == 202, response.text
    drain(client)
    customer = client.get(response.json()["url"], headers=partner.headers)
    assert customer.status_code == 200, customer.text
    result: dict[str, Any] = customer.json()
    return result


def subscriber_body(customer_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid body for `POST /subscribers` (webex_calling with an extension), with overrides."""
    n = next(_n)
    body: dict[str, Any] = {
        "customerId": customer_id,
        "email": f"user{n}@pizza.test",
        "packages": ["webex_calling"],
        "provisioningParameters": {
            "firstName": "Ada",
            "lastName": f"Lovelace{n}",
            "extension": f"{1000 + n}",
        },
    }
    body.update(overrides)
    return body


def provision_subscriber(
    client: TestClient, partner: Partner, customer_id: str, **overrides: Any
) -> dict[str, Any]:
    """Provision a subscriber and return the response body."""
    response = client.post(
        "/v1/wholesale/subscribers",
        json=subscriber_body(customer_id, **overrides),
        headers=partner.headers,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def error_codes(response: Any) -> list[int]:
    """The `errorCode`s of an error response."""
    return [e["errorCode"] for e in response.json()["errors"]]
