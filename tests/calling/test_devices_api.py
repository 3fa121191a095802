"""`/v1/devices`, `/v1/devices/activationCode` and the device call settings under
`/v1/telephony/config`: devices by MAC for a person or a workspace, activation codes (single
use, expiring on the platform clock), SIP credentials of customer-managed devices (encrypted,
downloaded by an administrator, audited), third-party devices enabled by an operator, and the
reference's schemas for every answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.calling.reference import check, operation, person_devices_schema, response_schema
from tests.calling.test_numbers_api import location_of
from tests.conftest import Partner
from tests.support import (
    error_codes,
    new_user_headers,
    next_url,
    provision_customer,
    provision_subscriber,
)
from tukku.audit.models import AuditEvent
from tukku.calling.devices_models import Device
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.errors import Codes
from tukku.identity.rules import Role

DEVICES = "/v1/devices"
CONFIG = "/v1/telephony/config"
REF_DEVICE = response_schema(
    "webex-devices-workspaces-locations.openapi.json", "/devices/{deviceId}", "get", "200"
)


def ref(path: str, method: str = "get") -> dict[str, Any]:
    return response_schema("webex-devices-workspaces-locations.openapi.json", path, method, "200")


@pytest.fixture
def customer(app_client: TestClient, partner: Partner) -> dict[str, Any]:
    return provision_customer(
        app_client, partner, packages=["webex_calling", "webex_meetings", "common_area_calling"]
    )


@pytest.fixture
def person(app_client: TestClient, partner: Partner, customer: dict[str, Any]) -> str:
    person_id: str = provision_subscriber(app_client, partner, customer["id"])["personId"]
    return person_id


@pytest.fixture
def workspace(app_client: TestClient, partner: Partner, customer: dict[str, Any]) -> str:
    org = customer["orgId"]
    body = {"displayName": "Door", "locationId": location_of(app_client, partner, org)}
    made = app_client.post(
        "/v1/workspaces", params={"orgId": org}, json=body, headers=partner.headers
    )
    assert made.status_code == 201, made.text
    workspace_id: str = made.json()["id"]
    return workspace_id


def add(client: TestClient, headers: dict[str, str], org: str, body: dict[str, Any]) -> Any:
    return client.post(DEVICES, params={"orgId": org}, json=body, headers=headers)


def test_the_references_status_codes() -> None:
    assert "200" in operation("/devices", "post")["responses"]
    assert "204" in operation("/devices/{deviceId}", "delete")["responses"]


def test_a_phone_for_a_person_and_one_for_a_workspace(
    app_client: TestClient, partner: Partner, customer: dict[str, Any], person: str, workspace: str
) -> None:
    org, h = customer["orgId"], partner.headers

    mine = add(
        app_client,
        h,
        org,
        {"mac": "52:ea:d3:24:fd:21", "model": "DMS Cisco 8811", "personId": person},
    )
    door = add(
        app_client, h, org, {"mac": "02005E0053B4", "model": "Cisco 8851", "workspaceId": workspace}
    )

    assert mine.status_code == 200, mine.text
    assert door.status_code == 200, door.text
    for answer in (mine, door):
        check(answer.json(), REF_DEVICE)
    device = mine.json()
    assert (device["personId"], device["orgId"], device["mac"]) == (
        person,
        org,
        "52:EA:D3:24:FD:21",
    )
    assert device["product"] == "Cisco 8811"
    assert device["managedBy"] == "CISCO"
    assert door.json()["workspaceId"] == workspace
    got = app_client.get(f"{DEVICES}/{device['id']}", params={"orgId": org}, headers=h)
    assert got.status_code == 200
    assert got.json() == device
    listed = app_client.get(DEVICES, params={"orgId": org, "personId": person}, headers=h)
    check(listed.json(), ref("/devices"))
    assert [d["id"] for d in listed.json()["items"]] == [device["id"]]
    by_mac = app_client.get(DEVICES, params={"orgId": org, "mac": "52-EA-D3-24-FD-21"}, headers=h)
    assert [d["id"] for d in by_mac.json()["items"]] == [device["id"]]
    serial = app_client.get(DEVICES, params={"orgId": org, "serial": "FOC1"}, headers=h)
    assert serial.json()["items"] == []
    theirs = app_client.get(f"{CONFIG}/people/{person}/devices", params={"orgId": org}, headers=h)
    assert theirs.status_code == 200, theirs.text
    check(theirs.json(), person_devices_schema())
    assert theirs.json()["devices"][0]["mac"] == "52EAD324FD21"
    assert theirs.json()["devices"][0]["owner"]["type"] == "PEOPLE"
    room = app_client.get(
        f"{CONFIG}/workspaces/{workspace}/devices", params={"orgId": org}, headers=h
    )
    check(room.json(), ref("/telephony/config/workspaces/{workspaceId}/devices"))
    assert [d["id"] for d in room.json()["devices"]] == [door.json()["id"]]

    deleted = app_client.delete(f"{DEVICES}/{device['id']}", params={"orgId": org}, headers=h)
    assert deleted.status_code == 204
    assert (
        app_client.get(f"{DEVICES}/{device['id']}", params={"orgId": org}, headers=h).status_code
        == 404
    )
    again = add(
        app_client, h, org, {"mac": "52EAD324FD21", "model": "DMS Cisco 8811", "personId": person}
    )
    assert again.status_code == 200, "a deleted device's MAC is free again"


def test_bad_requests_name_every_field(
    app_client: TestClient, partner: Partner, customer: dict[str, Any], person: str, workspace: str
) -> None:
    org, h = customer["orgId"], partner.headers

    bad = add(
        app_client,
        h,
        org,
        {
            "mac": "FFFFFFFFFFFF",
            "model": "Cisco 9999",
            "personId": person,
            "workspaceId": workspace,
        },
    )
    empty = add(app_client, h, org, {})
    weak = add(
        app_client,
        h,
        org,
        {
            "mac": "02005E0053B5",
            "model": "DMS Cisco 8811",
            "personId": person,
            "password": "Str0ng-Passw0rd!",
        },
    )

    assert bad.status_code == 400
    assert sorted(error_codes(bad)) == sorted(
        [
            Codes.DEVICE_OWNER_INVALID.number,
            Codes.MAC_INVALID.number,
            Codes.DEVICE_MODEL_UNKNOWN.number,
        ]
    )
    described = " ".join(e["description"] for e in bad.json()["errors"])
    assert "personId:" in described
    assert "mac:" in described
    assert "model:" in described
    assert empty.status_code == 400
    assert len(error_codes(empty)) == 3
    assert weak.status_code == 400
    assert error_codes(weak) == [Codes.SIP_PASSWORD_INVALID.number]
    pager = add(
        app_client,
        h,
        org,
        {"mac": "02005E0053B6", "model": "Algo Paging Customer Managed", "personId": person},
    )
    assert pager.status_code == 400
    assert error_codes(pager) == [Codes.DEVICE_MODEL_NOT_FOR_OWNER.number]


def test_a_mac_is_unique_platform_wide(
    app_client: TestClient,
    partner: Partner,
    other_partner: Partner,
    customer: dict[str, Any],
    person: str,
) -> None:
    theirs = provision_customer(app_client, other_partner)
    their_person = provision_subscriber(app_client, other_partner, theirs["id"])["personId"]
    first = add(
        app_client,
        partner.headers,
        customer["orgId"],
        {"mac": "0A1B2C3D4E5F", "model": "DMS Cisco 7841", "personId": person},
    )
    assert first.status_code == 200, first.text

    taken = add(
        app_client,
        other_partner.headers,
        theirs["orgId"],
        {"mac": "0a:1b:2c:3d:4e:5f", "model": "DMS Cisco 7841", "personId": their_person},
    )

    assert taken.status_code == 409
    assert error_codes(taken) == [Codes.MAC_TAKEN.number]
    assert "0A1B2C3D4E5F" in taken.json()["errors"][0]["description"]
    checked = app_client.post(
        f"{CONFIG}/devices/actions/validateMacs/invoke",
        params={"orgId": theirs["orgId"]},
        json={"macs": ["0A1B2C3D4E5F", "aa125678cdef", "AA:12:56:78:CD:EF", "zz"]},
        headers=other_partner.headers,
    )
    assert checked.status_code == 200, checked.text
    check(checked.json(), ref("/telephony/config/devices/actions/validateMacs/invoke", "post"))
    assert checked.json()["status"] == "ERRORS"
    assert [s["state"] for s in checked.json()["macStatus"]] == [
        "UNAVAILABLE",
        "AVAILABLE",
        "DUPLICATE_IN_LIST",
        "INVALID",
    ]
    assert first.json()["id"] not in checked.text
    assert customer["orgId"] not in checked.text


def test_an_activation_code_works_once_and_expires(
    app_client: TestClient,
    partner: Partner,
    customer: dict[str, Any],
    workspace: str,
    clock: ManualClock,
    db: Database,
) -> None:
    org, h = customer["orgId"], partner.headers
    made = app_client.post(
        f"{DEVICES}/activationCode",
        params={"orgId": org},
        json={"workspaceId": workspace, "model": "DMS Cisco 8875"},
        headers=h,
    )
    assert made.status_code == 200, made.text
    check(made.json(), ref("/devices/activationCode", "post"))
    code = made.json()["code"]
    assert made.json()["expiryTime"] == (clock.now() + timedelta(hours=168)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )

    used = app_client.post(f"{DEVICES}/activate", json={"code": code, "mac": "0E1B2C3D4E5F"})
    again = app_client.post(f"{DEVICES}/activate", json={"code": code, "mac": "0E1B2C3D4E60"})
    unknown = app_client.post(f"{DEVICES}/activate", json={"code": "0000000000000000"})

    assert used.status_code == 200, used.text
    check(used.json(), REF_DEVICE)
    assert used.json()["workspaceId"] == workspace
    assert again.status_code == 409
    assert error_codes(again) == [Codes.ACTIVATION_CODE_USED.number]
    assert unknown.status_code == 404
    assert error_codes(unknown) == [Codes.ACTIVATION_CODE_UNKNOWN.number]
    room = app_client.get(
        f"{CONFIG}/workspaces/{workspace}/devices", params={"orgId": org}, headers=h
    )
    assert room.json()["devices"][0]["activationState"] == "ACTIVATED"
    with db.unit_of_work() as session:
        assert code not in str(session.execute(select(AuditEvent.after)).all())

    later = app_client.post(
        f"{DEVICES}/activationCode",
        params={"orgId": org},
        json={"workspaceId": workspace, "model": "DMS Cisco 8875"},
        headers=h,
    ).json()["code"]
    clock.advance(timedelta(hours=168))
    expired = app_client.post(f"{DEVICES}/activate", json={"code": later})
    assert expired.status_code == 410
    assert error_codes(expired) == [Codes.ACTIVATION_CODE_EXPIRED.number]


def test_sip_credentials_are_encrypted_and_downloaded_by_an_admin_with_an_audit_event(
    app_client: TestClient, partner: Partner, customer: dict[str, Any], workspace: str, db: Database
) -> None:
    org, h = customer["orgId"], partner.headers
    made = add(
        app_client,
        h,
        org,
        {"mac": "0C1B2C3D4E5F", "model": "2N Customer Managed", "workspaceId": workspace},
    )
    assert made.status_code == 200, made.text
    assert made.json()["managedBy"] == "CUSTOMER"
    device_id = made.json()["id"]
    url = f"{DEVICES}/{device_id}/actions/downloadSipCredentials/invoke"

    got = app_client.post(url, params={"orgId": org}, headers=h)

    assert got.status_code == 200, got.text
    assert got.headers["Cache-Control"] == "no-store"
    body = got.json()
    password = body["sipPassword"]
    assert len(password) >= 20
    assert len(body["sipUserName"]) >= 8
    assert body["linePort"].startswith(body["sipUserName"] + "@")
    again = app_client.post(url, params={"orgId": org}, headers=h).json()
    assert again["sipPassword"] == password  # decrypted, not regenerated
    with db.unit_of_work() as session:
        stored = session.scalars(select(Device).where(Device.id == device_id)).one()
        assert stored.sip_password_encrypted
        assert password not in stored.sip_password_encrypted
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.target_id == device_id).order_by(AuditEvent.id)
        ).all()
        downloads = [e for e in events if e.action == "device.sip_credentials.download"]
        assert len(downloads) == 2
        assert downloads[0].actor_org_id == partner.org_id
        assert downloads[0].after == {"personId": None, "workspaceId": workspace}
        assert all(password not in str((e.before, e.after)) for e in events)
    vendor = add(
        app_client,
        h,
        org,
        {"mac": "0C1B2C3D4E60", "model": "DMS Cisco 8811", "workspaceId": workspace},
    ).json()
    none = app_client.post(
        f"{DEVICES}/{vendor['id']}/actions/downloadSipCredentials/invoke",
        params={"orgId": org},
        headers=h,
    )
    assert none.status_code == 409
    assert error_codes(none) == [Codes.NO_SIP_CREDENTIALS.number]


def test_a_read_only_administrator_reads_but_cannot_add_or_download(
    app_client: TestClient,
    partner: Partner,
    customer: dict[str, Any],
    workspace: str,
    db: Database,
    clock: ManualClock,
) -> None:
    org = customer["orgId"]
    made = add(
        app_client,
        partner.headers,
        org,
        {"mac": "1C1B2C3D4E5F", "model": "2N Customer Managed", "workspaceId": workspace},
    )
    reader = new_user_headers(db, clock, org, Role.CUSTOMER_READ_ONLY)

    assert app_client.get(DEVICES, headers=reader).status_code == 200
    refused = app_client.post(
        DEVICES,
        json={"mac": "1C1B2C3D4E60", "model": "DMS Cisco 8811", "workspaceId": workspace},
        headers=reader,
    )
    assert refused.status_code == 403
    url = f"{DEVICES}/{made.json()['id']}/actions/downloadSipCredentials/invoke"
    assert app_client.post(url, headers=reader).status_code == 403
    assert app_client.delete(f"{DEVICES}/{made.json()['id']}", headers=reader).status_code == 403


def test_third_party_devices_wait_for_an_operator(
    app_client: TestClient,
    partner: Partner,
    customer: dict[str, Any],
    person: str,
    ops: dict[str, str],
    db: Database,
) -> None:
    org, h = customer["orgId"], partner.headers
    body = {"mac": "1E1B2C3D4E5F", "model": "DMS Polycom EE400", "personId": person}
    supported = app_client.get(f"{CONFIG}/supportedDevices", params={"orgId": org}, headers=h)
    check(supported.json(), ref("/telephony/config/supportedDevices"))
    models = {d["model"] for d in supported.json()["devices"]}
    assert "DMS Cisco 8811" in models
    assert "2N Customer Managed" in models
    assert "DMS Polycom EE400" not in models
    assert "Partner Managed SIP Device" not in models

    refused = add(app_client, h, org, body)
    options = f"/v1/ops/customers/{customer['id']}/deviceOptions"
    assert app_client.put(options, json={"thirdPartyDevices": True}, headers=h).status_code == 403
    enabled = app_client.put(options, json={"thirdPartyDevices": True}, headers=ops)
    allowed = add(app_client, h, org, body)

    assert refused.status_code == 409
    assert error_codes(refused) == [Codes.THIRD_PARTY_DEVICES_DISABLED.number]
    assert enabled.status_code == 200
    assert enabled.json()["thirdPartyDevices"] is True
    assert allowed.status_code == 200, allowed.text
    after = app_client.get(
        f"{CONFIG}/supportedDevices", params={"orgId": org, "type": "GENERIC_SIP"}, headers=h
    )
    assert "DMS Polycom EE400" in {d["model"] for d in after.json()["devices"]}
    assert all(d["type"] == "GENERIC_SIP" for d in after.json()["devices"])
    with db.unit_of_work() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target_id == customer["id"])
        ).all()
    assert "customer.device_options.update" in actions
    partner_managed = add(
        app_client,
        h,
        org,
        {"mac": "1E1B2C3D4E60", "model": "Partner Managed SIP Device", "personId": person},
    )
    assert partner_managed.status_code == 200
    assert partner_managed.json()["managedBy"] == "PARTNER"


def test_devices_page_with_start_and_max(
    app_client: TestClient, partner: Partner, customer: dict[str, Any], workspace: str, person: str
) -> None:
    org, h = customer["orgId"], partner.headers
    made = []
    for n, owner in enumerate([{"workspaceId": workspace}] * 3 + [{"personId": person}] * 2):
        added = add(
            app_client, h, org, {"mac": f"0A00000000{n:02X}", "model": "DMS Cisco 6821", **owner}
        )
        assert added.status_code == 200, added.text
        made.append(added.json()["id"])

    first = app_client.get(DEVICES, params={"orgId": org, "max": 2}, headers=h)
    url = next_url(first)
    assert url is not None
    assert "start=2" in url
    assert "orgId=" in url
    second = app_client.get(url, headers=h)
    third = app_client.get(next_url(second) or "", headers=h)

    shown = [d["id"] for r in (first, second, third) for d in r.json()["items"]]
    assert shown == made
    assert next_url(third) is None
    full = add(
        app_client, h, org, {"mac": "0A0000000099", "model": "DMS Cisco 6821", "personId": person}
    )
    assert full.status_code == 200  # the person has three devices now; five at most
    more = [
        add(
            app_client,
            h,
            org,
            {"mac": f"0A00000001{n:02X}", "model": "DMS Cisco 6821", "personId": person},
        )
        for n in range(3)
    ]
    assert [m.status_code for m in more] == [200, 200, 409]
    assert error_codes(more[-1]) == [Codes.DEVICE_LIMIT_REACHED.number]


def test_devices_leave_with_their_workspace_or_subscriber(
    app_client: TestClient, partner: Partner, customer: dict[str, Any], workspace: str, db: Database
) -> None:
    org, h = customer["orgId"], partner.headers
    subscriber = provision_subscriber(app_client, partner, customer["id"])
    on_desk = add(
        app_client,
        h,
        org,
        {"mac": "1A0000000001", "model": "DMS Cisco 8811", "personId": subscriber["personId"]},
    )
    in_room = add(
        app_client,
        h,
        org,
        {"mac": "1A0000000002", "model": "DMS Cisco 8811", "workspaceId": workspace},
    )
    code = app_client.post(
        f"{DEVICES}/activationCode",
        params={"orgId": org},
        json={"workspaceId": workspace, "model": "DMS Cisco 8811"},
        headers=h,
    ).json()["code"]
    assert on_desk.status_code == in_room.status_code == 200

    gone = app_client.delete(f"/v1/workspaces/{workspace}", params={"orgId": org}, headers=h)
    removed = app_client.delete(f"/v1/wholesale/subscribers/{subscriber['id']}", headers=h)

    assert gone.status_code == 204, gone.text
    assert removed.status_code in (200, 202, 204), removed.text
    assert app_client.get(DEVICES, params={"orgId": org}, headers=h).json()["items"] == []
    assert app_client.post(f"{DEVICES}/activate", json={"code": code}).status_code == 404
    with db.unit_of_work() as session:
        deletes = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "device.delete")
        ).all()
        ws = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "workspace.delete")
        ).one()
    assert {e.target_id for e in deletes} == {on_desk.json()["id"], in_room.json()["id"]}
    assert ws.before is not None
    assert ws.before["devices"] == [in_room.json()["id"]]
    # both MACs are free again
    assert (
        add(
            app_client,
            h,
            org,
            {
                "mac": "1A0000000001",
                "model": "DMS Cisco 8811",
                "personId": provision_subscriber(app_client, partner, customer["id"])["personId"],
            },
        ).status_code
        == 200
    )


def test_another_partners_devices_people_and_workspaces_are_not_found(
    app_client: TestClient,
    partner: Partner,
    other_partner: Partner,
    customer: dict[str, Any],
    person: str,
    workspace: str,
) -> None:
    org = customer["orgId"]
    device = add(
        app_client,
        partner.headers,
        org,
        {"mac": "0C0000000001", "model": "DMS Cisco 8811", "personId": person},
    ).json()
    mine = provision_customer(app_client, other_partner)
    attacker = other_partner.headers

    for params in ({}, {"orgId": org}, {"orgId": mine["orgId"]}):
        got = app_client.get(f"{DEVICES}/{device['id']}", params=params, headers=attacker)
        assert got.status_code == 404, (params, got.text)
        assert (
            app_client.delete(
                f"{DEVICES}/{device['id']}", params=params, headers=attacker
            ).status_code
            == 404
        )
        assert (
            app_client.post(
                f"{DEVICES}/{device['id']}/actions/downloadSipCredentials/invoke",
                params=params,
                headers=attacker,
            ).status_code
            == 404
        )
        people = app_client.get(
            f"{CONFIG}/people/{person}/devices", params=params, headers=attacker
        )
        assert people.status_code == 404, (params, people.text)
    assert (
        add(
            app_client,
            attacker,
            org,
            {"mac": "0C0000000002", "model": "DMS Cisco 8811", "personId": person},
        ).status_code
        == 404
    )
    planted = add(
        app_client,
        attacker,
        mine["orgId"],
        {"mac": "0C0000000003", "model": "DMS Cisco 8811", "workspaceId": workspace},
    )
    assert planted.status_code == 404
    assert error_codes(planted) == [Codes.WORKSPACE_NOT_FOUND.number]
    stolen = add(
        app_client,
        attacker,
        mine["orgId"],
        {"mac": "0C0000000004", "model": "DMS Cisco 8811", "personId": person},
    )
    assert stolen.status_code == 404
    assert error_codes(stolen) == [Codes.PERSON_NOT_FOUND.number]
    room = app_client.get(
        f"{CONFIG}/workspaces/{workspace}/devices",
        params={"orgId": mine["orgId"]},
        headers=attacker,
    )
    assert room.status_code == 404
    assert app_client.get(DEVICES, params={"orgId": org}, headers=attacker).status_code == 404
