"""Device rules without I/O: MAC addresses, owners, models and line ports, activation codes
(expiry on an injected clock), SIP passwords; and the device catalog's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tukku.calling import devices_rules as rules
from tukku.catalog.devices import Management, device_catalog
from tukku.core.clock import ManualClock
from tukku.core.errors import Codes

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("00005e0053b4", "00005E0053B4"),
        ("00:00:5E:00:53:B4", "00005E0053B4"),
        ("00-00-5e-00-53-b4", "00005E0053B4"),
        ("0000.5e00.53b4", "00005E0053B4"),
        (" 52ead324fd21 ", "52EAD324FD21"),
    ],
)
def test_a_mac_is_normalized_to_twelve_upper_case_digits(written: str, normalized: str) -> None:
    assert rules.mac_problem(written) is None
    assert rules.normalize_mac(written) == normalized
    assert rules.colon_mac(normalized).replace(":", "") == normalized


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("00005E0053B", "not 12 hexadecimal digits"),
        ("00005E0053B4A", "not 12 hexadecimal digits"),
        ("00005E0053BG", "not 12 hexadecimal digits"),
        ("", "not 12 hexadecimal digits"),
        ("FFFFFFFFFFFF", "broadcast"),
        ("01005E0000FB", "multicast"),  # an IPv4 multicast MAC: the first octet's low bit
        ("333300000001", "multicast"),  # IPv6 multicast
        ("000000000000", "zero"),
    ],
)
def test_a_mac_must_be_a_unicast_address(written: str, why: str) -> None:
    problem = rules.mac_problem(written)

    assert problem is not None
    assert problem.code is Codes.MAC_INVALID
    assert problem.field == "mac"
    assert why in problem.description


def test_validate_macs_names_each_state_in_order() -> None:
    statuses = rules.mac_statuses(
        ["aa125678cdef", "00005E0053B4", "AA:12:56:78:CD:EF", "nonsense", "02005E0053B4"],
        taken={"00005E0053B4"},
    )

    assert [s.state for s in statuses] == [
        "AVAILABLE",
        "UNAVAILABLE",
        "DUPLICATE_IN_LIST",
        "INVALID",
        "AVAILABLE",
    ]
    assert statuses[1].problem is not None
    assert statuses[1].problem.code is Codes.MAC_TAKEN


@pytest.mark.parametrize(
    ("person", "workspace", "ok"),
    [("p", None, True), (None, "w", True), ("p", "w", False), (None, None, False)],
)
def test_a_device_has_exactly_one_owner(
    person: str | None, workspace: str | None, ok: bool
) -> None:
    problems = rules.owner_problems(person, workspace)

    assert (problems == []) is ok
    assert all(p.code is Codes.DEVICE_OWNER_INVALID for p in problems)


def test_the_catalog_covers_every_management_with_line_ports() -> None:
    catalog = device_catalog()

    for management in Management:
        assert catalog.by_management(management), management
    assert all(m.line_ports >= 1 for m in catalog.models)
    assert len({m.model for m in catalog.models}) == len(catalog.models)
    assert catalog.find("Cisco 8811") is catalog.find("DMS Cisco 8811")  # display name works
    assert catalog.find("DMS Cisco 8811").line_ports == 10  # type: ignore[union-attr]
    assert catalog.find("Cisco 9999") is None


def test_models_by_owner_kind_onboarding_and_third_party_option() -> None:
    catalog = device_catalog()
    vendor = catalog.find("DMS Cisco 8811")
    third_party = catalog.find("DMS Polycom EE400")
    paging = catalog.find("Algo Paging Customer Managed")
    assert vendor
    assert third_party
    assert paging

    assert (
        rules.model_problems(
            vendor, owner_kind=rules.PEOPLE, third_party_enabled=False, onboarding="MAC_ADDRESS"
        )
        == []
    )
    refused = rules.model_problems(
        third_party, owner_kind=rules.PEOPLE, third_party_enabled=False, onboarding="MAC_ADDRESS"
    )
    assert [p.code for p in refused] == [Codes.THIRD_PARTY_DEVICES_DISABLED]
    assert (
        rules.model_problems(
            third_party, owner_kind=rules.PEOPLE, third_party_enabled=True, onboarding="MAC_ADDRESS"
        )
        == []
    )
    by_code = rules.model_problems(
        third_party, owner_kind=rules.PEOPLE, third_party_enabled=True, onboarding="ACTIVATION_CODE"
    )
    assert [p.code for p in by_code] == [Codes.DEVICE_MODEL_NOT_FOR_OWNER]
    pager_for_person = rules.model_problems(
        paging, owner_kind=rules.PEOPLE, third_party_enabled=False, onboarding="MAC_ADDRESS"
    )
    assert [p.code for p in pager_for_person] == [Codes.DEVICE_MODEL_NOT_FOR_OWNER]


def test_line_ports_and_the_owner_limit() -> None:
    ata = device_catalog().find("DMS Cisco 191")
    assert ata is not None
    assert ata.line_ports == 2

    assert rules.line_port_problems(ata, 2) == []
    assert [p.code for p in rules.line_port_problems(ata, 3)] == [Codes.DEVICE_MODEL_NOT_FOR_OWNER]
    assert rules.limit_problems(rules.MAX_DEVICES_PER_OWNER - 1) == []
    assert [p.code for p in rules.limit_problems(rules.MAX_DEVICES_PER_OWNER)] == [
        Codes.DEVICE_LIMIT_REACHED
    ]


def test_only_customer_managed_devices_get_sip_credentials_and_passwords_are_third_partys() -> None:
    catalog = device_catalog()
    vendor, generic = catalog.find("DMS Cisco 8851"), catalog.find("2N Customer Managed")
    partner = catalog.find("Partner Managed SIP Device")
    assert vendor
    assert generic
    assert partner

    assert rules.has_sip_credentials(generic)
    assert not rules.has_sip_credentials(vendor)
    assert not rules.has_sip_credentials(partner)
    assert rules.password_problems(generic, None) == []
    assert rules.password_problems(generic, "Str0ng-Passw0rd!") == []
    for bad in ("short", "has a space in it", "x" * 65):
        assert [p.field for p in rules.password_problems(generic, bad)] == ["password"]
    assert [p.code for p in rules.password_problems(vendor, "Str0ng-Passw0rd!")] == [
        Codes.SIP_PASSWORD_INVALID
    ]


def test_an_activation_code_is_kept_as_a_keyed_hash_and_expires_on_the_clock() -> None:
    clock = ManualClock(START)
    expires = rules.code_expiry(clock.now(), 168)
    hashed = rules.code_hash("1234567890123456", "key")

    assert expires == START + timedelta(days=7)
    assert "1234567890123456" not in hashed
    assert len(hashed) == 64
    assert rules.code_hash("1234-5678-9012-3456", "key") == hashed  # typed with dashes
    assert rules.code_hash("1234567890123456", "other key") != hashed
    assert rules.code_problem(expires, None, clock.now()) is None
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert rules.code_problem(expires, None, clock.now()) is None
    clock.advance(timedelta(seconds=1))
    expired = rules.code_problem(expires, None, clock.now())
    assert expired is not None
    assert expired.code is Codes.ACTIVATION_CODE_EXPIRED
    used = rules.code_problem(expires, START, START)
    assert used is not None
    assert used.code is Codes.ACTIVATION_CODE_USED
