"""Job kinds: declared once, handled once, found by the worker without loading the API."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import tukku.worker
from tukku.jobs import registry
from tukku.jobs.registry import JobContext, JobKind

SRC = Path(__file__).resolve().parents[2] / "src" / "tukku"


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=cwd
    )


def _platform_kinds() -> list[str]:
    """The kinds tukku itself declares (the suite's modules declare `test.` ones too)."""
    assert tukku.worker.TASK_MODULES
    return sorted(k.name for k in registry.kinds() if not k.name.startswith("test."))


def test_the_worker_command_loads_every_handler_but_not_the_api(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import tukku.cli.main\n"  # all that `tukku worker` imports before it runs
        "from tukku.jobs import registry\n"
        "print(sorted(m for m in ('tukku.app', 'fastapi', 'starlette') if m in sys.modules))\n"
        "print(registry.unhandled())\n"
        "print(sorted(k.name for k in registry.kinds()))\n"
    )

    result = _python(code, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", "[]", str(_platform_kinds())]


def test_the_worker_command_knows_what_holds_customers_packages(tmp_path: Path) -> None:
    """Removing a customer's package asks its holders first; `tukku worker` runs those jobs
    without the API, so it must know the holders too (else every such job fails)."""
    code = (
        "import tukku.cli.main\n"  # all that `tukku worker` imports before it runs
        "from sqlalchemy import create_engine\n"
        "from sqlalchemy.orm import Session\n"
        "from tukku.customers import holders\n"
        "from tukku.schema import metadata\n"
        "engine = create_engine('sqlite://')\n"
        "metadata.create_all(engine)\n"
        "with Session(engine) as session:\n"
        "    print(holders.in_use(session, 'no-such-customer', ['webex_calling']))\n"
    )

    result = _python(code, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["{}"]


def test_a_worker_refuses_to_start_while_a_declared_kind_has_no_handler(tmp_path: Path) -> None:
    code = (
        "import tukku.worker\n"
        "from tukku.jobs.registry import JobKind\n"
        "from tukku.jobs.runner import Worker\n"
        "JobKind('orphans.forgotten')\n"
        "Worker(None, None, None)\n"
    )

    result = _python(code, tmp_path)

    assert result.returncode == 1
    assert "job kinds without a handler: orphans.forgotten" in result.stderr


def test_a_kind_is_declared_once_and_handled_once() -> None:
    once = JobKind[dict[str, Any]]("test.registry.once")

    @once.handler()
    def _handle(_ctx: JobContext, _payload: dict[str, Any]) -> None:
        pass

    with pytest.raises(ValueError, match="declared twice"):
        JobKind[dict[str, Any]]("test.registry.once")
    with pytest.raises(ValueError, match="already has a handler"):
        once.handler()(_handle)
    assert registry.kind("test.registry.once") is once


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_each_kind_name_is_written_once_in_the_source_in_its_declaration() -> None:
    names = _platform_kinds()
    strings = [s for path in SRC.rglob("*.py") for s in _string_constants(path)]

    assert {name: strings.count(name) for name in names} == dict.fromkeys(names, 1)
    assert len(names) == 14
