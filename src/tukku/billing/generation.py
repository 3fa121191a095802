"""Generating a billing report: aggregate usage in the database and stream the CSV, row by row,
to storage, so that a report of millions of rows never sits in memory.

A reconciliation aggregates recorded usage together with the one-time charges of Setup Assist
orders, each a single-day run of its units on the day it was ordered, so every report level and
the invoice totals include them. Usage is recorded as it happened; what a reconciliation bills of
a sub-partner's customers starts on the sub-partner's billing start date (`billed_from`), applied
here, when reading, so the record stays true and a different date would apply to every report
made afterwards."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from sqlalchemy import (
    BigInteger,
    Select,
    Subquery,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.billing.models import UsageRun
from tukku.billing.rules import (
    MICRO,
    Category,
    ReportType,
    billed_from,
    columns,
    day_number,
    day_of,
    day_start,
    quantity_text,
)
from tukku.billing.storage import ReportStorage
from tukku.billing.usage import record_through
from tukku.catalog.packages import catalog
from tukku.core.csvsafe import text_cell
from tukku.core.db import Database
from tukku.core.metrics import REPORT_ROWS, REPORT_SECONDS
from tukku.customers import service as customers
from tukku.metering.models import PackageAssignment
from tukku.setup_assist import service as setup_assist

STREAM_BATCH = 10_000


@dataclass(frozen=True)
class ReportSpec:
    """Everything generation needs to know about a report request."""

    id: str
    report_type: ReportType
    category: Category
    start: date
    end: date
    internal: bool
    partner_org_id: str
    sub_partner_org_id: str | None
    partner_name: str
    partner_shown_id: str
    subscription_id: str


@dataclass(frozen=True)
class Generated:
    """Where the CSV went and how big it is."""

    key: str
    rows: int
    size: int


class _Counting(io.RawIOBase):
    """Counts the bytes written through it."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.target.write(data)
        self.count += len(data)
        return len(data)


def storage_key(spec: ReportSpec) -> str:
    """Where a report's file lives: one folder per partner."""
    return f"{spec.partner_org_id}/{spec.id}.csv"


def generate(db: Database, storage: ReportStorage, spec: ReportSpec) -> Generated:
    """Write the report's CSV to storage (replacing any earlier attempt) and describe it; its
    time and rows go into the metrics."""
    started = time.perf_counter()
    if spec.category is Category.RECONCILIATION:
        record_through(db, day_number(spec.end))
    key = storage_key(spec)
    rows = 0
    with storage.write(key) as binary, db.unit_of_work(write=False) as session:
        counter = _Counting(binary)
        text = io.TextIOWrapper(io.BufferedWriter(counter), encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(columns(spec.report_type))
        for row in _rows(session, spec):
            writer.writerow(row)
            rows += 1
        text.flush()
        text.detach().flush()
    labels = (spec.category.value, spec.report_type.value)
    REPORT_SECONDS.labels(*labels).observe(time.perf_counter() - started)
    REPORT_ROWS.labels(*labels).observe(rows)
    return Generated(key, rows, counter.count)


def _group_columns(spec: ReportSpec, source: Any, billed: Any) -> list[Any]:
    dims: list[Any] = []
    if spec.report_type in (ReportType.CUSTOMER, ReportType.USER):
        dims += [billed.c.org_id, billed.c.external_id, source.customer_id]
    if spec.report_type is ReportType.USER:
        dims += [source.subscriber_id, source.user_id, source.workspace_id, source.location_id]
    return [*dims, source.package, source.sku]


def _scope(spec: ReportSpec, source: Any, billed: Any) -> list[Any]:
    conditions = [source.partner_org_id == spec.partner_org_id]
    if spec.sub_partner_org_id is not None:
        conditions.append(source.sub_partner_org_id == spec.sub_partner_org_id)
    if not spec.internal:
        conditions.append(billed.c.internal == false())
    return conditions


HELD = (
    "partner_org_id",
    "sub_partner_org_id",
    "customer_id",
    "holder_id",
    "subscriber_id",
    "workspace_id",
    "user_id",
    "location_id",
    "package",
    "sku",
)


def _held(spec: ReportSpec, first: int, last: int) -> Subquery:
    """Recorded usage runs overlapping the period, and the period's one-time charges as runs of
    one day, in one relation; each part already limited to the partner and the period."""
    usage = select(
        *(getattr(UsageRun, name) for name in HELD),
        UsageRun.first_day,
        UsageRun.last_day,
        UsageRun.micro_per_day,
    ).where(
        UsageRun.partner_org_id == spec.partner_org_id,
        UsageRun.first_day <= last,
        or_(UsageRun.last_day.is_(None), UsageRun.last_day >= first),
    )
    if spec.sub_partner_org_id is not None:
        usage = usage.where(UsageRun.sub_partner_org_id == spec.sub_partner_org_id)
    charged = setup_assist.charges(
        partner_org_id=spec.partner_org_id,
        sub_partner_org_id=spec.sub_partner_org_id,
        first_day=first,
        last_day=last,
    ).subquery("charged")
    charges = select(
        *(charged.c[name] for name in HELD),
        charged.c.day.label("first_day"),
        charged.c.day.label("last_day"),
        (cast(charged.c.units, BigInteger) * literal(MICRO)).label("micro_per_day"),
    )
    return union_all(usage, charges).subquery("held")


def _floors(session: Session, spec: ReportSpec) -> dict[str, int]:
    """The sub-partners in the report whose customers are billed from a day after its start."""
    starts = partners.billing_start_dates(
        session,
        parent_org_id=spec.partner_org_id,
        after=spec.start,
        only=spec.sub_partner_org_id,
    )
    return billed_from(day_number(spec.start), starts)


def _reconciliation(spec: ReportSpec, floors: Mapping[str, int]) -> Select[Any]:
    """Usage and charges per row of the report, each run cut to the period and, for a
    sub-partner's customers, to the days from the sub-partner's billing start (`floors`)."""
    first, last = day_number(spec.start), day_number(spec.end)
    billed = customers.billing_view()
    held = _held(spec, first, last).c
    floor: Any = first
    if floors:
        floor = case(dict(floors), value=held.sub_partner_org_id, else_=first)
    start = case((held.first_day < floor, floor), else_=held.first_day)
    end = case(
        (or_(held.last_day.is_(None), held.last_day > last), last),
        else_=held.last_day,
    )
    group = _group_columns(spec, held, billed)
    return (
        select(
            *group,
            func.min(start).label("first"),
            func.max(end).label("last"),
            func.sum(held.micro_per_day * (end - start + 1)).label("micro"),
        )
        .join(billed, billed.c.customer_id == held.customer_id)
        .where(*_scope(spec, held, billed), start <= end)
        .group_by(*group)
        .order_by(*group)
    )


def _point_in_time(spec: ReportSpec) -> Select[Any]:
    """Allocations held at the end of `billingEndDate` (midnight UTC after it)."""
    moment = day_start(day_number(spec.end) + 1)
    billed = customers.billing_view()
    group = _group_columns(spec, PackageAssignment, billed)
    return (
        select(
            *group,
            func.min(PackageAssignment.started_at).label("first"),
            func.count().label("held"),
        )
        .join(billed, billed.c.customer_id == PackageAssignment.customer_id)
        .where(
            *_scope(spec, PackageAssignment, billed),
            PackageAssignment.started_at < moment,
            or_(PackageAssignment.ended_at.is_(None), PackageAssignment.ended_at >= moment),
        )
        .group_by(*group)
        .order_by(*group)
    )


def _rows(session: Session, spec: ReportSpec) -> Iterator[list[str]]:
    """The report's rows: every text column through `text_cell`; dates and QUANTITY as they are."""
    reconciliation = spec.category is Category.RECONCILIATION
    query = (
        _reconciliation(spec, _floors(session, spec)) if reconciliation else _point_in_time(spec)
    )
    partner = [spec.partner_name, spec.partner_shown_id, spec.subscription_id]
    for row in session.execute(query.execution_options(yield_per=STREAM_BATCH)):
        who: list[str | None] = []
        if spec.report_type in (ReportType.CUSTOMER, ReportType.USER):
            who += [row.org_id, row.external_id]
        if spec.report_type is ReportType.USER:
            who += [row.subscriber_id, row.user_id, row.workspace_id, row.location_id]
        description = catalog().description_of(row.package)
        text = [*partner, *who, row.package.upper(), row.sku, description]
        if reconciliation:
            first, last, micro = day_of(row.first), day_of(row.last), int(row.micro)
        else:
            first, last, micro = row.first.date(), spec.end, int(row.held) * MICRO
        yield [
            *(text_cell(value) for value in text),
            first.isoformat(),
            last.isoformat(),
            quantity_text(micro),
        ]


def totals(session: Session, spec: ReportSpec) -> Iterator[tuple[str, str, int]]:
    """(package, SKU, micro user-days) of a PARTNER reconciliation: the figures invoices use."""
    assert spec.report_type is ReportType.PARTNER and spec.category is Category.RECONCILIATION
    for row in session.execute(_reconciliation(spec, _floors(session, spec))):
        yield row.package, row.sku, int(row.micro)
