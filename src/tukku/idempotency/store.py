"""Idempotency keys in the database, shared by every API process: claim a key for a running
request, store its answer in the request's own transaction, release it, purge expired keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tukku.core.db import Database, table_of
from tukku.idempotency import rules
from tukku.idempotency.models import IdempotencyKey
from tukku.idempotency.rules import Decision, KeyState, StoredKey

KEYS = table_of(IdempotencyKey)


@dataclass(frozen=True)
class Claimed:
    """The key is this request's now: it runs, and only `owner` may store its answer."""

    owner: str


@dataclass(frozen=True)
class Replay:
    """The key's first request is done: answer with what it answered."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Refused:
    """The key cannot serve this request (`Decision.MISMATCH` or `Decision.IN_PROGRESS`)."""

    decision: Decision


Outcome = Claimed | Replay | Refused


def claim(
    db: Database,
    *,
    org_id: str,
    key: str,
    fingerprint: str,
    now: datetime,
    lease: timedelta,
    keep: timedelta,
) -> Outcome:
    """Lock `key` of `org_id` for a request, in a short transaction of its own (committed before
    the request runs, so other processes see it): insert it, or decide on the row already there.

    Taking over a dead or expired row is a compare-and-set on its owner: of two requests that
    both found it dead, one takes it and the other is told it is in use.
    """
    owner = uuid.uuid4().hex
    values = {
        "fingerprint": fingerprint,
        "state": KeyState.RUNNING.value,
        "owner": owner,
        "locked_until": now + lease,
        "status_code": None,
        "headers": None,
        "body": None,
        "created_at": now,
        "expires_at": now + keep,
    }
    with db.unit_of_work() as session:
        if _insert_new(session, {"org_id": org_id, "key": key, **values}):
            return Claimed(owner)
        row = session.execute(select(KEYS).where(_the(org_id, key))).one()
        stored = StoredKey(row.fingerprint, KeyState(row.state), row.locked_until, row.expires_at)
        decision = rules.decide(stored, fingerprint, now)
        if decision is Decision.REPLAY:
            return Replay(row.status_code, dict(row.headers or {}), bytes(row.body or b""))
        if decision is not Decision.TAKE_OVER:
            return Refused(decision)
        taken = session.execute(
            update(KEYS).where(_the(org_id, key), KEYS.c.owner == row.owner).values(**values)
        )
        return Claimed(owner) if _count(taken) == 1 else Refused(Decision.IN_PROGRESS)


def complete(
    session: Session,
    *,
    org_id: str,
    key: str,
    owner: str,
    status: int,
    headers: dict[str, str],
    body: bytes,
) -> bool:
    """Store the answer of the request holding `key`, in `session` (the request's own unit of
    work, so the answer commits with the change or not at all). False if the request no longer
    holds the key: its lock lapsed and another request took over."""
    stored = session.execute(
        update(KEYS)
        .where(_the(org_id, key), KEYS.c.owner == owner, KEYS.c.state == KeyState.RUNNING.value)
        .values(
            state=KeyState.COMPLETED.value,
            locked_until=None,
            status_code=status,
            headers=headers,
            body=body,
        )
    )
    return _count(stored) == 1


def release(db: Database, *, org_id: str, key: str, owner: str) -> None:
    """Forget the running request's claim (it failed and changed nothing), so a retry runs."""
    with db.unit_of_work() as session:
        session.execute(
            delete(KEYS).where(
                _the(org_id, key), KEYS.c.owner == owner, KEYS.c.state == KeyState.RUNNING.value
            )
        )


def purge(session: Session, *, now: datetime) -> int:
    """Delete every key whose time is up; how many."""
    result = session.execute(delete(KEYS).where(KEYS.c.expires_at <= now))
    return _count(result)


def _insert_new(session: Session, values: dict[str, Any]) -> bool:
    """Insert the key's row unless it exists; whether it was inserted. (Told by RETURNING: the
    row count of an INSERT .. ON CONFLICT DO NOTHING reads -1 through psycopg here.)"""
    if session.get_bind().dialect.name == "postgresql":
        stmt: Any = pg_insert(KEYS)
    else:
        stmt = sqlite_insert(KEYS)
    added = stmt.values(**values).on_conflict_do_nothing().returning(KEYS.c.owner)
    return session.execute(added).first() is not None


def _count(result: object) -> int:
    """Rows an UPDATE or DELETE matched."""
    return int(getattr(result, "rowcount", 0) or 0)


def _the(org_id: str, key: str) -> ColumnElement[bool]:
    return (KEYS.c.org_id == org_id) & (KEYS.c.key == key)
