"""The worker: claims due jobs safely among many processes, runs them, retries, fails for good.

PostgreSQL: any number of workers on any number of machines claim with `FOR UPDATE SKIP LOCKED`.
SQLite: one worker inside the server process (writers are serialised by the database anyway).
A claim is a lease; a heartbeat extends it while the job runs; a job whose lease expired (its
worker died) is claimed again. A job's effects and its completion commit in one transaction,
guarded by the lease, so a job whose lease was taken over can never complete twice.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from tukku.core.backends import Backends
from tukku.core.clock import Clock, SystemClock
from tukku.core.db import Database, insert_ignoring_conflicts
from tukku.core.logging import request_source_var, tracking_id_var
from tukku.core.metrics import JOB_DURATION, JOB_RUNS
from tukku.core.settings import Settings
from tukku.core.timefmt import iso
from tukku.jobs import registry
from tukku.jobs.models import Job, JobSchedule, JobStatus
from tukku.jobs.registry import JobContext, PermanentJobError

log = logging.getLogger("tukku.jobs")


@dataclass(frozen=True)
class Claimed:
    """A job this worker holds the lease of."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    tracking_id: str | None = None


class LeaseLost(Exception):
    """Another worker took the job over; this worker's results must not be committed."""


def backoff_seconds(attempt: int, settings: Settings) -> float:
    """Exponential back-off with full jitter, capped: retries spread out instead of stampeding."""
    ceiling = min(settings.job_retry_max_seconds, settings.job_retry_base_seconds * 2**attempt)
    return random.uniform(ceiling / 2, ceiling)


class Worker:
    """Runs jobs from the shared queue until stopped."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        name: str = "",
        *,
        backends: Backends | None = None,
        wall_clock: Clock | None = None,
    ) -> None:
        """Refuses to start while a declared job kind has no handler (`tukku.worker` imports
        every domain's tasks), rather than failing those jobs for good one by one. Handlers
        reach external systems through `backends` (`tukku.worker.make_worker` passes those the
        settings choose). Leases and retry back-off run on `wall_clock`: real time, never the
        sandbox's; tests inject a clock they move themselves."""
        if missing := registry.unhandled():
            raise RuntimeError(f"job kinds without a handler: {', '.join(missing)}")
        self.db = db
        self.clock = clock
        self.settings = settings
        self.backends = backends or Backends()
        self.wall_clock = wall_clock or SystemClock()
        self.id = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease = timedelta(seconds=settings.job_lease_seconds)
        self._wake = threading.Event()
        self._current: int | None = None
        self._current_lock = threading.Lock()
        self._last_tick = 0.0
        self._next_run: datetime | None = None

    def wake(self) -> None:
        """Look for work now instead of at the next poll (called after a commit enqueues jobs)."""
        self._wake.set()

    # -- the loop -----------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Work until `stop` is set; the job in hand is always finished first."""
        heartbeat = threading.Thread(target=self._heartbeat, args=(stop,), daemon=True)
        heartbeat.start()
        log.info("worker started", extra={"worker": self.id})
        while not stop.is_set():
            try:
                if time.monotonic() - self._last_tick >= self.settings.job_poll_interval_seconds:
                    self.tick_schedule()
                worked = self.run_one()
            except Exception:
                log.exception("worker loop error", extra={"worker": self.id})
                worked = False
            if not worked:
                self._wake.wait(self.settings.job_poll_interval_seconds)
                self._wake.clear()
        log.info("worker stopped", extra={"worker": self.id})

    def run_one(self) -> bool:
        """Claim and run one due job; False if none was due."""
        claimed = self.claim()
        if claimed is None:
            return False
        self.execute(claimed)
        return True

    def drain(self, timeout: float) -> bool:
        """Run due jobs until none is due or running anywhere; False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.tick_schedule()
            if self.run_one():
                continue
            if self.pending_due() == 0:
                return True
            time.sleep(0.05)
        return False

    # -- claiming ---------------------------------------------------------------------------

    def _eligible(self) -> Any:
        now, real = self.clock.now(), self.wall_clock.now()
        return or_(
            and_(Job.status == JobStatus.QUEUED, Job.due_at <= now, Job.available_at <= real),
            and_(Job.status == JobStatus.RUNNING, Job.lease_expires_at < real),
        )

    def claim(self) -> Claimed | None:
        """Take the lease of the oldest due job nobody holds, atomically among all workers.

        An idle poll only reads: the claim itself, a write (SQLite's write lock, which every
        request that writes waits for), is made only when some job is due."""
        with self.db.unit_of_work(write=False) as session:
            if session.scalar(select(Job.id).where(self._eligible()).limit(1)) is None:
                return None
        with self.db.unit_of_work() as session:
            candidate = select(Job.id).where(self._eligible()).order_by(Job.due_at, Job.id).limit(1)
            if self.db.dialect == "postgresql":
                candidate = candidate.with_for_update(skip_locked=True)
            real = self.wall_clock.now()
            row = session.execute(
                update(Job)
                .where(Job.id.in_(candidate.scalar_subquery()))
                .values(
                    status=JobStatus.RUNNING,
                    lease_owner=self.id,
                    lease_expires_at=real + self.lease,
                    attempts=Job.attempts + 1,
                    started_at=real,
                )
                .returning(
                    Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts, Job.tracking_id
                )
                .execution_options(synchronize_session=False)
            ).first()
        if row is None:
            return None
        with self._current_lock:
            self._current = row.id
        return Claimed(
            row.id, row.kind, row.payload, row.attempts, row.max_attempts, row.tracking_id
        )

    def pending_due(self) -> int:
        """How many jobs are due now or being run by some worker."""
        now, real = self.clock.now(), self.wall_clock.now()
        with self.db.unit_of_work(write=False) as session:
            due = or_(
                and_(Job.status == JobStatus.QUEUED, Job.due_at <= now, Job.available_at <= real),
                Job.status == JobStatus.RUNNING,
            )
            return session.scalar(select(func.count()).select_from(Job).where(due)) or 0

    # -- running ----------------------------------------------------------------------------

    def execute(self, job: Claimed) -> None:
        """Run a claimed job; commit its effects with its completion, or record the failure."""
        token = tracking_id_var.set(job.tracking_id or f"JOB_{job.id}_{job.attempt}")
        # The platform makes a job's changes, from no client, even when a request's thread runs it.
        source = request_source_var.set(None)
        try:
            spec = registry.kind(job.kind)
            if spec is None or not spec.handled:
                self._fail(job, f"no handler registered for {job.kind}", permanent=True)
            elif job.attempt > job.max_attempts:
                self._fail(job, "abandoned by crashed workers too often", permanent=True)
            else:
                self._run_handler(job, spec)
        finally:
            with self._current_lock:
                self._current = None
            tracking_id_var.reset(token)
            request_source_var.reset(source)

    def _run_handler(self, job: Claimed, spec: registry.JobKind[Any]) -> None:
        started = time.perf_counter()
        try:
            with self.db.unit_of_work() as session:
                spec.run(self._context(session, job), job.payload)
                self._complete(session, job)
        except LeaseLost:
            JOB_RUNS.labels(job.kind, "lease_lost").inc()
            log.warning("lease lost; result discarded", extra={"job": job.id, "kind": job.kind})
            return
        except PermanentJobError as exc:
            self._fail(job, str(exc), permanent=True)
            return
        except Exception as exc:
            self._fail(job, "".join(traceback.format_exception(exc))[-4000:], permanent=False)
            return
        finally:
            JOB_DURATION.labels(job.kind).observe(time.perf_counter() - started)
        JOB_RUNS.labels(job.kind, "completed").inc()
        log.info(
            "job done",
            extra={
                "job": job.id,
                "kind": job.kind,
                "attempt": job.attempt,
                "ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )

    def _context(self, session: Session, job: Claimed) -> JobContext:
        return JobContext(
            session=session,
            db=self.db,
            clock=self.clock,
            settings=self.settings,
            job_id=job.id,
            attempt=job.attempt,
            max_attempts=job.max_attempts,
            backends=self.backends,
            wall_clock=self.wall_clock,
        )

    def _guarded(self, job: Claimed) -> Any:
        return and_(Job.id == job.id, Job.lease_owner == self.id, Job.attempts == job.attempt)

    def _complete(self, session: Session, job: Claimed) -> None:
        result = session.execute(
            update(Job)
            .where(self._guarded(job))
            .values(status=JobStatus.DONE, finished_at=self.wall_clock.now(), last_error=None)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise LeaseLost(job.id)

    def _fail(self, job: Claimed, error: str, *, permanent: bool) -> None:
        final = permanent or job.attempt >= job.max_attempts
        values: dict[str, Any] = {"last_error": error}
        if final:
            values |= {"status": JobStatus.FAILED, "finished_at": self.wall_clock.now()}
        else:
            delay = timedelta(seconds=backoff_seconds(job.attempt, self.settings))
            values |= {"status": JobStatus.QUEUED, "available_at": self.wall_clock.now() + delay}
        with self.db.unit_of_work() as session:
            result = session.execute(
                update(Job)
                .where(self._guarded(job))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) != 1:
                return
            spec = registry.kind(job.kind)
            if final and spec:
                spec.failed(self._context(session, job), job.payload, error)
        JOB_RUNS.labels(job.kind, "failed" if final else "retried").inc()
        level = logging.ERROR if final else logging.WARNING
        log.log(level, "job failed", extra={"job": job.id, "kind": job.kind, "final": final})

    def _heartbeat(self, stop: threading.Event) -> None:
        interval = max(self.settings.job_lease_seconds / 3, 0.05)
        while not stop.wait(interval):
            with self._current_lock:
                current = self._current
            if current is None:
                continue
            try:
                with self.db.unit_of_work() as session:
                    session.execute(
                        update(Job)
                        .where(
                            Job.id == current,
                            Job.lease_owner == self.id,
                            Job.status == JobStatus.RUNNING,
                        )
                        .values(lease_expires_at=self.wall_clock.now() + self.lease)
                        .execution_options(synchronize_session=False)
                    )
            except Exception:
                log.exception("heartbeat failed", extra={"job": current})

    # -- periodic tasks ---------------------------------------------------------------------

    def tick_schedule(self) -> None:
        """Enqueue every periodic occurrence due by now, once each, whichever worker gets there.

        Schedules only move forward, so nothing is due before the earliest next run this worker
        last saw: the polls until then cost no statement, and no write lock."""
        self._last_tick = time.monotonic()
        now = self.clock.now()
        if self._next_run is not None and now < self._next_run:
            return
        next_runs: list[datetime] = []
        for task in registry.periodic_tasks():
            with self.db.unit_of_work() as session:
                query = select(JobSchedule).where(JobSchedule.name == task.name)
                if self.db.dialect == "postgresql":
                    query = query.with_for_update(skip_locked=True)
                schedule = session.scalars(query).first()
                if schedule is None:
                    added = insert_ignoring_conflicts(
                        session,
                        JobSchedule.__table__,
                        {"name": task.name, "next_run_at": task.next_after(now)},
                    )
                    # Not added: another worker holds the row now; look again at the next poll.
                    next_runs.append(task.next_after(now) if added else now)
                    continue
                if task.coalesce and schedule.next_run_at <= now:
                    schedule.next_run_at = task.next_after(now) - task.every
                while schedule.next_run_at <= now:
                    when = schedule.next_run_at
                    task.enqueue(
                        session,
                        {"scheduledFor": iso(when)},
                        due_at=when,
                        now=now,
                        dedupe_key=f"{task.name}@{iso(when)}",
                    )
                    schedule.next_run_at = task.next_after(when)
                next_runs.append(schedule.next_run_at)
        self._next_run = min(next_runs, default=None)
