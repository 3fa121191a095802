"""Synthetic enterprises: every document is a valid `bw-extract/1` extract of the asked shape, the
same seed gives the same document, prefixes keep enterprises apart, 10,000 users take well under
two seconds, and `tukku migrate broadworks synthesize` writes a file `plan` takes."""

from __future__ import annotations

import json
import re
import time
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tukku.broadworks.config import parse_config
from tukku.broadworks.extract import parse_extract
from tukku.broadworks.numbers import expand
from tukku.broadworks.plan import check_config
from tukku.broadworks.synthetic import (
    EnterpriseSpec,
    config_for,
    config_toml,
    synthesize,
)
from tukku.cli.main import app

runner = CliRunner()
SHAPE = EnterpriseSpec(
    users=60,
    groups=3,
    numbers=90,
    devices=30,
    hunt_groups=2,
    call_centers=2,
    auto_attendants=2,
    meetings_only=4,
    missing_email_share=0.1,
    extension_clashes=5,
    unsupported_devices=4,
    range_size=7,
)


def users_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [u for g in doc["groups"] for u in g["users"]]


def devices_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for g in doc["groups"] for d in g["accessDevices"]]


def all_numbers(doc: dict[str, Any]) -> list[str]:
    return [
        n
        for g in doc["groups"]
        for row in g["dnAssignments"]
        for n in expand(row["phoneNumber"], "1")
    ]


@pytest.mark.parametrize(
    "spec",
    [
        SHAPE,
        EnterpriseSpec(users=0, groups=1, numbers=0, devices=0, hunt_groups=0),
        EnterpriseSpec(users=3, groups=5, numbers=2, devices=3, auto_attendants=4),
        EnterpriseSpec(users=10, groups=2, numbers=500, devices=0, national_share=1.0),
    ],
)
def test_every_shape_is_a_valid_extract(spec: EnterpriseSpec) -> None:
    extract = parse_extract(json.dumps(synthesize(spec, seed=7)))

    assert len(extract.groups) == spec.groups
    assert sum(len(g.users) for g in extract.groups) == spec.users


def test_the_document_has_the_asked_counts() -> None:
    doc = synthesize(SHAPE, seed=3)
    groups = doc["groups"]
    config = config_for(SHAPE)

    assert sum(len(g["huntGroups"]) for g in groups) == 2
    assert sum(len(g["callCenters"]) for g in groups) == 2
    assert sum(len(g["autoAttendants"]) for g in groups) == 2
    assert len(devices_of(doc)) == 30
    assert sum(d["deviceType"] not in config["device_models"] for d in devices_of(doc)) == 4
    assert sum("emailAddress" not in u for u in users_of(doc)) == 6  # 10 % of 60
    assert sum("extension" not in u for u in users_of(doc)) == 4
    numbers = all_numbers(doc)
    assert len(numbers) == len(set(numbers)) == 90
    sp_numbers = [n for dn in doc["serviceProvider"]["dns"] for n in expand(dn, "1")]
    assert sorted(sp_numbers) == sorted(numbers)


def test_numbers_come_as_ranges_as_plus_numbers_and_as_national_numbers() -> None:
    rows = [
        r["phoneNumber"] for g in synthesize(SHAPE, seed=3)["groups"] for r in g["dnAssignments"]
    ]

    ranges = [r for r in rows if " - " in r]
    assert ranges
    assert all(re.fullmatch(r"\+1-\d{10} - \+1-\d{10}", r) for r in ranges)
    assert all(len(expand(r, None)) <= 7 for r in ranges)
    assert any(re.fullmatch(r"\d{10}", r) for r in rows)
    assert any(re.fullmatch(r"\+1-\d{10}", r) for r in rows)


def test_clashing_extensions_are_each_shared_by_one_user_of_the_first_group_and_one_other() -> None:
    doc = synthesize(SHAPE, seed=11)
    first, *others = doc["groups"]
    first_extensions = {u["extension"] for u in first["users"] if "extension" in u}

    reused = Counter(
        u["extension"] for g in others for u in g["users"] if u.get("extension") in first_extensions
    )

    assert len(reused) == 5
    assert set(reused.values()) == {1}


def test_the_same_seed_gives_the_same_document_and_another_seed_another() -> None:
    assert synthesize(SHAPE, seed=5) == synthesize(SHAPE, seed=5)
    assert synthesize(SHAPE, seed=5) != synthesize(SHAPE, seed=6)


def identities(doc: dict[str, Any]) -> set[str]:
    sp = doc["serviceProvider"]
    found = {sp["serviceProviderId"], sp["serviceProviderExternalId"], sp["supportEmail"]}
    for group in doc["groups"]:
        found |= {group["groupId"], group["groupExternalId"]}
        for user in group["users"]:
            found |= {user["userId"], user["userExternalId"], user.get("emailAddress", "")}
        found |= {d["macAddress"] for d in group["accessDevices"]}
        features = group["huntGroups"] + group["callCenters"] + group["autoAttendants"]
        found |= {f["serviceUserId"] for f in features}
    return (found - {""}) | set(all_numbers(doc))


def test_enterprises_with_different_prefixes_share_nothing_whatever_their_seeds() -> None:
    one = synthesize(EnterpriseSpec(**{**SHAPE.__dict__, "prefix": 1}), seed=1)
    two = synthesize(EnterpriseSpec(**{**SHAPE.__dict__, "prefix": 2}), seed=1)
    far = synthesize(EnterpriseSpec(**{**SHAPE.__dict__, "prefix": 799}), seed=9)

    assert not identities(one) & identities(two)
    assert not identities(one) & identities(far)
    assert (
        config_for(EnterpriseSpec(prefix=1))["email_strategy"]
        != (config_for(EnterpriseSpec(prefix=2))["email_strategy"])
    )


def test_ten_thousand_users_are_made_in_under_two_seconds() -> None:
    spec = EnterpriseSpec(
        users=10_000,
        groups=50,
        numbers=10_000,
        devices=5_000,
        hunt_groups=50,
        call_centers=20,
        auto_attendants=10,
        missing_email_share=0.05,
        extension_clashes=100,
        unsupported_devices=250,
    )

    started = time.process_time()
    doc = synthesize(spec, seed=1)
    took = time.process_time() - started

    assert took < 2.0
    assert len(users_of(doc)) == 10_000
    assert len(all_numbers(doc)) == 10_000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"groups": 0}, "groups"),
        ({"devices": 30, "users": 20}, "devices"),
        ({"unsupported_devices": 11}, "unsupported_devices"),
        ({"missing_email_share": 1.5}, "missing_email_share"),
        ({"extension_clashes": 11}, "extension_clashes"),
        ({"meetings_only": 21}, "meetings_only"),
        ({"prefix": 800}, "prefix"),
        ({"range_size": 0}, "range_size"),
        ({"numbers": -1}, "numbers"),
    ],
)
def test_an_impossible_shape_is_refused_naming_the_field(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        EnterpriseSpec(**{"users": 20, "groups": 2, "devices": 10, **changes})


def test_the_configuration_is_valid_for_its_enterprise_as_json_and_as_toml() -> None:
    extract = parse_extract(json.dumps(synthesize(SHAPE, seed=2)))
    config = config_for(SHAPE)

    from_json = parse_config(json.dumps(config), "json")
    from_toml = parse_config(config_toml(config), "toml")

    assert from_json == from_toml
    assert tomllib.loads(config_toml(config)) == config
    assert check_config(extract, from_toml) == []


def synthesize_args(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "migrate",
        "broadworks",
        "synthesize",
        "--users",
        "40",
        "--groups",
        "3",
        "--numbers",
        "50",
        "--devices",
        "20",
        "--extension-clashes",
        "4",
        "--missing-email-share",
        "0.2",
        "--unsupported-devices",
        "3",
        "--seed",
        "8",
        "--out",
        str(tmp_path / "enterprise.json"),
        *extra,
    ]


def test_the_command_writes_an_enterprise_and_configuration_that_plan_without_blockers(
    tmp_path: Path,
) -> None:
    made = runner.invoke(
        app, synthesize_args(tmp_path, "--config-out", str(tmp_path / "partner.toml"))
    )
    planned = runner.invoke(
        app,
        [
            "migrate",
            "broadworks",
            "plan",
            str(tmp_path / "enterprise.json"),
            "--config",
            str(tmp_path / "partner.toml"),
            "--out",
            str(tmp_path / "plan"),
            "--json",
        ],
    )

    assert made.exit_code == 0, made.output
    assert "syn0 with 3 groups, 40 users, 50 numbers and 20 devices (seed 8)" in made.output
    assert planned.exit_code == 0, planned.output
    summary = json.loads(planned.output)
    assert summary["ready"] is True
    assert summary["summary"]["users"] == 40
    assert summary["summary"]["devices"] == 17


def test_the_command_gives_the_same_file_for_the_same_seed_and_a_json_summary(
    tmp_path: Path,
) -> None:
    first = runner.invoke(app, synthesize_args(tmp_path, "--json"))
    kept = (tmp_path / "enterprise.json").read_text()
    second = runner.invoke(app, synthesize_args(tmp_path, "--config-out", str(tmp_path / "c.json")))

    assert first.exit_code == second.exit_code == 0
    assert json.loads(first.output)["summary"]["users"] == 40
    assert (tmp_path / "enterprise.json").read_text() == kept
    assert json.loads((tmp_path / "c.json").read_text())["provisioning_id"] == "tmpl-syn-0"


def test_the_command_refuses_an_impossible_shape_with_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, synthesize_args(tmp_path, "--devices", "41"))

    assert result.exit_code == 2
    assert "devices" in result.output
    assert not (tmp_path / "enterprise.json").exists()
