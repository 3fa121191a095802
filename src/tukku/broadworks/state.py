"""The migration's state file (`state.sqlite` beside plan.json): each planned operation's status
and what tukku answered, written the moment the API answers, so a run killed at any point
continues where it stopped and never creates anything twice.

An operation is `pending` until its request is about to be sent, `sending` while its answer is
not recorded (after a crash, the object may exist: it is looked up before creating again),
`waiting` when accepted but not settled (a customer still provisioning), then `done`, `failed`
(with the API's error), `skipped` (with the reason) or, after `rollback`, `rolled_back`.
`origin` says whether tukku made it for this migration (`created`) or it was already there
(`adopted`, never deleted by a rollback)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

Status = Literal["pending", "sending", "waiting", "done", "failed", "skipped", "rolled_back"]
Origin = Literal["created", "adopted"]
STATE_FILE = "state.sqlite"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS operations (
        seq INTEGER NOT NULL,
        id TEXT PRIMARY KEY,
        phase TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        origin TEXT,
        resource_id TEXT,
        answer TEXT NOT NULL DEFAULT '{}',
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS device_moves (
        op_id TEXT PRIMARY KEY REFERENCES operations(id),
        state TEXT NOT NULL,
        batch INTEGER NOT NULL,
        updated_at TEXT NOT NULL)""",
)


@dataclass(frozen=True)
class Record:
    """What the state file knows of one operation."""

    id: str
    phase: str
    kind: str
    status: Status
    origin: Origin | None
    resource_id: str | None
    answer: dict[str, Any]
    error: str | None
    attempts: int
    updated_at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class StateFile:
    """One migration's state; every change is committed before the method returns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:
            self._db.execute(statement)

    def close(self) -> None:
        """Release the file."""
        self._db.close()

    def meta(self, key: str) -> str | None:
        """A value saved with set_meta (the target's URL, the plan's digest)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Remember a fact about the migration as a whole."""
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def add_planned(self, operations: Iterable[tuple[str, str, str]]) -> None:
        """Record the plan's operations (id, phase, kind) not known yet as `pending`, in plan
        order; those already known keep their status."""
        now = _now()
        with self._db:
            self._db.execute("BEGIN")
            start = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM operations").fetchone()[0]
            for offset, (op_id, phase, kind) in enumerate(operations, start=1):
                self._db.execute(
                    "INSERT INTO operations (seq, id, phase, kind, status, updated_at) "
                    "VALUES (?, ?, ?, ?, 'pending', ?) ON CONFLICT (id) DO NOTHING",
                    (start + offset, op_id, phase, kind, now),
                )

    _COLUMNS = (
        "SELECT id, phase, kind, status, origin, resource_id, answer, error, attempts, "
        "updated_at FROM operations"
    )

    @staticmethod
    def _record(row: tuple[Any, ...]) -> Record:
        return Record(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]), *row[7:])

    def records(self) -> dict[str, Record]:
        """Every operation's record, in plan order."""
        rows = self._db.execute(f"{self._COLUMNS} ORDER BY seq").fetchall()
        return {row[0]: self._record(row) for row in rows}

    def record(self, op_id: str) -> Record:
        """One operation's record (KeyError if the plan never had it)."""
        row = self._db.execute(f"{self._COLUMNS} WHERE id = ?", (op_id,)).fetchone()
        if row is None:
            raise KeyError(op_id)
        return self._record(row)

    def _set(
        self,
        op_id: str,
        status: Status,
        error: str | None,
        origin: Origin | None = None,
        answer: dict[str, Any] | None = None,
    ) -> None:
        """Change an operation's status; origin and answer are kept unless given."""
        self._db.execute(
            "UPDATE operations SET status = ?, error = ?, origin = COALESCE(?, origin), "
            "resource_id = COALESCE(?, resource_id), answer = COALESCE(?, answer), "
            "updated_at = ? WHERE id = ?",
            (
                status,
                error,
                origin,
                None if answer is None else answer.get("id"),
                None if answer is None else json.dumps(answer),
                _now(),
                op_id,
            ),
        )

    def sending(self, op_id: str) -> None:
        """The request is about to leave: after a crash from here on, look before creating."""
        self._db.execute(
            "UPDATE operations SET status = 'sending', attempts = attempts + 1, error = NULL, "
            "updated_at = ? WHERE id = ?",
            (_now(), op_id),
        )

    def settled(
        self,
        op_id: str,
        status: Literal["waiting", "done"],
        origin: Origin,
        answer: dict[str, Any],
        note: str | None = None,
    ) -> None:
        """The API answered: the object exists (or is on its way) with these fields."""
        self._set(op_id, status, note, origin, answer)

    def failed(self, op_id: str, error: str) -> None:
        """The API refused the operation, or it could not be reached in time."""
        self._set(op_id, "failed", error)

    def skipped(self, op_id: str, reason: str) -> None:
        """The operation was not sent (an operation it needs did not succeed)."""
        self._set(op_id, "skipped", reason)

    def rolled_back(self, op_id: str, note: str | None = None) -> None:
        """What the operation made is gone again."""
        self._set(op_id, "rolled_back", note)

    def moves(self) -> dict[str, str]:
        """Device operation id → cut-over state (`moved` or `returned`)."""
        rows = self._db.execute("SELECT op_id, state FROM device_moves").fetchall()
        return {str(row[0]): str(row[1]) for row in rows}

    def next_batch(self) -> int:
        """The number the next cut-over batch gets."""
        row = self._db.execute("SELECT COALESCE(MAX(batch), 0) FROM device_moves").fetchone()
        return int(row[0]) + 1

    def moved(self, op_id: str, state: Literal["moved", "returned"], batch: int) -> None:
        """A phone's cut-over (or its return to the old platform) is done."""
        self._db.execute(
            "INSERT INTO device_moves (op_id, state, batch, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (op_id) DO UPDATE SET state = excluded.state, batch = excluded.batch, "
            "updated_at = excluded.updated_at",
            (op_id, state, batch, _now()),
        )
