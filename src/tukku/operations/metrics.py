"""`/metrics`: the Prometheus page, for the networks in `TUKKU_METRICS_ALLOW` only.

What processes recorded (requests, job runs, provisioning times, billing reports:
`tukku.core.metrics`) comes from this process, or, in multiprocess mode, from the files of every
process of the run. What the database holds (queue depth and age, outbox backlogs, open
screening cases) is read at each scrape, so it is right whichever process answers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from ipaddress import IPv4Network, IPv6Network, ip_address

from fastapi import Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy.orm import Session

from tukku.core.clock import Clock
from tukku.core.db import Database
from tukku.core.errors import Codes, DomainError, Problem
from tukku.core.metrics import MULTIPROCESS
from tukku.core.routing import api_router
from tukku.jobs import registry
from tukku.jobs import service as jobs
from tukku.jobs.models import JobStatus
from tukku.operations import backlogs
from tukku.screening import service as screening
from tukku.screening.rules import CaseStatus

log = logging.getLogger("tukku.metrics")

router = api_router()
QUEUE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED)


def address_allowed(address: str | None, networks: Sequence[IPv4Network | IPv6Network]) -> bool:
    """Whether a client at `address` may read the metrics: it is an IP address inside one of
    `networks` (an unknown or non-IP client never is)."""
    try:
        client = ip_address(address or "")
    except ValueError:
        return False
    return any(client in network for network in networks)


def _age(since: datetime | None, now: datetime) -> float:
    return max((now - since).total_seconds(), 0.0) if since is not None else 0.0


class DatabaseCollector:
    """Gauges read from the database at scrape time; `tukku_database_up` is 0 (and the others
    absent) when the database does not answer."""

    def __init__(self, db: Database, clock: Clock, wall_clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.wall_clock = wall_clock

    def collect(self) -> Iterator[Metric]:
        """Every database gauge, read in one read-only unit of work."""
        up = GaugeMetricFamily("tukku_database_up", "Whether the database answered the scrape.")
        try:
            with self.db.unit_of_work(write=False) as session:
                families = list(self._read(session))
        except Exception:
            log.warning("metrics: the database did not answer", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _read(self, session: Session) -> Iterable[Metric]:
        now, real = self.clock.now(), self.wall_clock.now()
        yield from self._jobs(session, now, real)
        yield from self._backlogs(session, now)
        yield from self._screening(session)

    def _jobs(self, session: Session, now: datetime, real: datetime) -> Iterable[Metric]:
        counts = jobs.counts(session)
        waiting = jobs.oldest_waiting(session, now=now, real=real)
        kinds = sorted({k.name for k in registry.kinds()} | {kind for kind, _ in counts})
        depth = GaugeMetricFamily(
            "tukku_job_queue_jobs",
            "Jobs queued (waiting or scheduled), running, or failed for good, by kind.",
            labels=["kind", "status"],
        )
        age = GaugeMetricFamily(
            "tukku_job_queue_oldest_wait_seconds",
            "How long the longest-waiting due job of each kind has waited to run (0: none).",
            labels=["kind"],
        )
        for kind in kinds:
            for status in QUEUE_STATUSES:
                depth.add_metric([kind, status.value], counts.get((kind, status), 0))
            age.add_metric([kind], _age(waiting.get(kind), now))
        expired = GaugeMetricFamily(
            "tukku_job_queue_expired_leases",
            "Running jobs whose lease ran out (their worker died or hangs).",
            value=jobs.expired_leases(session, real=real),
        )
        return [depth, age, expired]

    def _backlogs(self, session: Session, now: datetime) -> Iterable[Metric]:
        items = GaugeMetricFamily(
            "tukku_backlog_items",
            "Outbox items not delivered, by outbox (mail, webhooks) and state (waiting, failed).",
            labels=["backlog", "state"],
        )
        age = GaugeMetricFamily(
            "tukku_backlog_oldest_wait_seconds",
            "How long each outbox's longest-waiting item has waited (0: none).",
            labels=["backlog"],
        )
        for name, backlog in backlogs.measure(session).items():
            items.add_metric([name, "waiting"], backlog.waiting)
            items.add_metric([name, "failed"], backlog.failed)
            age.add_metric([name], _age(backlog.oldest_waiting_at, now))
        return [items, age]

    def _screening(self, session: Session) -> Iterable[Metric]:
        counts = screening.open_case_counts(session)
        return [
            GaugeMetricFamily(
                "tukku_screening_cases_open",
                "Screening cases awaiting a decision (pending or escalated).",
                value=sum(counts.values()),
            ),
            GaugeMetricFamily(
                "tukku_screening_cases_escalated",
                "Open screening cases escalated for a second look.",
                value=counts[CaseStatus.ESCALATED],
            ),
        ]


def render(collector: DatabaseCollector) -> bytes:
    """The metrics page: the processes' samples (every process's in multiprocess mode) and
    the database's gauges."""
    scrape = CollectorRegistry()
    if MULTIPROCESS:
        MultiProcessCollector(scrape)  # type: ignore[no-untyped-call]
    else:
        scrape.register(REGISTRY)
    scrape.register(collector)
    return generate_latest(scrape)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """The Prometheus page; 403 to a client outside `TUKKU_METRICS_ALLOW`."""
    state = request.app.state
    client = request.client.host if request.client else None
    if not address_allowed(client, state.settings.metrics_networks):
        log.warning("metrics refused", extra={"client": client})
        raise DomainError([Problem(Codes.METRICS_FORBIDDEN, Codes.METRICS_FORBIDDEN.meaning)])
    body = render(DatabaseCollector(state.db, state.clock, state.wall_clock))
    return Response(body, media_type=CONTENT_TYPE_LATEST)
