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
from tukku.jobs.models import Job, JobStatus

CUSTOMERS = "/v1/wholesale/customers"
WARM_UP = 1_000_000  # numbers of the warm-up customers, apart from the measured ones

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


PACKAGES = ("webex_calling", "webex_meetings")


def customer_body(
    provisioning_id: str, n: int, packages: tuple[str, ...] = PACKAGES
) -> dict[str, Any]:
    """A customer with `packages` (calling + meetings unless told)."""
    return {
        "provisioningId": provisioning_id,
        "packages": list(packages),
        "externalId": f"bench-{n}",
        "address": ADDRESS,
        "customerInfo": {"name": f"Bench {n} Ltd", "primaryEmail": f"owner{n}@bench.test"},
        "provisioningParameters": CALLING,
    }


def provisioned_customer(
    base: str, created: dict[str, str], packages: tuple[str, ...] = PACKAGES
) -> str:
    """A new customer with `packages` (calling + meetings unless told), once it is provisioned;
    returns its ID."""
    headers = {"Authorization": f"Bearer {created['token']}"}
    url = httpx.post(
        f"{base}{CUSTOMERS}",
        json=customer_body(created["provisioningId"], 0, packages),
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
        rows = session.execute(
            select(Customer.created_at, Customer.last_status_change).where(
                Customer.external_id.notlike("warm-%")
            )
        ).all()
    return [(done - accepted).total_seconds() for accepted, done in rows]


def _workers_ready(db: Database, base: str, created: dict[str, str], count: int) -> int:
    """Provision warm-up customers until each of the `count` workers has run a job, and return
    how many were made: a worker process takes seconds to start (imports, connections), which
    is not provisioning time and would count against two workers more than against one."""
    made = 0
    deadline = time.monotonic() + 300
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {created['token']}"}, timeout=60
    ) as client:
        while True:
            for _ in range(count):
                body = customer_body(created["provisioningId"], WARM_UP + made)
                response = client.post(CUSTOMERS, json=body | {"externalId": f"warm-{made}"})
                if response.status_code != 202:
                    raise RuntimeError(f"warm-up customer: {response.status_code} {response.text}")
                made += 1
            while count_provisioned(db) < made:
                if time.monotonic() > deadline:
                    raise RuntimeError("the workers did not provision the warm-up customers")
                time.sleep(0.05)
            with db.unit_of_work(write=False) as session:
                owners = session.scalar(
                    select(func.count(func.distinct(Job.lease_owner))).where(
                        Job.status == JobStatus.DONE
                    )
                )
            if (owners or 0) >= count:
                return made


def customer_throughput(backend: str, worker_processes: int, customers: int) -> Figures:
    """Customers accepted at full speed, provisioned by `worker_processes` workers: end to end,
    from the first POST (once every worker is running) until the last customer is provisioned.

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
            warm = _workers_ready(db, base, created, worker_processes)
            started = time.perf_counter()

            def post(client: httpx.Client, i: int) -> httpx.Response:
                return client.post(CUSTOMERS, json=customer_body(created["provisioningId"], i))

            load("accept", backend, base, created["token"], post, total=customers, concurrency=4)
            while count_provisioned(db) < warm + customers:
                time.sleep(0.05)
            seconds = time.perf_counter() - started
        latencies = _provisioning_latencies(db)
        db.dispose()
    label = f"customers 202 → provisioned, {worker_processes} worker{'s' * (worker_processes > 1)}"
    return summarize(label, backend, 4, latencies, seconds)
