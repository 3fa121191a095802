"""`/v1/workspaces[/{workspaceId}]` and `/capabilities`: a partner (naming its customer's
organization) or a customer administrator manages workspaces; Webex Calling on one takes the
customer's `common_area_calling` package, a location, an extension and/or a phone number; bodies
match the reference's schemas; other tenants' workspaces are 404."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.calling.reference import operation, validate
from tests.calling.test_numbers_api import NUMBERS, add, listed, location_of
from tests.conftest import Partner
from tests.support import (
    error_codes,
    first_admin_headers,
    next_url,
    provision_customer,
    provision_subscriber,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database

WORKSPACES = "/v1/workspaces"
PACKAGES = ["webex_calling", "webex_meetings", "common_area_calling"]


def create(client: TestClient, partner: Partner, org_id: str, body: dict[str, Any]) -> Any:
    return client.post(WORKSPACES, params={"orgId": org_id}, json=body, headers=partner.headers)


def calling(location_id: str, **numbers: str) -> dict[str, Any]:
    return {"type": "webexCalling", "webexCalling": {"locationId": location_id, **numbers}}


@pytest.fixture
def customer(app_client: TestClient, partner: Partner) -> dict[str, Any]:
    return provision_customer(app_client, partner, packages=PACKAGES)


def test_status_codes_are_the_references() -> None:
    assert "201" in operation("/workspaces", "post")["responses"]
    assert "204" in operation("/workspaces/{workspaceId}", "delete")["responses"]


def test_create_get_list_update_and_delete_a_workspace(
    app_client: TestClient, partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    location = location_of(app_client, partner, org)
    body = {
        "displayName": "Lobby",
        "locationId": location,
        "floorId": "floor-2",
        "capacity": 6,
        "type": "meetingRoom",
        "notes": "by the door",
    }

    created = create(app_client, partner, org, body)

    assert created.status_code == 201, created.text
    workspace = created.json()
    validate(workspace, "Workspace")
    assert workspace["orgId"] == org
    assert workspace["locationId"] == location
    assert workspace["calling"] == {"type": "freeCalling"}
    assert (workspace["floorId"], workspace["capacity"], workspace["type"]) == (
        "floor-2",
        6,
        "meetingRoom",
    )
    url = f"{WORKSPACES}/{workspace['id']}"
    got = app_client.get(url, params={"orgId": org}, headers=partner.headers)
    assert got.status_code == 200
    assert got.json() == workspace
    page = app_client.get(WORKSPACES, params={"orgId": org}, headers=partner.headers)
    validate(page.json(), "WorkspaceCollectionResponse")
    assert [w["id"] for w in page.json()["items"]] == [workspace["id"]]
    capabilities = app_client.get(
        f"{url}/capabilities", params={"orgId": org}, headers=partner.headers
    )
    assert capabilities.status_code == 200
    validate(capabilities.json(), "CapabilityResponse")
    assert capabilities.json()["capabilities"]["occupancyDetection"] == {
        "supported": False,
        "configured": False,
    }

    updated = app_client.put(
        url, params={"orgId": org}, json={"displayName": "Main lobby"}, headers=partner.headers
    )

    assert updated.status_code == 200, updated.text
    validate(updated.json(), "Workspace")
    after = updated.json()
    assert after["displayName"] == "Main lobby"
    assert "capacity" not in after
    assert after["type"] == "notSet"
    assert after["locationId"] == location
    assert after["floorId"] == "floor-2"
    moved = app_client.put(
        url,
        params={"orgId": org},
        json={"displayName": "X", "locationId": "elsewhere"},
        headers=partner.headers,
    )
    assert moved.status_code == 409
    assert error_codes(moved) == [8024]

    deleted = app_client.delete(url, params={"orgId": org}, headers=partner.headers)

    assert deleted.status_code == 204
    gone = app_client.get(url, params={"orgId": org}, headers=partner.headers)
    assert gone.status_code == 404
    assert error_codes(gone) == [8020]
    events = app_client.get("/v1/partner/auditEvents", headers=partner.headers).json()["items"]
    actions = [e["action"] for e in events if e.get("targetId") == workspace["id"]]
    assert sorted(actions) == ["workspace.create", "workspace.delete", "workspace.update"]


def test_webex_calling_takes_the_package_a_location_and_numbers(
    app_client: TestClient, partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    location = location_of(app_client, partner, org)
    add(app_client, partner, org, location, ["+14085550100"])
    license_id = next(
        p["licenseIds"][0]
        for p in customer_packages(app_client, partner, customer)
        if p["name"] == "common_area_calling"
    )

    created = create(
        app_client,
        partner,
        org,
        {
            "displayName": "Door phone",
            "calling": calling(location, phoneNumber="+14085550100", extension="3001"),
        },
    )
    new_number = create(
        app_client,
        partner,
        org,
        {
            "displayName": "Kiosk",
            "locationId": location,
            "calling": calling(location, phoneNumber="+14085550111"),
        },
    )

    assert created.status_code == 201, created.text
    workspace = created.json()
    validate(workspace, "Workspace")
    assert workspace["calling"] == {
        "type": "webexCalling",
        "webexCalling": {"licenses": [license_id]},
    }
    assert workspace["locationId"] == location
    assert new_number.status_code == 201, new_number.text
    places = listed(app_client, partner.headers, orgId=org, ownerType="PLACE")
    assert [(p["phoneNumber"], p.get("extension"), p["owner"]["id"]) for p in places] == [
        ("+14085550100", "3001", workspace["id"]),
        ("+14085550111", None, new_number.json()["id"]),
    ]
    assert places[0]["owner"] == {
        "id": workspace["id"],
        "type": "PLACE",
        "displayName": "Door phone",
    }
    webex = app_client.get(
        WORKSPACES, params={"orgId": org, "calling": "webexCalling"}, headers=partner.headers
    )
    assert len(webex.json()["items"]) == 2

    # leaving Webex Calling gives the number back to the location
    url = f"{WORKSPACES}/{workspace['id']}"
    freed = app_client.put(
        url,
        params={"orgId": org},
        json={"displayName": "Door phone", "calling": {"type": "none"}},
        headers=partner.headers,
    )
    assert freed.status_code == 200, freed.text
    assert freed.json()["calling"] == {"type": "none"}
    unassigned = listed(app_client, partner.headers, orgId=org, assigned="false")
    assert [(n["phoneNumber"], n.get("extension")) for n in unassigned] == [("+14085550100", None)]
    # deleting a calling workspace does the same
    assert (
        app_client.delete(
            f"{WORKSPACES}/{new_number.json()['id']}",
            params={"orgId": org},
            headers=partner.headers,
        ).status_code
        == 204
    )
    assert len(listed(app_client, partner.headers, orgId=org, assigned="false")) == 2


def customer_packages(
    client: TestClient, partner: Partner, customer: dict[str, Any]
) -> list[dict[str, Any]]:
    response = client.get(
        f"/v1/wholesale/customers/{customer['id']}",
        params={"includePackageLicenseInfo": "true"},
        headers=partner.headers,
    )
    assert response.status_code == 200, response.text
    packages: list[dict[str, Any]] = response.json()["resourceDetails"]["packages"]
    return packages


def test_webex_calling_refusals_name_the_field(
    app_client: TestClient, partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    location = location_of(app_client, partner, org)
    plain = provision_customer(app_client, partner)  # without common_area_calling
    provision_subscriber(
        app_client,
        partner,
        customer["id"],
        provisioningParameters={
            "firstName": "A",
            "lastName": "B",
            "extension": "3002",
            "primaryPhoneNumber": "+14085550177",
        },
    )

    no_package = create(
        app_client,
        partner,
        plain["orgId"],
        {
            "displayName": "X",
            "calling": calling(location_of(app_client, partner, plain["orgId"]), extension="10"),
        },
    )
    no_numbers = create(
        app_client, partner, org, {"displayName": "X", "calling": {"type": "webexCalling"}}
    )
    unknown_location = create(
        app_client,
        partner,
        org,
        {"displayName": "X", "calling": calling("nowhere", extension="10")},
    )
    taken_number = create(
        app_client,
        partner,
        org,
        {"displayName": "X", "calling": calling(location, phoneNumber="+14085550177")},
    )
    taken_extension = create(
        app_client,
        partner,
        org,
        {"displayName": "X", "calling": calling(location, extension="3002")},
    )
    wrong_license = create(
        app_client,
        partner,
        org,
        {
            "displayName": "X",
            "calling": {
                **calling(location, extension="10"),
                "webexCalling": {"locationId": location, "extension": "10", "licenses": ["nope"]},
            },
        },
    )
    unsupported = create(
        app_client, partner, org, {"displayName": "X", "calling": {"type": "hybridCalling"}}
    )
    no_name = create(app_client, partner, org, {"capacity": -2})

    assert no_package.status_code == 400
    assert error_codes(no_package) == [5003]
    assert "calling.type" in no_package.text
    assert no_numbers.status_code == 400
    assert set(error_codes(no_numbers)) == {5007, 5004}
    assert unknown_location.status_code == 400
    assert error_codes(unknown_location) == [5007]
    assert "calling.webexCalling.locationId" in unknown_location.text
    assert taken_number.status_code == 409
    assert error_codes(taken_number) == [5006]
    assert "+14085550177" in taken_number.text
    assert taken_extension.status_code == 409
    assert error_codes(taken_extension) == [5005]
    assert wrong_license.status_code == 400
    assert error_codes(wrong_license) == [8027]
    assert unsupported.status_code == 400
    assert error_codes(unsupported) == [8023]
    assert no_name.status_code == 400
    assert "displayName" in no_name.text
    assert "capacity" in no_name.text
    # nothing half-written
    assert (
        app_client.get(WORKSPACES, params={"orgId": org}, headers=partner.headers).json()["items"]
        == []
    )
    assert listed(app_client, partner.headers, orgId=org, ownerType="PLACE") == []


def test_a_package_a_workspace_holds_cannot_be_removed_from_the_customer(
    app_client: TestClient, partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    location = location_of(app_client, partner, org)
    workspace = create(
        app_client,
        partner,
        org,
        {"displayName": "Lobby", "calling": calling(location, extension="3001")},
    ).json()
    url = f"/v1/wholesale/customers/{customer['id']}"

    refused = app_client.put(
        url, json={"packages": ["webex_calling", "webex_meetings"]}, headers=partner.headers
    )

    assert refused.status_code == 409
    assert error_codes(refused) == [4016]
    assert "1 workspaces" in refused.text
    app_client.put(
        f"{WORKSPACES}/{workspace['id']}",
        params={"orgId": org},
        json={"displayName": "Lobby", "calling": {"type": "freeCalling"}},
        headers=partner.headers,
    )
    allowed = app_client.put(
        url, json={"packages": ["webex_calling", "webex_meetings"]}, headers=partner.headers
    )
    assert allowed.status_code == 202, allowed.text


def test_the_list_filters_and_pages_with_start_and_max(
    app_client: TestClient, partner: Partner, customer: dict[str, Any]
) -> None:
    org = customer["orgId"]
    ids = [
        create(
            app_client,
            partner,
            org,
            {"displayName": f"Room {n}", "capacity": n, "type": "focus" if n % 2 else "huddle"},
        ).json()["id"]
        for n in range(5)
    ]
    create(app_client, partner, org, {"displayName": "Open space"})

    seen: list[str] = []
    url: str | None = f"{WORKSPACES}?orgId={org}&displayName=room&max=2"
    while url:
        response = app_client.get(url, headers=partner.headers)
        assert response.status_code == 200, response.text
        seen += [w["id"] for w in response.json()["items"]]
        url = next_url(response)
        assert url is None or ("start=" in url and "displayName=room" in url)

    assert seen == ids

    def names(**params: Any) -> list[str]:
        response = app_client.get(
            WORKSPACES, params={"orgId": org, **params}, headers=partner.headers
        )
        assert response.status_code == 200, response.text
        return [w["displayName"] for w in response.json()["items"]]

    assert names(type="focus") == ["Room 1", "Room 3"]
    assert names(capacity=3) == ["Room 3"]
    assert names(capacity=-1) == ["Open space"]
    assert names(type="notSet") == ["Open space"]
    assert names(calendar="google") == []
    assert len(names(devicePlatform="cisco")) == 6
    bad = app_client.get(
        WORKSPACES, params={"orgId": org, "type": "kitchen"}, headers=partner.headers
    )
    assert bad.status_code == 400
    assert "type" in bad.text


def test_tenancy_and_a_customer_administrator(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
    customer: dict[str, Any],
) -> None:
    org = customer["orgId"]
    theirs = provision_customer(app_client, other_partner, packages=PACKAGES)
    their_workspace = create(
        app_client, other_partner, theirs["orgId"], {"displayName": "Theirs"}
    ).json()
    mine = create(app_client, partner, org, {"displayName": "Mine"}).json()
    provision_subscriber(app_client, partner, customer["id"])  # gives the customer an administrator
    admin = first_admin_headers(db, clock, org)

    for method, suffix in (("GET", ""), ("PUT", ""), ("DELETE", ""), ("GET", "/capabilities")):
        url = f"{WORKSPACES}/{their_workspace['id']}{suffix}"
        body = {"displayName": "Hijacked"} if method == "PUT" else None
        under_mine = app_client.request(
            method, url, params={"orgId": org}, json=body, headers=partner.headers
        )
        under_theirs = app_client.request(
            method, url, params={"orgId": theirs["orgId"]}, json=body, headers=partner.headers
        )
        assert (under_mine.status_code, error_codes(under_mine)) == (404, [8020]), (method, url)
        # an organization the caller cannot reach answers as an unknown workspace (resolve.py)
        assert (under_theirs.status_code, error_codes(under_theirs)) == (404, [8020]), (method, url)
        assert "Theirs" not in under_mine.text + under_theirs.text
    assert (
        create(app_client, partner, theirs["orgId"], {"displayName": "Planted"}).status_code == 404
    )
    # the customer's own administrator: its own organization, named or not, and no other
    own = app_client.get(WORKSPACES, headers=admin)
    assert own.status_code == 200
    assert [w["id"] for w in own.json()["items"]] == [mine["id"]]
    made = app_client.post(WORKSPACES, json={"displayName": "By the admin"}, headers=admin)
    assert made.status_code == 201, made.text
    assert (
        app_client.get(WORKSPACES, params={"orgId": theirs["orgId"]}, headers=admin).status_code
        == 404
    )
    assert app_client.get(f"{WORKSPACES}/{their_workspace['id']}", headers=admin).status_code == 404
    assert app_client.get(NUMBERS, headers=admin).status_code == 200
