"""The durable job runner: retries, final failure, rollback, leases, periodic tasks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from tukku.core.clock import ManualClock, real_now
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.jobs.models import Job, JobSchedule
from tukku.jobs.registry import JobContext, JobKind, PeriodicKind, PermanentJobError, Scheduled
from tukku.jobs.runner import Worker
from tukku.jobs.tasks import purge_finished
from tukku.mail.models import MailMessage

FAST = Settings(job_retry_base_seconds=0.001, job_retry_max_seconds=0.01, job_lease_seconds=30)


def _effect(ctx: JobContext, marker: str) -> None:
    """A visible side effect of a handler: one outbox row per successful effect."""
    ctx.session.add(
        MailMessage(
            kind="test",
            to_address=marker,
            subject="s",
            body="b",
            status="held",
            created_at=ctx.clock.now(),
        )
    )
    ctx.session.flush()


Payload = dict[str, Any]
FLAKY = JobKind[Payload]("test.flaky")
ALWAYS_FAILS = JobKind[Payload]("test.always_fails", max_attempts=3)
PERMANENT = JobKind[Payload]("test.permanent")
HELD = JobKind[Payload]("test.held")
DAILY = PeriodicKind("test.daily", every=timedelta(days=1), offset=timedelta(hours=1))


@FLAKY.handler()
def _flaky(ctx: JobContext, payload: dict[str, Any]) -> None:
    if ctx.attempt <= payload["failures"]:
        raise RuntimeError(f"boom on attempt {ctx.attempt}")
    _effect(ctx, payload["marker"])


def _record_failure(ctx: JobContext, payload: dict[str, Any], error: str) -> None:
    _effect(ctx, payload["marker"] + ":failed:" + error.splitlines()[-1][:40])


@ALWAYS_FAILS.handler(on_failure=_record_failure)
def _always_fails(ctx: JobContext, payload: dict[str, Any]) -> None:
    _effect(ctx, payload["marker"])  # rolled back with the failure
    raise RuntimeError("never works")


@PERMANENT.handler()
def _permanent(_ctx: JobContext, _payload: dict[str, Any]) -> None:
    raise PermanentJobError("bad payload, do not retry")


_gates: dict[str, threading.Event] = {}


@HELD.handler()
def _held(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Runs until the test opens the gate the payload names."""
    assert _gates[payload["gate"]].wait(timeout=60)
    _effect(ctx, payload["marker"])


@DAILY.handler()
def _daily(ctx: JobContext, payload: Scheduled) -> None:
    _effect(ctx, "daily@" + payload["scheduledFor"])


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))


def _enqueue(
    db: Database, clock: ManualClock, kind: JobKind[Payload], payload: Payload, **kw: Any
) -> None:
    with db.unit_of_work() as session:
        kind.enqueue(session, payload, due_at=kw.pop("due_at", clock.now()), now=clock.now(), **kw)


def _effects(db: Database, marker: str) -> list[str]:
    with db.unit_of_work(write=False) as session:
        return list(
            session.scalars(
                select(MailMessage.to_address).where(MailMessage.to_address.like(f"{marker}%"))
            )
        )


def _job(db: Database, kind: JobKind[Any]) -> Job:
    with db.unit_of_work(write=False) as session:
        job = session.scalars(select(Job).where(Job.kind == kind.name)).one()
        session.expunge(job)
        return job


def _until(condition: Callable[[], bool], timeout: float = 60) -> None:
    """Wait for something another thread does; the timeout only stops a hung test."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _drain_with_retries(worker: Worker, rounds: int = 50) -> None:
    for _ in range(rounds):
        worker.drain(60)
        if worker.pending_due() == 0 and not _waiting(worker):
            return
        time.sleep(0.02)


def _waiting(worker: Worker) -> bool:
    with worker.db.unit_of_work(write=False) as session:
        return bool(
            session.scalar(select(func.count()).select_from(Job).where(Job.status == "queued"))
        )


def test_a_failing_job_is_retried_until_it_succeeds_and_its_effect_happens_once(
    db: Database, clock: ManualClock
) -> None:
    _enqueue(db, clock, FLAKY, {"failures": 2, "marker": "flaky"})

    _drain_with_retries(Worker(db, clock, FAST))

    job = _job(db, FLAKY)
    assert (job.status, job.attempts, job.last_error) == ("done", 3, None)
    assert _effects(db, "flaky") == ["flaky"]


def test_a_job_failing_every_attempt_ends_failed_and_calls_its_failure_hook_once(
    db: Database, clock: ManualClock
) -> None:
    _enqueue(db, clock, ALWAYS_FAILS, {"marker": "doomed"})

    _drain_with_retries(Worker(db, clock, FAST))

    job = _job(db, ALWAYS_FAILS)
    assert (job.status, job.attempts, job.max_attempts) == ("failed", 3, 3)
    assert "never works" in (job.last_error or "")
    assert _effects(db, "doomed") == ["doomed:failed:RuntimeError: never works"]


def test_a_permanent_error_fails_at_once_without_retry(db: Database, clock: ManualClock) -> None:
    _enqueue(db, clock, PERMANENT, {})

    Worker(db, clock, FAST).drain(60)

    job = _job(db, PERMANENT)
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.last_error == "bad payload, do not retry"


def test_retry_waits_for_its_back_off(db: Database, clock: ManualClock) -> None:
    slow_retry = Settings(job_retry_base_seconds=60, job_retry_max_seconds=120)
    _enqueue(db, clock, FLAKY, {"failures": 1, "marker": "later"})
    wall = ManualClock(real_now())  # after the enqueue: the job is available at once
    worker = Worker(db, clock, slow_retry, wall_clock=wall)

    worker.drain(60)
    wall.advance(timedelta(seconds=59))
    worker.drain(60)

    job = _job(db, FLAKY)
    assert (job.status, job.attempts) == ("queued", 1)
    assert job.available_at - wall.now() >= timedelta(seconds=1)  # 60 to 120 s after the failure
    assert _effects(db, "later") == []


def test_a_job_due_later_waits_for_the_platform_clock(db: Database, clock: ManualClock) -> None:
    _enqueue(
        db,
        clock,
        FLAKY,
        {"failures": 0, "marker": "future"},
        due_at=clock.now() + timedelta(hours=2),
    )
    worker = Worker(db, clock, FAST)

    worker.drain(60)
    before = _effects(db, "future")
    clock.advance(timedelta(hours=2))
    worker.drain(60)

    assert before == []
    assert _effects(db, "future") == ["future"]


def test_a_worker_that_lost_its_lease_cannot_complete_the_job(
    db: Database, clock: ManualClock
) -> None:
    _enqueue(db, clock, FLAKY, {"failures": 0, "marker": "lease"})
    stale, fresh = Worker(db, clock, FAST, name="stale"), Worker(db, clock, FAST, name="fresh")
    claimed = stale.claim()
    assert claimed is not None
    with db.unit_of_work() as session:  # the stale worker stopped heartbeating long ago
        session.execute(update(Job).values(lease_expires_at=real_now() - timedelta(seconds=1)))

    assert fresh.run_one()
    stale.execute(claimed)

    job = _job(db, FLAKY)
    assert (job.status, job.attempts, job.lease_owner) == ("done", 2, "fresh")
    assert _effects(db, "lease") == ["lease"]


def test_a_held_lease_keeps_other_workers_away_while_the_heartbeat_runs(
    db: Database, clock: ManualClock
) -> None:
    """Leases run on a wall clock the test moves, so a heartbeat that waits for the CPU cannot
    lose one: each round moves time to just before the lease ends, waits for the heartbeat to
    extend it, then moves past the old end, where only the extension keeps the job held."""
    beating = Settings(job_lease_seconds=0.3, job_poll_interval_seconds=0.05)
    lease = timedelta(seconds=beating.job_lease_seconds)
    _enqueue(db, clock, HELD, {"gate": "lease", "marker": "held"})
    wall = ManualClock(real_now())  # after the enqueue: the job is available at once
    holder = Worker(db, clock, beating, name="holder", wall_clock=wall)
    other = Worker(db, clock, beating, name="other", wall_clock=wall)
    gate = _gates["lease"] = threading.Event()
    stop = threading.Event()
    thread = threading.Thread(target=holder.run, args=(stop,))
    thread.start()
    stolen = []
    try:
        _until(lambda: _job(db, HELD).lease_owner == "holder")
        for _ in range(3):
            ends = _job(db, HELD).lease_expires_at
            wall.set(ends - lease / 10)
            _until(lambda ends=ends: _job(db, HELD).lease_expires_at > ends)
            wall.set(ends + lease / 10)
            stolen.append(other.claim())
    finally:
        gate.set()
        stop.set()
        thread.join()

    assert stolen == [None, None, None]
    job = _job(db, HELD)
    assert (job.status, job.attempts, job.lease_owner) == ("done", 1, "holder")
    assert _effects(db, "held") == ["held"]


def test_a_job_abandoned_by_crashed_workers_too_often_fails(
    db: Database, clock: ManualClock
) -> None:
    _enqueue(db, clock, FLAKY, {"failures": 0, "marker": "crashy"}, max_attempts=2)
    with db.unit_of_work() as session:
        session.execute(
            update(Job).values(
                status="running",
                attempts=2,
                lease_owner="dead",
                lease_expires_at=real_now() - timedelta(seconds=1),
            )
        )

    Worker(db, clock, FAST).drain(60)

    job = _job(db, FLAKY)
    assert (job.status, job.attempts) == ("failed", 3)
    assert "abandoned" in (job.last_error or "")
    assert _effects(db, "crashy") == []


def test_periodic_tasks_run_once_per_occurrence_as_the_clock_moves(
    db: Database, clock: ManualClock
) -> None:
    first, second = Worker(db, clock, FAST, name="a"), Worker(db, clock, FAST, name="b")
    first.tick_schedule()  # the schedule starts at the next occurrence: 2027-03-02T01:00Z

    clock.advance(timedelta(days=3))
    first.tick_schedule()
    second.tick_schedule()
    first.drain(60)

    ran = sorted(_effects(db, "daily@"))
    assert ran == [
        "daily@2027-03-02T01:00:00.000Z",
        "daily@2027-03-03T01:00:00.000Z",
        "daily@2027-03-04T01:00:00.000Z",
    ]
    with db.unit_of_work(write=False) as session:
        nxt = session.scalar(select(JobSchedule.next_run_at).where(JobSchedule.name == DAILY.name))
    assert nxt == datetime(2027, 3, 5, 1, 0, tzinfo=UTC)


WRITES = ("INSERT", "UPDATE", "DELETE")


def test_an_idle_worker_polls_without_writing_until_something_is_due(
    db: Database, clock: ManualClock
) -> None:
    worker = Worker(db, clock, FAST, name="idle")
    worker.tick_schedule()
    worker.drain(60)  # whatever the first tick queued
    writes: list[str] = []

    def note_write(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.split()[:2] == ["BEGIN", "IMMEDIATE"] or statement.startswith(WRITES):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", note_write)
    for _ in range(5):
        clock.advance(timedelta(minutes=1))
        worker.tick_schedule()
        assert worker.run_one() is False
    # Each write would take SQLite's write lock, which requests that write wait for.
    assert writes == []

    clock.advance(timedelta(days=1))
    worker.drain(60)
    assert writes
    assert "daily@2027-03-02T01:00:00.000Z" in _effects(db, "daily@")


def test_purge_removes_old_finished_jobs_and_keeps_failed_ones(
    db: Database, clock: ManualClock
) -> None:
    _enqueue(db, clock, FLAKY, {"failures": 0, "marker": "old"})
    _enqueue(db, clock, PERMANENT, {})
    worker = Worker(db, clock, FAST)
    worker.drain(60)
    with db.unit_of_work() as session:
        session.execute(update(Job).values(finished_at=real_now() - timedelta(days=30)))

    with db.unit_of_work() as session:
        ctx = JobContext(
            session=session, db=db, clock=clock, settings=FAST, job_id=0, attempt=1, max_attempts=1
        )
        purge_finished(ctx, {"scheduledFor": "2027-03-01T03:00:00.000Z"})

    with db.unit_of_work(write=False) as session:
        left = sorted(session.scalars(select(Job.kind)))
    assert left == [PERMANENT.name]


def test_enqueue_with_the_same_dedupe_key_adds_one_job(db: Database, clock: ManualClock) -> None:
    added = []
    for _ in range(2):
        with db.unit_of_work() as session:
            payload = {"failures": 0, "marker": "d"}
            added.append(
                FLAKY.enqueue(
                    session, payload, due_at=clock.now(), now=clock.now(), dedupe_key="k1"
                )
            )

    assert added == [True, False]

    with db.unit_of_work(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 1
