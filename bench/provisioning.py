"""Provisioning benchmarks: subscriber POSTs, customer GETs, customer end-to-end throughput.

Each figure stands next to a baseline measured in the same run on the same server: the trivial
`/healthz` endpoint, which pays for HTTP, routing and middleware but not for tukku's own work.
"""

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


def _provisioned_customer(base: str, created: dict[str, str]) -> str:
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


def http_figures(backend: str, subscribers: int) -> list[Figures]:
    """Subscriber provisioning (8 clients) and GET customer (1 client), each with its baseline."""
    with database(backend) as url:
        created = partner(url)
        with server(url) as base:
            customer_id = _provisioned_customer(base, created)
            token = created["token"]

            def subscriber(client: httpx.Client, i: int) -> httpx.Response:
                return client.post(
                    "/v1/wholesale/subscribers",
                    json={
                        "customerId": customer_id,
                        "email": f"user{i}@bench.test",
                        "packages": ["webex_calling"],
                        "provisioningParameters": {
                            "firstName": "Bench",
                            "lastName": str(i),
                            "extension": str(100000 + i),
                        },
                    },
                )

            def trivial(client: httpx.Client, _i: int) -> httpx.Response:
                return client.get("/healthz")

            def get_customer(client: httpx.Client, _i: int) -> httpx.Response:
                return client.get(f"/v1/wholesale/customers/{customer_id}")

            load("warm-up", base, token, trivial, total=200, concurrency=4)
            return [
                load(
                    f"{backend}: GET /healthz, 8 clients",
                    base,
                    token,
                    trivial,
                    total=subscribers,
                    concurrency=8,
                ),
                load(
                    f"{backend}: POST /wholesale/subscribers, 8 clients",
                    base,
                    token,
                    subscriber,
                    total=subscribers,
                    concurrency=8,
                ),
                load(
                    f"{backend}: GET /healthz, 1 client",
                    base,
                    token,
                    trivial,
                    total=1000,
                    concurrency=1,
                ),
                load(
                    f"{backend}: GET /wholesale/customers/{{id}}, 1 client",
                    base,
                    token,
                    get_customer,
                    total=1000,
                    concurrency=1,
                ),
            ]


def _count_provisioned(db: Database) -> int:
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
            headers = {"Authorization": f"Bearer {created['token']}"}
            started = time.perf_counter()

            def post(client: httpx.Client, i: int) -> httpx.Response:
                return client.post(
                    "/v1/wholesale/customers", json=customer_body(created["provisioningId"], i)
                )

            load("accept", base, created["token"], post, total=customers, concurrency=4)
            while _count_provisioned(db) < customers:
                time.sleep(0.05)
            seconds = time.perf_counter() - started
            del headers
        latencies = _provisioning_latencies(db)
        db.dispose()
    label = f"{backend}: customers 202 → provisioned, {worker_processes} worker(s)"
    return summarize(label, latencies, seconds)
