"""The Prometheus instruments every layer records into: requests, jobs, provisioning, billing
reports. Gauges of what the database holds (queue depth, backlogs, open cases) are not here:
they are read when `/metrics` is scraped (`tukku.operations.metrics`).

With `PROMETHEUS_MULTIPROC_DIR` set before `prometheus_client` is first imported (as `tukku serve
--workers N` does for its processes), each process writes its samples to files there and any
API process's `/metrics` adds up all of them; without it, the samples live in this process.
Labels are bounded: route templates, job kinds, fixed outcomes (see docs/metrics.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from prometheus_client import Counter, Histogram
from sqlalchemy import event
from sqlalchemy.orm import Session

from tukku.core.metrics_processes import MULTIPROCESS_ENV

if TYPE_CHECKING:  # the worker imports this module, and must not load the web stack
    from starlette.types import Scope

# Decided with the import of prometheus_client above: its value class is chosen then.
MULTIPROCESS = bool(os.environ.get(MULTIPROCESS_ENV))

UNMATCHED = "unmatched"
METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"})

HTTP_REQUESTS = Counter(
    "tukku_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
HTTP_DURATION = Histogram(
    "tukku_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by route template and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
JOB_RUNS = Counter(
    "tukku_job_runs",
    "Job attempts ended, by kind and outcome (completed, retried, failed for good, lease_lost).",
    ["kind", "outcome"],
)
JOB_DURATION = Histogram(
    "tukku_job_run_duration_seconds",
    "Time a job's handler ran, by kind (every outcome).",
    ["kind"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800),
)
PROVISIONING = Histogram(
    "tukku_provisioning_seconds",
    "Platform time from a provisioning request's acceptance to its final status, by resource "
    "(customer, subscriber) and that status.",
    ["resource", "outcome"],
    buckets=(0.5, 1, 5, 15, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600),
)
REPORT_SECONDS = Histogram(
    "tukku_billing_report_generation_seconds",
    "Time to generate a billing report's file, by category and type.",
    ["category", "type"],
    buckets=(0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600),
)
REPORT_ROWS = Histogram(
    "tukku_billing_report_rows",
    "Rows of each generated billing report, by category and type.",
    ["category", "type"],
    buckets=(0, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000),
)


def route_label(scope: Scope) -> str:
    """The route template a request matched (`/v1/wholesale/customers/{id}`), never its raw
    path, so labels stay few; a mount's prefix with `{path}`; `unmatched` when nothing did."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(template, str):
        return template
    if scope.get("endpoint") is not None and scope.get("root_path"):
        return f"{scope['root_path']}/{{path}}"
    return UNMATCHED


def method_label(method: str) -> str:
    """The request's method, or `other` for one no route serves (clients choose it freely)."""
    return method if method in METHODS else "other"


def observe_request(scope: Scope, status: int, seconds: float) -> None:
    """Count one answered request and its duration."""
    route, method = route_label(scope), method_label(scope["method"])
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_DURATION.labels(route, method).observe(seconds)


def on_commit(session: Session, record: Callable[[], None]) -> None:
    """Run `record` once the session's transaction commits (never when it rolls back), so a
    figure counts only what really happened."""
    event.listen(session, "after_commit", lambda _session: record(), once=True)


def observe_provisioned(
    session: Session, *, resource: str, outcome: str, accepted_at: datetime, now: datetime
) -> None:
    """Record, once `session` commits, how long a provisioning took from its acceptance (the
    202, or the 200 of a subscriber) to its final status `outcome`."""
    seconds = max((now - accepted_at).total_seconds(), 0.0)
    on_commit(session, lambda: PROVISIONING.labels(resource, outcome).observe(seconds))
