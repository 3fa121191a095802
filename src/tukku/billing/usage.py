"""Recording daily usage: each past UTC day, once, in order, from the usage ledger.

A day is recorded only after the platform clock has passed it, and the ledger never changes a
past moment (intervals are closed at the platform's now), so a recorded day is final.
Recording reads the ledger as a stream and writes in batches, so its memory stays bounded
whatever the number of subscribers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Row, Table, and_, or_, select
from sqlalchemy.orm import Session

from tukku.billing.models import UsageRun, UsageState
from tukku.billing.rules import MICRO, Held, day_containing, day_share, day_start, held_at
from tukku.billing.rules import seconds_on_day as seconds_held
from tukku.core.db import Database, insert_ignoring_conflicts
from tukku.metering.models import PackageAssignment

BATCH = 5000
RUNS = cast(Table, UsageRun.__table__)
DIMENSIONS = (
    PackageAssignment.partner_org_id,
    PackageAssignment.sub_partner_org_id,
    PackageAssignment.customer_id,
    PackageAssignment.holder_id,
    PackageAssignment.subscriber_id,
    PackageAssignment.workspace_id,
    PackageAssignment.user_id,
    PackageAssignment.location_id,
    PackageAssignment.package,
    PackageAssignment.sku,
)
Key = tuple[str, str]  # (holder_id, package)


def record_through(db: Database, last_day: int) -> int:
    """Record every day up to `last_day` not recorded yet, one transaction per day, in order.

    Safe to call from several workers at once: the state row is locked while a day is
    recorded. Returns how many days this call recorded.
    """
    recorded = 0
    while True:
        with db.unit_of_work() as session:
            insert_ignoring_conflicts(
                session, UsageState.__table__, {"id": 1, "last_recorded_day": None}
            )
            state = session.scalars(
                select(UsageState).where(UsageState.id == 1).with_for_update()
            ).one()
            done = state.last_recorded_day
            if done is not None and done >= last_day:
                return recorded
            day = _first_usage_day(session) if done is None else done + 1
            if day is None or day > last_day:
                state.last_recorded_day = last_day  # nothing was ever held before then
                return recorded
            _record_day(session, day, first_ever=done is None)
            state.last_recorded_day = day
            recorded += 1


def last_recorded_day(session: Session) -> int | None:
    """The latest day whose usage is recorded."""
    return session.scalar(select(UsageState.last_recorded_day).where(UsageState.id == 1))


def _first_usage_day(session: Session) -> int | None:
    first = session.scalar(
        select(PackageAssignment.started_at).order_by(PackageAssignment.started_at).limit(1)
    )
    return None if first is None else day_containing(first)


def _changing_holders(day: int) -> Any:
    """The (holder, package) pairs with an interval starting or ending on `day`."""
    lower, upper = day_start(day), day_start(day + 1)
    return (
        select(PackageAssignment.holder_id, PackageAssignment.package)
        .where(
            or_(
                and_(PackageAssignment.started_at >= lower, PackageAssignment.started_at < upper),
                and_(PackageAssignment.ended_at >= lower, PackageAssignment.ended_at <= upper),
            )
        )
        .distinct()
        .subquery("changing")
    )


def _affected_intervals(session: Session, day: int, first_ever: bool) -> Iterator[Row[Any]]:
    """Intervals of every holder whose usage changes on `day` (of all holders, the first day),
    ordered by holder."""
    lower, upper = day_start(day), day_start(day + 1)
    query = select(*DIMENSIONS, PackageAssignment.started_at, PackageAssignment.ended_at).where(
        PackageAssignment.started_at < upper,
        or_(PackageAssignment.ended_at.is_(None), PackageAssignment.ended_at >= lower),
    )
    if not first_ever:
        changing = _changing_holders(day)
        query = query.join(
            changing,
            and_(
                PackageAssignment.holder_id == changing.c.holder_id,
                PackageAssignment.package == changing.c.package,
            ),
        )
    query = query.order_by(
        PackageAssignment.holder_id, PackageAssignment.package, PackageAssignment.started_at
    )
    return iter(session.execute(query.execution_options(yield_per=BATCH)))


def _ongoing_runs(session: Session, day: int) -> dict[Key, tuple[int, int]]:
    """(run id, quantity per day) of each open-ended run of a holder changing on `day`."""
    changing = _changing_holders(day)
    rows = session.execute(
        select(UsageRun.id, UsageRun.micro_per_day, UsageRun.holder_id, UsageRun.package)
        .join(
            changing,
            and_(
                UsageRun.holder_id == changing.c.holder_id, UsageRun.package == changing.c.package
            ),
        )
        .where(UsageRun.last_day.is_(None))
    )
    return {(r.holder_id, r.package): (r.id, r.micro_per_day) for r in rows}


@dataclass(frozen=True)
class DayUsage:
    """One holder's usage of one package on the day being recorded."""

    dimensions: dict[str, Any]
    micro: int
    continues: bool


def plan_day(rows: Iterable[Row[Any]], day: int) -> Iterator[tuple[Key, DayUsage]]:
    """Per holder and package (rows ordered by holder): the day's quantity, and whether the
    package is still held at the day's end (the following days are then full until a change)."""
    upper = day_start(day + 1)
    for key, group in itertools.groupby(rows, key=lambda r: (r.holder_id, r.package)):
        intervals = list(group)
        held = [Held(r.started_at, r.ended_at) for r in intervals]
        latest = intervals[-1]
        dimensions = {column.key: getattr(latest, column.key) for column in DIMENSIONS}
        yield key, DayUsage(dimensions, day_share(seconds_held(held, day)), held_at(held, upper))


def _record_day(session: Session, day: int, *, first_ever: bool) -> None:
    ongoing = {} if first_ever else _ongoing_runs(session, day)
    closing: list[int] = []
    new_runs: list[dict[str, Any]] = []
    for key, usage in plan_day(_affected_intervals(session, day, first_ever), day):
        run_id, run_micro = ongoing.get(key, (None, None))
        if run_micro == MICRO and usage.micro == MICRO and usage.continues:
            continue  # an unbroken full run goes on
        if run_id is not None:
            closing.append(run_id)
        new_runs += _runs_for(usage, day)
        if len(new_runs) >= BATCH:
            session.execute(RUNS.insert(), new_runs)
            new_runs = []
    if new_runs:
        session.execute(RUNS.insert(), new_runs)
    for chunk in range(0, len(closing), BATCH):
        _close(session, closing[chunk : chunk + BATCH], day - 1)


def _runs_for(usage: DayUsage, day: int) -> list[dict[str, Any]]:
    """The runs that record a changed day: a full run if it goes on, else the day alone and,
    if the package is still held, a full run from the next day."""
    if usage.continues and usage.micro == MICRO:
        return [{**usage.dimensions, "first_day": day, "last_day": None, "micro_per_day": MICRO}]
    runs = []
    if usage.micro > 0:
        runs.append(
            {**usage.dimensions, "first_day": day, "last_day": day, "micro_per_day": usage.micro}
        )
    if usage.continues:
        runs.append(
            {**usage.dimensions, "first_day": day + 1, "last_day": None, "micro_per_day": MICRO}
        )
    return runs


def _close(session: Session, run_ids: list[int], last_day: int) -> None:
    """End open-ended runs the day before a change (a run that would end before it begins,
    because it was opened for the day now changing, disappears)."""
    session.execute(RUNS.delete().where(RUNS.c.id.in_(run_ids), RUNS.c.first_day > last_day))
    session.execute(
        RUNS.update()
        .where(RUNS.c.id.in_(run_ids), RUNS.c.first_day <= last_day)
        .values(last_day=last_day)
    )
