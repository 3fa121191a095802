"""Properties of the plan of any synthetic enterprise under any partner strategy (no server):
every user moves once or is named as staying behind, every reference points back, extensions
stay unique, numbers exist before anyone uses them, phones go only to users who move (unless
the policy says otherwise), and every number of the enterprise is added. The expectations come
from the enterprise's shape and the packs' meaning, never from the planner."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tukku.broadworks.config import parse_config
from tukku.broadworks.extract import parse_extract
from tukku.broadworks.plan import build_plan
from tukku.broadworks.synthetic import EnterpriseSpec, config_for, synthesize

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
REFERENCE = re.compile(r"\{\{([^}#]+)(?:#[A-Za-z]+)?\}\}")
LOCATION_IN_PATH = re.compile(r"^/v1/telephony/config/locations/(\{\{[^}]+\}\}|[^/]+)/")
# What each pack of the synthetic enterprise is sold as (notes §2.6): voice only, UC, a call
# center agent with Customer Assist, and the pack the partner maps by name.
PACKAGE_OF_PACK = {
    "Pack-Voice": "webex_voice",
    "Pack-UC": "webex_calling",
    "Pack-Agent": "cx_essentials",
    "Pack-Exec": "webex_suite",
}
STAYS = ("blocked", "not_moved")


@st.composite
def specs(draw: st.DrawFn) -> EnterpriseSpec:
    users = draw(st.integers(0, 30))
    meetings_only = draw(st.integers(0, min(3, users)))
    devices = draw(st.integers(0, users - meetings_only))
    shape = EnterpriseSpec(
        users=users,
        groups=draw(st.integers(1, 4)),
        numbers=draw(st.integers(0, 60)),
        devices=devices,
        hunt_groups=draw(st.integers(0, 3)),
        call_centers=draw(st.integers(0, 3)),
        auto_attendants=draw(st.integers(0, 2)),
        meetings_only=meetings_only,
        missing_email_share=draw(st.sampled_from([0.0, 0.1, 0.5])),
        unsupported_devices=draw(st.integers(0, devices)),
        national_share=draw(st.sampled_from([0.0, 0.5, 1.0])),
        range_size=draw(st.integers(1, 20)),
        prefix=draw(st.integers(0, 799)),
    )
    clashes = draw(st.integers(0, shape.clash_room))
    return dataclasses.replace(shape, extension_clashes=clashes)


@st.composite
def cases(draw: st.DrawFn) -> tuple[EnterpriseSpec, dict[str, Any], dict[str, Any]]:
    spec = draw(specs())
    config = config_for(spec)
    config["email_strategy"] = draw(
        st.sampled_from([config["email_strategy"], "require", "skip-user"])
    )
    config["extension_conflict_strategy"] = draw(
        st.sampled_from(["fail", "prefix-location", "drop-extension"])
    )
    config["extension_scope"] = draw(st.sampled_from(["organization", "location"]))
    config["unsupported_device_policy"] = draw(st.sampled_from(["skip", "create-unassigned"]))
    return spec, config, synthesize(spec, draw(st.integers(0, 2**32)))


def plan_of(config: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    extract = parse_extract(json.dumps(doc))
    return build_plan(extract, parse_config(json.dumps(config), "json")).to_json()


def users_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [u for g in doc["groups"] for u in g["users"]]


def subscribers(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["source"]["id"]: op for op in plan["operations"] if op["kind"] == "subscriber"}


def staying(plan: dict[str, Any]) -> set[str]:
    return {
        f["subject"].removeprefix("user ")
        for f in plan["findings"]
        if f["category"] in STAYS and f["subject"].startswith("user ")
    }


properties = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@properties
@given(cases())
def test_every_user_moves_once_or_is_named_as_staying(
    case: tuple[EnterpriseSpec, dict[str, Any], dict[str, Any]],
) -> None:
    spec, config, doc = case
    plan = plan_of(config, doc)
    moved = Counter(op["source"]["id"] for op in plan["operations"] if op["kind"] == "subscriber")
    ids = [u["userId"] for u in users_of(doc)]

    assert set(moved.values()) <= {1}
    assert set(moved) | staying(plan) == set(ids)
    assert not set(moved) & staying(plan)
    without_email = {u["userId"] for u in users_of(doc) if "emailAddress" not in u}
    assert len(without_email) == round(spec.users * spec.missing_email_share)
    if not config["email_strategy"].startswith("synthesize:"):
        assert without_email <= staying(plan)


def clashers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Users outside the first group with the extension of a first-group user."""
    first, *others = doc["groups"]
    taken = {u["extension"] for u in first["users"] if "extension" in u}
    return [u for g in others for u in g["users"] if u.get("extension") in taken]


@properties
@given(cases())
def test_with_made_up_e_mails_only_extension_clashes_keep_users_behind(
    case: tuple[EnterpriseSpec, dict[str, Any], dict[str, Any]],
) -> None:
    spec, config, doc = case
    config["email_strategy"] = config_for(spec)["email_strategy"]
    plan = plan_of(config, doc)
    clashing = clashers(doc)
    behind = {
        "fail": len(clashing),
        "drop-extension": sum("phoneNumber" not in u for u in clashing),
        "prefix-location": 0,
    }[config["extension_conflict_strategy"]]
    if config["extension_scope"] == "location":
        behind = 0

    assert len(clashing) == spec.extension_clashes
    assert len(subscribers(plan)) == spec.users - behind
    assert len(staying(plan)) == behind


@properties
@given(cases())
def test_each_user_gets_the_package_its_pack_is_sold_as(
    case: tuple[EnterpriseSpec, dict[str, Any], dict[str, Any]],
) -> None:
    _, config, doc = case
    plan = plan_of(config, doc)
    moved = subscribers(plan)

    for user in users_of(doc):
        if user["userId"] in moved:
            packs = user["servicePacks"]
            expected = PACKAGE_OF_PACK[packs[0]] if packs else "webex_meetings"
            assert moved[user["userId"]]["request"]["body"]["packages"] == [expected]


@properties
@given(cases())
def test_every_reference_names_an_earlier_operation(
    case: tuple[EnterpriseSpec, dict[str, Any], dict[str, Any]],
) -> None:
    _, config, doc = case
    seen: set[str] = set()

    for op in plan_of(config, doc)["operations"]:
        referred = set(REFERENCE.findall(json.dumps(op["request"])))
        assert referred <= seen, op["id"]
        assert set(op["dependsOn"]) <= seen, op["id"]
        seen.add(op["id"])


def location_of(op: dict[str, Any]) -> str:
    """The location an operation acts in: its locationId, or the location in its path."""
    params = op["request"]["body"].get("provisioningParameters", {})
    if "locationId" in params:
        return str(params["locationId"])
    found = LOCATION_IN_PATH.match(op["request"]["path"])
    assert found is not None, op["id"]
    return found[1]


@properties
@given(cases())
def test_extensions_are_unique_within_the_configured_scope(
    case: tuple[EnterpriseSpec, dict[str, Any], dict[str, Any]],
) -> None:
    _, config, doc = case
    claimed: list[tuple[str, str]] = []

    for op in plan_of(config, doc)["operations"]:
        body = op["request"]["body"]
        extension = body.get("extension") or body.get("provisioningParameters", {}).get("extension")
        if extension:
            scope = location_of(op) if config["extension_scope"] == "location" else ""
            claimed.append((scope, extension))

    assert len(claimed) == len(set(claimed))


def numbers_in(body: dict[str, Any]) -> list[str]:
    """Every phone number a subscriber or feature request names."""
    found: list[str] = []
    for key, value in body.items():
        if key in ("phoneNumber", "primaryPhoneNumber", "destination"):
            found.append(value)
        elif isinstance(value, dict):
            found += numbers_in(value)
    return found


@properties
@given(cases())
def test_every_number_used_is_e164_and_added_at_its_location_before(
    case: tuple[EnterpriseSpec, dict[str, Any], dict[str, Any]],
) -> None:
    _, config, doc = case
    added: dict[str, set[str]] = {}

    for op in plan_of(config, doc)["operations"]:
        body = op["request"]["body"]
        if op["kind"] == "numbers":
            added.setdefault(location_of(op), set()).update(body["phoneNumbers"])
        elif op["phase"] in ("users", "features"):
            for number in numbers_in(body):
                assert E164.match(number), (op["id"], number)
                assert number in added.get(location_of(op), set()), (op["id"], number)


@properties
@given(cases())
def test_every_number_of_the_enterprise_is_added_once(
    case: tuple[EnterpriseSpec, dict[str, Any], dict[str, Any]],
) -> None:
    spec, config, doc = case

    added = [
        number
        for op in plan_of(config, doc)["operations"]
        if op["kind"] == "numbers"
        for number in op["request"]["body"]["phoneNumbers"]
    ]

    assert len(added) == len(set(added)) == spec.numbers


@properties
@given(cases())
def test_phones_go_only_to_users_who_move_unless_the_policy_creates_them_unassigned(
    case: tuple[EnterpriseSpec, dict[str, Any], dict[str, Any]],
) -> None:
    spec, config, doc = case
    plan = plan_of(config, doc)
    moved = subscribers(plan)
    devices = {d["macAddress"]: d for g in doc["groups"] for d in g["accessDevices"]}
    created = [op for op in plan["operations"] if op["kind"] == "device"]

    for op in created:
        body = op["request"]["body"]
        device = devices[body["mac"]]
        owner = device["lines"][0]["userId"]
        if device["deviceType"] in config["device_models"]:
            assert body["model"] == config["device_models"][device["deviceType"]]
            assert owner in moved
            assert body["personId"] == f"{{{{subscriber/{owner}#personId}}}}"
        else:
            assert config["unsupported_device_policy"] == "create-unassigned"
            assert body["model"] == config["unassigned_device_model"]
            assert "personId" not in body
    supported_of_movers = [
        d
        for d in devices.values()
        if d["deviceType"] in config["device_models"] and d["lines"][0]["userId"] in moved
    ]
    unassigned = (
        spec.unsupported_devices
        if config["unsupported_device_policy"] == "create-unassigned"
        else 0
    )
    assert len(created) == len(supported_of_movers) + unassigned


QUEUE_PACKAGES = {"webex_calling", "webex_suite", "cx_essentials"}  # Professional and above


@properties
@given(cases())
def test_queue_agents_hold_a_package_that_answers_queues_and_weights_add_up_to_100(
    case: tuple[EnterpriseSpec, dict[str, Any], dict[str, Any]],
) -> None:
    _, config, doc = case
    plan = plan_of(config, doc)
    package_of = {
        "{{" + op["id"] + "#personId}}": op["request"]["body"]["packages"][0]
        for op in plan["operations"]
        if op["kind"] == "subscriber"
    }

    for op in plan["operations"]:
        agents = op["request"]["body"].get("agents", [])
        if op["kind"] == "callQueue":
            assert {package_of[a["id"]] for a in agents} <= QUEUE_PACKAGES
        if op["kind"] in ("callQueue", "huntGroup") and agents:
            if op["request"]["body"]["callPolicies"]["policy"] == "WEIGHTED":
                assert sum(a["weight"] for a in agents) == 100
            else:
                assert all("weight" not in a for a in agents)
