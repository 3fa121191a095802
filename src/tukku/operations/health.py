"""The operators' health summary (`/v1/ops/health`): the database, the job queue and every
registered outbox's backlog, with an overall `ok` or `degraded` and the reasons why.

`assess` is the rule (which figures make the platform degraded, by the `TUKKU_HEALTH_*`
thresholds); `check` reads the figures."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text

from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.identity.permissions import Permission, authorize
from tukku.identity.principal import Principal
from tukku.jobs import service as jobs
from tukku.jobs.models import JobStatus
from tukku.operations import backlogs

OK = "ok"
DEGRADED = "degraded"
FAILED_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Thresholds:
    """Beyond these, the platform is degraded (settings `TUKKU_HEALTH_*`)."""

    database_ms: float
    job_wait_seconds: float
    failed_jobs_per_day: int
    backlog_seconds: float

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        """The thresholds the settings name."""
        return cls(
            settings.health_database_ms,
            settings.health_job_wait_seconds,
            settings.health_failed_jobs_per_day,
            settings.health_backlog_seconds,
        )


@dataclass(frozen=True)
class JobQueue:
    """The job queue: jobs by status, how long the longest-waiting due job has waited, running
    jobs whose lease ran out, and jobs that failed for good in the last 24 hours."""

    queued: int
    running: int
    failed: int
    oldest_wait_seconds: float | None
    expired_leases: int
    failed_last_day: int


@dataclass(frozen=True)
class BacklogHealth:
    """One outbox: items waiting and failed, and the longest wait."""

    waiting: int
    failed: int
    oldest_wait_seconds: float | None


@dataclass(frozen=True)
class Health:
    """The summary; `jobs` and `backlogs` are empty when the database did not answer."""

    status: str
    reasons: list[str]
    database_ok: bool
    database_ms: float | None
    jobs: JobQueue | None
    backlogs: dict[str, BacklogHealth]


def assess(
    *,
    database_ok: bool,
    database_ms: float | None,
    queue: JobQueue | None,
    outboxes: dict[str, BacklogHealth],
    limits: Thresholds,
) -> list[str]:
    """Why the platform is degraded (an empty list: it is not)."""
    if not database_ok:
        return ["database: does not answer"]
    reasons = []
    if database_ms is not None and database_ms > limits.database_ms:
        reasons.append(f"database: answered in {database_ms:.0f} ms (limit {limits.database_ms:g})")
    if queue is not None:
        if queue.oldest_wait_seconds is not None and (
            queue.oldest_wait_seconds > limits.job_wait_seconds
        ):
            reasons.append(
                f"jobs: a due job has waited {queue.oldest_wait_seconds:.0f} s "
                f"(limit {limits.job_wait_seconds:g})"
            )
        if queue.expired_leases:
            reasons.append(f"jobs: {queue.expired_leases} running with an expired lease")
        if queue.failed_last_day > limits.failed_jobs_per_day:
            reasons.append(
                f"jobs: {queue.failed_last_day} failed for good in 24 h "
                f"(limit {limits.failed_jobs_per_day})"
            )
    for name, backlog in outboxes.items():
        if backlog.oldest_wait_seconds is not None and (
            backlog.oldest_wait_seconds > limits.backlog_seconds
        ):
            reasons.append(
                f"{name}: an item has waited {backlog.oldest_wait_seconds:.0f} s "
                f"(limit {limits.backlog_seconds:g})"
            )
    return reasons


def _wait(since: datetime | None, now: datetime) -> float | None:
    return max((now - since).total_seconds(), 0.0) if since is not None else None


def check(
    db: Database,
    *,
    principal: Principal,
    now: datetime,
    real: datetime,
    limits: Thresholds,
) -> Health:
    """Read the figures (platform time `now`, wall-clock `real`) and assess them. Operators
    only."""
    authorize(principal, Permission.OPERATE)
    started = time.perf_counter()
    try:
        with db.unit_of_work(write=False) as session:
            session.execute(text("SELECT 1"))
            database_ms = round((time.perf_counter() - started) * 1000, 2)
            counts = jobs.counts(session)
            waiting = jobs.oldest_waiting(session, now=now, real=real)
            queue = JobQueue(
                queued=sum(n for (_, s), n in counts.items() if s == JobStatus.QUEUED),
                running=sum(n for (_, s), n in counts.items() if s == JobStatus.RUNNING),
                failed=sum(n for (_, s), n in counts.items() if s == JobStatus.FAILED),
                oldest_wait_seconds=_wait(min(waiting.values(), default=None), now),
                expired_leases=jobs.expired_leases(session, real=real),
                failed_last_day=jobs.failed_since(session, real - FAILED_WINDOW),
            )
            outboxes = {
                name: BacklogHealth(b.waiting, b.failed, _wait(b.oldest_waiting_at, now))
                for name, b in backlogs.measure(session).items()
            }
    except Exception:
        reasons = assess(
            database_ok=False, database_ms=None, queue=None, outboxes={}, limits=limits
        )
        return Health(DEGRADED, reasons, False, None, None, {})
    reasons = assess(
        database_ok=True, database_ms=database_ms, queue=queue, outboxes=outboxes, limits=limits
    )
    return Health(DEGRADED if reasons else OK, reasons, True, database_ms, queue, outboxes)
