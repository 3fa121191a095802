"""Floors of a location: listed, created, read, replaced and deleted through the reference's
paths, which carry no `orgId` (the location says whose it is), numbers unique per location."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from wxc_sdk.locations import Floor as WxcFloor

from tests.calling.reference import LOCATIONS as REFERENCE
from tests.calling.reference import check, response_schema
from tests.calling.test_locations_api import create
from tests.conftest import Partner
from tests.support import (
    error_codes,
    first_admin_headers,
    new_user_headers,
    provision_customer,
    provision_subscriber,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.errors import Codes
from tukku.identity.rules import Role

FLOORS = "/locations/{locationId}/floors"
FLOOR = "/locations/{locationId}/floors/{floorId}"


def floors_url(location_id: str) -> str:
    return f"/v1/locations/{location_id}/floors"


def _hq(client: TestClient, partner: Partner, org_id: str) -> dict[str, Any]:
    listed = client.get("/v1/locations", params={"orgId": org_id}, headers=partner.headers)
    found: dict[str, Any] = listed.json()["items"][0]
    return found


def test_floors_crud_as_the_reference_answers(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    hq = _hq(app_client, partner, customer["orgId"])
    url = floors_url(hq["id"])

    empty = app_client.get(url, headers=partner.headers)
    assert empty.status_code == 200
    assert empty.json() == {"items": []}
    made = app_client.post(
        url, json={"floorNumber": -1, "displayName": "The basement"}, headers=partner.headers
    )
    assert made.status_code == 201, made.text
    check(made.json(), response_schema(REFERENCE, FLOORS, "post", "201"))
    assert made.json()["locationId"] == hq["id"]
    second = app_client.post(url, json={"floorNumber": 3}, headers=partner.headers)
    assert second.status_code == 201
    assert "displayName" not in second.json()

    listed = app_client.get(url, headers=partner.headers)
    check(listed.json(), response_schema(REFERENCE, FLOORS, "get", "200"))
    assert [f["floorNumber"] for f in listed.json()["items"]] == [-1, 3]

    one = f"{url}/{made.json()['id']}"
    got = app_client.get(one, headers=partner.headers)
    check(got.json(), response_schema(REFERENCE, FLOOR, "get", "200"))
    assert got.json() == made.json()
    assert WxcFloor.model_validate(got.json()).floor_number == -1  # as wxc_sdk reads it

    replaced = app_client.put(one, json={"floorNumber": 1}, headers=partner.headers)
    assert replaced.status_code == 200, replaced.text
    check(replaced.json(), response_schema(REFERENCE, FLOOR, "put", "200"))
    assert replaced.json()["floorNumber"] == 1
    assert "displayName" not in replaced.json()  # omitted: no longer defined, as documented

    deleted = app_client.delete(one, headers=partner.headers)
    assert deleted.status_code == 204
    assert deleted.content == b""
    gone = app_client.get(one, headers=partner.headers)
    assert gone.status_code == 404
    assert error_codes(gone) == [Codes.FLOOR_NOT_FOUND.number]
    actions = [
        e["action"]
        for e in app_client.get(
            "/v1/partner/auditEvents", params={"max": "1000"}, headers=partner.headers
        ).json()["items"]
        if e["targetId"] == made.json()["id"]
    ]
    assert sorted(actions) == ["floor.create", "floor.delete", "floor.update"]


def test_floor_numbers_are_whole_and_unique_per_location(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    hq = _hq(app_client, partner, customer["orgId"])
    other = create(app_client, partner.headers, customer["orgId"]).json()
    url = floors_url(hq["id"])
    assert app_client.post(url, json={"floorNumber": 2}, headers=partner.headers).status_code == 201

    for body in ({}, {"floorNumber": 1.5}, {"floorNumber": "two"}, {"floorNumber": 5000}):
        bad = app_client.post(url, json=body, headers=partner.headers)
        assert bad.status_code == 400, body
        assert bad.json()["errors"][0]["description"].startswith("floorNumber")
    long_name = app_client.post(
        url, json={"floorNumber": 4, "displayName": "x" * 256}, headers=partner.headers
    )
    assert long_name.status_code == 400
    assert "displayName" in long_name.text

    taken = app_client.post(url, json={"floorNumber": 2}, headers=partner.headers)
    assert taken.status_code == 409
    assert error_codes(taken) == [Codes.FLOOR_NUMBER_TAKEN.number]
    elsewhere = app_client.post(
        floors_url(other["id"]), json={"floorNumber": 2}, headers=partner.headers
    )
    assert elsewhere.status_code == 201
    # a floor is found only under its own location
    wrong = app_client.get(
        f"{floors_url(hq['id'])}/{elsewhere.json()['id']}", headers=partner.headers
    )
    assert wrong.status_code == 404


def test_deleting_a_location_deletes_its_floors(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    branch = create(app_client, partner.headers, customer["orgId"]).json()
    url = floors_url(branch["id"])
    app_client.post(url, json={"floorNumber": 1}, headers=partner.headers)
    gone = app_client.delete(
        f"/v1/locations/{branch['id']}",
        params={"orgId": customer["orgId"]},
        headers=partner.headers,
    )
    assert gone.status_code == 204, gone.text
    assert app_client.get(url, headers=partner.headers).status_code == 404


def test_floors_of_another_tenant_are_not_found(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
) -> None:
    theirs = provision_customer(app_client, other_partner)
    their_hq = _hq(app_client, other_partner, theirs["orgId"])
    their_floor = app_client.post(
        floors_url(their_hq["id"]), json={"floorNumber": 1}, headers=other_partner.headers
    ).json()
    mine = provision_customer(app_client, partner)
    provision_subscriber(app_client, partner, mine["id"])
    admin = first_admin_headers(db, clock, mine["orgId"])
    one = f"{floors_url(their_hq['id'])}/{their_floor['id']}"

    for headers in (partner.headers, admin):
        assert app_client.get(floors_url(their_hq["id"]), headers=headers).status_code == 404
        assert app_client.get(one, headers=headers).status_code == 404
        assert (
            app_client.post(
                floors_url(their_hq["id"]), json={"floorNumber": 9}, headers=headers
            ).status_code
            == 404
        )
        assert app_client.put(one, json={"floorNumber": 9}, headers=headers).status_code == 404
        assert app_client.delete(one, headers=headers).status_code == 404
    assert app_client.get(one, headers=other_partner.headers).json()["floorNumber"] == 1

    reader = new_user_headers(db, clock, mine["orgId"], Role.CUSTOMER_READ_ONLY)
    my_hq = _hq(app_client, partner, mine["orgId"])
    assert app_client.get(floors_url(my_hq["id"]), headers=reader).status_code == 200
    refused = app_client.post(floors_url(my_hq["id"]), json={"floorNumber": 1}, headers=reader)
    assert refused.status_code == 403
