"""`/v1/ops/jobs`: the queue's health by kind and status, the jobs that failed for good with
their error, and an operator putting one back on the queue (audited); operators only."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.conftest import Partner, drain
from tests.support import error_codes, outbox, set_up_sub_partner
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.jobs.models import Job, JobStatus

JOBS = "/v1/ops/jobs"


def fail_for_good(db: Database, clock: ManualClock, kind: str, error: str) -> list[int]:
    """Mark the queued jobs of `kind` as a worker does when their last attempt failed."""
    with db.unit_of_work() as session:
        ids = list(session.scalars(select(Job.id).where(Job.kind == kind, Job.status == "queued")))
        session.execute(
            update(Job)
            .where(Job.id.in_(ids))
            .values(status=JobStatus.FAILED, attempts=3, last_error=error, finished_at=clock.now())
        )
    return ids


def counts(client: TestClient, ops: dict[str, str]) -> dict[str, dict[str, int]]:
    response = client.get(JOBS, headers=ops)
    assert response.status_code == 200, response.text
    return {
        c["kind"]: {k: c[k] for k in ("queued", "running", "failed")}
        for c in response.json()["items"]
    }


def test_the_queue_shows_waiting_and_failed_jobs_by_kind(
    app_client: TestClient, db: Database, clock: ManualClock, ops: dict[str, str], partner: Partner
) -> None:
    set_up_sub_partner(app_client, partner)  # queues the invitation's delivery
    set_up_sub_partner(app_client, partner)
    assert counts(app_client, ops)["mail.deliver"] == {"queued": 2, "running": 0, "failed": 0}

    failed_ids = fail_for_good(db, clock, "mail.deliver", "SMTP said 554 no")
    assert counts(app_client, ops)["mail.deliver"] == {"queued": 0, "running": 0, "failed": 2}

    failed = app_client.get(f"{JOBS}/failed", headers=ops)
    assert failed.status_code == 200
    items = failed.json()["items"]
    assert sorted(j["id"] for j in items) == sorted(failed_ids)
    assert {j["error"] for j in items} == {"SMTP said 554 no"}
    assert {j["kind"] for j in items} == {"mail.deliver"}
    assert all(j["status"] == "failed" and j["attempts"] == 3 for j in items)
    assert app_client.get(f"{JOBS}/failed", params={"kind": "other"}, headers=ops).json() == {
        "items": []
    }
    paged = app_client.get(f"{JOBS}/failed", params={"max": 1}, headers=ops)
    assert len(paged.json()["items"]) == 1
    assert 'rel="next"' in paged.headers["link"]


def test_retrying_a_failed_job_runs_it_again_from_its_first_attempt(
    app_client: TestClient, db: Database, clock: ManualClock, ops: dict[str, str], partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner)
    (job_id,) = fail_for_good(db, clock, "mail.deliver", "SMTP down for days")
    drain(app_client)
    assert [m.status for m in outbox(app_client, sub.admin_email)] == ["queued"]

    clock.advance(timedelta(minutes=5))
    retried = app_client.post(f"{JOBS}/{job_id}/retry", headers=ops)

    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "queued"
    assert retried.json()["attempts"] == 0
    drain(app_client)
    assert app_client.get(f"{JOBS}/{job_id}", headers=ops).json()["status"] == "done"
    # without an SMTP server the message now waits in the outbox, delivered as far as it goes
    assert [m.status for m in outbox(app_client, sub.admin_email)] == ["held"]
    events = app_client.get("/v1/ops/auditEvents", params={"targetId": str(job_id)}, headers=ops)
    (event,) = events.json()["items"]
    assert event["action"] == "job.retry"
    assert event["before"] == {"status": "failed", "attempts": 3}
    assert event["after"]["status"] == "queued"


def test_unknown_jobs_are_404_and_malformed_ids_400(
    app_client: TestClient, ops: dict[str, str]
) -> None:
    assert app_client.post(f"{JOBS}/999999/retry", headers=ops).status_code == 404
    assert app_client.get(f"{JOBS}/999999", headers=ops).status_code == 404
    for malformed in ("0", "abc", str(2**64)):
        response = app_client.post(f"{JOBS}/{malformed}/retry", headers=ops)
        assert response.status_code == 400, (malformed, response.text)


def test_a_job_that_did_not_fail_is_refused_409(
    app_client: TestClient, db: Database, ops: dict[str, str], partner: Partner
) -> None:
    set_up_sub_partner(app_client, partner)
    drain(app_client)
    with db.unit_of_work(write=False) as session:
        done = session.scalars(select(Job.id).where(Job.status == "done")).first()

    response = app_client.post(f"{JOBS}/{done}/retry", headers=ops)

    assert response.status_code == 409
    assert "not failed" in response.json()["message"]


def test_partners_may_not_see_or_retry_jobs(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    set_up_sub_partner(app_client, partner)
    (job_id,) = fail_for_good(db, clock, "mail.deliver", "x")

    for method, url in (
        ("GET", JOBS),
        ("GET", f"{JOBS}/failed"),
        ("GET", f"{JOBS}/{job_id}"),
        ("POST", f"{JOBS}/{job_id}/retry"),
    ):
        response = app_client.request(method, url, headers=partner.headers)
        assert response.status_code == 403, (method, url)
        assert error_codes(response) == [1011]
    with db.unit_of_work(write=False) as session:
        assert session.get(Job, job_id).status == JobStatus.FAILED  # type: ignore[union-attr]
