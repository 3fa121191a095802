"""`tukku migrate broadworks ...` as an operator runs it: output, `--json` and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tests.broadworks.conftest import ACME
from tukku.cli.main import app

runner = CliRunner()


def test_validate_accepts_the_notes_example_with_exit_code_0() -> None:
    result = runner.invoke(app, ["migrate", "broadworks", "validate", str(ACME)])

    assert result.exit_code == 0
    assert "valid bw-extract/1 extract of acme_ent" in result.output
    assert "5 users" in result.output


def test_validate_json_summarises_a_valid_extract() -> None:
    result = runner.invoke(app, ["migrate", "broadworks", "validate", str(ACME), "--json"])

    out = json.loads(result.output)
    assert out["valid"] is True
    assert out["problems"] == []
    assert out["summary"]["users"] == 5
    assert out["summary"]["devices"] == 4


def test_validate_lists_every_problem_and_exits_1(acme: dict[str, Any], tmp_path: Path) -> None:
    acme["groups"][0]["users"][2]["extension"] = "1"
    acme["groups"][1]["accessDevices"][0]["lines"][0]["userId"] = "nobody@acme.example"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(acme))

    result = runner.invoke(app, ["migrate", "broadworks", "validate", str(broken), "--json"])

    assert result.exit_code == 1
    out = json.loads(result.output)
    assert out["valid"] is False
    assert [p["path"] for p in out["problems"]] == ["$.groups[0].users[2].extension"]


def test_validate_reports_reference_problems_in_text(acme: dict[str, Any], tmp_path: Path) -> None:
    acme["groups"][1]["accessDevices"][0]["lines"][0]["userId"] = "nobody@acme.example"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(acme))

    result = runner.invoke(app, ["migrate", "broadworks", "validate", str(broken)])

    assert result.exit_code == 1
    assert (
        "$.groups[1].accessDevices[0].lines[0].userId: no user 'nobody@acme.example' in the "
        "extract" in result.output
    )


def test_validate_refuses_a_folder_for_now(tmp_path: Path) -> None:
    result = runner.invoke(app, ["migrate", "broadworks", "validate", str(tmp_path)])

    assert result.exit_code == 1
    assert "OCI-P XML is not supported yet" in result.output


def test_validate_of_a_missing_file_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["migrate", "broadworks", "validate", str(tmp_path / "no.json")])

    assert result.exit_code == 1
    assert "cannot read" in result.output
