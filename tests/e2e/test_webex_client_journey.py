"""The journey of PRODUCT's "done when": an unmodified Webex client, only its base URL changed.

The client is `wxc_sdk`'s REST session, a widely used Webex API client: it sends `TrackingID`,
parses Webex error bodies, and follows `Link: rel="next"` without re-sending its query.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from wxc_sdk.rest import RestError, RestSession
from wxc_sdk.tokens import Tokens

from tests.e2e.conftest import Server

ADDRESS = {"addressLine1": "10 Downing Street", "city": "London", "country": "GB"}


def client_for(server: Server) -> RestSession:
    """A stock Webex REST session pointed at tukku instead of webexapis.com."""
    session = RestSession(tokens=Tokens(access_token=server.token), concurrent_requests=4)
    session.BASE = f"{server.base_url}/v1"  # type: ignore[misc]
    return session


def wait_for(session: RestSession, url: str, status: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        customer: dict[str, Any] = session.rest_get(url)  # type: ignore[assignment]
        if customer["status"] == status:
            return customer
        assert time.monotonic() < deadline, f"still {customer['status']}"
        time.sleep(0.1)


def test_the_full_provisioning_cycle(server: Server) -> None:
    api = client_for(server)
    customer_request = {
        "provisioningId": server.provisioning_id,
        "packages": ["webex_calling", "webex_suite", "webex_meetings"],
        "externalId": "journey-1",
        "address": ADDRESS,
        "customerInfo": {
            "name": "Tea & Biscuits Ltd",
            "primaryEmail": "boss@tea.test",
            "language": "en",
        },
        "provisioningParameters": {
            "calling": {
                "location": {
                    "name": "HQ",
                    "address": ADDRESS,
                    "timezone": "Europe/London",
                    "language": "en_GB",
                }
            }
        },
    }

    precheck = api.rest_post(api.ep("wholesale/customers/validate"), json=customer_request)
    assert precheck == {
        "message": "success",
        "info": [{"infoCode": 100, "description": "Provisioning precheck validation successful."}],
    }
    accepted: dict[str, Any] = api.rest_post(api.ep("wholesale/customers"), json=customer_request)  # type: ignore[assignment]
    customer = wait_for(api, accepted["url"], "provisioned")
    assert customer["orgId"]

    emails = [f"staff{i}@tea.test" for i in range(7)]
    subscribers = []
    for i, email in enumerate(emails):
        body = {
            "customerId": customer["id"],
            "email": email,
            "packages": ["webex_suite" if i % 2 else "webex_calling"],
            "provisioningParameters": {
                "firstName": "Staff",
                "lastName": str(i),
                "extension": f"20{i}",
            },
        }
        check = api.rest_post(api.ep("wholesale/subscribers/validate"), json=body)
        assert check["info"][0]["infoCode"] == 100  # type: ignore[index]
        created: dict[str, Any] = api.rest_post(api.ep("wholesale/subscribers"), json=body)  # type: ignore[assignment]
        assert created["status"] == "provisioned"
        subscribers.append(created)

    duplicate = {
        **body,
        "provisioningParameters": {**body["provisioningParameters"], "extension": "299"},
    }  # type: ignore[dict-item]
    with pytest.raises(RestError) as conflict:
        api.rest_post(api.ep("wholesale/subscribers"), json=duplicate)
    assert conflict.value.response.status_code == 409
    assert conflict.value.code == 10022

    pages = []
    listed = list(
        api.follow_pagination(
            url=api.ep("wholesale/subscribers"),
            params={"customerId": customer["id"], "max": 3},
            item_key="items",
            hooks={"response": lambda r, *a, **k: pages.append(r.url)},
        )
    )
    assert [s["email"] for s in listed] == emails
    assert len(pages) == 3
    assert all(f"customerId={customer['id']}" in url for url in pages)

    changed: dict[str, Any] = api.rest_put(
        api.ep(f"wholesale/subscribers/{subscribers[0]['id']}"), json={"packages": ["webex_suite"]}
    )  # type: ignore[assignment]
    assert changed["packages"] == ["webex_suite"]

    api.rest_delete(api.ep(f"wholesale/subscribers/{subscribers[1]['id']}"))
    with pytest.raises(RestError) as gone:
        api.rest_get(api.ep(f"wholesale/subscribers/{subscribers[1]['id']}"))
    assert gone.value.response.status_code == 404

    api.rest_put(
        api.ep(f"wholesale/customers/{customer['id']}"),
        json={"packages": ["webex_calling", "webex_suite", "webex_voice"]},
    )
    updated = wait_for(api, accepted["url"], "provisioned")
    assert updated["packages"] == ["webex_calling", "webex_suite", "webex_voice"]

    api.rest_delete(api.ep(f"wholesale/customers/{customer['id']}"))
    gone_customer = wait_until_gone(api, accepted["url"])
    assert gone_customer.response.status_code == 404
    assert gone_customer.code == 4001
    assert gone_customer.response.headers["trackingid"].startswith("SIMPLE_")


def wait_until_gone(api: RestSession, url: str, timeout: float = 30) -> RestError:
    """Poll until GET answers an error (the customer is gone); return that error."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            api.rest_get(url)
        except RestError as error:
            return error
        time.sleep(0.1)
    raise AssertionError("the customer never disappeared")
