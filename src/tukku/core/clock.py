"""The one source of platform time; real in production, virtual in the sandbox and in tests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Business time: when things happened and when scheduled work falls due."""

    def now(self) -> datetime:
        """The current platform time, timezone-aware UTC."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        """The current wall-clock time in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; for tests of rules and services."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The time last set."""
        with self._lock:
            return self._now

    def set(self, value: datetime) -> None:
        """Move to `value` (forward only)."""
        with self._lock:
            if value < self._now:
                raise ValueError("the clock only moves forward")
            self._now = value.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self.set(self.now() + delta)


def real_now() -> datetime:
    """Wall-clock time for infrastructure (job leases, retry back-off), never virtual."""
    return datetime.now(UTC)
