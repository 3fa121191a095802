"""`/v1/ops/health`: the database, the job queue and the outboxes' backlogs, `degraded` with
the reasons once a figure passes its threshold; operators only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.conftest import Partner
from tests.support import customer_body, error_codes, queue_one_mail
from tukku.app import create_app
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.jobs.models import Job, JobStatus
from tukku.operations.health import BacklogHealth, JobQueue, Thresholds, assess
from tukku.worker import make_worker

HEALTH = "/v1/ops/health"
LIMITS = Thresholds(
    database_ms=250, job_wait_seconds=300, failed_jobs_per_day=0, backlog_seconds=900
)


@pytest.fixture
def client(settings: Settings, db: Database, clock: ManualClock) -> Iterator[TestClient]:
    """The app, with a database-latency limit no loaded test machine reaches (latency is real
    time; the other thresholds are the defaults)."""
    patient = settings.model_copy(update={"health_database_ms": 60_000})
    app = create_app(patient, db=db, clock=clock, wall_clock=clock)
    with TestClient(app, base_url="http://tukku.test") as test_client:
        yield test_client


def test_a_quiet_platform_is_ok(client: TestClient, ops: dict[str, str]) -> None:
    answer = client.get(HEALTH, headers=ops)
    assert answer.status_code == 200, answer.text
    health = answer.json()
    assert health["status"] == "ok"
    assert health["reasons"] == []
    assert health["database"]["ok"] is True
    assert health["database"]["latencyMs"] >= 0
    assert health["jobs"] == {
        "queued": 0,
        "running": 0,
        "failed": 0,
        "oldestWaitSeconds": None,
        "expiredLeases": 0,
        "failedLastDay": 0,
    }
    quiet = {"waiting": 0, "failed": 0, "oldestWaitSeconds": None}
    assert health["backlogs"] == {"mail": quiet, "webhooks": quiet}


def test_partners_may_not_read_the_platforms_health(
    client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    for caller in (partner, other_partner):
        refused = client.get(HEALTH, headers=caller.headers)
        assert refused.status_code == 403
        assert error_codes(refused) == [1011]
    assert client.get(HEALTH).status_code == 401


def test_a_running_job_whose_lease_expired_makes_it_degraded(
    client: TestClient,
    ops: dict[str, str],
    partner: Partner,
    settings: Settings,
    db: Database,
    clock: ManualClock,
) -> None:
    body = customer_body(partner)
    accepted = client.post("/v1/wholesale/customers", json=body, headers=partner.headers)
    assert accepted.status_code == 202
    worker = make_worker(db, clock, settings)
    worker.wall_clock = clock  # leases on the test's clock
    claimed = worker.claim()
    assert claimed is not None
    assert claimed.kind == "customers.provision"
    running = client.get(HEALTH, headers=ops).json()
    assert running["status"] == "ok"
    assert running["jobs"]["running"] == 1
    assert running["jobs"]["expiredLeases"] == 0

    clock.advance(timedelta(seconds=settings.job_lease_seconds + 1))  # the worker died
    stuck = client.get(HEALTH, headers=ops).json()
    assert stuck["status"] == "degraded"
    assert stuck["jobs"]["expiredLeases"] == 1
    assert stuck["reasons"] == ["jobs: 1 running with an expired lease"]


def test_long_waits_and_failures_make_it_degraded(
    client: TestClient, ops: dict[str, str], partner: Partner, db: Database, clock: ManualClock
) -> None:
    queue_one_mail(db, clock, partner)
    clock.advance(timedelta(seconds=200))
    waiting = client.get(HEALTH, headers=ops).json()
    assert waiting["status"] == "ok"
    assert waiting["backlogs"]["mail"] == {"waiting": 1, "failed": 0, "oldestWaitSeconds": 200}
    assert waiting["jobs"]["queued"] == 1
    assert waiting["jobs"]["oldestWaitSeconds"] == 200

    clock.advance(timedelta(seconds=800))
    late = client.get(HEALTH, headers=ops).json()
    assert late["status"] == "degraded"
    assert late["reasons"] == [
        "jobs: a due job has waited 1000 s (limit 300)",
        "mail: an item has waited 1000 s (limit 900)",
    ]

    with db.unit_of_work() as session:
        session.execute(
            update(Job).values(
                status=JobStatus.FAILED, finished_at=clock.now() - timedelta(hours=1)
            )
        )
    failed = client.get(HEALTH, headers=ops).json()
    assert failed["jobs"]["failed"] == 1
    assert failed["jobs"]["failedLastDay"] == 1
    assert "jobs: 1 failed for good in 24 h (limit 0)" in failed["reasons"]
    clock.advance(timedelta(hours=24))
    assert client.get(HEALTH, headers=ops).json()["jobs"]["failedLastDay"] == 0


QUIET = JobQueue(
    queued=3, running=1, failed=2, oldest_wait_seconds=10, expired_leases=0, failed_last_day=0
)


@pytest.mark.parametrize(
    ("queue", "database_ms", "outboxes", "reasons"),
    [
        (QUIET, 3.0, {}, []),
        (QUIET, 251.0, {}, ["database: answered in 251 ms (limit 250)"]),
        (
            JobQueue(0, 0, 0, None, 0, 1),
            3.0,
            {"webhooks": BacklogHealth(5, 0, 901)},
            [
                "jobs: 1 failed for good in 24 h (limit 0)",
                "webhooks: an item has waited 901 s (limit 900)",
            ],
        ),
        (QUIET, 3.0, {"mail": BacklogHealth(5, 7, 900)}, []),
    ],
)
def test_assess_names_every_figure_past_its_threshold(
    queue: JobQueue, database_ms: float, outboxes: dict[str, BacklogHealth], reasons: list[str]
) -> None:
    found = assess(
        database_ok=True, database_ms=database_ms, queue=queue, outboxes=outboxes, limits=LIMITS
    )
    assert found == reasons


def test_a_database_that_does_not_answer_is_the_only_reason() -> None:
    found = assess(database_ok=False, database_ms=None, queue=None, outboxes={}, limits=LIMITS)
    assert found == ["database: does not answer"]
