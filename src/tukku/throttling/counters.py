"""Where throttling counts: in the database shared by every process (PostgreSQL), or in this
process's memory (SQLite, where a deployment is one API process, so the count is exact).

Both count one request for several keys at once and answer each key's count in the window;
a counter of an earlier window starts again at 1.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

MAX_MEMORY_KEYS = 100_000


class Counters(Protocol):
    """Counts requests per key and window."""

    def hit(self, keys: Sequence[str], window: int) -> dict[str, int]:
        """Count one request for each of `keys` in `window`; each key's count so far."""
        ...

    def close(self) -> None:
        """Release what the counters hold (connections)."""
        ...


class MemoryCounters:
    """Per-process counters: exact with one process, a per-process limit with several."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def hit(self, keys: Sequence[str], window: int) -> dict[str, int]:
        """Count one request for each key (a dictionary update under a lock: no I/O)."""
        counted: dict[str, int] = {}
        with self._lock:
            if len(self._counts) >= MAX_MEMORY_KEYS:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            for key in keys:
                seen, hits = self._counts.get(key, (window, 0))
                hits = hits + 1 if seen == window else 1
                self._counts[key] = (window, hits)
                counted[key] = hits
        return counted

    def close(self) -> None:
        """Nothing to release."""


# One statement, one round trip, in a transaction of its own that commits at once: the rows
# are locked only while this statement runs. Keys are sorted so that two statements sharing
# keys lock them in the same order (no deadlock).
_UPSERT = """
INSERT INTO throttle_counters (key, window_no, hits)
SELECT key, :window, 1 FROM unnest(CAST(:keys AS text[])) AS key ORDER BY key
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN throttle_counters.window_no = excluded.window_no
                THEN throttle_counters.hits + 1 ELSE 1 END,
    window_no = excluded.window_no
RETURNING key, hits
"""


class DatabaseCounters:
    """Counters in the `throttle_counters` table, shared by every process of a deployment
    (PostgreSQL only: `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` in autocommit).

    Its own small pool, in autocommit and without the ping before each checkout that the
    application's pool makes: one round trip per request. A connection the server dropped
    is noticed by the statement itself, which is then sent once more on a new one.
    """

    def __init__(self, engine: Engine, pool_size: int = 4) -> None:
        self._engine = create_engine(
            engine.url,
            pool_size=pool_size,
            max_overflow=pool_size * 4,
            isolation_level="AUTOCOMMIT",
        )
        self._statement = text(_UPSERT)

    def hit(self, keys: Sequence[str], window: int) -> dict[str, int]:
        """Count one request for each key in one statement."""
        params = {"keys": sorted(keys), "window": window}
        try:
            return self._hit(params)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            return self._hit(params)

    def _hit(self, params: dict[str, object]) -> dict[str, int]:
        with self._engine.connect() as connection:
            rows = connection.execute(self._statement, params)
            return {row.key: int(row.hits) for row in rows}

    def close(self) -> None:
        """Close the pool's connections."""
        self._engine.dispose()
