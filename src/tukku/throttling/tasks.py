"""The hourly purge of throttling counters of past windows.

A counter row is reused by its key in the next window, but keys come and go: every bearer
token string sent, valid or not, is a key, so without a purge a flood of made-up tokens would
grow the table for good.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from tukku.jobs.registry import JobContext, PeriodicKind, Scheduled
from tukku.throttling.models import ThrottleCounter
from tukku.throttling.rules import window_number

PURGE_COUNTERS = PeriodicKind("throttling.purge_counters", every=timedelta(hours=1), coalesce=True)


@PURGE_COUNTERS.handler()
def purge_counters(ctx: JobContext, _payload: Scheduled) -> None:
    """Delete the counters of windows before the current one (on real time, as requests are
    counted). SQLite deployments count in memory and have no rows."""
    current = window_number(ctx.wall_clock.now().timestamp(), ctx.settings.throttle_window_seconds)
    ctx.session.execute(delete(ThrottleCounter).where(ThrottleCounter.window_no < current))
