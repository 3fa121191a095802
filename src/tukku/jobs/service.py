"""Putting work on the queue, inside the caller's unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tukku.core.clock import real_now
from tukku.core.db import insert_ignoring_conflicts, raise_signal, table_of
from tukku.core.logging import tracking_id_var
from tukku.jobs.models import Job, JobStatus

if TYPE_CHECKING:  # the registry's `JobKind.enqueue` calls this module
    from tukku.jobs.registry import JobKind, P

DEFAULT_MAX_ATTEMPTS = 5


# Built once: a Core INSERT run with a row of parameters costs a fraction of building one.
_INSERT = insert(table_of(Job))


def enqueue(
    session: Session,
    kind: JobKind[P],
    payload: P,
    *,
    due_at: datetime,
    now: datetime,
    dedupe_key: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    available_at: datetime | None = None,
) -> bool:
    """Add a job to the queue in the current transaction; it exists only if the caller commits.

    Callers write `KIND.enqueue(session, payload, ...)`, which checks the payload's type.

    With a `dedupe_key`, a second enqueue of the same key is a no-op (returns False). The kind's
    own `max_attempts`, where it declares one, wins over the argument. `available_at` (wall-clock
    time, like back-off) holds the job back until then, also in the sandbox.
    """
    values: dict[str, Any] = {
        "kind": kind.name,
        "payload": dict(payload),
        "status": JobStatus.QUEUED,
        "due_at": due_at,
        "available_at": available_at or real_now(),
        "attempts": 0,
        "max_attempts": kind.max_attempts or max_attempts,
        "dedupe_key": dedupe_key,
        "tracking_id": tracking_id_var.get(),
        "created_at": now,
    }
    if dedupe_key is None:
        session.execute(_INSERT, values)
        added = True
    else:
        added = insert_ignoring_conflicts(session, Job.__table__, values)
    if added:
        raise_signal(session, "jobs")
    return added
