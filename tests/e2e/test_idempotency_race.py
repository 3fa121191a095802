"""Two identical keyed writes at once, through two API processes on PostgreSQL: exactly one change
per key, and each answer is the first one (one of them replayed) or 409 "still running"."""

from __future__ import annotations

import json
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import start_server, tukku

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
PAIRS = 20
ADDRESS = {"addressLine1": "771 Alder Drive", "city": "Milpitas", "country": "US"}
STARTUP_SECONDS = 120
STOP_SECONDS = 90


def test_twin_keyed_requests_through_two_processes_change_once(
    database_url: str, tmp_path: Path
) -> None:
    partner = json.loads(
        tukku(
            "partners",
            "create",
            "--name",
            "Twin Telecom",
            "--admin-email",
            "ops@twin.test",
            "--json",
            "--database-url",
            database_url,
        )
    )
    process, base = start_server(
        database_url, "--workers", "2", cwd=tmp_path, timeout=STARTUP_SECONDS
    )
    auth = {"Authorization": f"Bearer {partner['token']}"}

    def twins(n: int) -> list[httpx.Response]:
        """The same keyed order, sent twice at the same moment on two connections."""
        body = {
            "provisioningId": partner["provisioningId"],
            "packages": ["webex_meetings"],
            "externalId": f"twin-{n}",
            "address": ADDRESS,
            "customerInfo": {"name": f"Twin {n} Pizza", "primaryEmail": f"boss@twin{n}.test"},
        }
        headers = {**auth, "Idempotency-Key": f"order-{n}"}
        start = threading.Barrier(2)

        def send(_: int) -> httpx.Response:
            with httpx.Client(timeout=60) as client:
                start.wait()
                return client.post(f"{base}/v1/wholesale/customers", json=body, headers=headers)

        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(send, range(2)))

    try:
        answers = [twins(n) for n in range(PAIRS)]
        with httpx.Client(timeout=60) as client:
            listed = client.get(f"{base}/v1/wholesale/customers?max=1000", headers=auth)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=STOP_SECONDS)

    for pair in answers:
        done = [a for a in pair if a.status_code == 202]
        busy = [a for a in pair if a.status_code != 202]
        assert done, [a.text for a in pair]
        for answer in busy:
            assert answer.status_code == 409, answer.text
            assert [e["errorCode"] for e in answer.json()["errors"]] == [8202]
            assert answer.headers["retry-after"] == "1"
        if len(done) == 2:
            assert done[0].content == done[1].content
            assert done[0].headers["location"] == done[1].headers["location"]
            replayed = sorted(a.headers.get("idempotent-replayed", "") for a in done)
            assert replayed == ["", "true"]
    assert listed.status_code == 200
    made = sorted(c["externalId"] for c in listed.json()["items"])
    assert made == sorted(f"twin-{n}" for n in range(PAIRS))
