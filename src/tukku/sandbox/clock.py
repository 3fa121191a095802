"""The sandbox clock: virtual time kept in the database so the API and all workers agree on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from tukku.core.clock import Clock, SystemClock, real_now
from tukku.core.db import Database, insert_ignoring_conflicts
from tukku.core.errors import Codes, Conflict
from tukku.core.settings import Settings
from tukku.core.timefmt import iso
from tukku.sandbox.models import PlatformClock


class SandboxClock:
    """Virtual platform time: starts at the wall-clock time of the first start, then stands still
    until `set` moves it (forward only)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def ensure(self) -> None:
        """Create the clock at the current wall-clock time unless it exists already."""
        with self._db.unit_of_work() as session:
            insert_ignoring_conflicts(
                session,
                PlatformClock.__table__,
                {"id": 1, "now": real_now().replace(microsecond=0)},
            )

    def now(self) -> datetime:
        """The current virtual time."""
        with self._db.unit_of_work(write=False) as session:
            value = session.scalar(select(PlatformClock.now).where(PlatformClock.id == 1))
        if value is None:
            self.ensure()
            return self.now()
        return value

    def set(self, value: datetime) -> datetime:
        """Move the clock to `value`; 409 if that is in the past of the current virtual time."""
        with self._db.unit_of_work() as session:
            current = session.scalar(
                select(PlatformClock.now).where(PlatformClock.id == 1).with_for_update()
            )
            if current is not None and value < current:
                reason = f"now: {iso(value)} is before the current sandbox time {iso(current)}"
                raise Conflict("now", reason, Codes.SANDBOX_CLOCK_BACKWARDS)
            session.execute(update(PlatformClock).where(PlatformClock.id == 1).values(now=value))
        return value


def make_clock(settings: Settings, db: Database) -> Clock:
    """The platform clock of a process (API, worker, CLI command): the sandbox's virtual clock
    with `--sandbox`, wall-clock time otherwise."""
    if settings.sandbox:
        clock = SandboxClock(db)
        clock.ensure()
        return clock
    return SystemClock()
