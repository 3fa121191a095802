"""Many worker processes on PostgreSQL: each job runs exactly once, even when a worker dies."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import make_partner
from tests.e2e.conftest import run_dir
from tests.pgcluster import PostgresCluster
from tests.support import customer_body
from tukku.core.clock import SystemClock
from tukku.core.db import Database
from tukku.customers import service as customers
from tukku.customers.backend import LocalProvisioning
from tukku.customers.job_kinds import PROVISION
from tukku.customers.models import Customer
from tukku.customers.schemas import CustomerCreate
from tukku.identity.actor import Actor
from tukku.identity.models import Organization
from tukku.identity.principal import Principal
from tukku.jobs.models import Job

pytestmark = pytest.mark.postgres_only
_names = itertools.count()


@pytest.fixture
def pg_url(pg_cluster: PostgresCluster) -> Iterator[str]:
    name = f"w{next(_names)}_{os.getpid()}"
    pg_cluster.execute(f"CREATE DATABASE {name} TEMPLATE tukku_template STRATEGY FILE_COPY")
    yield pg_cluster.url(name)
    pg_cluster.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def db(pg_url: str) -> Iterator[Database]:
    database = Database(pg_url)
    yield database
    database.dispose()


def _accept_customers(db: Database, count: int) -> list[str]:
    """Accept `count` customers the way `POST /customers` does (rows + provisioning jobs)."""
    clock = SystemClock()
    partner = make_partner(db, clock)  # type: ignore[arg-type]
    principal = Principal(
        "",
        partner.org_id,
        "partner",
        partner.org_id,
        frozenset({"partner_full_admin"}),
        frozenset(),
        "",
    )
    actor = Actor(principal=principal, org_id=partner.org_id, partner_org_id=partner.org_id)
    ids = []
    with db.unit_of_work() as session:
        for _ in range(count):
            data = CustomerCreate.model_validate(customer_body(partner))
            ids.append(
                customers.provision(
                    session, actor=actor, data=data, now=clock.now(), backend=LocalProvisioning()
                ).id
            )
    return ids


def _start_worker(url: str, **env: str) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "TUKKU_DATABASE_URL": url,
        "TUKKU_JOB_POLL_INTERVAL_SECONDS": "0.05",
        "TUKKU_LOG_LEVEL": "warning",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tukku", "worker"],
        env=environment,
        stdout=subprocess.DEVNULL,
        cwd=run_dir(),
    )


def _wait(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def _provisioned(db: Database) -> int:
    with db.unit_of_work(write=False) as session:
        return (
            session.scalar(
                select(func.count()).select_from(Customer).where(Customer.status == "provisioned")
            )
            or 0
        )


def test_four_worker_processes_provision_500_customers_each_exactly_once(
    pg_url: str, db: Database
) -> None:
    ids = _accept_customers(db, 500)
    workers = [_start_worker(pg_url) for _ in range(4)]
    try:
        _wait(lambda: _provisioned(db) == 500, timeout=180)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        codes = [worker.wait(timeout=30) for worker in workers]

    assert codes == [0, 0, 0, 0]  # graceful shutdown
    with db.unit_of_work(write=False) as session:
        jobs = session.execute(
            select(Job.status, Job.attempts, Job.lease_owner).where(Job.kind == PROVISION.name)
        ).all()
        org_ids = session.scalars(select(Customer.org_id).where(Customer.id.in_(ids))).all()
        customer_orgs = session.scalar(
            select(func.count()).select_from(Organization).where(Organization.kind == "customer")
        )
    assert len(jobs) == 500
    assert {(status, attempts) for status, attempts, _ in jobs} == {("done", 1)}
    assert len({owner for _, _, owner in jobs}) > 1  # the work really was shared
    assert len(set(org_ids)) == 500
    assert None not in org_ids
    assert customer_orgs == 500


def test_a_job_of_a_killed_worker_completes_exactly_once_after_its_lease_expires(
    pg_url: str, db: Database
) -> None:
    [customer_id] = _accept_customers(db, 1)
    lease = {"TUKKU_JOB_LEASE_SECONDS": "2"}

    def claimed_by_doomed() -> bool:
        with db.unit_of_work(write=False) as session:
            owner = session.scalar(select(Job.lease_owner).where(Job.status == "running"))
        return owner is not None and f":{doomed.pid}:" in owner

    # The test holds the customer's row, so the job waits for it (lease held, heartbeat
    # running) for as long as the test needs, however slowly the machine runs.
    with db.unit_of_work() as holding:
        holding.execute(select(Customer.id).where(Customer.id == customer_id).with_for_update())
        doomed = _start_worker(pg_url, **lease)
        _wait(claimed_by_doomed, timeout=30)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        killed_at = datetime.now(UTC)
    survivor = _start_worker(pg_url, **lease)
    try:
        _wait(lambda: _provisioned(db) == 1, timeout=60)
    finally:
        survivor.send_signal(signal.SIGTERM)
        survivor.wait(timeout=30)

    with db.unit_of_work(write=False) as session:
        status, attempts, owner, started = session.execute(
            select(Job.status, Job.attempts, Job.lease_owner, Job.started_at).where(
                Job.kind == PROVISION.name
            )
        ).one()
        customer_status = session.scalar(select(Customer.status).where(Customer.id == customer_id))
        orgs = session.scalar(
            select(func.count()).select_from(Organization).where(Organization.kind == "customer")
        )
    assert (status, attempts) == ("done", 2)
    assert f":{survivor.pid}:" in (owner or "")
    assert started >= killed_at  # the second attempt began only after the kill
    assert customer_status == "provisioned"
    assert orgs == 1
