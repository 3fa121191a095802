"""A real `tukku serve` process on loopback, for end-to-end journeys."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def tukku(*args: str, env: dict[str, str] | None = None) -> str:
    """Run the `tukku` command and return its stdout."""
    result = subprocess.run(
        [sys.executable, "-m", "tukku", *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    return result.stdout


@dataclass(frozen=True)
class Server:
    """A running server and the partner created for the journey."""

    base_url: str
    token: str
    provisioning_id: str
    org_id: str
    database_url: str


SERVER_ENV = {"TUKKU_LOG_LEVEL": "warning", "TUKKU_JOB_POLL_INTERVAL_SECONDS": "0.05"}


def start_server(database_url: str, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start `tukku serve` and wait until it answers."""
    port = free_port()
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
        env={**os.environ, **SERVER_ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("tukku serve did not start")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server the way an orchestrator does (SIGTERM), and wait."""
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def server(database_url: str) -> Iterator[Server]:
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
    process, base = start_server(database_url)
    yield Server(base, created["token"], created["provisioningId"], created["orgId"], database_url)
    stop(process)
