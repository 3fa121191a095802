"""`tukku migrate broadworks ...` as an operator runs it: output, `--json` and exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tests.broadworks.conftest import ACME, FIXTURES
from tukku.cli.main import app

runner = CliRunner()
OCIP_ACME = Path(__file__).parent / "ocip" / "acme"
CONFIG = FIXTURES / "acme.toml"


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


def test_a_folder_of_oci_p_exchanges_is_converted_validated_and_planned(tmp_path: Path) -> None:
    written = tmp_path / "acme.json"
    converted = runner.invoke(
        app, ["migrate", "broadworks", "convert", str(OCIP_ACME), "--out", str(written)]
    )
    validated = runner.invoke(app, ["migrate", "broadworks", "validate", str(OCIP_ACME)])
    planned_from_json = runner.invoke(
        app,
        [
            "migrate",
            "broadworks",
            "plan",
            str(written),
            "--config",
            str(CONFIG),
            "--out",
            str(tmp_path / "from-json"),
        ],
    )
    planned_from_folder = runner.invoke(
        app,
        [
            "migrate",
            "broadworks",
            "plan",
            str(OCIP_ACME),
            "--config",
            str(CONFIG),
            "--out",
            str(tmp_path / "from-folder"),
        ],
    )

    assert converted.exit_code == 0, converted.output
    assert validated.exit_code == 0, validated.output
    assert json.loads(written.read_text())["groups"] == json.loads(ACME.read_text())["groups"]
    assert planned_from_json.exit_code == planned_from_folder.exit_code
    assert (tmp_path / "from-json" / "plan.json").read_text() == (
        tmp_path / "from-folder" / "plan.json"
    ).read_text()


def test_a_folder_with_an_error_answer_is_refused_naming_the_exchange(tmp_path: Path) -> None:
    (tmp_path / "01.request.xml").write_text(
        '<BroadsoftDocument><command xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:type="UserGetRequest23V2"><userId>x@y</userId></command></BroadsoftDocument>'
    )
    (tmp_path / "01.response.xml").write_text(
        '<BroadsoftDocument><command xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:type="c:ErrorResponse"><summary>User not found</summary></command>'
        "</BroadsoftDocument>"
    )

    result = runner.invoke(
        app, ["migrate", "broadworks", "convert", str(tmp_path), "--out", str(tmp_path / "x.json")]
    )

    assert result.exit_code == 1
    assert "01.response.xml#command[1]: the server answered an error: User not found" in (
        result.output
    )
    assert not (tmp_path / "x.json").exists()


def test_validate_of_a_missing_file_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["migrate", "broadworks", "validate", str(tmp_path / "no.json")])

    assert result.exit_code == 1
    assert "cannot read" in result.output


def plan_args(out: Path, *extra: str) -> list[str]:
    return [
        "migrate",
        "broadworks",
        "plan",
        str(ACME),
        "--config",
        str(ACME.parent / "acme.toml"),
        "--out",
        str(out),
        *extra,
    ]


def test_plan_writes_plan_and_report_and_exits_3_when_blocked(tmp_path: Path) -> None:
    result = runner.invoke(app, plan_args(tmp_path / "out"))

    assert result.exit_code == 3
    assert "blocked: user carol@acme.example" in result.output
    written = json.loads((tmp_path / "out" / "plan.json").read_text())
    assert written["format"] == "tukku-bw-plan/1"
    assert written["ready"] is False
    assert written["operations"][0]["id"] == "customer"
    assert written["operations"][0]["request"]["path"] == "/v1/wholesale/customers"
    report = (tmp_path / "out" / "report.md").read_text()
    assert "## Blocked: fix these first" in report
    assert "## What users will notice" in report


def test_plan_report_csv_is_spreadsheet_safe(tmp_path: Path) -> None:
    runner.invoke(app, plan_args(tmp_path))

    with (tmp_path / "report.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["category", "subject", "operation", "detail"]
    assert rows[1][:3] == ["created", "serviceProvider acme_ent", "customer"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_plan_exits_0_when_nothing_blocks(tmp_path: Path) -> None:
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"provisioning_id": "p", "email_strategy": "skip-user"}))
    args = plan_args(tmp_path / "out", "--json")
    args[args.index("--config") + 1] = str(config)

    result = runner.invoke(app, args)

    assert result.exit_code == 0
    out = json.loads(result.output)
    assert out["ready"] is True
    assert out["summary"]["users"] == 4


def test_plan_with_a_bad_config_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('provisioning_id = "p"\n[locations.acme_nowhere]\n')
    args = plan_args(tmp_path / "out")
    args[args.index("--config") + 1] = str(config)

    result = runner.invoke(app, args)

    assert result.exit_code == 1
    assert "$.locations.acme_nowhere: no group 'acme_nowhere' in the extract" in result.output
    assert not (tmp_path / "out").exists()


def test_the_schema_command_prints_the_published_file() -> None:
    result = runner.invoke(app, ["docs", "bw-extract-schema"])

    assert result.output == (ACME.parents[3] / "docs" / "bw-extract-1.schema.json").read_text()
