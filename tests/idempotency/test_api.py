"""Idempotency keys over HTTP, on both backends: replays, refusals, tenancy, the lock of a running
request, crashes, and the purge."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from tests.conftest import Partner, drain
from tests.support import customer_body, error_codes
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.idempotency import store
from tukku.idempotency.models import IdempotencyKey
from tukku.idempotency.rules import KeyState, fingerprint

CUSTOMERS = "/v1/wholesale/customers"


def _post(client: TestClient, partner: Partner, key: str | None, body: Any) -> Any:
    raw = json.dumps(body).encode()
    headers = {**partner.headers, "Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(CUSTOMERS, content=raw, headers=headers)


def _customers(client: TestClient, partner: Partner) -> list[dict[str, Any]]:
    listed = client.get(CUSTOMERS, headers=partner.headers)
    assert listed.status_code == 200, listed.text
    items: list[dict[str, Any]] = listed.json()["items"]
    return items


def _keys(db: Database) -> list[tuple[str, str, KeyState]]:
    with db.unit_of_work(write=False) as session:
        keys = IdempotencyKey
        rows = session.execute(select(keys.org_id, keys.key, keys.state))
        return sorted((org, key, KeyState(state)) for org, key, state in rows)


def _hold(db: Database, clock: ManualClock, partner: Partner, key: str, body: Any) -> None:
    """Claim `key` for exactly the request `_post` would send, as another process would."""
    claimed = store.claim(
        db,
        org_id=partner.org_id,
        key=key,
        fingerprint=fingerprint("POST", CUSTOMERS, "", json.dumps(body).encode()),
        now=clock.now(),
        lease=timedelta(seconds=60),
        keep=timedelta(hours=24),
    )
    assert isinstance(claimed, store.Claimed)


def test_a_retry_gets_the_first_answer_and_nothing_is_made_twice(
    app_client: TestClient, partner: Partner
) -> None:
    body = customer_body(partner)
    first = _post(app_client, partner, "order-1", body)
    again = _post(app_client, partner, "order-1", body)

    assert first.status_code == again.status_code == 202
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert [c["externalId"] for c in _customers(app_client, partner)] == [body["externalId"]]


def test_the_same_key_for_another_request_is_refused_with_422(
    app_client: TestClient, partner: Partner
) -> None:
    assert _post(app_client, partner, "k", customer_body(partner)).status_code == 202
    other = _post(app_client, partner, "k", customer_body(partner))
    assert other.status_code == 422
    assert error_codes(other) == [8201]
    assert "another request" in other.json()["message"]
    assert len(_customers(app_client, partner)) == 1


def test_another_partner_with_the_same_key_is_independent(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    mine = _post(app_client, partner, "shared-key", customer_body(partner))
    body = customer_body(other_partner)
    theirs = _post(app_client, other_partner, "shared-key", body)
    assert mine.status_code == theirs.status_code == 202
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.headers["location"] != mine.headers["location"]
    assert [c["externalId"] for c in _customers(app_client, other_partner)] == [body["externalId"]]
    assert len(_customers(app_client, partner)) == 1


def test_a_refusal_is_replayed_too(app_client: TestClient, partner: Partner) -> None:
    body = customer_body(partner, provisioningId="no-such-template")
    first = _post(app_client, partner, "bad", body)
    assert first.status_code == 404
    again = _post(app_client, partner, "bad", body)
    assert again.status_code == 404
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"


def test_a_request_not_yet_finished_elsewhere_gets_409_and_retry_after(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    body = customer_body(partner)
    _hold(db, clock, partner, "busy", body)
    answer = _post(app_client, partner, "busy", body)
    assert answer.status_code == 409
    assert error_codes(answer) == [8202]
    assert answer.headers["retry-after"] == "1"
    assert _customers(app_client, partner) == []


def test_a_lock_whose_holder_died_is_taken_over(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    body = customer_body(partner)
    _hold(db, clock, partner, "orphan", body)
    clock.advance(timedelta(seconds=61))
    answer = _post(app_client, partner, "orphan", body)
    assert answer.status_code == 202
    assert len(_customers(app_client, partner)) == 1
    assert _keys(db) == [(partner.org_id, "orphan", KeyState.COMPLETED)]


def test_a_bad_key_is_refused_naming_the_header(app_client: TestClient, partner: Partner) -> None:
    answer = _post(app_client, partner, "x" * 256, customer_body(partner))
    assert answer.status_code == 400
    assert error_codes(answer) == [8200]
    assert "Idempotency-Key" in answer.json()["message"]
    assert _customers(app_client, partner) == []


def test_an_unauthenticated_keyed_write_is_refused_as_without_key(
    app_client: TestClient, db: Database, partner: Partner
) -> None:
    headers = {"Idempotency-Key": "x" * 300, "Authorization": "Bearer wrong"}
    answer = app_client.post(CUSTOMERS, json=customer_body(partner), headers=headers)
    assert answer.status_code == 401
    assert _keys(db) == []


def test_an_invalid_body_keeps_no_key(
    app_client: TestClient, db: Database, partner: Partner
) -> None:
    answer = _post(app_client, partner, "k", {"provisioningId": partner.provisioning_id})
    assert answer.status_code == 400
    assert _keys(db) == []
    assert _post(app_client, partner, "k", customer_body(partner)).status_code == 202


class Crash(BaseException):
    """The process dies here (as on SIGKILL): nothing after it runs."""


@contextmanager
def crash_when_the_answer_is_stored(db: Database) -> Iterator[None]:
    """Die right after the completed key is written in the request's transaction, before commit."""

    def crash(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE IDEMPOTENCY_KEYS"):
            raise Crash

    event.listen(db.engine, "after_cursor_execute", crash)
    try:
        yield
    finally:
        event.remove(db.engine, "after_cursor_execute", crash)


def test_a_crash_before_commit_leaves_neither_change_nor_answer(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    body = customer_body(partner)
    # A client of its own: the crash takes its event loop down with it.
    doomed = TestClient(app_client.app, base_url="http://tukku.test")
    with crash_when_the_answer_is_stored(db), pytest.raises(Crash):
        _post(doomed, partner, "doomed", body)
    assert _customers(app_client, partner) == []
    assert _keys(db) == [(partner.org_id, "doomed", KeyState.RUNNING)]
    # Once the dead request's lock lapses, the retry runs it, once.
    clock.advance(timedelta(seconds=61))
    assert _post(app_client, partner, "doomed", body).status_code == 202
    assert _post(app_client, partner, "doomed", body).headers["idempotent-replayed"] == "true"
    assert len(_customers(app_client, partner)) == 1


def test_the_purge_deletes_expired_keys_and_keeps_fresh_ones(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    drain(app_client)  # the periodic schedule starts
    assert _post(app_client, partner, "old", customer_body(partner)).status_code == 202
    clock.advance(timedelta(hours=23))
    assert _post(app_client, partner, "fresh", customer_body(partner)).status_code == 202
    clock.advance(timedelta(hours=2))
    drain(app_client)
    assert _keys(db) == [(partner.org_id, "fresh", KeyState.COMPLETED)]


def test_an_unkeyed_write_costs_no_statement_on_keys(
    app_client: TestClient, db: Database, partner: Partner
) -> None:
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert _post(app_client, partner, None, customer_body(partner)).status_code == 202
        unkeyed = list(statements)
        statements.clear()
        assert _post(app_client, partner, "k", customer_body(partner)).status_code == 202
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert unkeyed
    assert not [s for s in unkeyed if "idempotency_keys" in s]
    assert len([s for s in statements if "idempotency_keys" in s]) == 2
