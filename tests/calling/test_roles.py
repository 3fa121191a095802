"""Who may set up a customer's calling (PRODUCT.md 10.2 and 11), through the API: partner
administrators may do everything; a partner's read-only staff and a customer's read-only
administrators only read; a customer's full administrator manages its own locations, workspaces,
devices, queues and hunt groups whether or not restricted mode is on, and never manages phone
numbers (an always-on customer restriction). The expectations below are written from those
rules, not read from the permission table."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.support import (
    first_admin_headers,
    new_user_headers,
    provision_customer,
    provision_subscriber,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity.rules import Role

CONFIG = "/v1/telephony/config"
_n = itertools.count(10)


@dataclass
class Org:
    client: TestClient
    org_id: str
    customer_id: str
    location_id: str
    workspace_id: str


def _location(n: int) -> dict[str, Any]:
    return {
        "name": f"Branch {n}",
        "timeZone": "America/Los_Angeles",
        "preferredLanguage": "en_us",
        "announcementLanguage": "en_us",
        "address": {
            "address1": f"{n} Main St",
            "city": "San Jose",
            "state": "CA",
            "postalCode": "95113",
            "country": "US",
        },
    }


def _workspace(org: Org, n: int) -> dict[str, Any]:
    return {
        "displayName": f"Room {n}",
        "locationId": org.location_id,
        "calling": {"type": "webexCalling", "webexCalling": {"extension": f"5{n:03d}"}},
    }


Write = Callable[[Org, dict[str, str], dict[str, str]], Any]


def _create_location(org: Org, params: dict[str, str], headers: dict[str, str]) -> Any:
    return org.client.post(
        "/v1/locations", params=params, json=_location(next(_n)), headers=headers
    )


def _add_numbers(org: Org, params: dict[str, str], headers: dict[str, str]) -> Any:
    return org.client.post(
        f"{CONFIG}/locations/{org.location_id}/numbers",
        params=params,
        json={"phoneNumbers": [f"+1408555{next(_n):04d}"]},
        headers=headers,
    )


def _create_workspace(org: Org, params: dict[str, str], headers: dict[str, str]) -> Any:
    return org.client.post(
        "/v1/workspaces", params=params, json=_workspace(org, next(_n)), headers=headers
    )


def _create_device(org: Org, params: dict[str, str], headers: dict[str, str]) -> Any:
    mac = f"02005E{next(_n):06X}"
    body = {"mac": mac, "model": "DMS Cisco 8811", "workspaceId": org.workspace_id}
    return org.client.post("/v1/devices", params=params, json=body, headers=headers)


def _create_queue(org: Org, params: dict[str, str], headers: dict[str, str]) -> Any:
    n = next(_n)
    body = {
        "name": f"Queue {n}",
        "extension": f"6{n:03d}",
        "callPolicies": {"policy": "CIRCULAR"},
        "queueSettings": {"queueSize": 10},
        "agents": [],
    }
    return org.client.post(
        f"{CONFIG}/locations/{org.location_id}/queues", params=params, json=body, headers=headers
    )


def _create_hunt_group(org: Org, params: dict[str, str], headers: dict[str, str]) -> Any:
    n = next(_n)
    body = {"name": f"Hunt group {n}", "extension": f"6{n:03d}"}
    return org.client.post(
        f"{CONFIG}/locations/{org.location_id}/huntGroups",
        params=params,
        json=body,
        headers=headers,
    )


WRITES: dict[str, Write] = {
    "location": _create_location,
    "numbers": _add_numbers,
    "workspace": _create_workspace,
    "device": _create_device,
    "queue": _create_queue,
    "hunt group": _create_hunt_group,
}
READS = (
    "/v1/locations",
    f"{CONFIG}/numbers",
    "/v1/workspaces",
    "/v1/devices",
    f"{CONFIG}/queues",
    f"{CONFIG}/huntGroups",
)
EVERYTHING = set(WRITES)
CUSTOMER_ADMIN_MAY = {"location", "workspace", "device", "queue", "hunt group"}  # never numbers

# role → (acts through orgId, restricted mode on, what it may write)
CASES: dict[str, tuple[bool, bool, set[str]]] = {
    "partner full admin": (True, True, EVERYTHING),
    "partner read-only": (True, True, set()),
    "customer full admin, restricted": (False, True, CUSTOMER_ADMIN_MAY),
    "customer full admin, not restricted": (False, False, CUSTOMER_ADMIN_MAY),
    "customer read-only": (False, True, set()),
}


def _headers(
    case: str, db: Database, clock: ManualClock, partner: Partner, org: Org
) -> dict[str, str]:
    if case == "partner full admin":
        return partner.headers
    if case == "partner read-only":
        return new_user_headers(db, clock, partner.org_id, Role.PARTNER_READ_ONLY)
    if case == "customer read-only":
        return new_user_headers(db, clock, org.org_id, Role.CUSTOMER_READ_ONLY)
    return first_admin_headers(db, clock, org.org_id)


@pytest.fixture
def org(app_client: TestClient, partner: Partner) -> Org:
    customer = provision_customer(
        app_client, partner, packages=["webex_calling", "common_area_calling", "cx_essentials"]
    )
    provision_subscriber(app_client, partner, customer["id"])  # its first administrator
    params = {"orgId": customer["orgId"]}
    location_id = app_client.get("/v1/locations", params=params, headers=partner.headers).json()[
        "items"
    ][0]["id"]
    org = Org(app_client, customer["orgId"], customer["id"], location_id, "")
    workspace = _create_workspace(org, params, partner.headers)
    assert workspace.status_code == 201, workspace.text
    org.workspace_id = workspace.json()["id"]
    return org


@pytest.mark.parametrize("case", list(CASES))
def test_each_role_sets_up_calling_as_the_product_says(
    case: str,
    org: Org,
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
) -> None:
    through_org_id, restricted, may_write = CASES[case]
    mode = app_client.put(
        f"/v1/partner/customers/{org.customer_id}/restrictedMode",
        json={"enabled": restricted},
        headers=partner.headers,
    )
    assert mode.status_code == 200, mode.text
    headers = _headers(case, db, clock, partner, org)
    params = {"orgId": org.org_id} if through_org_id else {}

    for path in READS:
        read = app_client.get(path, params=params, headers=headers)
        assert read.status_code == 200, (case, path, read.text)
    for name, write in WRITES.items():
        answer = write(org, params, headers)
        if name in may_write:
            assert answer.status_code in (200, 201), (case, name, answer.text)
        else:
            assert answer.status_code == 403, (case, name, answer.text)
