"""Job kinds: declared once by their domain, enqueued by that value, handled by its `tasks.py`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypedDict, TypeVar

from sqlalchemy.orm import Session

from tukku.core.backends import Backends
from tukku.core.clock import Clock, SystemClock
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.jobs import service

P = TypeVar("P", bound=Mapping[str, Any])


@dataclass
class JobContext:
    """What a handler gets: its unit of work, the clock, settings and which attempt this is.

    `db` is for handlers that must read or write in transactions of their own (long reads that
    must not hold the job's write transaction open, or work committed step by step).
    `backends` are the external systems the process's settings chose (`tukku.backends`).
    `wall_clock` is the worker's real time (tests move theirs), for handlers that schedule
    retries of their own, as the runner's back-off does.
    """

    session: Session
    db: Database
    clock: Clock
    settings: Settings
    job_id: int
    attempt: int
    max_attempts: int
    backends: Backends = field(default_factory=Backends)
    wall_clock: Clock = field(default_factory=SystemClock)


Handler = Callable[[JobContext, P], None]
"""A job handler: takes IDs in its payload, opens nothing itself, is safe to run twice."""

FailureHook = Callable[[JobContext, P, str], None]
"""Called once, in the job's failure transaction, when a job has failed for good."""


class PermanentJobError(Exception):
    """Raised by a handler when retrying cannot help; the job fails at once."""


class JobKind(Generic[P]):
    """A kind of job: the name its rows carry, the type of its payload, its attempts.

    Declare each kind once, as a module constant: in the domain's `job_kinds.py` when services
    enqueue it (both they and `tasks.py` import that small module, so neither imports the
    other), else in `tasks.py` itself. `tasks.py` attaches the handler with `@KIND.handler()`.
    The name is stored in the queue: renaming a kind strands the jobs already queued under it.
    """

    def __init__(self, name: str, *, max_attempts: int | None = None) -> None:
        if name in _kinds:
            raise ValueError(f"job kind {name} is declared twice")
        self.name = name
        self.max_attempts = max_attempts
        self._handler: Handler[P] | None = None
        self._on_failure: FailureHook[P] | None = None
        _kinds[name] = self

    def __repr__(self) -> str:
        return f"JobKind({self.name!r})"

    def enqueue(
        self,
        session: Session,
        payload: P,
        *,
        due_at: datetime,
        now: datetime,
        dedupe_key: str | None = None,
        max_attempts: int = service.DEFAULT_MAX_ATTEMPTS,
        available_at: datetime | None = None,
    ) -> bool:
        """Queue a job of this kind in the caller's transaction (`tukku.jobs.service.enqueue`)."""
        return service.enqueue(
            session,
            self,
            payload,
            due_at=due_at,
            now=now,
            dedupe_key=dedupe_key,
            max_attempts=max_attempts,
            available_at=available_at,
        )

    def handler(
        self, *, on_failure: FailureHook[P] | None = None
    ) -> Callable[[Handler[P]], Handler[P]]:
        """Attach the function that runs jobs of this kind (one per kind); it stays callable."""

        def attach(handler: Handler[P]) -> Handler[P]:
            if self._handler is not None:
                raise ValueError(f"job kind {self.name} already has a handler")
            self._handler, self._on_failure = handler, on_failure
            return handler

        return attach

    @property
    def handled(self) -> bool:
        """Whether a handler is attached (its domain's `tasks.py` was imported)."""
        return self._handler is not None

    def run(self, ctx: JobContext, payload: P) -> None:
        """Run the handler."""
        if self._handler is None:
            raise LookupError(f"no handler registered for {self.name}")
        self._handler(ctx, payload)

    def failed(self, ctx: JobContext, payload: P, error: str) -> None:
        """Tell the failure hook, if any, that a job has failed for good."""
        if self._on_failure is not None:
            self._on_failure(ctx, payload, error)


class Scheduled(TypedDict):
    """The payload of a periodic job: the grid point it runs for (ISO 8601)."""

    scheduledFor: str


class PeriodicKind(JobKind[Scheduled]):
    """A kind the runner enqueues every `every`, on a grid anchored at the Unix epoch plus
    `offset` (UTC).

    Occurrences missed while no worker ran (or the sandbox clock jumped) each run once, unless
    `coalesce`: then only the latest runs, for tasks that look at the present, not at a period.
    """

    def __init__(
        self,
        name: str,
        *,
        every: timedelta,
        offset: timedelta = timedelta(0),
        coalesce: bool = False,
    ) -> None:
        super().__init__(name)
        self.every = every
        self.offset = offset
        self.coalesce = coalesce
        _periodic.append(self)

    def next_after(self, moment: datetime) -> datetime:
        """The first grid point strictly after `moment`."""
        epoch = datetime(1970, 1, 1, tzinfo=moment.tzinfo) + self.offset
        steps = (moment - epoch) // self.every + 1
        return epoch + steps * self.every


_kinds: dict[str, JobKind[Any]] = {}
_periodic: list[PeriodicKind] = []


def kind(name: str) -> JobKind[Any] | None:
    """The declared job kind called `name` (as stored on a job's row)."""
    return _kinds.get(name)


def kinds() -> list[JobKind[Any]]:
    """Every declared job kind."""
    return list(_kinds.values())


def periodic_tasks() -> list[PeriodicKind]:
    """Every declared periodic kind."""
    return list(_periodic)


def unhandled() -> list[str]:
    """Declared kinds without a handler: their domain's `tasks.py` was not imported."""
    return sorted(name for name, spec in _kinds.items() if not spec.handled)
