"""What issue 14's operations cost on the request path, and how fast webhooks go out.

On one `tukku serve` per backend (in sandbox mode, the only mode that may deliver webhooks to
a loopback receiver; the figures below run on that same server), `POST /subscribers` under wrk
at 16 connections three times: without an `Idempotency-Key`, with a fresh key on every request,
and with a webhook endpoint subscribed to `subscriber.created` (no key). The first is the
baseline of the others. Then the same POSTs on a second server over the same database with
throttling on (limits far above the load, so that every request is counted and none refused;
every other figure runs with throttling off, as the whole benchmark does). Then webhook
delivery: every event of the subscribed run is replayed at once (`POST
/v1/partner/webhooks/{id}/replay`) and timed until a real HTTP receiver on loopback, which
verifies each signature with the standardwebhooks library, has them all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
from standardwebhooks import Webhook
from tests.e2e.conftest import start_server

from bench.api import SUBSCRIBERS, post_subscriber, subscriber_count
from bench.harness import Figures, database, drain, partner
from bench.loadgen import wrk
from bench.provisioning import provisioned_customer
from tukku.core.db import Database

CONNECTIONS = 16
PLAIN = "POST /subscribers, no key"
KEYED = "POST /subscribers, Idempotency-Key"
SUBSCRIBED = "POST /subscribers, webhook endpoint"
THROTTLED = "POST /subscribers, throttling on"
UNREACHED = str(10**9)  # a limit no benchmark reaches
THROTTLING_ON = {
    "TUKKU_THROTTLING": "true",
    "TUKKU_THROTTLE_WHOLESALE_WRITE_PER_TOKEN": UNREACHED,
    "TUKKU_THROTTLE_WHOLESALE_WRITE_PER_PARTNER": UNREACHED,
}
DELIVERED = "webhook deliveries to a loopback receiver"
WEBHOOKS = "/v1/partner/webhooks"


class Receiver:
    """A webhook receiver on a loopback port: verifies every delivery's signature and counts
    the verified ones, and the refused ones (which fail the benchmark)."""

    def __init__(self) -> None:
        self.secret: str | None = None
        self.verified = 0
        self.refused = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    Webhook(receiver.secret or "").verify(body, headers)
                except Exception:
                    receiver.count(ok=False)
                    self.send_response(400)
                else:
                    receiver.count(ok=True)
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def count(self, *, ok: bool) -> None:
        """Note one delivery."""
        with self._lock:
            if ok:
                self.verified += 1
            else:
                self.refused += 1

    @contextmanager
    def running(self) -> Iterator[Receiver]:
        """Serve in a thread until the block ends."""
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join()


@dataclass(frozen=True)
class Operations:
    """The figures of one backend, and the lines that compare them."""

    plain: Figures
    keyed: Figures
    subscribed: Figures
    throttled: Figures
    delivered: Figures

    def lines(self) -> list[str]:
        """Each cost as a ratio to the run without it, and the delivery rate."""
        backend = self.plain.backend
        return [
            f"{backend}: Idempotency-Key on POST /subscribers: {self.keyed.per_second:.1f}/s = "
            f"{self.keyed.per_second / self.plain.per_second:.2f}× without "
            f"({self.plain.per_second:.1f}/s); p50 {self.keyed.p50_ms:.0f} ms vs "
            f"{self.plain.p50_ms:.0f} ms",
            f"{backend}: a webhook endpoint subscribed: {self.subscribed.per_second:.1f}/s = "
            f"{self.subscribed.per_second / self.plain.per_second:.2f}× without",
            f"{backend}: throttling on (counted, never refused): "
            f"{self.throttled.per_second:.1f}/s = "
            f"{self.throttled.per_second / self.plain.per_second:.2f}× off",
            f"{backend}: webhook delivery: {self.delivered.requests} events in "
            f"{self.delivered.seconds:.1f} s = {self.delivered.per_second:.1f} events/s, "
            "every signature verified by the receiver",
        ]


@dataclass(frozen=True)
class Target:
    """Where the POSTs go: the server, its token, its database, the customer."""

    backend: str
    base: str
    token: str
    db: Database
    customer_id: str


def _post(target: Target, name: str, seconds: float, tag: int) -> Figures:
    """POST /subscribers under wrk; every answer must have stored exactly one subscriber."""
    keyed = ("keyed",) if name == KEYED else ()
    before = subscriber_count(target.db)
    figures = wrk(
        name,
        target.backend,
        target.base + SUBSCRIBERS,
        connections=CONNECTIONS,
        seconds=seconds,
        token=target.token,
        script="post_subscriber.lua",
        args=(target.customer_id, str(tag), *keyed),
    )
    drain(target.db)
    added = subscriber_count(target.db) - before
    if not figures.requests <= added <= figures.requests + CONNECTIONS:
        raise RuntimeError(f"{name}: {figures.requests} subscribers answered, {added} stored")
    return figures


def _subscribe(client: httpx.Client, receiver: Receiver) -> str:
    """Register the receiver for subscriber.created; keeps its secret; returns the endpoint ID."""
    answer = client.post(WEBHOOKS, json={"url": receiver.url, "eventTypes": ["subscriber.created"]})
    if answer.status_code != 201:
        raise RuntimeError(f"webhook registration: {answer.status_code} {answer.text[:300]}")
    endpoint: dict[str, str] = answer.json()
    receiver.secret = endpoint["secret"]
    return endpoint["id"]


def _wait_for(receiver: Receiver, total: int, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while receiver.verified < total:
        if receiver.refused:
            raise RuntimeError(f"the receiver refused {receiver.refused} signatures")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{receiver.verified} of {total} webhooks arrived in {timeout} s")
        time.sleep(0.05)


def _delivery(
    backend: str, client: httpx.Client, receiver: Receiver, endpoint_id: str, since: datetime
) -> Figures:
    """Replay every event since `since` at once; the time until the receiver has them all."""
    already = receiver.verified
    started = time.perf_counter()
    answer = client.post(f"{WEBHOOKS}/{endpoint_id}/replay", json={"since": since.isoformat()})
    if answer.status_code != 202:
        raise RuntimeError(f"replay: {answer.status_code} {answer.text[:300]}")
    queued = int(answer.json()["queued"])
    _wait_for(receiver, already + queued)
    seconds = time.perf_counter() - started
    return Figures(DELIVERED, backend, 1, queued, seconds, 0.0, 0.0)


def measure(backend: str, seconds: float) -> Operations:
    """The four figures of `backend`, each run `seconds` long (the delivery: as long as it
    takes)."""
    with database(backend) as url, TemporaryDirectory() as scratch, Receiver().running() as hook:
        created = partner(url)
        token = created["token"]
        db = Database(url)
        process, base = start_server(url, cwd=Path(scratch), env={"TUKKU_SANDBOX": "true"})
        try:
            with httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
            ) as client:
                customer_id = provisioned_customer(base, created)
                post_subscriber(client, customer_id).probe()
                target = Target(backend, base, token, db, customer_id)
                _post(target, "warm-up", max(1.0, seconds / 5), 1)
                plain = _post(target, PLAIN, seconds, 2)
                keyed = _post(target, KEYED, seconds, 3)
                endpoint_id = _subscribe(client, hook)
                since = datetime.now(UTC) - timedelta(days=1)
                subscribed = _post(target, SUBSCRIBED, seconds, 4)
                _wait_for(hook, subscribed.requests)
                delivered = _delivery(backend, client, hook, endpoint_id, since)
                client.delete(f"{WEBHOOKS}/{endpoint_id}").raise_for_status()
        finally:
            process.terminate()
            process.wait(timeout=60)
        process, base = start_server(
            url, cwd=Path(scratch), env={"TUKKU_SANDBOX": "true", **THROTTLING_ON}
        )
        try:
            # A fresh process: its first answers are slow (imports, connections).
            _post(replace(target, base=base), "warm-up", max(3.0, seconds / 5), 5)
            throttled = _post(replace(target, base=base), THROTTLED, seconds, 6)
        finally:
            process.terminate()
            process.wait(timeout=60)
            db.dispose()
    return Operations(plain, keyed, subscribed, throttled, delivered)
