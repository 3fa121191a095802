"""Shared machinery of the benchmarks: databases, server processes, load loops, statistics."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select
from tests.e2e.conftest import SERVER_ENV, free_port, start_server
from tests.pgcluster import PostgresCluster

from bench.bare import CUSTOMER, CUSTOMER_PATH
from tukku.core.db import Database
from tukku.core.migrate import upgrade
from tukku.jobs.models import Job, JobStatus

SUCCESS = frozenset({200, 201, 202, 204})


@dataclass(frozen=True)
class Figures:
    """Throughput and latency of one measured loop: `connections` clients at once on `backend`."""

    name: str
    backend: str
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        """Requests completed per second."""
        return self.requests / self.seconds


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh, migrated database URL on `backend` (sqlite or postgresql)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as scratch:
            url = f"sqlite:///{Path(scratch) / 'bench.db'}"
            upgrade(url)
            yield url
        return
    cluster = PostgresCluster().start()
    try:
        cluster.execute("CREATE DATABASE bench")
        url = cluster.url("bench")
        upgrade(url)
        yield url
    finally:
        cluster.stop()


def tukku(*args: str) -> str:
    """Run a `tukku` command and return its stdout."""
    return subprocess.run(
        [sys.executable, "-m", "tukku", *args], check=True, capture_output=True, text=True
    ).stdout


def partner(url: str) -> dict[str, str]:
    """A new partner (`tukku partners create --json`)."""
    out = tukku(
        "partners",
        "create",
        "--name",
        "Bench",
        "--admin-email",
        f"b{time.time_ns()}@bench.test",
        "--json",
        "--database-url",
        url,
    )
    created: dict[str, str] = json.loads(out)
    return created


@contextmanager
def server(url: str, *extra: str) -> Iterator[str]:
    """A `tukku serve` process, run in a scratch directory; yields its base URL."""
    with tempfile.TemporaryDirectory() as scratch:
        process, base = start_server(url, *extra, cwd=Path(scratch))
        try:
            yield base
        finally:
            process.terminate()
            process.wait(timeout=60)


@contextmanager
def bare_server() -> Iterator[str]:
    """The baseline in a subprocess on a free loopback port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.bare", "--port", str(port)],
        env=os.environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + CUSTOMER_PATH, timeout=1).json() == CUSTOMER:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the bare baseline did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextmanager
def workers(url: str, count: int) -> Iterator[None]:
    """`count` separate `tukku worker` processes."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tukku", "worker", "--database-url", url],
            env={**os.environ, **SERVER_ENV},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def drain(db: Database, timeout: float = 600) -> None:
    """Wait until no job that is due is queued or running, so that the background work one
    figure caused (welcome mails, provisioning) is not counted in the next figure's time."""
    deadline = time.monotonic() + timeout
    while True:
        with db.unit_of_work(write=False) as session:
            pending = session.scalar(
                select(func.count())
                .select_from(Job)
                .where(
                    Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
                    Job.due_at <= datetime.now(UTC),
                )
            )
        if not pending:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{pending} jobs still pending after {timeout} s")
        time.sleep(0.1)


def load(
    name: str,
    backend: str,
    base: str,
    token: str,
    request: Callable[[httpx.Client, int], httpx.Response],
    *,
    total: int,
    concurrency: int,
    expected: frozenset[int] = SUCCESS,
) -> Figures:
    """Send `total` requests from `concurrency` threads; every answer must have an `expected`
    status."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))
    failures: list[str] = []

    def run() -> None:
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                started = time.perf_counter()
                response = request(client, index)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status_code not in expected:
                        failures.append(f"{response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{name}: {len(failures)} failures, first: {failures[0]}")
    return summarize(name, backend, concurrency, latencies, seconds)


def summarize(
    name: str, backend: str, connections: int, latencies: list[float], seconds: float
) -> Figures:
    """Figures from a list of latencies (seconds) and the wall time they took."""
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return Figures(
        name,
        backend,
        connections,
        len(ordered),
        seconds,
        statistics.median(ordered) * 1000,
        p99 * 1000,
    )
