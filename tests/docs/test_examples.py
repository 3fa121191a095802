"""Examples in the docs run: every shell block of the README tour and of docs/*.md, in order,
against a real `tukku serve` on loopback, with the `tukku` command on the PATH and pointed at the
same database (`TUKKU_DATABASE_URL`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import fresh_database
from tests.e2e.conftest import start_server, stop, tukku
from tukku.core.errors import catalog_markdown

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)


def runnable_blocks(path: Path) -> str:
    """The bash blocks of a document meant to run: in README, those of the tour only."""
    text = path.read_text()
    if path.name == "README.md":
        text = text.split("<!-- tour:start -->", 1)[1].split("<!-- tour:end -->", 1)[0]
    return "\n".join(BLOCK.findall(text))


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The embedded default's database (SQLite), which a reader trying the examples has: the
    examples document the API, whose behaviour on both backends the other tests check."""
    with fresh_database(request, "sqlite", tmp_path) as url:
        yield url


@pytest.fixture
def live(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    created = json.loads(
        tukku(
            "partners",
            "create",
            "--name",
            "Docs Telecom",
            "--admin-email",
            "docs@docs.test",
            "--json",
            "--database-url",
            database_url,
        )
    )
    operator = json.loads(
        tukku(
            "operators",
            "create",
            "--email",
            "ops@docs.test",
            "--json",
            "--database-url",
            database_url,
        )
    )
    process, base = start_server(database_url, "--sandbox", cwd=tmp_path, timeout=120)
    yield {
        "TUKKU": f"{base}/v1",
        "TOKEN": created["token"],
        "OPERATOR_TOKEN": operator["token"],
        "PROVISIONING_ID": created["provisioningId"],
        "HOME": str(tmp_path),
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "TUKKU_DATABASE_URL": database_url,
    }
    stop(process)


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize(
    "document", [d for d in DOCUMENTS if runnable_blocks(d)], ids=lambda d: d.name
)
def test_shell_examples_run(document: Path, live: dict[str, str], tmp_path: Path) -> None:
    script = "set -euo pipefail\n" + runnable_blocks(document)

    result = subprocess.run(
        ["/bin/bash", "-c", script],
        env=live,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )

    assert result.returncode == 0, f"{document.name} failed:\n{result.stdout}\n{result.stderr}"


def test_error_code_catalog_document_is_current() -> None:
    assert (ROOT / "docs" / "error-codes.md").read_text() == catalog_markdown()


def test_every_setting_is_documented() -> None:
    from tukku.core.settings import Settings

    page = (ROOT / "docs" / "deployment.md").read_text()
    missing = [name for name in Settings.model_fields if f"TUKKU_{name.upper()}" not in page]
    assert missing == []
