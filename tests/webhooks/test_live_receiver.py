"""Deliveries to a real HTTP receiver on loopback (sandbox mode: http and loopback allowed),
verified with the `standardwebhooks` library's own verifier. The receiver fails on purpose at
first; the worker's wall clock is moved through the retry schedule instead of sleeping."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from tests.conftest import Partner
from tests.support import customer_body, outbox, subscriber_body
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.jobs.runner import Worker
from tukku.webhooks.models import WebhookDelivery

HOOKS = "/v1/partner/webhooks"
EVENTS = ["customer.created", "customer.updated", "subscriber.created", "subscriber.updated"]


@dataclass
class Received:
    """One request as the receiver saw it."""

    event_id: str
    body: dict[str, Any]
    verified_by: frozenset[str]
    answered: int


@dataclass
class Receiver:
    """An HTTP server that verifies every request, failing the first `fail_first` on purpose."""

    secrets: list[str] = field(default_factory=list)
    fail_first: int = 0
    always_fail: bool = False
    requests: list[Received] = field(default_factory=list)
    port: int = 0

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        verified = set()
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            verified.add(secret)
        failing = self.always_fail or len(self.requests) < self.fail_first
        answered = 400 if not verified else 500 if failing else 200
        payload = json.loads(body)
        self.requests.append(
            Received(headers["webhook-id"], payload, frozenset(verified), answered)
        )
        return answered

    def delivered(self) -> list[Received]:
        """The requests answered 200, in arrival order."""
        return [r for r in self.requests if r.answered == 200]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = state.handle(body, dict(self.headers.items()))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Sandbox mode: endpoints on loopback over http."""
    return Settings(
        database_url=database_url,
        sandbox=True,
        public_base_url="http://tukku.test",
        job_retry_base_seconds=0.01,
        report_dir=str(tmp_path / "reports"),
        webhook_disable_after_days=0.01,
    )


@pytest.fixture
def wall() -> ManualClock:
    """The delivery worker's wall clock, starting at real time (rows are stamped with it)."""
    return ManualClock(datetime.now(UTC))


@pytest.fixture
def worker(
    app_client: TestClient, db: Database, clock: ManualClock, settings: Settings, wall: ManualClock
) -> Worker:
    backends = app_client.app.state.backends  # type: ignore[attr-defined]
    return Worker(db, clock, settings, name="hooks-test", backends=backends, wall_clock=wall)


def run(worker: Worker, wall: ManualClock, after: timedelta = timedelta(seconds=1)) -> None:
    """Move the wall clock on by `after` (from real time, should that be ahead: rows the app
    writes are stamped with it), then run every job due."""
    wall.set(max(wall.now(), datetime.now(UTC)) + after)
    assert worker.drain(30)


def _endpoint(client: TestClient, partner: Partner, receiver: Receiver) -> dict[str, Any]:
    body = {"url": f"http://127.0.0.1:{receiver.port}/hook", "eventTypes": EVENTS}
    created = client.post(HOOKS, json=body, headers=partner.headers)
    assert created.status_code == 201, created.text
    receiver.secrets.append(created.json()["secret"])
    result: dict[str, Any] = created.json()
    return result


def _subscriber(client: TestClient, partner: Partner, customer_id: str) -> None:
    made = client.post(
        "/v1/wholesale/subscribers", json=subscriber_body(customer_id), headers=partner.headers
    )
    assert made.status_code == 200, made.text


@pytest.mark.slow
def test_every_event_arrives_signed_in_order_and_replays(
    app_client: TestClient,
    partner: Partner,
    receiver: Receiver,
    worker: Worker,
    wall: ManualClock,
    db: Database,
) -> None:
    receiver.fail_first = 3
    endpoint = _endpoint(app_client, partner, receiver)
    accepted = app_client.post(
        "/v1/wholesale/customers", json=customer_body(partner), headers=partner.headers
    )
    customer_id = accepted.json()["url"].rsplit("/", 1)[-1]
    run(worker, wall)  # provisioning settles (customer.updated); customer.created fails once
    assert [r.answered for r in receiver.requests] == [500]
    for wait in (timedelta(seconds=6), timedelta(minutes=6), timedelta(minutes=31)):
        run(worker, wall, wait)
    _subscriber(app_client, partner, customer_id)
    _subscriber(app_client, partner, customer_id)
    run(worker, wall)

    with db.unit_of_work(write=False) as session:
        made = [
            (d.id, d.event_id, d.resource_key, d.status)
            for d in session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))
        ]
    types = [r.body["type"] for r in receiver.delivered()]
    assert types[:2] == ["customer.created", "customer.updated"]
    assert sorted(types[2:]) == ["subscriber.created", "subscriber.created"]
    assert all(status == "delivered" for *_, status in made)
    assert {event_id for _, event_id, _, _ in made} == {r.event_id for r in receiver.delivered()}
    assert all(r.verified_by == {endpoint["secret"]} for r in receiver.requests)
    # In order per resource: the customer's events arrived as they were made.
    customer_events = [e for _, e, key, _ in made if key == f"customer:{customer_id}"]
    arrivals = [r.event_id for r in receiver.requests if r.event_id in customer_events]
    assert arrivals == [customer_events[0]] * 4 + [customer_events[1]]
    assert receiver.delivered()[0].body["data"]["id"] == customer_id

    log = app_client.get(f"{HOOKS}/{endpoint['id']}/deliveries", headers=partner.headers).json()[
        "items"
    ]
    first = [a for a in reversed(log) if a["eventId"] == customer_events[0]]
    assert [(a["attempt"], a["status"], a["responseCode"]) for a in first] == [
        (1, "failed", 500),
        (2, "failed", 500),
        (3, "failed", 500),
        (4, "succeeded", 200),
    ]
    assert all(a["latencyMs"] >= 0 and a["eventType"] for a in log)
    failed = app_client.get(
        f"{HOOKS}/{endpoint['id']}/deliveries?status=failed", headers=partner.headers
    ).json()["items"]
    assert len(failed) == 3

    # Replay one delivery, then a time range: the same event IDs arrive again.
    before = len(receiver.delivered())
    replayed = app_client.post(
        f"{HOOKS}/{endpoint['id']}/deliveries/{first[0]['deliveryId']}/replay",
        headers=partner.headers,
    )
    assert replayed.status_code == 202, replayed.text
    run(worker, wall)
    assert [r.event_id for r in receiver.delivered()[before:]] == [customer_events[0]]
    ranged = app_client.post(
        f"{HOOKS}/{endpoint['id']}/replay",
        json={"since": "2000-01-01T00:00:00Z"},
        headers=partner.headers,
    )
    assert ranged.json() == {"queued": len(made)}
    run(worker, wall)
    again = [r.event_id for r in receiver.delivered()[before + 1 :]]
    assert sorted(again) == sorted(e for _, e, _, _ in made)


@pytest.mark.slow
def test_during_a_rotation_both_secrets_sign(
    app_client: TestClient,
    partner: Partner,
    receiver: Receiver,
    worker: Worker,
    wall: ManualClock,
) -> None:
    endpoint = _endpoint(app_client, partner, receiver)
    old = endpoint["secret"]
    accepted = app_client.post(
        "/v1/wholesale/customers", json=customer_body(partner), headers=partner.headers
    )
    customer_id = accepted.json()["url"].rsplit("/", 1)[-1]
    run(worker, wall)
    rotated = app_client.post(f"{HOOKS}/{endpoint['id']}/secret/rotate", headers=partner.headers)
    new = rotated.json()["secret"]
    receiver.secrets.append(new)
    _subscriber(app_client, partner, customer_id)
    run(worker, wall)
    assert [r.verified_by for r in receiver.requests[:2]] == [{old}, {old}]
    assert receiver.requests[2].verified_by == {old, new}
    # After the overlap only the new secret signs.
    _subscriber(app_client, partner, customer_id)
    run(worker, wall, timedelta(hours=25))
    assert receiver.requests[-1].verified_by == {new}
    assert all(r.answered == 200 for r in receiver.requests)


@pytest.mark.slow
def test_an_endpoint_that_only_fails_is_disabled_and_its_admins_told(
    app_client: TestClient,
    partner: Partner,
    receiver: Receiver,
    worker: Worker,
    wall: ManualClock,
) -> None:
    receiver.always_fail = True
    endpoint = _endpoint(app_client, partner, receiver)
    app_client.post("/v1/wholesale/customers", json=customer_body(partner), headers=partner.headers)
    run(worker, wall)
    for wait in (timedelta(seconds=6), timedelta(minutes=6)):
        run(worker, wall, wait)
    still = app_client.get(f"{HOOKS}/{endpoint['id']}", headers=partner.headers).json()
    assert still["enabled"] is True  # 5 minutes of failures: not yet the 0.01 days (14.4 min)
    run(worker, wall, timedelta(minutes=31))
    disabled = app_client.get(f"{HOOKS}/{endpoint['id']}", headers=partner.headers).json()
    assert disabled["enabled"] is False
    assert "failed" in disabled["disabledReason"]
    mails = [m for m in outbox(app_client, partner.admin_email) if m.kind == "webhook_disabled"]
    assert len(mails) == 1
    assert f"http://tukku.test/v1/partner/webhooks/{endpoint['id']}" in mails[0].body
    attempts = len(receiver.requests)
    run(worker, wall, timedelta(hours=3))  # the retry still queued finds the endpoint disabled
    assert len(receiver.requests) == attempts
