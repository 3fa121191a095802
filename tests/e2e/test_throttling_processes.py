"""Throttling and restarts with real processes on PostgreSQL: two API processes share one limit;
SIGTERM and SIGKILL during a burst of provisioning lose and double nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.e2e.conftest import SERVER_ENV, start_server, stop, tukku
from tests.e2e.test_serve_workers import api_processes, children, wait_until
from tests.support import CALLING, subscriber_body
from tukku.core.db import Database

WINDOW = 3600
READS = 10
ADDRESS = {"addressLine1": "771 Alder Drive", "city": "Milpitas", "country": "US"}
STARTUP_SECONDS = 120
CUSTOMERS = 12


@pytest.fixture
def partner(database_url: str) -> dict[str, str]:
    """A partner from `tukku partners create`: its token and provisioning ID."""
    created: dict[str, str] = json.loads(
        tukku(
            "partners",
            "create",
            "--name",
            "Burst Telecom",
            "--admin-email",
            "ops@burst.test",
            "--json",
            "--database-url",
            database_url,
        )
    )
    return created


def _clear_of_window_end() -> None:
    """Wait, if need be, until the current throttling window has 30 s left at least."""
    left = WINDOW - time.time() % WINDOW
    if left < 30:
        time.sleep(left + 0.1)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.postgres_only
@pytest.mark.slow
def test_two_api_processes_share_one_limit(
    database_url: str, partner: dict[str, str], tmp_path: Path
) -> None:
    env = {
        "TUKKU_THROTTLE_WINDOW_SECONDS": str(WINDOW),
        "TUKKU_THROTTLE_READ_PER_TOKEN": str(READS),
    }
    first, base_a = start_server(database_url, "--no-worker", cwd=tmp_path, env=env)
    try:
        second, base_b = start_server(database_url, "--no-worker", cwd=tmp_path, env=env)
        try:
            headers = {"Authorization": f"Bearer {partner['token']}"}
            _clear_of_window_end()
            answers = [
                httpx.get(f"{base}/v1/wholesale/customers", headers=headers)
                for base in [base_a] * 7 + [base_b] * 7
            ]
        finally:
            stop(second)
    finally:
        stop(first)

    statuses = [a.status_code for a in answers]
    assert statuses == [200] * READS + [429] * 4  # 7 + 3 passed, the 4 after were refused
    assert 0 < int(answers[-1].headers["Retry-After"]) <= WINDOW


def _start_worker(database_url: str, cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **SERVER_ENV,
        "TUKKU_LOG_LEVEL": "info",
        "TUKKU_DATABASE_URL": database_url,
        "TUKKU_JOB_LEASE_SECONDS": "3",
    }
    with log.open("ab") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "tukku", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=cwd,
        )


def _unfinished_jobs(database_url: str) -> int:
    """Jobs due now that are queued or running."""
    db = Database(database_url)
    try:
        with db.unit_of_work(write=False) as session:
            found: int = session.execute(
                text(
                    "SELECT count(*) FROM jobs WHERE status IN ('queued', 'running') "
                    "AND due_at <= now()"
                )
            ).scalar_one()
            return found
    finally:
        db.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.postgres_only
@pytest.mark.slow
def test_restarts_during_a_burst_lose_and_double_nothing(
    database_url: str, partner: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    serve, base = start_server(
        database_url,
        "--workers",
        "2",
        "--no-worker",
        cwd=tmp_path,
        env={"TUKKU_THROTTLING": "false"},
        log=log,
        timeout=STARTUP_SECONDS,
    )
    logs = [tmp_path / f"w{n}.log" for n in range(3)]
    workers = [_start_worker(database_url, tmp_path, path) for path in logs]
    wait_until(
        lambda: all("worker started" in path.read_text() for path in logs),
        "every worker started",
        timeout=STARTUP_SECONDS,
    )
    headers = {"Authorization": f"Bearer {partner['token']}"}
    statuses: list[int] = []
    accepted: dict[str, str] = {}  # externalId -> customer URL
    subscribers: list[str] = []
    lock = threading.Lock()

    def send(method: str, url: str, body: object | None = None) -> httpx.Response | None:
        """One request on a connection of its own; None when the connection failed (refused
        or cut by a restarting process): the caller tries again, as a client does."""
        try:
            answer = httpx.request(method, url, json=body, headers=headers, timeout=30)
        except httpx.TransportError:
            return None
        with lock:
            statuses.append(answer.status_code)
        return answer

    def order(n: int) -> None:
        external_id = f"burst-{n}"
        body = {
            "provisioningId": partner["provisioningId"],
            "packages": ["webex_calling", "webex_meetings"],
            "externalId": external_id,
            "address": ADDRESS,
            "customerInfo": {"name": f"Burst {n}", "primaryEmail": f"boss@burst{n}.test"},
            "provisioningParameters": CALLING,
        }
        for _ in range(50):
            answer = send("POST", f"{base}/v1/wholesale/customers", body)
            if answer is not None and answer.status_code in (202, 409):
                break
            time.sleep(0.2)
        if answer is None or answer.status_code != 202:
            return  # a retry after a lost answer: the first attempt was accepted (409 says so)
        with lock:
            accepted[external_id] = answer.json()["url"]

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(order, n) for n in range(CUSTOMERS)]
        time.sleep(0.5)
        api = api_processes(children(serve.pid))
        os.kill(api[0], signal.SIGTERM)  # uvicorn's supervisor starts another
        workers[0].send_signal(signal.SIGTERM)
        workers[1].kill()
        for future in futures:
            future.result()

    workers.append(_start_worker(database_url, tmp_path, tmp_path / "w3.log"))
    try:

        def settled() -> bool:
            found = [send("GET", url) for url in accepted.values()]
            return all(f is not None and f.json()["status"] == "provisioned" for f in found)

        wait_until(settled, "every accepted customer provisioned", timeout=60)
        for url in accepted.values():
            customer_id = url.rsplit("/", 1)[1]
            body = subscriber_body(customer_id)
            answer = send("POST", f"{base}/v1/wholesale/subscribers", body)
            if answer is not None and answer.status_code == 200:
                subscribers.append(body["email"])
        wait_until(lambda: _unfinished_jobs(database_url) == 0, "every job finished", timeout=60)
        assert workers[0].wait(timeout=30) == 0  # SIGTERM: finished what it held, then left
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=90)

    assert not [s for s in statuses if s >= 500]
    assert len(accepted) >= CUSTOMERS // 2
    db = Database(database_url)
    try:
        with db.unit_of_work(write=False) as session:
            doubled = session.execute(
                text(
                    "SELECT external_id FROM customers GROUP BY owner_org_id, external_id "
                    "HAVING count(*) > 1"
                )
            ).all()
            rows = session.execute(text("SELECT external_id, status FROM customers")).all()
            customers = {row.external_id: row.status for row in rows}
            jobs = session.execute(
                text("SELECT status, count(*) FROM jobs WHERE due_at <= now() GROUP BY status")
            ).all()
            emails = session.execute(
                text("SELECT email, count(*) FROM subscribers GROUP BY email")
            ).all()
    finally:
        db.dispose()
    assert doubled == []
    assert set(accepted) <= set(customers)
    assert all(customers[e] == "provisioned" for e in accepted)
    assert {status for status, _ in jobs} <= {"done"}
    assert all(count == 1 for _, count in emails)
    assert {email for email, _ in emails} >= set(subscribers)
