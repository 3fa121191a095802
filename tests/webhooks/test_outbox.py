"""The outbox: an event exists exactly if its change committed, only for partners with an
endpoint wanting it, and a partner without endpoints pays no statement for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from tests.conftest import START, Partner
from tests.support import customer_body
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.customers import service as customers
from tukku.customers.models import Customer
from tukku.customers.rules import Status
from tukku.webhooks import service as webhooks
from tukku.webhooks.models import WebhookDelivery

HOOKS = "/v1/partner/webhooks"
# Nothing listens there: deliveries the drain attempts fail at once, without the network.
DEAD_END = "https://127.0.0.1:9/hook"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Private targets allowed (the endpoint is on loopback) and a cache that outlives a test."""
    return Settings(
        database_url=database_url,
        public_base_url="http://tukku.test",
        report_dir=str(tmp_path / "reports"),
        webhook_allow_private_targets=True,
        webhook_cache_seconds=60,
    )


def _subscribe(client: TestClient, partner: Partner, *types: str) -> str:
    created = client.post(
        HOOKS, json={"url": DEAD_END, "eventTypes": list(types)}, headers=partner.headers
    )
    assert created.status_code == 201, created.text
    endpoint_id: str = created.json()["id"]
    return endpoint_id


def _deliveries(db: Database) -> list[tuple[str, str, dict[str, Any]]]:
    with db.unit_of_work(write=False) as session:
        rows = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))
        return [(r.endpoint_id, r.event_type, r.payload) for r in rows]


def _provision(client: TestClient, partner: Partner) -> str:
    accepted = client.post(
        "/v1/wholesale/customers", json=customer_body(partner), headers=partner.headers
    )
    assert accepted.status_code == 202, accepted.text
    customer_id: str = accepted.json()["url"].rsplit("/", 1)[-1]
    return customer_id


def _fail_after_audit(db: Database, customer_id: str, now: Any) -> None:
    with db.unit_of_work() as session:
        customer = session.scalars(select(Customer).where(Customer.id == customer_id)).one()
        customers.set_status(session, customer, Status.ERROR, now)
        session.flush()
        raise RuntimeError("the change fails after it was audited")


def test_a_committed_change_writes_its_event(
    app_client: TestClient, db: Database, partner: Partner
) -> None:
    endpoint_id = _subscribe(app_client, partner, "customer.created", "customer.updated")
    customer_id = _provision(app_client, partner)
    [(endpoint, event_type, payload)] = _deliveries(db)
    assert (endpoint, event_type) == (endpoint_id, "customer.created")
    shown = app_client.get(f"/v1/wholesale/customers/{customer_id}", headers=partner.headers)
    assert payload["type"] == "customer.created"
    assert payload["id"].startswith("msg_")
    assert payload["data"] == shown.json()
    with db.unit_of_work(write=False) as session:
        assert webhooks.backlog(session) == (1, 0, START)


def test_no_backlog_without_events(db: Database) -> None:
    with db.unit_of_work(write=False) as session:
        assert webhooks.backlog(session) == (0, 0, None)


def test_a_rolled_back_change_leaves_no_event(
    app_client: TestClient, db: Database, partner: Partner, clock: Any
) -> None:
    _subscribe(app_client, partner, "customer.updated")
    customer_id = _provision(app_client, partner)
    assert _deliveries(db) == []  # customer.created is not wanted
    with pytest.raises(RuntimeError):
        _fail_after_audit(db, customer_id, clock.now())
    assert _deliveries(db) == []
    with db.unit_of_work() as session:
        customer = session.scalars(select(Customer).where(Customer.id == customer_id)).one()
        customers.set_status(session, customer, Status.ERROR, clock.now())
    [(_, event_type, payload)] = _deliveries(db)
    assert event_type == "customer.updated"
    assert payload["data"]["status"] == "error"


def test_another_partners_endpoint_gets_none_of_it(
    app_client: TestClient, db: Database, partner: Partner, other_partner: Partner
) -> None:
    _subscribe(app_client, other_partner, "customer.created")
    _provision(app_client, partner)
    assert _deliveries(db) == []


def test_a_partner_without_endpoints_pays_no_statement(
    app_client: TestClient, db: Database, partner: Partner, other_partner: Partner
) -> None:
    _subscribe(app_client, partner, "customer.created")
    _provision(app_client, partner)  # the process now knows who has endpoints
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        _provision(app_client, other_partner)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert any("INSERT INTO audit_events" in s for s in seen)  # the write was measured
    assert [s for s in seen if "webhook" in s] == []
    assert len(_deliveries(db)) == 1
