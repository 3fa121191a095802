"""Each transform of the plan on its own: E.164, DN ranges, extension conflicts, seconds to
rings, package choice, e-mail strategies, unsupported phones."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tukku.broadworks.config import Config, PackageRules
from tukku.broadworks.extract import Extract, ServicePack, User
from tukku.broadworks.numbers import expand, seconds_to_rings, to_e164
from tukku.broadworks.plan import build_plan
from tukku.broadworks.rules import (
    ExtensionClaim,
    choose_email,
    choose_package,
    customer_packages,
    resolve_extensions,
    weights_to_100,
)

PACKS = [
    ServicePack(servicePackName="Voice", services=["Voice Messaging User", "Call Waiting"]),
    ServicePack(servicePackName="UC", services=["Integrated IMP", "Client License 17"]),
]


def user(**fields: Any) -> User:
    base: dict[str, Any] = {
        "userId": "u@x.example",
        "firstName": "U",
        "lastName": "X",
        "countryCode": "1",
        "phoneNumber": "2025550101",
    }
    return User.model_validate_json(json.dumps({**base, **fields}))


@pytest.mark.parametrize(
    ("number", "country", "prefix", "expected"),
    [
        ("+1-2025550100", None, None, "+12025550100"),
        ("2025550101", "1", None, "+12025550101"),
        ("02079460000", "44", "0", "+442079460000"),
        ("+44 (20) 7946-0000", None, None, "+442079460000"),
    ],
)
def test_numbers_become_e164(number: str, country: str, prefix: str, expected: str) -> None:
    assert to_e164(number, country, prefix) == expected


def test_a_national_number_without_a_country_is_refused_with_advice() -> None:
    with pytest.raises(ValueError, match="country code is unknown"):
        to_e164("2025550101", None)


def test_a_dn_range_is_expanded_in_order() -> None:
    assert expand("+1-2025550108 - +1-2025550111", None) == [
        "+12025550108",
        "+12025550109",
        "+12025550110",
        "+12025550111",
    ]


def test_a_huge_range_is_refused() -> None:
    with pytest.raises(ValueError, match="more than"):
        expand("+1-2025500000 - +1-2025599999", None)


@pytest.mark.parametrize(
    ("seconds", "per_ring", "rings"),
    [(30, 6, 5), (33, 6, 6), (32, 6, 5), (6, 6, 2), (600, 6, 20), (20, 5, 4)],
)
def test_seconds_become_rings_within_2_to_20(seconds: int, per_ring: int, rings: int) -> None:
    assert seconds_to_rings(seconds, per_ring) == rings


def test_voice_only_users_get_webex_voice_uc_users_webex_calling() -> None:
    rules = PackageRules()

    assert choose_package(user(servicePacks=["Voice"]), PACKS, rules).package == "webex_voice"
    assert choose_package(user(servicePacks=["UC"]), PACKS, rules).package == "webex_calling"


def test_a_client_license_of_any_number_marks_a_uc_user() -> None:
    rules = PackageRules()

    assert choose_package(user(userServices=["Client License 4"]), PACKS, rules).package == (
        "webex_calling"
    )


def test_call_center_agents_get_cx_essentials_only_when_customer_assist_is_wanted() -> None:
    agent = user(servicePacks=["Voice"], userServices=["Call Center - Basic"])

    assert choose_package(agent, PACKS, PackageRules()).package == "cx_essentials"
    assert choose_package(agent, PACKS, PackageRules(customer_assist=False)).package == (
        "webex_voice"
    )


def test_a_user_with_nothing_to_call_with_gets_meetings() -> None:
    assert choose_package(user(phoneNumber=None), PACKS, PackageRules()).package == (
        "webex_meetings"
    )


def test_a_mapped_service_pack_wins_over_every_rule() -> None:
    rules = PackageRules(service_packs={"Voice": "webex_suite"})

    assert choose_package(user(servicePacks=["Voice"]), PACKS, rules).package == "webex_suite"


def test_standard_and_suite_are_partner_choices() -> None:
    rules = PackageRules(voice_package="webex_calling_standard", uc_package="webex_suite")

    assert choose_package(user(servicePacks=["Voice"]), PACKS, rules).package == (
        "webex_calling_standard"
    )
    assert choose_package(user(servicePacks=["UC"]), PACKS, rules).package == "webex_suite"


def test_customer_packages_are_the_union_and_what_they_need() -> None:
    assert customer_packages([], ["webex_voice", "webex_voice", "cx_essentials"]) == (
        ["webex_voice", "cx_essentials"],
        [],
    )
    assert customer_packages(["attendant_console"], ["webex_voice"]) == (
        ["attendant_console", "webex_voice", "webex_calling"],
        ["webex_calling"],
    )


@pytest.mark.parametrize(
    ("strategy", "email", "outcome"),
    [
        ("require", None, "blocked"),
        ("skip-user", None, "skipped"),
        ("synthesize:mail.acme.test", "carol@mail.acme.test", "synthesized"),
    ],
)
def test_email_strategies(strategy: str, email: str | None, outcome: str) -> None:
    config = Config(provisioning_id="p", email_strategy=strategy)

    choice = choose_email(user(userId="Carol@acme.example"), config)

    assert (choice.email, choice.outcome) == (email, outcome)


def test_an_existing_email_is_kept_whatever_the_strategy() -> None:
    config = Config(provisioning_id="p", email_strategy="synthesize:x.test")

    choice = choose_email(user(emailAddress="A.B@acme.example"), config)

    assert (choice.email, choice.outcome) == ("a.b@acme.example", "kept")


CLAIMS = [
    ExtensionClaim("user a", "hq", 1, "101", True),
    ExtensionClaim("user b", "br", 2, "101", True),
    ExtensionClaim("user c", "br", 2, "101", False),
]


def test_conflict_fail_blocks_later_holders() -> None:
    out = resolve_extensions(CLAIMS, "fail", "organization")

    assert (out["user a"].extension, out["user a"].blocked) == ("101", False)
    assert out["user b"].blocked is True
    assert out["user c"].blocked is True


def test_conflict_prefix_location_puts_the_location_number_in_front() -> None:
    out = resolve_extensions(CLAIMS[:2], "prefix-location", "organization")

    assert out["user b"].extension == "2101"
    assert out["user b"].blocked is False


def test_conflict_drop_extension_keeps_the_number_or_blocks_without_one() -> None:
    out = resolve_extensions(CLAIMS, "drop-extension", "organization")

    assert (out["user b"].extension, out["user b"].blocked) == (None, False)
    assert out["user c"].blocked is True


def test_per_location_scope_lets_locations_reuse_extensions() -> None:
    out = resolve_extensions(CLAIMS[:2], "fail", "location")

    assert out["user b"].extension == "101"


def test_an_extension_longer_than_ten_digits_is_dropped() -> None:
    out = resolve_extensions(
        [ExtensionClaim("user a", "hq", 1, "12345678901", True)], "fail", "location"
    )

    assert (out["user a"].extension, out["user a"].blocked) == (None, False)


def test_a_clash_in_the_example_is_resolved_in_the_plan(acme: dict[str, Any]) -> None:
    acme["groups"][1]["users"][0]["extension"] = "101"
    extract = Extract.model_validate_json(json.dumps(acme))
    config = Config(provisioning_id="p", extension_conflict_strategy="prefix-location")

    plan = build_plan(extract, config)

    params = plan.operation("subscriber/dave@acme.example").body["provisioningParameters"]
    assert params["extension"] == "2101"
    assert any(
        f.subject == "user dave@acme.example" and f.category == "notice" and "2101" in f.detail
        for f in plan.findings
    )


def test_synthesized_email_lets_carol_move_with_her_phone(acme: dict[str, Any]) -> None:
    extract = Extract.model_validate_json(json.dumps(acme))
    config = Config(
        provisioning_id="p",
        email_strategy="synthesize:acme.test",
        device_models={"Cisco MPP 7841": "DMS Cisco 7841"},
    )

    plan = build_plan(extract, config)

    carol = plan.operation("subscriber/carol@acme.example").body
    assert carol["email"] == "carol@acme.test"
    assert carol["packages"] == ["cx_essentials"]
    assert "primaryPhoneNumber" not in carol["provisioningParameters"]
    assert carol["provisioningParameters"]["extension"] == "103"
    assert plan.operation("device/A0B2C3D40003").body["model"] == "DMS Cisco 7841"
    assert plan.ready is True


def test_unsupported_phones_can_be_created_without_a_user(acme: dict[str, Any]) -> None:
    extract = Extract.model_validate_json(json.dumps(acme))
    config = Config(
        provisioning_id="p",
        unsupported_device_policy="create-unassigned",
        unassigned_device_model="Generic IPPhone Customer Managed",
    )

    plan = build_plan(extract, config)

    assert plan.operation("device/00AABB000121").body == {
        "mac": "00AABB000121",
        "model": "Generic IPPhone Customer Managed",
    }


def test_auto_attendant_submenus_are_reported_not_moved(acme: dict[str, Any]) -> None:
    acme["groups"][0]["autoAttendants"] = [
        {
            "serviceUserId": "aa@acme.example",
            "serviceInstanceProfile": {"name": "Main Menu"},
            "type": "Standard",
            "businessHoursMenu": {
                "keyConfiguration": [
                    {"key": "1", "entry": {"action": "Transfer To Submenu", "submenuId": "sales"}}
                ]
            },
            "submenus": [{"submenuId": "sales", "keyConfiguration": []}],
        }
    ]
    extract = Extract.model_validate_json(json.dumps(acme))

    plan = build_plan(extract, Config(provisioning_id="p"))

    details = [f.detail for f in plan.findings if f.subject == "auto attendant aa@acme.example"]
    assert any("submenu sales" in d for d in details)
    assert any("key 1 (Transfer To Submenu)" in d for d in details)


@given(st.lists(st.one_of(st.none(), st.integers(0, 10_000)), min_size=1, max_size=60))
def test_weights_scaled_to_100_add_up_to_100_and_keep_their_order(
    weights: list[int | None],
) -> None:
    scaled = weights_to_100(weights)

    assert sum(scaled) == 100
    assert all(0 <= w <= 100 for w in scaled)
    given_weights = [w or 0 for w in weights]
    if sum(given_weights):
        for a, b in itertools.combinations(range(len(weights)), 2):
            if given_weights[a] > given_weights[b]:
                assert scaled[a] >= scaled[b]


@pytest.mark.parametrize(
    ("weights", "scaled"),
    [
        ([50, 50], [50, 50]),
        ([1, 1, 2], [25, 25, 50]),
        ([None, None, None], [34, 33, 33]),
        ([0, 0], [50, 50]),
        ([30, 30, 30], [34, 33, 33]),
    ],
)
def test_weights_scaled_to_100_by_hand(weights: list[int | None], scaled: list[int]) -> None:
    assert weights_to_100(weights) == scaled
