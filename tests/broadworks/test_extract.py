"""The bw-extract/1 format: the notes' example is accepted; every problem of a broken extract is
named by its JSON path; the published JSON Schema is the one the model generates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.broadworks.conftest import ACME
from tukku.broadworks.extract import json_schema_text, parse_extract
from tukku.broadworks.problems import InputError

ROOT = Path(__file__).resolve().parents[2]


def problems_of(data: Any) -> list[str]:
    with pytest.raises(InputError) as raised:
        parse_extract(json.dumps(data))
    return [str(p) for p in raised.value.problems]


def test_the_notes_example_is_a_valid_extract() -> None:
    extract = parse_extract(ACME.read_text())

    assert extract.service_provider.service_provider_id == "acme_ent"
    assert [g.group_id for g in extract.groups] == ["acme_hq", "acme_br"]
    assert [u.user_id for u in extract.groups[0].users] == [
        "alice@acme.example",
        "bob@acme.example",
        "carol@acme.example",
    ]
    assert extract.groups[0].users[2].email_address is None


def test_every_schema_problem_is_reported_with_its_path(acme: dict[str, Any]) -> None:
    acme["groups"][1]["users"][1]["phoneNumber"] = 6175550121
    acme["groups"][0]["users"][0]["nickname"] = "Al"
    del acme["groups"][0]["groupName"]
    acme["groups"][0]["huntGroups"][0]["policy"] = "Random"
    acme["groups"][0]["accessDevices"][0]["macAddress"] = "A1:B2:C3:D4:00:01"

    problems = problems_of(acme)

    paths = [p.split(": ", 1)[0] for p in problems]
    assert "$.groups[1].users[1].phoneNumber" in paths
    assert "$.groups[0].users[0].nickname" in paths
    assert "$.groups[0].groupName" in paths
    assert "$.groups[0].huntGroups[0].policy" in paths
    assert "$.groups[0].accessDevices[0].macAddress" in paths
    assert len(problems) == 5


def test_an_unknown_field_is_refused_by_name(acme: dict[str, Any]) -> None:
    acme["serviceProvider"]["colour"] = "blue"

    assert problems_of(acme) == [
        "$.serviceProvider.colour: unknown field (bw-extract/1 refuses fields it does not define)"
    ]


def test_a_number_that_cannot_be_e164_is_named(acme: dict[str, Any]) -> None:
    acme["groups"][1]["dnAssignments"][0]["phoneNumber"] = "+0-6175550120"

    assert problems_of(acme) == [
        "$.groups[1].dnAssignments[0].phoneNumber: '+0-6175550120' is not an E.164 number"
    ]


def test_references_to_absent_users_packs_and_devices_are_named(acme: dict[str, Any]) -> None:
    acme["groups"][0]["huntGroups"][0]["agents"][2]["userId"] = "zed@acme.example"
    acme["groups"][1]["users"][0]["servicePacks"] = ["Pack-Gold"]
    acme["groups"][1]["users"][1]["accessDeviceEndpoint"]["deviceName"] = "br-missing"

    paths = [p.split(": ", 1)[0] for p in problems_of(acme)]

    assert paths == [
        "$.groups[0].huntGroups[0].agents[2].userId",
        "$.groups[1].users[0].servicePacks[0]",
        "$.groups[1].users[1].accessDeviceEndpoint.deviceName",
    ]


def test_duplicates_name_the_second_and_point_at_the_first(acme: dict[str, Any]) -> None:
    acme["groups"][1]["users"][0]["userId"] = "alice@acme.example"

    problems = problems_of(acme)

    assert any(
        p.startswith("$.groups[1].users[0].userId: duplicate user 'alice@acme.example'")
        and "$.groups[0].users[0].userId" in p
        for p in problems
    )


def test_a_backwards_range_is_refused(acme: dict[str, Any]) -> None:
    acme["serviceProvider"]["dns"].append("+1-2025550199 - +1-2025550190")

    assert problems_of(acme) == [
        "$.serviceProvider.dns[6]: range '+1-2025550199 - +1-2025550190': the first number is "
        "above the last"
    ]


def test_more_than_one_enterprise_is_refused_with_a_clear_error(acme: dict[str, Any]) -> None:
    problems = problems_of([acme, acme])

    assert len(problems) == 1
    assert problems[0].startswith("$: one enterprise per file: this file holds 2")


def test_a_partial_extract_is_refused(acme: dict[str, Any]) -> None:
    acme["source"]["partial"] = True

    assert [p.split(": ", 1)[0] for p in problems_of(acme)] == ["$.source.partial"]


def test_text_that_is_not_json_is_explained() -> None:
    with pytest.raises(InputError) as raised:
        parse_extract("{nope")

    assert str(raised.value.problems[0]).startswith("$: not JSON:")


def test_the_published_json_schema_is_the_generated_one() -> None:
    published = (ROOT / "docs" / "bw-extract-1.schema.json").read_text()

    assert published == json_schema_text()


def test_the_published_schema_refuses_unknown_fields_everywhere() -> None:
    schema = json.loads((ROOT / "docs" / "bw-extract-1.schema.json").read_text())

    objects = [schema, *schema["$defs"].values()]
    assert all(o.get("additionalProperties") is False for o in objects if "properties" in o)
