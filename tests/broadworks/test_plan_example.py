"""The notes' example (§3.2) planned with the example configuration gives the notes' expected
result (§3.4), object by object. Expected values are written from the notes' text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.broadworks.conftest import ACME, FIXTURES
from tukku.broadworks.extract import parse_extract
from tukku.broadworks.inputs import load_config, load_extract
from tukku.broadworks.plan import Plan, build_plan

HQ_ADDRESS = {
    "addressLine1": "100 Main St",
    "city": "New York",
    "stateOrProvince": "NY",
    "zipOrPostalCode": "10001",
    "country": "US",
}
NAMES = {
    "alice": ("Alice", "Ng"),
    "bob": ("Bob", "Ortiz"),
    "dave": ("Dave", "Kim"),
    "erin": ("Erin", "Lopez"),
}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return build_plan(load_extract(ACME), load_config(FIXTURES / "acme.toml"))


def body(plan: Plan, op_id: str) -> dict[str, Any]:
    return plan.operation(op_id).body


def findings(plan: Plan, subject: str) -> list[tuple[str, str]]:
    return [(f.category, f.detail) for f in plan.findings if f.subject == subject]


def test_the_customer_is_one_call_with_the_first_location(plan: Plan) -> None:
    op = plan.operation("customer")

    assert (op.method, op.path) == ("POST", "/v1/wholesale/customers")
    assert op.body == {
        "provisioningId": "tmpl-acme-001",
        "packages": ["webex_calling", "webex_voice", "cx_essentials"],
        "externalId": "CRM-100234",
        "address": HQ_ADDRESS,
        "customerInfo": {
            "name": "Acme Dental Group",
            "primaryEmail": "it@acme.example",
            "language": "en",
        },
        "provisioningParameters": {
            "calling": {
                "location": {
                    "name": "Acme HQ",
                    "address": HQ_ADDRESS,
                    "timezone": "America/New_York",
                    "language": "en_us",
                    "emergencyLocationIdentifier": "ELIN-HQ-0001",
                }
            }
        },
    }


def test_acme_boston_is_created_and_enabled_for_calling(plan: Plan) -> None:
    location = plan.operation("location/acme_br")
    calling = plan.operation("location-calling/acme_br")

    assert location.path == "/v1/locations?orgId={{customer#orgId}}"
    assert location.body["name"] == "Acme Boston"
    assert location.body["address"] == {
        "address1": "20 Harbor Rd",
        "city": "Boston",
        "state": "MA",
        "postalCode": "02110",
        "country": "US",
    }
    assert calling.body["id"] == "{{location/acme_br}}"
    assert "location/acme_br" in calling.depends_on


def test_pstn_is_set_on_both_locations(plan: Plan) -> None:
    assert body(plan, "pstn/acme_hq") == {"type": "TRUNK", "id": "trunk-nyc-01"}
    assert body(plan, "pstn/acme_br") == {"type": "TRUNK", "id": "trunk-nyc-01"}


def test_the_numbers_are_added_to_their_locations_in_e164(plan: Plan) -> None:
    hq = body(plan, "numbers/acme_hq/active")["phoneNumbers"]
    hq += body(plan, "numbers/acme_hq/inactive")["phoneNumbers"]
    boston = body(plan, "numbers/acme_br/active")["phoneNumbers"]

    assert sorted(hq) == ["+12025550100", "+12025550101", "+12025550102", "+12025550103"]
    assert body(plan, "numbers/acme_hq/inactive")["phoneNumbers"] == ["+12025550103"]
    assert boston == ["+16175550120", "+16175550121"]
    assert "pstn/acme_hq" in plan.operation("numbers/acme_hq/active").depends_on


def test_main_numbers_hq_from_its_clid_boston_the_first_dn_reported(plan: Plan) -> None:
    assert body(plan, "main-number/acme_hq") == {"callingLineId": {"phoneNumber": "+12025550100"}}
    assert body(plan, "main-number/acme_br") == {"callingLineId": {"phoneNumber": "+16175550120"}}
    assert any(
        c == "warning" and "choose the main number" in d for c, d in findings(plan, "group acme_br")
    )


@pytest.mark.parametrize(
    ("user", "email", "package", "number", "extension", "location"),
    [
        (
            "alice",
            "alice.ng@acme.example",
            "webex_calling",
            "+12025550101",
            "101",
            "customer#locationId",
        ),
        (
            "bob",
            "bob.ortiz@acme.example",
            "webex_voice",
            "+12025550102",
            "102",
            "customer#locationId",
        ),
        (
            "dave",
            "dave.kim@acme.example",
            "webex_calling",
            "+16175550120",
            "201",
            "location/acme_br",
        ),
        (
            "erin",
            "erin.lopez@acme.example",
            "webex_voice",
            "+16175550121",
            "202",
            "location/acme_br",
        ),
    ],
)
def test_each_subscriber_as_the_notes_table_says(
    plan: Plan, user: str, email: str, package: str, number: str, extension: str, location: str
) -> None:
    op = plan.operation(f"subscriber/{user}@acme.example")

    assert (op.method, op.path) == ("POST", "/v1/wholesale/subscribers")
    assert op.body == {
        "customerId": "{{customer}}",
        "email": email,
        "packages": [package],
        "provisioningParameters": {
            "firstName": NAMES[user][0],
            "lastName": NAMES[user][1],
            "primaryPhoneNumber": number,
            "extension": extension,
            "locationId": "{{" + location + "}}",
        },
    }


def test_carol_without_email_is_blocked_under_require_and_reported(plan: Plan) -> None:
    ids = [op.id for op in plan.operations]

    assert "subscriber/carol@acme.example" not in ids
    assert plan.ready is False
    assert any(
        c == "blocked" and "e-mail" in d for c, d in findings(plan, "user carol@acme.example")
    )
    assert any("cx_essentials" in d for _, d in findings(plan, "user carol@acme.example"))


def test_the_front_desk_hunt_group(plan: Plan) -> None:
    op = plan.operation("huntGroup/hg-front@acme.example")

    assert op.path == (
        "/v1/telephony/config/locations/{{customer#locationId}}/huntGroups?orgId={{customer#orgId}}"
    )
    assert op.body["name"] == "Front Desk"
    assert op.body["phoneNumber"] == "+12025550100"
    assert op.body["extension"] == "100"
    policies = op.body["callPolicies"]
    assert policies["policy"] == "CIRCULAR"
    assert policies["noAnswer"]["nextAgentEnabled"] is True
    assert policies["noAnswer"]["nextAgentRings"] == 4
    assert policies["noAnswer"]["forwardEnabled"] is True
    assert policies["noAnswer"]["numberOfRings"] == 5
    assert policies["noAnswer"]["destination"] == "+12025550103"
    assert op.body["agents"] == [
        {"id": "{{subscriber/alice@acme.example#personId}}"},
        {"id": "{{subscriber/bob@acme.example#personId}}"},
    ]
    assert {"subscriber/alice@acme.example", "subscriber/bob@acme.example"} <= set(op.depends_on)


def test_the_hunt_group_reports_rings_dangling_agent_and_unowned_destination(plan: Plan) -> None:
    details = findings(plan, "hunt group hg-front@acme.example")

    assert any(c == "changed" and "30 s" in d and "5 rings" in d for c, d in details)
    assert any(c == "warning" and "carol@acme.example" in d and "dangling" in d for c, d in details)
    assert any(c == "warning" and "+12025550103" in d and "unassigned" in d for c, d in details)


def test_devices_supported_ones_move_by_mac_the_legacy_phone_does_not(plan: Plan) -> None:
    alice = plan.operation("device/A0B2C3D40001")
    bob = plan.operation("device/A0B2C3D40002")
    ids = [op.id for op in plan.operations]

    assert alice.body == {
        "mac": "A0B2C3D40001",
        "model": "DMS Cisco 8845",
        "personId": "{{subscriber/alice@acme.example#personId}}",
    }
    assert bob.body["personId"] == "{{subscriber/bob@acme.example#personId}}"
    assert "device/00AABB000121" not in ids
    assert any(
        c == "not_moved" and "Generic SIP Phone" in d
        for c, d in findings(plan, "device br-legacy-01")
    )


def test_carols_phone_waits_for_carol(plan: Plan) -> None:
    assert "device/A0B2C3D40003" not in [op.id for op in plan.operations]
    assert findings(plan, "device hq-mpp-03") != []


def test_operations_run_in_phase_order_and_depend_only_on_earlier_ones(plan: Plan) -> None:
    seen: set[str] = set()
    for op in plan.operations:
        assert set(op.depends_on) <= seen, op.id
        seen.add(op.id)
    phases = [op.phase for op in plan.operations]
    order = ["customer", "locations", "numbers", "users", "features", "devices"]
    assert phases == sorted(phases, key=order.index)


def test_what_never_moves_is_reported(plan: Plan) -> None:
    details = " ".join(d for c, d in findings(plan, "everyone") if c == "not_moved")

    assert "history" in details
    assert "speed dials" in details
    assert "Passwords" in details


def test_a_phone_with_a_multicast_mac_stays_behind_with_the_reason(
    acme: dict[str, Any],
) -> None:
    acme["groups"][0]["accessDevices"][0]["macAddress"] = "A1B2C3D40001"  # the notes' own MAC
    changed = build_plan(parse_extract(json.dumps(acme)), load_config(FIXTURES / "acme.toml"))

    assert "device/A1B2C3D40001" not in [op.id for op in changed.operations]
    assert any(
        c == "not_moved" and "A1B2C3D40001 is a multicast" in d
        for c, d in findings(changed, "device hq-mpp-01")
    )
