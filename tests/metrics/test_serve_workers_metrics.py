"""`tukku serve --workers 2` on PostgreSQL: requests answered by both API processes and jobs
run by the worker process add up on `/metrics`, whichever process answers the scrape
(Prometheus multiprocess mode); the run's metrics directory goes when serve stops."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import start_server, stop, tukku
from tests.e2e.test_serve_workers import STARTUP_SECONDS, wait_until

POSTGRES = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
ADDRESS = {"addressLine1": "771 Alder Drive", "city": "Milpitas", "country": "US"}
CUSTOMERS = "/v1/wholesale/customers"


def totals(base: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """The samples of `/metrics` (the server listens on loopback: allowed by default)."""
    response = httpx.get(f"{base}/metrics")
    assert response.status_code == 200, response.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def requests_to(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], route: str) -> float:
    """Requests counted for `route`, any method and status."""
    return sum(
        count
        for (name, labels), count in samples.items()
        if name == "tukku_http_requests_total" and dict(labels)["route"] == route
    )


def answering_pids(log: Path, route: str) -> set[int]:
    """The processes whose access log holds a request to `route` (complete lines only)."""
    lines = log.read_text().splitlines(keepends=True)
    entries = [json.loads(line) for line in lines if line.startswith("{") and line.endswith("\n")]
    return {e["pid"] for e in entries if e.get("msg") == "request" and e.get("route") == route}


def order(n: int, provisioning_id: str) -> dict[str, object]:
    """A customer with meetings only."""
    return {
        "provisioningId": provisioning_id,
        "packages": ["webex_meetings"],
        "externalId": f"counted-{n}",
        "address": ADDRESS,
        "customerInfo": {"name": f"Counted {n}", "primaryEmail": f"boss@c{n}.test"},
    }


PROVISIONED = (
    "tukku_job_runs_total",
    frozenset({"kind": "customers.provision", "outcome": "completed"}.items()),
)
TIMED = (
    "tukku_provisioning_seconds_count",
    frozenset({"resource": "customer", "outcome": "provisioned"}.items()),
)


@pytest.mark.slow
@POSTGRES
def test_metrics_of_every_process_add_up(database_url: str, tmp_path: Path) -> None:
    created = json.loads(
        tukku(
            "partners", "create", "--name", "Counted Telecom", "--admin-email",
            "ops@counted.test", "--json", "--database-url", database_url,
        )
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {created['token']}"}
    log = tmp_path / "serve.log"
    process, base = start_server(
        database_url,
        "--workers",
        "2",
        cwd=tmp_path,
        env={"TUKKU_LOG_LEVEL": "info", "TMPDIR": str(tmp_path)},
        log=log,
        timeout=STARTUP_SECONDS,
    )
    sent = 0

    def list_customers(_: int) -> None:
        """One GET on a connection of its own (so either process may answer it)."""
        assert httpx.get(f"{base}{CUSTOMERS}", headers=headers).status_code == 200

    def answered_by_both() -> bool:
        nonlocal sent
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(list_customers, range(4)))
        sent += 4
        return len(answering_pids(log, CUSTOMERS)) == 2

    try:
        assert len(list(tmp_path.glob("tukku-metrics-*"))) == 1
        wait_until(answered_by_both, "answered by both API processes")
        orders = 3
        for n in range(orders):
            answer = httpx.post(
                f"{base}{CUSTOMERS}", json=order(n, created["provisioningId"]), headers=headers
            )
            assert answer.status_code == 202, answer.text
        wait_until(
            lambda: totals(base).get(PROVISIONED, 0) == orders,
            "provisioned by the worker process",
            timeout=120,
        )
        for _ in range(4):  # whichever process answers, the same totals
            samples = totals(base)
            assert requests_to(samples, CUSTOMERS) == sent + orders
            assert samples[TIMED] == orders
            assert samples[PROVISIONED] == orders
    finally:
        stop(process)
    assert list(tmp_path.glob("tukku-metrics-*")) == []
