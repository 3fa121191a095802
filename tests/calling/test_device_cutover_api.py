"""`POST /v1/devices/{deviceId}/actions/cutover/invoke` (tukku's): a migrated phone is moved to
tukku (activated, its earlier state kept) and rolled back (that state again); both idempotent,
audited when something changed; another partner's device answers 404."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.calling.test_devices_api import DEVICES, add
from tests.conftest import Partner
from tests.support import error_codes, new_user_headers, provision_customer, provision_subscriber
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.errors import Codes
from tukku.identity.rules import Role

AUDIT = "/v1/partner/auditEvents"


@pytest.fixture
def customer(app_client: TestClient, partner: Partner) -> dict[str, Any]:
    return provision_customer(app_client, partner)


@pytest.fixture
def person(app_client: TestClient, partner: Partner, customer: dict[str, Any]) -> str:
    person_id: str = provision_subscriber(app_client, partner, customer["id"])["personId"]
    return person_id


@pytest.fixture
def device(
    app_client: TestClient, partner: Partner, customer: dict[str, Any], person: str
) -> dict[str, Any]:
    made = add(
        app_client,
        partner.headers,
        customer["orgId"],
        {"mac": "0A1B2C3D4E01", "model": "DMS Cisco 8811", "personId": person},
    )
    assert made.status_code == 200, made.text
    body: dict[str, Any] = made.json()
    return body


def cut(
    client: TestClient, headers: dict[str, str], device_id: str, body: Any, **params: Any
) -> Any:
    return client.post(
        f"{DEVICES}/{device_id}/actions/cutover/invoke", params=params, json=body, headers=headers
    )


def state(client: TestClient, partner: Partner, org: str, person: str) -> str:
    """The device's activation state, as the person's device list shows it."""
    listed = client.get(
        f"/v1/telephony/config/people/{person}/devices",
        params={"orgId": org},
        headers=partner.headers,
    )
    assert listed.status_code == 200, listed.text
    found: str = listed.json()["devices"][0]["activationState"]
    return found


def test_a_phone_is_moved_to_tukku_and_rolled_back_once_each(
    app_client: TestClient,
    partner: Partner,
    customer: dict[str, Any],
    person: str,
    device: dict[str, Any],
) -> None:
    org, h = customer["orgId"], partner.headers
    assert state(app_client, partner, org, person) == "DEACTIVATED"

    moved = cut(app_client, h, device["id"], {"direction": "move"}, orgId=org)
    moved_again = cut(app_client, h, device["id"], {"direction": "move"}, orgId=org)
    shown_moved = state(app_client, partner, org, person)
    back = cut(app_client, h, device["id"], {"direction": "rollback"}, orgId=org)
    back_again = cut(app_client, h, device["id"], {"direction": "rollback"}, orgId=org)

    for answer in (moved, moved_again, back, back_again):
        assert answer.status_code == 200, answer.text
        assert answer.json() == device  # as GET /v1/devices/{id} shows it
    assert shown_moved == "ACTIVATED"
    assert state(app_client, partner, org, person) == "DEACTIVATED"
    events = app_client.get(AUDIT, params={"max": "1000"}, headers=h).json()["items"]
    cutovers = [
        (e["action"], e["before"]["activationState"], e["after"]["activationState"])
        for e in events
        if e["targetId"] == device["id"] and e["action"].startswith("device.cutover")
    ]
    assert sorted(cutovers) == [
        ("device.cutover.move", "deactivated", "activated"),
        ("device.cutover.rollback", "activated", "deactivated"),
    ]


def test_the_direction_is_named_and_the_caller_must_manage_devices(
    app_client: TestClient,
    partner: Partner,
    customer: dict[str, Any],
    device: dict[str, Any],
    db: Database,
    clock: ManualClock,
) -> None:
    org = customer["orgId"]
    reader = new_user_headers(db, clock, org, Role.CUSTOMER_READ_ONLY)

    for body in ({}, {"direction": "sideways"}, {"direction": "MOVE"}):
        refused = cut(app_client, partner.headers, device["id"], body, orgId=org)
        assert refused.status_code == 400, body
        assert error_codes(refused) == [Codes.CUTOVER_DIRECTION_INVALID.number]
        assert "direction" in refused.json()["message"]
    assert cut(app_client, reader, device["id"], {"direction": "move"}).status_code == 403


def test_another_partners_device_is_not_found(
    app_client: TestClient,
    partner: Partner,
    other_partner: Partner,
    customer: dict[str, Any],
    person: str,
    device: dict[str, Any],
) -> None:
    mine = provision_customer(app_client, other_partner)

    for params in ({}, {"orgId": customer["orgId"]}, {"orgId": mine["orgId"]}):
        attacker = other_partner.headers
        refused = cut(app_client, attacker, device["id"], {"direction": "move"}, **params)
        assert refused.status_code == 404, (params, refused.text)
    assert state(app_client, partner, customer["orgId"], person) == "DEACTIVATED"
