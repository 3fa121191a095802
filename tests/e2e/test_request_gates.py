"""A real `tukku serve` over loopback refuses oversized headers and unknown hosts."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.conftest import start_server, stop


@pytest.fixture(scope="module")
def base(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server on a SQLite copy for the whole module (the gates do not touch data)."""
    path = tmp_path_factory.mktemp("gates") / "tukku.db"
    shutil.copy(sqlite_template, path)
    process, url = start_server(f"sqlite:///{path}", "--no-worker", cwd=path.parent)
    yield url
    stop(process)


def raw_get(base: str, extra_header: bytes) -> bytes:
    """Send a GET by hand (so no client library trims or refuses it); what came back, or b""
    if the server closed the connection."""
    parts = urlsplit(base)
    request = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n" + extra_header + b"\r\n\r\n"
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        try:
            sock.sendall(request)
            return sock.recv(200)
        except (ConnectionResetError, BrokenPipeError):
            return b""


def test_a_64_kib_header_is_refused(base: str) -> None:
    answer = raw_get(base, b"X-Padding: " + b"a" * 64 * 1024)

    assert answer == b"" or answer.startswith(b"HTTP/1.1 431")


def test_ordinary_headers_pass(base: str) -> None:
    assert raw_get(base, b"X-Padding: " + b"a" * 1024).startswith(b"HTTP/1.1 200")


def test_an_unknown_host_is_refused_but_probes_answer(base: str) -> None:
    refused = httpx.get(f"{base}/v1/wholesale/customers", headers={"Host": "evil.example"})
    probe = httpx.get(f"{base}/healthz", headers={"Host": "10.42.7.19:8000"})
    local = httpx.get(f"{base}/v1/wholesale/customers".replace("127.0.0.1", "localhost"))

    assert refused.status_code == 400
    assert probe.status_code == 200
    assert local.status_code == 401
