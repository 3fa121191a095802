"""`/metrics` after a mixed workload: requests by route template, method and status, their
latency histograms, job runs by kind, provisioning times, billing reports, and the gauges read
from the database at scrape time. Figures are compared before and after (the instruments are
process-wide and other tests' requests count too)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import START, Partner, drain
from tests.metrics.conftest import LOOPBACK, delta, scrape, value
from tests.support import customer_body, error_codes, provision_subscriber, queue_one_mail
from tukku.app import create_app
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.metrics import observe_provisioned
from tukku.core.settings import Settings
from tukku.jobs.models import Job, JobStatus
from tukku.mail.models import MailMessage
from tukku.operations.metrics import address_allowed
from tukku.screening.models import ScreeningCase

CUSTOMERS = "/v1/wholesale/customers"
CUSTOMER = "/v1/wholesale/customers/{customer_id}"
SUBSCRIBERS = "/v1/wholesale/subscribers"
REPORTS = "/v1/wholesale/billing/reports"
REQUESTS = "tukku_http_requests_total"
LATENCY = "tukku_http_request_duration_seconds"
JOB_RUNS = "tukku_job_runs_total"


def done_jobs_by_kind(db: Database) -> dict[str, int]:
    """How many jobs the database holds as done, by kind (the queue's own record)."""
    with db.unit_of_work(write=False) as session:
        rows = session.execute(
            select(Job.kind, func.count()).where(Job.status == JobStatus.DONE).group_by(Job.kind)
        )
        return dict(rows.all())


def test_figures_match_the_work_done(
    local_client: TestClient, partner: Partner, clock: ManualClock, db: Database
) -> None:
    client, headers = local_client, partner.headers
    before = scrape(client)
    accepted = [
        client.post(CUSTOMERS, json=customer_body(partner), headers=headers) for _ in range(2)
    ]
    assert [a.status_code for a in accepted] == [202, 202]
    refused = client.post(CUSTOMERS, json={"packages": []}, headers=headers)
    assert refused.status_code == 400
    clock.advance(timedelta(seconds=45))
    drain(client)
    customers = [client.get(a.json()["url"], headers=headers) for a in accepted]
    assert [c.json()["status"] for c in customers] == ["provisioned", "provisioned"]
    assert client.get(f"{CUSTOMERS}/no-such-customer", headers=headers).status_code == 404
    assert client.get("/v1/no/such/route", headers=headers).status_code == 404
    for customer in customers:
        provision_subscriber(client, partner, customer.json()["id"])
    provision_subscriber(client, partner, customers[0].json()["id"])
    clock.advance(timedelta(days=1))
    day = clock.now().date() - timedelta(days=1)
    asked = {"billingStartDate": day.isoformat(), "billingEndDate": day.isoformat(), "type": "USER"}
    report = client.post(REPORTS, json=asked, headers=headers)
    assert report.status_code == 200, report.text
    drain(client)
    done = client.get(f"{REPORTS}/{report.json()['id']}", headers=headers).json()
    assert done["status"] == "COMPLETED", done
    rows = list(csv.reader(io.StringIO(client.get(done["tempDownloadURL"]).text)))[1:]
    after = scrape(client)

    def sent(route: str, method: str, status: int) -> float:
        return delta(before, after, REQUESTS, route=route, method=method, status=str(status))

    assert sent(CUSTOMERS, "POST", 202) == 2
    assert sent(CUSTOMERS, "POST", 400) == 1
    assert sent(CUSTOMER, "GET", 200) == 2
    assert sent(CUSTOMER, "GET", 404) == 1
    assert sent("unmatched", "GET", 404) == 1
    assert sent(SUBSCRIBERS, "POST", 200) == 3
    assert sent(REPORTS, "POST", 200) == 1
    assert not any(route.startswith(("/v1/no", f"{CUSTOMERS}/no")) for route in _routes(after))
    for route, method, count in ((CUSTOMERS, "POST", 3), (CUSTOMER, "GET", 3)):
        labels = {"route": route, "method": method}
        assert delta(before, after, f"{LATENCY}_count", **labels) == count
        assert delta(before, after, f"{LATENCY}_bucket", le="+Inf", **labels) == count

    jobs = done_jobs_by_kind(db)
    assert jobs["customers.provision"] == 2
    for kind, count in jobs.items():
        assert delta(before, after, JOB_RUNS, kind=kind, outcome="completed") == count, kind

    customer = {"resource": "customer", "outcome": "provisioned"}
    assert delta(before, after, "tukku_provisioning_seconds_count", **customer) == 2
    assert delta(before, after, "tukku_provisioning_seconds_sum", **customer) == 90
    subscriber = {"resource": "subscriber", "outcome": "provisioned"}
    assert delta(before, after, "tukku_provisioning_seconds_count", **subscriber) == 3
    assert delta(before, after, "tukku_provisioning_seconds_sum", **subscriber) == 0

    generated = {"category": "RECONCILIATION", "type": "USER"}
    assert delta(before, after, "tukku_billing_report_generation_seconds_count", **generated) == 1
    assert len(rows) >= 3  # a line per subscriber at least
    assert delta(before, after, "tukku_billing_report_rows_sum", **generated) == len(rows)


def _routes(samples: dict[tuple[str, frozenset[tuple[str, str]]], float]) -> set[str]:
    return {dict(labels).get("route", "") for name, labels in samples if name == REQUESTS}


def test_a_provisioning_rolled_back_is_not_timed(local_client: TestClient, db: Database) -> None:
    """Observations wait for the commit: a unit of work that rolls back leaves no figure."""
    labels = {"resource": "customer", "outcome": "provisioned"}
    count = "tukku_provisioning_seconds_count"
    before = scrape(local_client)

    def refused_later() -> None:
        with db.unit_of_work() as session:
            observe_provisioned(session, **labels, accepted_at=START, now=START)
            raise RuntimeError("refused later in the same transaction")

    with pytest.raises(RuntimeError):
        refused_later()
    assert delta(before, scrape(local_client), count, **labels) == 0
    with db.unit_of_work() as session:
        observe_provisioned(session, **labels, accepted_at=START, now=START)
    assert delta(before, scrape(local_client), count, **labels) == 1


def test_queue_backlog_and_screening_gauges_are_read_from_the_database(
    local_client: TestClient, partner: Partner, clock: ManualClock, db: Database
) -> None:
    accepted = local_client.post(CUSTOMERS, json=customer_body(partner), headers=partner.headers)
    assert accepted.status_code == 202
    queue_one_mail(db, clock, partner)
    clock.advance(timedelta(seconds=90))
    samples = scrape(local_client)
    assert value(samples, "tukku_database_up") == 1
    provision = {"kind": "customers.provision"}
    assert value(samples, "tukku_job_queue_jobs", status="queued", **provision) == 1
    assert value(samples, "tukku_job_queue_jobs", status="running", **provision) == 0
    assert value(samples, "tukku_job_queue_oldest_wait_seconds", **provision) == 90
    assert value(samples, "tukku_job_queue_expired_leases") == 0
    with db.unit_of_work(write=False) as session:
        waiting = session.scalar(select(func.count()).where(MailMessage.status == "queued"))
    assert waiting
    assert value(samples, "tukku_backlog_items", backlog="mail", state="waiting") == waiting
    assert value(samples, "tukku_backlog_oldest_wait_seconds", backlog="mail") == 90

    drain(local_client)
    customer_id = local_client.get(accepted.json()["url"], headers=partner.headers).json()["id"]
    with db.unit_of_work() as session:
        for n, status in enumerate(("pending", "escalated", "cleared")):
            session.add(_case(f"CASE_{n}", customer_id, partner, status, clock))
    samples = scrape(local_client)
    assert value(samples, "tukku_screening_cases_open") == 2
    assert value(samples, "tukku_screening_cases_escalated") == 1
    assert value(samples, "tukku_job_queue_jobs", status="queued", **provision) == 0
    assert value(samples, "tukku_backlog_items", backlog="mail", state="waiting") == 0


def _case(
    case_id: str, customer_id: str, partner: Partner, status: str, clock: ManualClock
) -> ScreeningCase:
    return ScreeningCase(
        id=case_id,
        customer_id=customer_id,
        partner_org_id=partner.org_id,
        owner_org_id=partner.org_id,
        customer_name="Pizza",
        country="US",
        status=status,
        matches=[],
        opened_at=clock.now(),
        checked_at=clock.now(),
    )


def test_metrics_are_refused_outside_the_allowed_networks(
    app_client: TestClient, settings: Settings, db: Database, clock: ManualClock
) -> None:
    refused = app_client.get("/metrics")  # TestClient's client is "testclient": no address
    assert refused.status_code == 403
    assert error_codes(refused) == [8230]
    app = create_app(settings, db=db, clock=clock, wall_clock=clock)
    with TestClient(app, base_url="http://tukku.test", client=("10.1.2.3", 4000)) as remote:
        assert remote.get("/metrics").status_code == 403
    opened = settings.model_copy(update={"metrics_allow": "10.0.0.0/8"})
    app = create_app(opened, db=db, clock=clock, wall_clock=clock)
    with TestClient(app, base_url="http://tukku.test", client=("10.1.2.3", 4000)) as remote:
        assert remote.get("/metrics").status_code == 200
    with TestClient(app, base_url="http://tukku.test", client=LOOPBACK) as local:
        assert local.get("/metrics").status_code == 403


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("10.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("2001:db8::1", False),
        ("testclient", False),
        (None, False),
    ],
)
def test_address_allowed_by_the_default_networks(address: str | None, allowed: bool) -> None:
    assert address_allowed(address, Settings().metrics_networks) is allowed


def test_a_misspelt_network_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="metrics_allow"):
        Settings(metrics_allow="10.0.0.0/8,10.0.0.300/32")
