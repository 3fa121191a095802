"""Putting work on the queue, inside the caller's unit of work, and operators' view of it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
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


def counts(session: Session) -> dict[tuple[str, JobStatus], int]:
    """How many jobs wait, run and failed for good, by kind and status (finished jobs are
    left out: they only grow)."""
    rows = session.execute(
        select(Job.kind, Job.status, func.count())
        .where(Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED)))
        .group_by(Job.kind, Job.status)
    )
    return {(kind, JobStatus(status)): number for kind, status, number in rows}


def list_failed(session: Session, *, kind: str | None, offset: int, limit: int) -> list[Job]:
    """Jobs that failed for good, the latest failure first, optionally of one kind; one more
    than `limit` to detect a next page."""
    query = select(Job).where(Job.status == JobStatus.FAILED)
    if kind:
        query = query.where(Job.kind == kind)
    query = query.order_by(Job.finished_at.desc(), Job.id.desc())
    return list(session.scalars(query.offset(offset).limit(limit + 1)))


def get(session: Session, job_id: int, *, lock: bool = False) -> Job | None:
    """One job, whatever its status (`lock`: held until the caller commits)."""
    return session.get(Job, job_id, with_for_update=lock)


def retry_failed(session: Session, job: Job) -> None:
    """Put a job that failed for good back on the queue to run now, its attempts counted from
    zero again (its last error stays until it runs). Callers check it `failed`."""
    job.status = JobStatus.QUEUED
    job.attempts = 0
    job.available_at = real_now()
    job.lease_owner = None
    job.lease_expires_at = None
    job.started_at = None
    job.finished_at = None
    session.flush()
    raise_signal(session, "jobs")


def oldest_waiting(session: Session, *, now: datetime, real: datetime) -> dict[str, datetime]:
    """For each kind with a job waiting to run (queued, due by platform time `now`, not held
    back by a retry's back-off at wall-clock `real`), when the longest-waiting one became due."""
    rows = session.execute(
        select(Job.kind, func.min(Job.due_at))
        .where(Job.status == JobStatus.QUEUED, Job.due_at <= now, Job.available_at <= real)
        .group_by(Job.kind)
    )
    return dict(rows.all())


def expired_leases(session: Session, *, real: datetime) -> int:
    """How many running jobs' leases ran out by wall-clock `real`: their worker died or hangs;
    a live worker takes them over."""
    query = select(func.count()).where(Job.status == JobStatus.RUNNING, Job.lease_expires_at < real)
    return session.scalar(query) or 0


def failed_since(session: Session, since: datetime) -> int:
    """How many jobs failed for good at or after wall-clock `since`."""
    query = select(func.count()).where(Job.status == JobStatus.FAILED, Job.finished_at >= since)
    return session.scalar(query) or 0
