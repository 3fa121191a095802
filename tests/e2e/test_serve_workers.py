"""`tukku serve --workers 2` on SQLite: two API processes share the port, one worker process
does the jobs, and stopping serve stops them all. The processes are told apart by the `pid`
of their JSON log lines and by the process tree under `/proc`."""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import start_server, tukku

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ADDRESS = {"addressLine1": "771 Alder Drive", "city": "Milpitas", "country": "US"}
CUSTOMERS = 8
STARTUP_SECONDS = 120  # four Python processes start at once, on two busy cores in `make test`
STOP_SECONDS = 90


def children(pid: int) -> dict[int, str]:
    """The live child processes of `pid` and their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _parent_and_state(int(entry.name))[0] == pid:
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except (FileNotFoundError, ProcessLookupError):
                continue
            found[int(entry.name)] = cmdline.decode(errors="replace").strip()
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie has ended)."""
    ppid, state = _parent_and_state(pid)
    return ppid is not None and state != "Z"


def _parent_and_state(pid: int) -> tuple[int | None, str]:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None, ""
    state, ppid = stat.rsplit(")", 1)[1].split()[:2]
    return int(ppid), state


def job_worker(tree: dict[int, str]) -> list[int]:
    """The `tukku worker` processes in `tree`."""
    return [pid for pid, cmd in tree.items() if cmd.endswith("-m tukku worker")]


def api_processes(tree: dict[int, str]) -> list[int]:
    """The processes uvicorn spawned in `tree`."""
    return [pid for pid, cmd in tree.items() if "multiprocessing.spawn" in cmd]


def log_pids(log: Path, message: str) -> set[int]:
    """The processes that logged `message` (complete lines only: the log is still written)."""
    lines = log.read_text().splitlines(keepends=True)
    entries = [json.loads(line) for line in lines if line.startswith("{") and line.endswith("\n")]
    return {entry["pid"] for entry in entries if entry.get("msg") == message}


def wait_until(condition: Any, what: str, timeout: float = 60) -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still not {what}"
        time.sleep(0.1)


@pytest.fixture
def partner(database_url: str) -> dict[str, str]:
    """A partner from `tukku partners create`: its token and provisioning ID."""
    created: dict[str, str] = json.loads(
        tukku(
            "partners",
            "create",
            "--name",
            "Cores Telecom",
            "--admin-email",
            "ops@cores.test",
            "--json",
            "--database-url",
            database_url,
        )
    )
    return created


@SQLITE
def test_two_api_processes_answer_and_one_worker_process_does_the_jobs(
    database_url: str, partner: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    process, base = start_server(
        database_url,
        "--workers",
        "2",
        cwd=tmp_path,
        env={"TUKKU_LOG_LEVEL": "info"},
        log=log,
        timeout=STARTUP_SECONDS,
    )
    headers = {"Authorization": f"Bearer {partner['token']}"}

    def order(n: int) -> httpx.Response:
        """One customer, posted on a connection of its own."""
        body = {
            "provisioningId": partner["provisioningId"],
            "packages": ["webex_meetings"],
            "externalId": f"cores-{n}",
            "address": ADDRESS,
            "customerInfo": {"name": f"Core {n} Pizza", "primaryEmail": f"boss@core{n}.test"},
        }
        return httpx.post(f"{base}/v1/wholesale/customers", json=body, headers=headers)

    def provisioned(url: str) -> bool:
        return bool(httpx.get(url, headers=headers).json()["status"] == "provisioned")

    def answered_by_both() -> bool:
        """Whether both API processes logged a request; if not, ask again on new connections."""
        if len(log_pids(log, "request")) == 2:
            return True
        with ThreadPoolExecutor(4) as pool:
            list(
                pool.map(
                    lambda _: httpx.get(f"{base}/v1/wholesale/customers", headers=headers), range(4)
                )
            )
        return False

    try:
        tree = children(process.pid)
        (worker,) = job_worker(tree)
        assert len(api_processes(tree)) == 2
        with ThreadPoolExecutor(CUSTOMERS) as pool:
            answers = list(pool.map(order, range(CUSTOMERS)))
        assert [answer.status_code for answer in answers] == [202] * CUSTOMERS
        for answer in answers:
            wait_until(lambda url=answer.json()["url"]: provisioned(url), "provisioned")
        wait_until(answered_by_both, "answered by both API processes")

        assert log_pids(log, "request") == set(api_processes(tree))
        assert log_pids(log, "worker started") == {worker}
        assert log_pids(log, "job done") == {worker}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=STOP_SECONDS)


@SQLITE
def test_a_dead_worker_process_is_replaced_and_stopping_serve_stops_every_process(
    database_url: str, tmp_path: Path
) -> None:
    process, _ = start_server(database_url, "--workers", "2", cwd=tmp_path, timeout=STARTUP_SECONDS)
    try:
        tree = children(process.pid)
        (worker,) = job_worker(tree)
        os.kill(worker, signal.SIGKILL)
        wait_until(lambda: job_worker(children(process.pid)) not in ([], [worker]), "replaced")
        started = {**tree, **children(process.pid)}
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=STOP_SECONDS)

    assert code == 0
    assert len(job_worker(started)) == 2
    assert len(api_processes(started)) == 2
    wait_until(lambda: not [pid for pid in started if alive(pid)], "all stopped", timeout=10)
