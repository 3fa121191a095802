"""Customer provisioning end to end (202 → provisioned, with 1 and 2 worker processes), and the
customers the other benchmarks work on."""

from __future__ import annotations

import time
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.harness import Figures, database, load, partner, server, summarize, workers
from tukku.core.db import Database
from tukku.customers.models import Customer

ADDRESS = {"addressLine1": "1 Bench Road", "city": "Leeds", "country": "GB"}
CALLING = {
    "calling": {
        "location": {
            "name": "HQ",
            "address": ADDRESS,
            "timezone": "Europe/London",
            "language": "en_GB",
        }
    }
}


def customer_body(provisioning_id: str, n: int) -> dict[str, Any]:
    """A calling + meetings customer."""
    return {
        "provisioningId": provisioning_id,
        "packages": ["webex_calling", "webex_meetings"],
        "externalId": f"bench-{n}",
        "address": ADDRESS,
        "customerInfo": {"name": f"Bench {n} Ltd", "primaryEmail": f"owner{n}@bench.test"},
        "provisioningParameters": CALLING,
    }


def provisioned_customer(base: str, created: dict[str, str]) -> str:
    """A new calling + meetings customer, once it is provisioned; returns its ID."""
    headers = {"Authorization": f"Bearer {created['token']}"}
    url = httpx.post(
        f"{base}/v1/wholesale/customers",
        json=customer_body(created["provisioningId"], 0),
        headers=headers,
    ).json()["url"]
    for _ in range(300):
        customer = httpx.get(url, headers=headers).json()
        if customer["status"] == "provisioned":
            customer_id: str = customer["id"]
            return customer_id
        time.sleep(0.1)
    raise RuntimeError("the benchmark customer was not provisioned")


def count_provisioned(db: Database) -> int:
    """How many customers are provisioned."""
    with db.unit_of_work(write=False) as session:
        return (
            session.scalar(
                select(func.count()).select_from(Customer).where(Customer.status == "provisioned")
            )
            or 0
        )


def _provisioning_latencies(db: Database) -> list[float]:
    with db.unit_of_work(write=False) as session:
        rows = session.execute(select(Customer.created_at, Customer.last_status_change)).all()
    return [(done - accepted).total_seconds() for accepted, done in rows]


def customer_throughput(backend: str, worker_processes: int, customers: int) -> Figures:
    """Customers accepted at full speed, provisioned by `worker_processes` workers: end to end.

    On SQLite the one worker runs inside the server; on PostgreSQL the server runs none and the
    workers are separate processes.
    """
    with database(backend) as url:
        created = partner(url)
        extra = () if backend == "sqlite" else ("--no-worker",)
        db = Database(url)
        with (
            server(url, *extra) as base,
            workers(url, 0 if backend == "sqlite" else worker_processes),
        ):
            started = time.perf_counter()

            def post(client: httpx.Client, i: int) -> httpx.Response:
                return client.post(
                    "/v1/wholesale/customers", json=customer_body(created["provisioningId"], i)
                )

            load("accept", backend, base, created["token"], post, total=customers, concurrency=4)
            while count_provisioned(db) < customers:
                time.sleep(0.05)
            seconds = time.perf_counter() - started
        latencies = _provisioning_latencies(db)
        db.dispose()
    label = f"customers 202 → provisioned, {worker_processes} worker{'s' * (worker_processes > 1)}"
    return summarize(label, backend, 4, latencies, seconds)
