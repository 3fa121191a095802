"""The Webex Calling location API on a customer's set-up: the headquarters made at provisioning
has calling, a location made through the Locations API has none until it is enabled (once);
its details show the main number (one of its numbers, kept from removal while it is) and the
PSTN connection (the partner's to set); another partner's locations answer 404.

The reference OpenAPI files have no telephony location operations, so answers are checked
against `wxc_sdk`'s `TelephonyLocation` (the client these routes are built for): every field
must parse, and none may be one the client does not know."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from wxc_sdk.telephony.location import TelephonyLocation

from tests.calling.test_locations_api import location_body
from tests.calling.test_numbers_api import location_of, numbers_url
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

CALLING = "/v1/telephony/config/locations"
AUDIT = "/v1/partner/auditEvents"
BRANCH_NUMBERS = ["+14085550170", "+14085550171"]


def assert_client_knows(body: dict[str, Any]) -> TelephonyLocation:
    """`body` parses as wxc_sdk's TelephonyLocation with no field the client does not model."""

    def walk(model: BaseModel, where: str) -> None:
        assert not model.model_extra, f"{where}: unknown fields {model.model_extra}"
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, BaseModel):
                walk(value, f"{where}.{name}")

    parsed = TelephonyLocation.model_validate(body)
    walk(parsed, "location")
    return parsed


@dataclass
class Estate:
    client: TestClient
    partner: Partner
    customer: dict[str, Any]
    hq: str
    branch: str  # made through the Locations API, without calling

    @property
    def params(self) -> dict[str, str]:
        return {"orgId": self.customer["orgId"]}

    def enable(self, location_id: str, headers: dict[str, str] | None = None, **more: Any) -> Any:
        body = {"id": location_id, **more}
        return self.client.post(
            CALLING, params=self.params, json=body, headers=headers or self.partner.headers
        )

    def details(self, location_id: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.get(
            f"{CALLING}/{location_id}", params=self.params, headers=headers or self.partner.headers
        )

    def put(self, location_id: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.put(
            f"{CALLING}/{location_id}",
            params=self.params,
            json=body,
            headers=headers or self.partner.headers,
        )

    def connect(self, location_id: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.put(
            f"{CALLING}/{location_id}/connection",
            params=self.params,
            json=body,
            headers=headers or self.partner.headers,
        )

    def listed(self, **params: Any) -> list[dict[str, Any]]:
        response = self.client.get(
            CALLING, params={**self.params, **params}, headers=self.partner.headers
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["locations"]
        for item in items:
            assert_client_knows(item)
        return items

    def add_numbers(self, location_id: str, numbers: list[str]) -> None:
        added = self.client.post(
            numbers_url(location_id),
            params=self.params,
            json={"phoneNumbers": numbers},
            headers=self.partner.headers,
        )
        assert added.status_code == 201, added.text


@pytest.fixture
def estate(app_client: TestClient, partner: Partner) -> Estate:
    customer = provision_customer(app_client, partner)
    hq = location_of(app_client, partner, customer["orgId"])
    made = app_client.post(
        "/v1/locations",
        params={"orgId": customer["orgId"]},
        json=location_body("Denver"),
        headers=partner.headers,
    )
    assert made.status_code == 201, made.text
    return Estate(app_client, partner, customer, hq, made.json()["id"])


def test_the_headquarters_has_calling_and_a_new_location_has_it_once_enabled(
    estate: Estate,
) -> None:
    hq = estate.details(estate.hq)
    assert hq.status_code == 200, hq.text
    parsed = assert_client_knows(hq.json())
    assert (parsed.location_id, parsed.name, parsed.announcement_language) == (
        estate.hq,
        "Head Office",
        "en_us",
    )
    assert parsed.p_access_network_info == "95547321"  # the ELIN given at provisioning
    assert parsed.calling_line_id is not None
    assert parsed.calling_line_id.phone_number is None
    assert parsed.connection is None
    before = estate.details(estate.branch)
    assert before.status_code == 404
    assert error_codes(before) == [Codes.LOCATION_CALLING_NOT_ENABLED.number]
    assert [i["id"] for i in estate.listed()] == [estate.hq]

    enabled = estate.enable(estate.branch, **location_body("Denver", announcementLanguage="de_de"))

    assert enabled.status_code == 201, enabled.text
    assert enabled.json() == {"id": estate.branch}
    branch = estate.details(estate.branch)
    assert branch.status_code == 200, branch.text
    assert assert_client_knows(branch.json()).announcement_language == "de_de"
    assert branch.json()["callingLineId"]["name"] == hq.json()["callingLineId"]["name"]
    assert [i["name"] for i in estate.listed()] == ["Denver", "Head Office"]
    assert [i["name"] for i in estate.listed(order="desc")] == ["Head Office", "Denver"]
    assert [i["name"] for i in estate.listed(name="DENV")] == ["Denver"]
    again = estate.enable(estate.branch)
    assert again.status_code == 409
    assert error_codes(again) == [Codes.LOCATION_CALLING_ENABLED.number]
    assert "id" in again.json()["message"]
    assert error_codes(estate.enable(estate.hq)) == [Codes.LOCATION_CALLING_ENABLED.number]
    events = estate.client.get(
        AUDIT, params={"action": "location.calling.enable"}, headers=estate.partner.headers
    )
    assert [e["targetId"] for e in events.json()["items"]] == [estate.branch]


def test_enabling_checks_the_body_and_changes_nothing_when_refused(estate: Estate) -> None:
    missing = estate.client.post(
        CALLING, params=estate.params, json={"name": "X"}, headers=estate.partner.headers
    )
    unknown = estate.enable("no-such-location")
    bad = estate.enable(estate.branch, timeZone="Mars/Olympus", name="")
    other_org = estate.enable(estate.branch, orgId="someone-else")

    assert missing.status_code == 400
    assert error_codes(missing) == [Codes.MISSING_FIELD.number]
    assert unknown.status_code == 404
    assert error_codes(unknown) == [Codes.LOCATION_NOT_FOUND.number]
    assert bad.status_code == 400
    assert sorted(error_codes(bad)) == sorted(
        [Codes.MISSING_FIELD.number, Codes.TIMEZONE_INVALID.number]
    )
    assert other_org.status_code == 400
    assert "orgId" in other_org.json()["message"]
    assert estate.details(estate.branch).status_code == 404
    got = estate.client.get(
        f"/v1/locations/{estate.branch}", params=estate.params, headers=estate.partner.headers
    )
    assert got.json()["name"] == "Denver"


def test_the_main_number_is_one_of_the_locations_numbers_and_stays_while_it_is(
    estate: Estate,
) -> None:
    assert estate.enable(estate.branch).status_code == 201
    estate.add_numbers(estate.branch, BRANCH_NUMBERS)
    estate.add_numbers(estate.hq, ["+14085550179"])

    elsewhere = estate.put(estate.branch, {"callingLineId": {"phoneNumber": "+14085550179"}})
    unknown = estate.put(estate.branch, {"callingLineId": {"phoneNumber": "+14085550199"}})
    garbled = estate.put(estate.branch, {"callingLineId": {"phoneNumber": "call me"}})
    chosen = estate.put(estate.branch, {"callingLineId": {"phoneNumber": "+1 408-555-0171"}})

    for refused in (elsewhere, unknown):
        assert refused.status_code == 400
        assert error_codes(refused) == [Codes.MAIN_NUMBER_NOT_AT_LOCATION.number]
        assert "callingLineId.phoneNumber" in refused.json()["message"]
    assert garbled.status_code == 400
    assert error_codes(garbled) == [Codes.PHONE_NUMBER_INVALID.number]
    assert chosen.status_code == 204, chosen.text
    shown = estate.details(estate.branch).json()
    assert shown["callingLineId"]["phoneNumber"] == "+14085550171"
    removed = estate.client.request(
        "DELETE",
        numbers_url(estate.branch),
        params=estate.params,
        json={"phoneNumbers": ["+14085550171"]},
        headers=estate.partner.headers,
    )
    assert removed.status_code == 409
    assert error_codes(removed) == [Codes.MAIN_NUMBER_KEPT.number]
    spare = estate.client.request(
        "DELETE",
        numbers_url(estate.branch),
        params=estate.params,
        json={"phoneNumbers": ["+14085550170"]},
        headers=estate.partner.headers,
    )
    assert spare.status_code == 204, spare.text
    emptied = estate.client.request(
        "DELETE",
        numbers_url(estate.branch),
        params=estate.params,
        json={"phoneNumbers": [n for n in BRANCH_NUMBERS if n != "+14085550170"]},
        headers=estate.partner.headers,
    )
    assert emptied.status_code == 204, emptied.text  # every number goes: no main number needed
    assert "phoneNumber" not in (estate.details(estate.branch).json().get("callingLineId") or {})
    events = estate.client.get(
        AUDIT, params={"action": "location.calling.update"}, headers=estate.partner.headers
    ).json()["items"]
    assert [(e["before"]["mainNumber"], e["after"]["mainNumber"]) for e in events] == [
        (None, "+14085550171")
    ]


def test_the_pstn_connection_is_set_on_its_own_or_with_the_details(estate: Estate) -> None:
    trunk = estate.connect(estate.hq, {"type": "TRUNK", "id": "trunk-1"})
    shown = estate.details(estate.hq).json()
    routed = estate.put(estate.hq, {"connection": {"type": "ROUTE_GROUP", "id": "rg-7"}})
    bad = estate.connect(estate.hq, {"type": "CISCO_PSTN"})
    bad_in_details = estate.put(estate.hq, {"connection": {"id": " "}})
    not_calling = estate.connect(estate.branch, {"type": "TRUNK", "id": "trunk-1"})

    assert trunk.status_code == 204, trunk.text
    assert shown["connection"] == {"type": "TRUNK", "id": "trunk-1"}
    assert routed.status_code == 204, routed.text
    assert estate.details(estate.hq).json()["connection"] == {"type": "ROUTE_GROUP", "id": "rg-7"}
    assert bad.status_code == 400
    assert error_codes(bad) == [Codes.PSTN_CONNECTION_INVALID.number] * 2
    assert "type" in bad.json()["message"]
    assert bad_in_details.status_code == 400
    fields = {e["description"].split(":")[0] for e in bad_in_details.json()["errors"]}
    assert fields == {"connection.type", "connection.id"}
    assert not_calling.status_code == 404
    assert error_codes(not_calling) == [Codes.LOCATION_CALLING_NOT_ENABLED.number]


def test_a_calling_location_with_settings_can_still_be_deleted(estate: Estate) -> None:
    assert estate.enable(estate.branch).status_code == 201
    assert estate.connect(estate.branch, {"type": "TRUNK", "id": "t"}).status_code == 204

    deleted = estate.client.delete(
        f"/v1/locations/{estate.branch}", params=estate.params, headers=estate.partner.headers
    )

    assert deleted.status_code == 204, deleted.text
    assert estate.details(estate.branch).status_code == 404


def test_customer_administrators_set_the_main_number_but_not_the_pstn_connection(
    estate: Estate, db: Database, clock: ManualClock
) -> None:
    org = estate.customer["orgId"]
    provision_subscriber(estate.client, estate.partner, estate.customer["id"])
    admin = first_admin_headers(db, clock, org)
    reader = new_user_headers(db, clock, org, Role.CUSTOMER_READ_ONLY)
    estate.add_numbers(estate.hq, ["+14085550177"])

    enabled = estate.client.post(CALLING, json={"id": estate.branch}, headers=admin)
    main = estate.client.put(
        f"{CALLING}/{estate.hq}",
        json={"callingLineId": {"phoneNumber": "+14085550177"}},
        headers=admin,
    )
    connection = estate.client.put(
        f"{CALLING}/{estate.hq}/connection", json={"type": "TRUNK", "id": "t"}, headers=admin
    )
    read = estate.client.get(f"{CALLING}/{estate.hq}", headers=reader)
    listed = estate.client.get(CALLING, headers=reader)
    written = estate.client.put(
        f"{CALLING}/{estate.hq}",
        json={"callingLineId": {"phoneNumber": "+14085550177"}},
        headers=reader,
    )

    assert enabled.status_code == 201, enabled.text
    assert main.status_code == 204, main.text
    assert connection.status_code == 403
    assert read.status_code == 200
    assert read.json()["callingLineId"]["phoneNumber"] == "+14085550177"
    assert len(listed.json()["locations"]) == 2
    assert written.status_code == 403


def test_another_partners_locations_are_not_found(
    estate: Estate, app_client: TestClient, other_partner: Partner
) -> None:
    estate.add_numbers(estate.hq, ["+14085550178"])
    mine = provision_customer(app_client, other_partner)
    attacker = other_partner.headers
    victim = estate.customer["orgId"]

    for params in ({}, {"orgId": victim}, {"orgId": mine["orgId"]}):
        for location in (estate.hq, estate.branch):
            got = app_client.get(f"{CALLING}/{location}", params=params, headers=attacker)
            assert got.status_code == 404, (params, got.text)
            changed = app_client.put(
                f"{CALLING}/{location}",
                params=params,
                json={"callingLineId": {"phoneNumber": "+14085550178"}},
                headers=attacker,
            )
            assert changed.status_code == 404, (params, changed.text)
            connected = app_client.put(
                f"{CALLING}/{location}/connection",
                params=params,
                json={"type": "TRUNK", "id": "x"},
                headers=attacker,
            )
            assert connected.status_code == 404, (params, connected.text)
        enabled = app_client.post(
            CALLING, params=params, json={"id": estate.branch}, headers=attacker
        )
        assert enabled.status_code == 404, (params, enabled.text)
    assert app_client.get(CALLING, params={"orgId": victim}, headers=attacker).status_code == 404
    theirs = app_client.get(CALLING, params={"orgId": mine["orgId"]}, headers=attacker)
    assert estate.hq not in {i["id"] for i in theirs.json()["locations"]}
    assert estate.details(estate.branch).status_code == 404  # still without calling
    assert estate.details(estate.hq).json()["callingLineId"].get("phoneNumber") is None
