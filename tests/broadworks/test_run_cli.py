"""`run`, `rollback` and `devices` refuse to start, with exit code 1 and a reason, when the
migration cannot be carried out as asked: no plan, a blocked plan, or a state that belongs to
another deployment. Nothing is sent (no server listens at these URLs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.broadworks.conftest import ACME, FIXTURES
from tukku.broadworks.state import STATE_FILE, StateFile
from tukku.cli.main import app

runner = CliRunner()
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing answers


def migrate(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(
        app, ["migrate", "broadworks", *args, "--json"], env={"TUKKU_TOKEN": "tku_x"}
    )
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def planned(tmp_path: Path) -> Path:
    out = tmp_path / "plan"
    code, _ = migrate("plan", str(ACME), "--config", str(FIXTURES / "acme.toml"), "--out", str(out))
    assert code == 3  # blocked: carol has no e-mail
    return out


def test_no_plan_in_the_folder(tmp_path: Path) -> None:
    code, out = migrate("run", str(tmp_path), "--url", NOWHERE)

    assert (code, out["ok"]) == (1, False)
    assert "no plan here" in out["error"]


def test_a_blocked_plan_runs_only_when_asked(planned: Path) -> None:
    code, out = migrate("run", str(planned), "--url", NOWHERE)

    assert code == 1
    assert "the plan is blocked" in out["error"]
    assert (
        not (planned / STATE_FILE).exists()
        or StateFile(planned / STATE_FILE).meta("target") is None
    )


def test_the_state_of_one_deployment_is_not_used_against_another(planned: Path) -> None:
    StateFile(planned / STATE_FILE).set_meta("target", "http://tukku-a.example")

    for command in (
        ("run", str(planned), "--url", NOWHERE, "--allow-blocked"),
        ("rollback", str(planned), "--url", NOWHERE, "--yes"),
        ("devices", str(planned), "--url", NOWHERE, "--move"),
    ):
        code, out = migrate(*command)
        assert code == 1, command
        assert "belongs to http://tukku-a.example" in out["error"]


def test_nothing_to_roll_back_or_cut_over_before_a_run(planned: Path) -> None:
    for command in (
        ("rollback", str(planned), "--url", NOWHERE, "--yes"),
        ("devices", str(planned), "--url", NOWHERE, "--move"),
    ):
        code, out = migrate(*command)
        assert (code, out["error"]) == (1, "nothing to do: this plan never ran"), command


def test_an_unreachable_deployment_stops_the_run_before_anything(planned: Path) -> None:
    code, out = migrate("run", str(planned), "--url", NOWHERE, "--allow-blocked")

    assert code == 1
    assert "no answer" in out["error"]
    assert StateFile(planned / STATE_FILE).meta("target") is None
