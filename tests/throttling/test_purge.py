"""The hourly purge keeps the throttling table to the current window's callers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.jobs.registry import JobContext
from tukku.throttling.models import ThrottleCounter
from tukku.throttling.tasks import purge_counters

NOW = datetime(2027, 1, 4, 9, 30, 30, tzinfo=UTC)


def test_counters_of_past_windows_are_deleted_and_the_current_ones_kept(
    db: Database, settings: Settings
) -> None:
    clock = ManualClock(NOW)
    window = int(NOW.timestamp()) // settings.throttle_window_seconds  # 60 s windows
    with db.unit_of_work() as session:
        session.add_all(
            [
                ThrottleCounter(key="read:token:made-up", window_no=window - 600, hits=1),
                ThrottleCounter(key="read:token:last-window", window_no=window - 1, hits=9),
                ThrottleCounter(key="read:token:busy", window_no=window, hits=3),
            ]
        )
    with db.unit_of_work() as session:
        context = JobContext(session, db, clock, settings, 1, 1, 1, wall_clock=clock)
        purge_counters(context, {"scheduledFor": NOW.isoformat()})

    with db.unit_of_work(write=False) as session:
        assert list(session.scalars(select(ThrottleCounter.key))) == ["read:token:busy"]
