"""The partner configuration: the example's file is read; every wrong field is named by path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.broadworks.conftest import FIXTURES
from tukku.broadworks.config import parse_config
from tukku.broadworks.inputs import load_config
from tukku.broadworks.problems import InputError


def paths_of(text: str, kind: str = "toml") -> list[str]:
    with pytest.raises(InputError) as raised:
        parse_config(text, kind)  # type: ignore[arg-type]
    return [p.path for p in raised.value.problems]


def test_the_example_configuration_is_read() -> None:
    config = load_config(FIXTURES / "acme.toml")

    assert config.provisioning_id == "tmpl-acme-001"
    assert config.device_models["Cisco MPP 8845"] == "DMS Cisco 8845"
    assert config.email_strategy == "require"
    assert config.synthesized_email_domain is None


def test_json_works_as_well_as_toml(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"provisioning_id": "p", "email_strategy": "synthesize:acme.test"}))

    config = load_config(path)

    assert config.synthesized_email_domain == "acme.test"


def test_only_the_provisioning_id_is_required() -> None:
    assert paths_of("") == ["$.provisioning_id"]


def test_every_wrong_field_is_named_by_path() -> None:
    text = """
provisioning_id = "p"
email_strategy = "invent"
extension_conflict_strategy = "shrug"
default_packages = ["webex_calling", "webex_pets"]
seconds_per_ring = 0
colour = "blue"
[package_rules.service_packs]
"Pack-UC" = "webex_deluxe"
[locations.acme_br]
main_number = "6175550120"
"""
    assert sorted(paths_of(text)) == [
        "$.colour",
        "$.default_packages[1]",
        "$.email_strategy",
        "$.extension_conflict_strategy",
        "$.locations.acme_br.main_number",
        "$.package_rules.service_packs.Pack-UC",
        "$.seconds_per_ring",
    ]


def test_create_unassigned_needs_a_model_for_the_phones() -> None:
    text = 'provisioning_id = "p"\nunsupported_device_policy = "create-unassigned"\n'

    assert paths_of(text) == ["$.unassigned_device_model"]


def test_a_wrong_type_is_refused_not_coerced() -> None:
    assert paths_of('{"provisioning_id": 12}', "json") == ["$.provisioning_id"]


def test_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("provisioning_id: p\n")

    with pytest.raises(InputError) as raised:
        load_config(path)

    assert "a .toml or a .json file" in raised.value.problems[0].message
