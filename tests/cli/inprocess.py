"""The `tukku` command run inside the test process, for tests of what a command prints and
changes: a separate process would pay the application's import again (tens of seconds on a
loaded machine). Tests of process behaviour (serving, signals, exit on a bad schema) start real
processes instead."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from tests.e2e.conftest import run_dir
from tukku.cli.main import app


def run_tukku(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `tukku ARGS` (in `cwd`, by default `run_dir()`), whatever its exit status; the result
    reads like a finished process's."""
    with contextlib.chdir(cwd or run_dir()):
        result = CliRunner().invoke(app, list(args), env=env, input=stdin)
    return subprocess.CompletedProcess(
        ["tukku", *args], result.exit_code, result.stdout, result.stderr
    )


def tukku(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: str | None = None
) -> str:
    """The output of `tukku ARGS`, which must succeed."""
    result = run_tukku(*args, env=env, cwd=cwd, stdin=stdin)
    assert result.returncode == 0, result.stderr or result.stdout
    return result.stdout
