"""Properties of recorded usage and reports over random ledgers, on both backends.

For random histories (customers, holders, each a sequence of non-overlapping intervals with
second-precision boundaries, some still open), written straight into the ledger: the PARTNER
total equals the sum of the CUSTOMER rows and the sum of the USER rows, exactly, per service too,
and every figure is the independent oracle's; and recording day by day gives the same reports
as recording every day in one call.

Recording is final and in order, so each example gets a database of its own: a copy of the
migrated SQLite file, or a clone of the migrated PostgreSQL template.
"""

from __future__ import annotations

import csv
import io
import itertools
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from tests.billing.test_oracle import Held, expected
from tests.conftest import BACKENDS, make_partner
from tests.pgcluster import PostgresCluster
from tukku.billing.generation import ReportSpec, generate, totals
from tukku.billing.rules import Category, ReportType
from tukku.billing.storage import LocalStorage
from tukku.billing.usage import record_through
from tukku.catalog.packages import catalog
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.customers.models import Customer
from tukku.identity.models import Organization
from tukku.metering.models import PackageAssignment
from tukku.onboarding.models import OnboardingTemplate

PACKAGES = ("webex_calling", "webex_suite", "webex_meetings")
WINDOW_START = datetime(2027, 1, 1, tzinfo=UTC)
WINDOW_DAYS = 60
WINDOW_SECONDS = WINDOW_DAYS * 86_400
FIRST_DAY = WINDOW_START.date()
LAST_DAY = FIRST_DAY + timedelta(days=WINDOW_DAYS - 1)
EPOCH = date(1970, 1, 1)
_databases = itertools.count()

Fresh = Callable[[], AbstractContextManager[Database]]


# -- a fresh database per example -------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Fresh:
    """Makes a new migrated database each time it is called (one per hypothesis example)."""

    @contextmanager
    def sqlite() -> Iterator[Database]:
        path = tmp_path / f"example{next(_databases)}.db"
        shutil.copy(sqlite_template, path)
        database = Database(f"sqlite:///{path}", pool_size=2)
        try:
            yield database
        finally:
            database.dispose()
            path.unlink()

    @contextmanager
    def postgresql() -> Iterator[Database]:
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        name = f"prop{next(_databases)}"
        cluster.execute(f"CREATE DATABASE {name} TEMPLATE tukku_template STRATEGY FILE_COPY")
        database = Database(cluster.url(name), pool_size=2)
        try:
            yield database
        finally:
            database.dispose()
            cluster.execute(f"DROP DATABASE {name} WITH (FORCE)")

    if request.param == "postgresql":
        request.getfixturevalue("pg_cluster")  # start it outside hypothesis's timing
        return postgresql
    return sqlite


# -- random ledgers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    """Customers (by organization ID) and the intervals their holders held."""

    customers: list[str]
    customer_of: dict[str, str]  # holder → customer organization ID
    history: list[Held]


def _moment(seconds: int) -> datetime:
    return WINDOW_START + timedelta(seconds=seconds)


# Boundaries anywhere in the window; often on a midnight or one second either side of it; and
# often 27 + 54·k seconds into a day, where the share of the day held on either side of the
# boundary is a tie at the sixth decimal (k·625/54·54 + 312.5 micro user-days).
_boundary = st.one_of(
    st.integers(0, WINDOW_SECONDS),
    st.builds(
        lambda day, nudge: min(max(day * 86_400 + nudge, 0), WINDOW_SECONDS),
        st.integers(0, WINDOW_DAYS),
        st.sampled_from([-1, 0, 0, 1]),
    ),
    st.builds(
        lambda day, k: day * 86_400 + 27 + 54 * k,
        st.integers(0, WINDOW_DAYS - 1),
        st.integers(0, 1599),
    ),
)


@st.composite
def _holder_intervals(draw: st.DrawFn, holder: str) -> list[Held]:
    """Non-overlapping intervals of one holder (adjacent ones are a package change)."""
    points = sorted(draw(st.lists(_boundary, min_size=1, max_size=8)))
    still_open = draw(st.booleans())
    if len(points) % 2 == 1 and not still_open:
        points = points[:-1]  # an odd boundary left over would open a last interval
    intervals = []
    for index in range(0, len(points), 2):
        start = points[index]
        end = points[index + 1] if index + 1 < len(points) else None
        package = draw(st.sampled_from(PACKAGES))
        intervals.append(
            Held(holder, package, _moment(start), None if end is None else _moment(end))
        )
    return intervals


@st.composite
def ledgers(draw: st.DrawFn) -> Ledger:
    customers: list[str] = []
    customer_of: dict[str, str] = {}
    history: list[Held] = []
    for c in range(draw(st.integers(1, 4))):
        org = f"ORG-{c}"
        customers.append(org)
        for h in range(draw(st.integers(1, 5))):
            holder = f"SUB-{c}-{h}"
            customer_of[holder] = org
            history += draw(_holder_intervals(holder))
    return Ledger(customers, customer_of, history)


@st.composite
def periods(draw: st.DrawFn) -> tuple[date, date]:
    """A period within the window (sometimes the whole of it)."""
    first = draw(st.integers(0, WINDOW_DAYS - 1))
    last = draw(st.integers(first, WINDOW_DAYS - 1))
    return FIRST_DAY + timedelta(days=first), FIRST_DAY + timedelta(days=last)


# -- writing the ledger and reading reports ---------------------------------------------------


@dataclass(frozen=True)
class Setup:
    partner_org_id: str
    subscription_id: str


def write_ledger(db: Database, ledger: Ledger) -> Setup:
    """A partner, its customers' organizations and customer rows, and the ledger intervals."""
    clock = ManualClock(datetime(2026, 12, 1, tzinfo=UTC))
    partner = make_partner(db, clock)
    now = clock.now()
    with db.unit_of_work() as session:
        template = session.scalars(
            select(OnboardingTemplate.id).where(
                OnboardingTemplate.provisioning_id == partner.provisioning_id
            )
        ).one()
        for n, org in enumerate(ledger.customers):
            session.add(Organization(id=org, kind="customer", name=f"Customer {n}", created_at=now))
            session.flush()
            session.add(
                Customer(
                    id=f"CUST-{n}",
                    owner_org_id=partner.org_id,
                    partner_org_id=partner.org_id,
                    org_id=org,
                    template_id=template,
                    external_id=f"ext-{n}",
                    name=f"Customer {n}",
                    locale="en_US",
                    status="provisioned",
                    address_line1="1 Main Street",
                    city="Helsinki",
                    country="FI",
                    created_at=now,
                    updated_at=now,
                    last_status_change=now,
                )
            )
        session.flush()
        customer_ids = {org: f"CUST-{n}" for n, org in enumerate(ledger.customers)}
        rows = [
            {
                "partner_org_id": partner.org_id,
                "sub_partner_org_id": None,
                "customer_id": customer_ids[ledger.customer_of[held.holder]],
                "holder_id": held.holder,
                "subscriber_id": held.holder,
                "workspace_id": None,
                "user_id": f"USER-{held.holder}",
                "location_id": f"LOC-{ledger.customer_of[held.holder]}",
                "package": held.package,
                "sku": catalog()[held.package].sku,
                "started_at": held.start,
                "ended_at": held.end,
            }
            for held in ledger.history
        ]
        if rows:
            session.execute(insert(PackageAssignment), rows)
    return Setup(partner.org_id, partner.subscription_id)


def day_number(day: date) -> int:
    return (day - EPOCH).days


def spec(setup: Setup, report_type: ReportType, first: date, last: date) -> ReportSpec:
    """A reconciliation report of the partner over the period."""
    return ReportSpec(
        id=f"report-{next(_databases)}",
        report_type=report_type,
        category=Category.RECONCILIATION,
        start=first,
        end=last,
        internal=False,
        partner_org_id=setup.partner_org_id,
        sub_partner_org_id=None,
        partner_name="Acme Telecom",
        partner_shown_id=setup.partner_org_id,
        subscription_id=setup.subscription_id,
    )


def report(
    db: Database, setup: Setup, tmp_path: Path, report_type: ReportType, first: date, last: date
) -> list[dict[str, str]]:
    """Generate a reconciliation report into local storage and read its CSV back."""
    root = tmp_path / "reports"
    generated = generate(db, LocalStorage(root), spec(setup, report_type, first, last))
    text = (root / generated.key).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert generated.rows == len(rows)
    return rows


def by_key(rows: list[dict[str, str]], *who: str) -> dict[tuple[str, ...], Decimal]:
    result: dict[tuple[str, ...], Decimal] = {}
    for row in rows:
        key = (*(row[c] for c in who), row["SERVICE_NAME"].lower())
        assert key not in result, f"two rows for {key}"
        result[key] = Decimal(row["QUANTITY"])
    return result


def per_service(quantities: dict[tuple[str, ...], Decimal]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for key, quantity in quantities.items():
        totals[key[-1]] += quantity
    return dict(totals)


def _same_partner_aside(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows without the partner's IDs (each database has a partner of its own)."""
    return [{k: v for k, v in row.items() if k not in PARTNER_IDS} for row in rows]


PARTNER_IDS = ("PARTNER_ORG_ID", "SUBSCRIPTION_ID")
PROPERTY = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# -- properties -------------------------------------------------------------------------------


@PROPERTY
@given(ledger=ledgers(), period=periods())
def test_three_levels_agree_exactly_and_with_the_oracle(
    fresh_database: Fresh, tmp_path: Path, ledger: Ledger, period: tuple[date, date]
) -> None:
    first, last = period
    with fresh_database() as db:
        setup = write_ledger(db, ledger)
        record_through(db, day_number(LAST_DAY))
        partner_rows = report(db, setup, tmp_path, ReportType.PARTNER, first, last)
        customer_rows = report(db, setup, tmp_path, ReportType.CUSTOMER, first, last)
        user_rows = report(db, setup, tmp_path, ReportType.USER, first, last)
        with db.unit_of_work(write=False) as session:
            invoice_figures = {
                (package, sku): micro
                for package, sku, micro in totals(
                    session, spec(setup, ReportType.PARTNER, first, last)
                )
            }

    partner_level = by_key(partner_rows)
    customer_level = by_key(customer_rows, "CUSTOMER_ORG_ID")
    user_level = by_key(user_rows, "SUBSCRIBER_ID")
    assert per_service(partner_level) == per_service(customer_level) == per_service(user_level)
    total = sum(partner_level.values(), Decimal(0))
    assert total == sum(customer_level.values(), Decimal(0)) == sum(user_level.values(), Decimal(0))

    assert invoice_figures == {
        (row["SERVICE_NAME"].lower(), row["SKU"]): int(Decimal(row["QUANTITY"]) * 1_000_000)
        for row in partner_rows
    }

    want = expected(ledger.history, ledger.customer_of, first, last)
    assert user_level == want.users
    assert customer_level == want.customers
    assert {k[0]: v for k, v in partner_level.items()} == want.partner
    for row in user_rows:
        holder = row["SUBSCRIBER_ID"]
        assert row["CUSTOMER_ORG_ID"] == ledger.customer_of[holder]
        assert row["USER_ID"] == f"USER-{holder}"
        assert first.isoformat() <= row["CONSUMPTION_START_DATE"] <= row["CONSUMPTION_END_DATE"]
        assert row["CONSUMPTION_END_DATE"] <= last.isoformat()


@settings(PROPERTY, max_examples=10)  # two databases per example
@given(ledger=ledgers(), period=periods())
def test_recording_day_by_day_gives_the_same_reports_as_all_at_once(
    fresh_database: Fresh, tmp_path: Path, ledger: Ledger, period: tuple[date, date]
) -> None:
    first, last = period
    results = []
    for one_call in (True, False):
        with fresh_database() as db:
            setup = write_ledger(db, ledger)
            if one_call:
                assert record_through(db, day_number(LAST_DAY)) >= 0
            else:
                for day in range(day_number(FIRST_DAY) - 1, day_number(LAST_DAY) + 1):
                    record_through(db, day)
            results.append(
                [
                    report(db, setup, tmp_path, t, first, last)
                    for t in (ReportType.PARTNER, ReportType.USER)
                ]
            )
    all_at_once, day_by_day = results
    for rows_once, rows_daily in zip(all_at_once, day_by_day, strict=True):
        assert _same_partner_aside(rows_once) == _same_partner_aside(rows_daily)
    want = expected(ledger.history, ledger.customer_of, first, last)
    assert by_key(day_by_day[1], "SUBSCRIBER_ID") == want.users
