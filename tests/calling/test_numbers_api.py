"""`/v1/telephony/config/locations/{locationId}/numbers` and `/v1/telephony/config/numbers`:
partners add and remove a location's numbers, partners and customer administrators list them;
a number is unique on the platform; other tenants' locations and organizations are 404.

The list's items are read with the `wxc_sdk` client's own model of them (the numbers API is not
in the reference folder; `wxc_sdk.telephony.NumberListPhoneNumber` is the public client's)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from wxc_sdk.telephony import NumberListPhoneNumber

from tests.conftest import Partner
from tests.support import (
    error_codes,
    first_admin_headers,
    next_url,
    provision_customer,
    provision_subscriber,
    subscriber_body,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database

NUMBERS = "/v1/telephony/config/numbers"


def numbers_url(location_id: str) -> str:
    return f"/v1/telephony/config/locations/{location_id}/numbers"


def location_of(client: TestClient, partner: Partner, org_id: str) -> str:
    response = client.get("/v1/locations", params={"orgId": org_id}, headers=partner.headers)
    assert response.status_code == 200, response.text
    location_id: str = response.json()["items"][0]["id"]
    return location_id


def add(
    client: TestClient,
    partner: Partner,
    org_id: str,
    location_id: str,
    numbers: list[str],
    **more: Any,
) -> Any:
    return client.post(
        numbers_url(location_id),
        params={"orgId": org_id},
        json={"phoneNumbers": numbers, **more},
        headers=partner.headers,
    )


def listed(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = client.get(NUMBERS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["phoneNumbers"]
    for item in items:
        NumberListPhoneNumber.model_validate(item)  # the public client reads it
    return items


@pytest.fixture
def customer(app_client: TestClient, partner: Partner) -> dict[str, Any]:
    return provision_customer(app_client, partner)


def test_a_partner_adds_numbers_to_a_location_and_lists_them_unassigned(
    app_client: TestClient, partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    location = location_of(app_client, partner, org)

    added = add(app_client, partner, org, location, ["+1 408-555-0100", "+14085550101"])
    again = add(
        app_client,
        partner,
        org,
        location,
        ["+14085550101", "+18005550199"],
        numberType="TOLLFREE",
        state="INACTIVE",
    )

    assert added.status_code == 201, added.text
    assert again.status_code == 201, again.text  # a number the location has is left alone
    items = listed(app_client, partner.headers, orgId=org)
    assert [i["phoneNumber"] for i in items] == ["+14085550100", "+14085550101", "+18005550199"]
    first = items[0]
    assert first["state"] == "ACTIVE"
    assert first["location"]["id"] == location
    assert "owner" not in first
    assert first["tollFreeNumber"] is False
    assert items[2]["state"] == "INACTIVE"
    assert items[2]["tollFreeNumber"] is True
    assert listed(app_client, partner.headers, orgId=org, state="INACTIVE") == [items[2]]
    details = app_client.get(
        NUMBERS, params={"orgId": org, "details": "true"}, headers=partner.headers
    )
    assert details.json()["count"]["unAssigned"] == 3


def test_a_subscribers_number_shows_the_subscriber_as_owner(
    app_client: TestClient, partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    subscriber = provision_subscriber(
        app_client,
        partner,
        customer["id"],
        provisioningParameters={
            "firstName": "Ada",
            "lastName": "Lovelace",
            "extension": "2001",
            "primaryPhoneNumber": "+14085550177",
        },
    )
    location = location_of(app_client, partner, org)
    add(app_client, partner, org, location, ["+14085550100"])

    people = listed(app_client, partner.headers, orgId=org, ownerType="PEOPLE")
    free = listed(app_client, partner.headers, orgId=org, available="true")
    by_name = listed(app_client, partner.headers, orgId=org, ownerName="lovelace")

    assert [p["phoneNumber"] for p in people] == ["+14085550177"]
    owner = people[0]["owner"]
    assert owner["type"] == "PEOPLE"
    assert owner["id"] == subscriber["personId"]
    assert (owner["firstName"], owner["lastName"], people[0]["extension"]) == (
        "Ada",
        "Lovelace",
        "2001",
    )
    assert [p["phoneNumber"] for p in free] == ["+14085550100"]
    assert by_name == people
    assert listed(app_client, partner.headers, orgId=org, extension="2001") == people


def _second_location(client: TestClient, partner: Partner, org_id: str) -> str:
    body = {
        "name": "Branch",
        "timeZone": "America/Los_Angeles",
        "preferredLanguage": "en_us",
        "announcementLanguage": "en_us",
        "address": {
            "address1": "1 Main St",
            "city": "San Jose",
            "state": "CA",
            "postalCode": "95113",
            "country": "US",
        },
    }
    created = client.post(
        "/v1/locations", params={"orgId": org_id}, json=body, headers=partner.headers
    )
    assert created.status_code == 201, created.text
    location_id: str = created.json()["id"]
    return location_id


def _subscriber_with(customer_id: str, number: str, location_id: str | None = None) -> Any:
    params: dict[str, Any] = {
        "firstName": "Grace",
        "lastName": "Hopper",
        "primaryPhoneNumber": number,
    }
    if location_id is not None:
        params["locationId"] = location_id
    return {"provisioningParameters": params}


def test_a_subscriber_takes_a_number_its_location_has_unassigned_and_gives_it_back(
    app_client: TestClient, partner: Partner, other_partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    hq = location_of(app_client, partner, org)
    branch = _second_location(app_client, partner, org)
    assert add(app_client, partner, org, hq, ["+14085550150"]).status_code == 201
    assert add(app_client, partner, org, branch, ["+14085550151"]).status_code == 201
    post = "/v1/wholesale/subscribers"

    elsewhere = app_client.post(
        post,
        json=subscriber_body(customer["id"], **_subscriber_with(customer["id"], "+14085550151")),
        headers=partner.headers,
    )
    theirs = provision_customer(app_client, other_partner)
    foreign = app_client.post(
        post,
        json=subscriber_body(theirs["id"], **_subscriber_with(theirs["id"], "+14085550150")),
        headers=other_partner.headers,
    )
    subscriber = provision_subscriber(
        app_client, partner, customer["id"], **_subscriber_with(customer["id"], "+14085550150", hq)
    )

    assert elsewhere.status_code == 409, elsewhere.text
    assert error_codes(elsewhere) == [8026]
    assert "provisioningParameters.primaryPhoneNumber" in elsewhere.text
    assert foreign.status_code == 409, foreign.text
    assert error_codes(foreign) == [5006]
    owned = listed(app_client, partner.headers, orgId=org, phoneNumber="+14085550150")
    assert [(n["location"]["id"], n["owner"]["id"]) for n in owned] == [
        (hq, subscriber["personId"])
    ]

    removed = app_client.delete(f"{post}/{subscriber['id']}", headers=partner.headers)
    assert removed.status_code == 204, removed.text
    back = listed(app_client, partner.headers, orgId=org, phoneNumber="+14085550150")
    assert [(n["location"]["id"], n.get("owner")) for n in back] == [(hq, None)]


def test_invalid_requests_name_the_field(
    app_client: TestClient, partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    location = location_of(app_client, partner, org)

    bad = add(app_client, partner, org, location, ["+14085550100", "555-0100"])
    empty = add(app_client, partner, org, location, [])
    mobile = add(app_client, partner, org, location, ["+14085550100"], numberType="MOBILE")
    bad_filter = app_client.get(
        NUMBERS, params={"orgId": org, "ownerType": "HUNT"}, headers=partner.headers
    )

    assert bad.status_code == 400
    assert error_codes(bad) == [5010]
    assert "phoneNumbers[1]" in bad.text
    assert empty.status_code == 400
    assert "phoneNumbers" in empty.text
    assert mobile.status_code == 400
    assert error_codes(mobile) == [8025]
    assert bad_filter.status_code == 400
    assert "ownerType" in bad_filter.text
    assert listed(app_client, partner.headers, orgId=org) == []  # nothing half-written


def test_a_number_is_unique_on_the_platform_and_the_conflict_names_it(
    app_client: TestClient, partner: Partner, other_partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    location = location_of(app_client, partner, org)
    theirs = provision_customer(app_client, other_partner)
    their_location = location_of(app_client, other_partner, theirs["orgId"])
    assert (
        add(
            app_client, other_partner, theirs["orgId"], their_location, ["+14085550100"]
        ).status_code
        == 201
    )

    taken = add(app_client, partner, org, location, ["+14085550109", "+14085550100"])

    assert taken.status_code == 409
    assert error_codes(taken) == [5006]
    assert "+14085550100" in taken.text
    assert "phoneNumbers[1]" in taken.text
    assert listed(app_client, partner.headers, orgId=org) == []  # all or none


def test_removing_numbers_takes_unassigned_ones_only(
    app_client: TestClient, partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    location = location_of(app_client, partner, org)
    provision_subscriber(
        app_client,
        partner,
        customer["id"],
        provisioningParameters={
            "firstName": "A",
            "lastName": "B",
            "primaryPhoneNumber": "+14085550177",
        },
    )
    add(app_client, partner, org, location, ["+14085550100", "+14085550101"])

    def remove(numbers: list[str]) -> Any:
        return app_client.request(
            "DELETE",
            numbers_url(location),
            params={"orgId": org},
            json={"phoneNumbers": numbers},
            headers=partner.headers,
        )

    held = remove(["+14085550100", "+14085550177"])
    unknown = remove(["+14085550100", "+14085550999"])
    done = remove(["+14085550100"])

    assert held.status_code == 409
    assert error_codes(held) == [8022]
    assert unknown.status_code == 404
    assert error_codes(unknown) == [8021]
    assert "+14085550999" in unknown.text
    assert done.status_code == 204, done.text
    assert [i["phoneNumber"] for i in listed(app_client, partner.headers, orgId=org)] == [
        "+14085550101",
        "+14085550177",
    ]


def test_the_list_pages_with_start_and_max_and_a_link_carrying_the_filters(
    app_client: TestClient, partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    location = location_of(app_client, partner, org)
    numbers = [f"+1408555{n:04d}" for n in range(5)]
    add(app_client, partner, org, location, numbers)

    seen: list[str] = []
    url: str | None = f"{NUMBERS}?orgId={org}&max=2&locationId={location}"
    pages = 0
    while url:
        response = app_client.get(url, headers=partner.headers)
        assert response.status_code == 200, response.text
        seen += [i["phoneNumber"] for i in response.json()["phoneNumbers"]]
        url = next_url(response)
        if url:
            assert "start=" in url
            assert f"locationId={location}" in url
            assert "orgId=" in url
        pages += 1

    assert seen == numbers
    assert pages == 3
    bad = app_client.get(NUMBERS, params={"orgId": org, "start": "x"}, headers=partner.headers)
    assert bad.status_code == 400
    assert "start" in bad.text


def test_tenancy_and_roles(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
    customer: dict[str, Any],
) -> None:
    org = customer["orgId"]
    location = location_of(app_client, partner, org)
    theirs = provision_customer(app_client, other_partner)
    provision_subscriber(app_client, partner, customer["id"])  # gives the customer an administrator
    admin = first_admin_headers(db, clock, org)

    # another partner's organization, and another partner's location under my organization
    assert add(app_client, partner, theirs["orgId"], location, ["+14085550100"]).status_code == 404
    their_location = location_of(app_client, other_partner, theirs["orgId"])
    wrong_location = add(app_client, partner, org, their_location, ["+14085550100"])
    assert wrong_location.status_code == 404
    assert "locationId" in wrong_location.text
    other_list = app_client.get(NUMBERS, params={"orgId": theirs["orgId"]}, headers=partner.headers)
    assert other_list.status_code == 404
    # a customer administrator lists its own numbers but never manages them
    assert app_client.get(NUMBERS, headers=admin).status_code == 200
    refused = app_client.post(
        numbers_url(location), json={"phoneNumbers": ["+14085550100"]}, headers=admin
    )
    assert refused.status_code == 403, refused.text
    removal = app_client.request(
        "DELETE", numbers_url(location), json={"phoneNumbers": ["+14085550100"]}, headers=admin
    )
    assert removal.status_code == 403
    naming_other = app_client.get(NUMBERS, params={"orgId": theirs["orgId"]}, headers=admin)
    assert naming_other.status_code == 404


def test_a_call_queue_holds_its_numbers_like_anyone_else(
    app_client: TestClient, partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    hq = location_of(app_client, partner, org)
    queues = f"/v1/telephony/config/locations/{hq}/queues"
    body = {
        "name": "Help desk",
        "extension": "7100",
        "phoneNumber": "+14085550160",  # not added to the location first
        "callPolicies": {"policy": "CIRCULAR"},
        "queueSettings": {"queueSize": 10},
        "agents": [],
    }
    queue = app_client.post(queues, params={"orgId": org}, json=body, headers=partner.headers)
    assert queue.status_code == 201, queue.text

    listed_number = listed(app_client, partner.headers, orgId=org, phoneNumber="+14085550160")
    same_extension = app_client.post(
        "/v1/wholesale/subscribers",
        json=subscriber_body(
            customer["id"],
            provisioningParameters={"firstName": "A", "lastName": "B", "extension": "7100"},
        ),
        headers=partner.headers,
    )
    same_number = app_client.post(
        "/v1/wholesale/subscribers",
        json=subscriber_body(customer["id"], **_subscriber_with(customer["id"], "+14085550160")),
        headers=partner.headers,
    )
    removing = app_client.request(
        "DELETE",
        numbers_url(hq),
        params={"orgId": org},
        json={"phoneNumbers": ["+14085550160"]},
        headers=partner.headers,
    )

    assert [(n["owner"]["type"], n["owner"]["id"], n["extension"]) for n in listed_number] == [
        ("CALL_QUEUE", queue.json()["id"], "7100")
    ]
    for filters in (
        {"ownerType": "CALL_QUEUE"},
        {"ownerId": queue.json()["id"]},
        {"ownerName": "help"},
    ):
        assert listed(app_client, partner.headers, orgId=org, **filters) == listed_number
    assert (same_extension.status_code, error_codes(same_extension)) == (409, [5005])
    assert (same_number.status_code, error_codes(same_number)) == (409, [5006])
    assert (removing.status_code, error_codes(removing)) == (409, [8022])

    deleted = app_client.delete(
        f"{queues}/{queue.json()['id']}", params={"orgId": org}, headers=partner.headers
    )
    assert deleted.status_code == 204, deleted.text
    back = listed(app_client, partner.headers, orgId=org, phoneNumber="+14085550160")
    assert [(n["location"]["id"], n.get("owner"), n.get("extension")) for n in back] == [
        (hq, None, None)
    ]
    reuse = provision_subscriber(
        app_client,
        partner,
        customer["id"],
        provisioningParameters={"firstName": "C", "lastName": "D", "extension": "7100"},
    )
    assert reuse["personId"]
