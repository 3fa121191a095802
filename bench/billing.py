"""The billing benchmark: a USER report of a month for a million subscribers, on PostgreSQL and
SQLite, next to DuckDB computing the same per-user aggregation from the same intervals.

The report runs in a child process so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import csv
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import insert, select, text

from bench.harness import database, partner
from tukku.billing.generation import ReportSpec, generate
from tukku.billing.rules import Category, ReportType, day_number
from tukku.billing.storage import LocalStorage
from tukku.billing.usage import record_through
from tukku.catalog.packages import catalog
from tukku.core.db import Database
from tukku.customers.models import Customer
from tukku.identity.models import Organization
from tukku.metering.models import PackageAssignment

MONTH_START, MONTH_END = date(2027, 1, 1), date(2027, 1, 31)
PACKAGES = ("webex_calling", "webex_suite", "webex_voice")
BATCH = 20_000


@dataclass(frozen=True)
class Outcome:
    """One measured run."""

    name: str
    seconds: float
    rows: int
    peak_mb: float

    @property
    def rows_per_second(self) -> float:
        """Output rows per second."""
        return self.rows / self.seconds


def _intervals(
    subscribers: int, customers: list[str], partner_org_id: str, seed: int = 7
) -> Iterator[dict[str, object]]:
    """Every subscriber holds a package all month; one in ten changes package mid-month."""
    rng = random.Random(seed)
    start = datetime(2026, 12, 15, tzinfo=UTC)
    for n in range(subscribers):
        holder = f"S{n:08d}"
        package = rng.choice(PACKAGES)
        base = {
            "partner_org_id": partner_org_id,
            "sub_partner_org_id": None,
            "customer_id": customers[n % len(customers)],
            "holder_id": holder,
            "subscriber_id": holder,
            "workspace_id": None,
            "user_id": f"U{n:08d}",
            "location_id": f"L{n % 1000:04d}",
        }
        first = {**base, "package": package, "sku": catalog()[package].sku, "started_at": start}
        if n % 10:
            yield {**first, "ended_at": None}
            continue
        change = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(31 * 86400))
        other = rng.choice([p for p in PACKAGES if p != package])
        yield {**first, "ended_at": change}
        yield {
            **base,
            "package": other,
            "sku": catalog()[other].sku,
            "started_at": change,
            "ended_at": None,
        }


def _prepare(url: str, subscribers: int) -> tuple[dict[str, str], int, int, float]:
    created = partner(url)
    db = Database(url)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with db.unit_of_work() as session:
        template = session.execute(text("SELECT id FROM onboarding_templates LIMIT 1")).scalar_one()
        customers = []
        for n in range(max(1, subscribers // 1000)):
            org = f"ORG{n:06d}"
            session.add(Organization(id=org, kind="customer", name=f"Customer {n}", created_at=now))
            session.flush()
            customer = Customer(
                id=f"C{n:06d}",
                owner_org_id=created["orgId"],
                partner_org_id=created["orgId"],
                org_id=org,
                template_id=template,
                external_id=f"ext-{n}",
                name=f"Customer {n}",
                locale="en_US",
                status="provisioned",
                address_line1="1 Road",
                city="Leeds",
                country="GB",
                created_at=now,
                updated_at=now,
                last_status_change=now,
            )
            session.add(customer)
            customers.append(customer.id)
    intervals = _intervals(subscribers, customers, created["orgId"])
    count = 0
    while chunk := list(itertools.islice(intervals, BATCH)):
        with db.unit_of_work() as session:
            session.execute(insert(PackageAssignment), chunk)
        count += len(chunk)
    started = time.perf_counter()
    days = record_through(db, day_number(MONTH_END))
    recording = time.perf_counter() - started
    # A live database has planner statistics (autovacuum keeps them); a bulk load does not
    # until analysed, and the planner then picks nested loops that are ten times slower.
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    db.dispose()
    return created, count, days, recording


def report_child(url: str, folder: str, partner_org_id: str, subscription: str) -> None:
    """Generate the USER report (in a child process) and print its figures as JSON."""
    db = Database(url, pool_size=2)
    spec = ReportSpec(
        id="bench",
        report_type=ReportType.USER,
        category=Category.RECONCILIATION,
        start=MONTH_START,
        end=MONTH_END,
        internal=False,
        partner_org_id=partner_org_id,
        sub_partner_org_id=None,
        partner_name="Bench",
        partner_shown_id=partner_org_id,
        subscription_id=subscription,
    )
    started = time.perf_counter()
    generated = generate(db, LocalStorage(Path(folder)), spec)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": generated.rows,
                "peak_mb": peak,
                "path": str(Path(folder) / generated.key),
            }
        )
    )


def _total_quantity(path: str) -> int:
    with open(path, newline="") as stream:
        return sum(round(float(r["QUANTITY"]) * 1_000_000) for r in csv.DictReader(stream))


def _export_intervals(url: str, path: Path) -> None:
    """The ledger's intervals as CSV (epoch seconds), streamed from the database."""
    db = Database(url, pool_size=1)
    columns = (
        PackageAssignment.holder_id,
        PackageAssignment.customer_id,
        PackageAssignment.user_id,
        PackageAssignment.location_id,
        PackageAssignment.package,
        PackageAssignment.sku,
        PackageAssignment.started_at,
        PackageAssignment.ended_at,
    )
    with db.unit_of_work(write=False) as session, path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            [
                "holder_id",
                "customer_id",
                "user_id",
                "location_id",
                "package",
                "sku",
                "start_s",
                "end_s",
            ]
        )
        for r in session.execute(select(*columns).execution_options(yield_per=BATCH)):
            end = "" if r.ended_at is None else int(r.ended_at.timestamp())
            writer.writerow([*r[:6], int(r.started_at.timestamp()), end])
    db.dispose()


def duckdb_child(source: str, folder: str) -> None:
    """The same per-user aggregation in DuckDB (in a child process), same rounding rule; prints
    its figures as JSON."""
    lower = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())
    upper = int(datetime(2027, 2, 1, tzinfo=UTC).timestamp())
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    connection.execute(f"CREATE TABLE intervals AS SELECT * FROM read_csv_auto('{source}')")
    out = Path(folder) / "duckdb-user.csv"
    started = time.perf_counter()
    connection.execute(f"""
        COPY (
          WITH clipped AS (
            SELECT *, greatest(start_s, {lower}) AS s,
                   least(coalesce(end_s, {upper}), {upper}) AS e
            FROM intervals WHERE start_s < {upper} AND coalesce(end_s, {upper}) > {lower}),
          days AS (
            SELECT *, unnest(range(s // 86400, (e - 1) // 86400 + 1)) AS day
            FROM clipped WHERE e > s),
          per_day AS (
            SELECT holder_id, customer_id, user_id, location_id, package, sku, day,
                   sum(least(e, (day + 1) * 86400) - greatest(s, day * 86400)) AS seconds
            FROM days GROUP BY ALL)
          SELECT holder_id, customer_id, user_id, location_id, package, sku,
                 sum(round_even(seconds * 1000000 / 86400.0, 0))::BIGINT AS micro
          FROM per_day GROUP BY ALL ORDER BY customer_id, holder_id, package
        ) TO '{out}' (HEADER)""")
    seconds = time.perf_counter() - started
    result = connection.execute(
        f"SELECT count(*), sum(micro) FROM read_csv_auto('{out}')"
    ).fetchone()
    assert result is not None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": result[0], "total": result[1], "peak_mb": peak}))


def _child(function: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; from bench.billing import {function}; {function}(*sys.argv[1:])",
            *args,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def run(subscribers: int, backends: tuple[str, ...] = ("postgresql", "sqlite")) -> list[str]:
    """Each backend next to DuckDB; lines of figures to print."""
    lines = []
    for backend in backends:
        with database(backend) as url, tempfile.TemporaryDirectory() as folder:
            created, intervals, days, recording = _prepare(url, subscribers)
            ours = _child("report_child", url, folder, created["orgId"], created["subscriptionId"])
            source = Path(folder) / "intervals.csv"
            _export_intervals(url, source)
            theirs = _child("duckdb_child", str(source), folder)
            agree = _total_quantity(ours["path"]) == theirs["total"]
            name = f"{backend}: USER report, {subscribers} subscribers x 31 days"
            tukku = Outcome(name, ours["seconds"], ours["rows"], ours["peak_mb"])
            duck = Outcome(
                "DuckDB: the same per-user aggregation",
                theirs["seconds"],
                theirs["rows"],
                theirs["peak_mb"],
            )
            found = [
                f"{backend}: recording {days} days of usage (from the first assignment on) "
                f"for {intervals} intervals: {recording:.1f} s",
                _line(tukku),
                _line(duck),
                f"{backend}: tukku / DuckDB time ratio {tukku.seconds / duck.seconds:.1f}x; "
                f"totals agree: {agree}",
            ]
            print("\n".join(found), file=sys.stderr, flush=True)
            lines += found
    return lines


def _line(o: Outcome) -> str:
    return (
        f"{o.name:<58} {o.seconds:8.2f} s {o.rows_per_second:12.0f} rows/s "
        f"{o.peak_mb:8.0f} MB peak RSS ({o.rows} rows)"
    )
