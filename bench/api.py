"""tukku's API under wrk on one backend, next to the bare FastAPI baseline measured in the same
run; then 10,000 subscribers (× BENCH_SCALE) into 100 customers through the public API.

One `tukku serve` in production mode, with its worker, on a fresh database: a provisioned
customer for the single-customer requests, 100 more for the list, subscribers for the updates.
Each endpoint is probed once for its exact answer, warmed up, then measured at 1 and at 16
connections; between figures the worker finishes the jobs the last one queued (welcome mails).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.bare import CUSTOMER_PATH
from bench.harness import Figures, bare_server, database, drain, load, partner, server
from bench.loadgen import wrk
from bench.provisioning import CUSTOMERS, count_provisioned, customer_body, provisioned_customer
from tukku.core.db import Database
from tukku.subscribers.models import Subscriber

CONNECTIONS = (1, 16)
LISTED = 100  # customers besides the first, so that a list of max=100 is full
UPDATED = 64  # subscribers that PUT moves between packages
BULK = 10_000  # subscribers of the bulk load at BENCH_SCALE=1
BULK_CLIENTS = 16

BARE = "bare FastAPI: GET customer"
HEALTHZ = "GET /healthz"
GET_CUSTOMER = "GET /customers/{id}"
LIST_CUSTOMERS = "GET /customers?max=100"
CUSTOMER_PRECHECK = "POST /customers/validate"
SUBSCRIBER_PRECHECK = "POST /subscribers/validate"
PUT_SUBSCRIBER = "PUT /subscribers/{id}"
POST_SUBSCRIBER = "POST /subscribers"
SUBSCRIBERS = "/v1/wholesale/subscribers"
PRECHECK_OK = {"message": "success"}


def bulk_name(total: int, customers: int) -> str:
    """The label of the bulk load's figure."""
    return f"{total:,} subscribers into {customers} customers"


@dataclass(frozen=True)
class Endpoint:
    """One measured request: its label, URL path, wrk script with arguments, and a probe that
    sends one such request and raises unless the answer is exactly the expected one."""

    name: str
    path: str
    probe: Callable[[], None]
    script: str = "report.lua"
    args: tuple[str, ...] = ()


def _expect(response: httpx.Response, status: int, fields: dict[str, Any] | None = None) -> Any:
    """The JSON body of `response`; raises unless its status is `status` and it has `fields`."""
    json_body = "json" in response.headers.get("content-type", "")
    body = response.json() if json_body else None
    if response.status_code != status or (
        fields and (body is None or any(body.get(k) != v for k, v in fields.items()))
    ):
        raise RuntimeError(
            f"{response.request.method} {response.request.url}: expected {status} {fields or ''}, "
            f"got {response.status_code} {response.text[:300]}"
        )
    return body


def _subscriber_body(customer_id: str, email: str, extension: int) -> dict[str, Any]:
    return {
        "customerId": customer_id,
        "email": email,
        "packages": ["webex_calling"],
        "provisioningParameters": {
            "firstName": "Bench",
            "lastName": email.split("@")[0],
            "extension": str(extension),
        },
    }


def subscriber_count(db: Database) -> int:
    """How many subscribers the database holds (every partner's)."""
    with db.unit_of_work(write=False) as session:
        return session.scalar(select(func.count()).select_from(Subscriber)) or 0


def _listed_customers(client: httpx.Client, db: Database, provisioning_id: str) -> list[str]:
    """LISTED more customers, provisioned; returns their IDs."""
    already = count_provisioned(db)
    for n in range(1, LISTED + 1):
        _expect(client.post(CUSTOMERS, json=customer_body(provisioning_id, n)), 202)
    deadline = time.monotonic() + 600
    while count_provisioned(db) < already + LISTED:
        if time.monotonic() > deadline:
            raise RuntimeError("the listed customers were not provisioned")
        time.sleep(0.1)
    page = _expect(client.get(CUSTOMERS, params={"max": 1000}), 200)
    return [c["id"] for c in page["items"] if c["externalId"] != "bench-0"]


def _endpoints(
    client: httpx.Client, customer_id: str, updated: Path, first: tuple[str, int]
) -> list[Endpoint]:
    """What is measured, in order: reads first, then the writes (PUT, then POST). `updated` is
    the file of the subscribers that PUT moves, `first` the ID and extension of one of them."""
    customer_path = f"{CUSTOMERS}/{customer_id}"
    customer_precheck = {
        "address": {"addressLine1": "1 Bench Road", "city": "Leeds", "country": "GB"},
        "customerInfo": {"name": "Bench Precheck Ltd", "primaryEmail": "precheck@bench.test"},
    }
    subscriber_precheck = _subscriber_body(customer_id, "precheck@bench.test", 99999)

    def put_twice() -> None:
        path = f"{SUBSCRIBERS}/{first[0]}"
        _expect(client.put(path, json={"package": "webex_meetings"}), 200)
        calling = {
            "package": "webex_calling",
            "provisioningParameters": {"extension": str(first[1])},
        }
        _expect(client.put(path, json=calling), 200, {"package": "webex_calling"})

    def listed() -> None:
        page = _expect(client.get(CUSTOMERS, params={"max": 100}), 200)
        if len(page["items"]) != 100:
            raise RuntimeError(f"the list has {len(page['items'])} customers, not 100")

    return [
        Endpoint(HEALTHZ, "/healthz", lambda: _expect(client.get("/healthz"), 200)),
        Endpoint(
            GET_CUSTOMER,
            customer_path,
            lambda: _expect(client.get(customer_path), 200, {"status": "provisioned"}),
        ),
        Endpoint(LIST_CUSTOMERS, f"{CUSTOMERS}?max=100", listed),
        Endpoint(
            CUSTOMER_PRECHECK,
            f"{CUSTOMERS}/validate",
            lambda: _expect(
                client.post(f"{CUSTOMERS}/validate", json=customer_precheck), 200, PRECHECK_OK
            ),
            "post_json.lua",
            (json.dumps(customer_precheck),),
        ),
        Endpoint(
            SUBSCRIBER_PRECHECK,
            f"{SUBSCRIBERS}/validate",
            lambda: _expect(
                client.post(f"{SUBSCRIBERS}/validate", json=subscriber_precheck), 200, PRECHECK_OK
            ),
            "post_json.lua",
            (json.dumps(subscriber_precheck),),
        ),
        Endpoint(PUT_SUBSCRIBER, SUBSCRIBERS, put_twice, "put_subscriber.lua", (str(updated),)),
        post_subscriber(client, customer_id),
    ]


def post_subscriber(client: httpx.Client, customer_id: str) -> Endpoint:
    """`POST /subscribers`: a new `webex_calling` subscriber of the customer each time, with
    an extension and no number (the raw throughput other figures compare with)."""
    probe = _subscriber_body(customer_id, "probe@bench.test", 99)
    return Endpoint(
        POST_SUBSCRIBER,
        SUBSCRIBERS,
        lambda: _expect(client.post(SUBSCRIBERS, json=probe), 200, {"status": "provisioned"}),
        "post_subscriber.lua",
        (customer_id,),
    )


def measure(
    endpoint: Endpoint,
    backend: str,
    base: str,
    token: str | None,
    db: Database | None,
    seconds: float,
    connection_counts: tuple[int, ...] = CONNECTIONS,
) -> list[Figures]:
    """A warm-up at 16 connections, then one figure per connection count. With a database `db`,
    the worker finishes what each run queued before the next one, and POSTs are counted there."""
    runs = [("warm-up", max(CONNECTIONS), max(1.0, seconds / 5))]
    runs += [(endpoint.name, connections, seconds) for connections in connection_counts]
    figures = []
    for tag, (name, connections, duration) in enumerate(runs, start=1):
        # The run tag keeps the e-mails and extensions of POST subscriber unique between runs.
        args = (*endpoint.args, str(tag)) if endpoint.name == POST_SUBSCRIBER else endpoint.args
        before = subscriber_count(db) if db else 0
        measured = wrk(
            name,
            backend,
            base + endpoint.path,
            connections=connections,
            seconds=duration,
            token=token,
            script=endpoint.script,
            args=args,
        )
        if db:
            drain(db)
            added = subscriber_count(db) - before
            if endpoint.name == POST_SUBSCRIBER and not (
                measured.requests <= added <= measured.requests + connections
            ):
                raise RuntimeError(f"{measured.requests} subscribers answered, {added} stored")
        figures.append(measured)
    return figures[1:]


def _bulk(
    backend: str, base: str, token: str, db: Database, customers: list[str], total: int
) -> Figures:
    """`total` subscribers spread over `customers` by BULK_CLIENTS concurrent HTTP clients;
    every answer must be 200 (provisioned), and the database must hold them all afterwards."""

    def post(client: httpx.Client, i: int) -> httpx.Response:
        body = _subscriber_body(customers[i % len(customers)], f"bulk{i}@bench.test", 10_000 + i)
        return client.post(SUBSCRIBERS, json=body)

    before = subscriber_count(db)
    figures = load(
        bulk_name(total, len(customers)),
        backend,
        base,
        token,
        post,
        total=total,
        concurrency=BULK_CLIENTS,
        expected=frozenset({200}),
    )
    stored = subscriber_count(db) - before
    if stored != total:
        raise RuntimeError(f"{total} subscribers answered 200, {stored} stored")
    return figures


def api_figures(backend: str, seconds: float, bulk: int) -> list[Figures]:
    """The bare baseline, then every tukku endpoint, at 1 and 16 connections, then the bulk
    load of `bulk` subscribers; all on `backend`, with one API process."""
    return _figures(backend, seconds, bulk, processes=1)


MULTI_PROCESS = (GET_CUSTOMER, POST_SUBSCRIBER)
PROCESSES = 2  # API processes of the multi-process figures: one per core here


def processes_name(name: str, processes: int) -> str:
    """The label of a figure measured with `processes` API processes."""
    return f"{name}, {processes} processes"


def multi_process_figures(backend: str, seconds: float, bulk: int, processes: int) -> list[Figures]:
    """GET customer and POST subscriber at 16 connections, then the bulk load, served by
    `tukku serve --workers <processes>` (API processes sharing the port, jobs in one more)."""
    figures = _figures(backend, seconds, bulk, processes=processes)
    return [replace(f, name=processes_name(f.name, processes)) for f in figures]


def _figures(backend: str, seconds: float, bulk: int, *, processes: int) -> list[Figures]:
    with database(backend) as url:
        created = partner(url)
        token = created["token"]
        figures: list[Figures] = []
        if processes == 1:
            with bare_server() as bare:
                # bare_server() has checked its answer already.
                baseline = Endpoint(BARE, CUSTOMER_PATH, lambda: None)
                figures = measure(baseline, backend, bare, None, None, seconds)
        db = Database(url)
        extra = ("--workers", str(processes)) if processes > 1 else ()
        with (
            server(url, *extra) as base,
            httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
            ) as client,
            tempfile.TemporaryDirectory() as scratch,
        ):
            customer_id = provisioned_customer(base, created)
            customers = _listed_customers(client, db, created["provisioningId"])
            updated = Path(scratch) / "updated.txt"
            moved = []
            for n in range(UPDATED):
                body = _subscriber_body(customer_id, f"updated{n}@bench.test", 200_000 + n)
                moved.append((_expect(client.post(SUBSCRIBERS, json=body), 200)["id"], 200_000 + n))
            updated.write_text("".join(f"{id_} {extension}\n" for id_, extension in moved))
            drain(db)
            counts = CONNECTIONS if processes == 1 else (max(CONNECTIONS),)
            for endpoint in _endpoints(client, customer_id, updated, moved[0]):
                if processes > 1 and endpoint.name not in MULTI_PROCESS:
                    continue
                endpoint.probe()
                figures += measure(endpoint, backend, base, token, db, seconds, counts)
            figures.append(_bulk(backend, base, token, db, customers, bulk))
        db.dispose()
    return figures
