"""A real `tukku serve` process on loopback, for end-to-end journeys."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@functools.cache
def run_dir() -> Path:
    """This test process's directory for `tukku` commands that need no test's own: what they
    write at relative default paths (`./tukku.db`, `./tukku-reports`, `./.tukku/`) lands there,
    never in the repository. Removed when the process ends."""
    path = Path(tempfile.mkdtemp(prefix="tukku-tests-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def tukku(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: str | None = None
) -> str:
    """Run the `tukku` command (in `cwd`, by default `run_dir()`), given `stdin` if any, and
    return its stdout."""
    result = run_tukku(*args, env=env, cwd=cwd, stdin=stdin)
    result.check_returncode()
    return result.stdout


def run_tukku(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the `tukku` command (in `cwd`, by default `run_dir()`, given `stdin` if any),
    whatever its exit status."""
    return subprocess.run(
        [sys.executable, "-m", "tukku", *args],
        check=False,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd or run_dir(),
    )


@dataclass(frozen=True)
class Server:
    """A running server and the partner created for the journey."""

    base_url: str
    token: str
    provisioning_id: str
    org_id: str
    database_url: str


SERVER_ENV = {"TUKKU_LOG_LEVEL": "warning", "TUKKU_JOB_POLL_INTERVAL_SECONDS": "0.05"}


def start_server(
    database_url: str,
    *extra: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    timeout: float = 30,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `tukku serve` in the test's directory `cwd` (its report files and anything else it
    writes at a relative path go there) and wait until it answers, at most `timeout` seconds.
    Its stderr (the JSON logs) goes to `log`, if given; `env` adds to or overrides
    `SERVER_ENV`."""
    port = free_port()
    with (log or Path(os.devnull)).open("ab") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tukku",
                "serve",
                "--port",
                str(port),
                "--database-url",
                database_url,
                *extra,
            ],
            env={**os.environ, **SERVER_ENV, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=cwd,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            stop(process)  # SIGTERM: a server of several processes stops them all
            raise RuntimeError("tukku serve did not start")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server the way an orchestrator does (SIGTERM), and wait."""
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    """A server on a fresh database (each backend) and a partner from `tukku partners create`."""
    created = json.loads(
        tukku(
            "partners",
            "create",
            "--name",
            "Journey Telecom",
            "--admin-email",
            "ops@journey.test",
            "--json",
            "--database-url",
            database_url,
        )
    )
    process, base = start_server(database_url, cwd=tmp_path)
    yield Server(base, created["token"], created["provisioningId"], created["orgId"], database_url)
    stop(process)
