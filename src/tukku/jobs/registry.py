"""Where domains declare job handlers and periodic tasks; the runner collects them from here."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from tukku.core.backends import Backends
from tukku.core.clock import Clock
from tukku.core.db import Database
from tukku.core.settings import Settings

TASK_MODULES = (
    "tukku.jobs.tasks",
    "tukku.billing.tasks",
    "tukku.compliance.tasks",
    "tukku.customers.tasks",
    "tukku.mail.tasks",
)


@dataclass
class JobContext:
    """What a handler gets: its unit of work, the clock, settings and which attempt this is.

    `db` is for handlers that must read or write in transactions of their own (long reads that
    must not hold the job's write transaction open, or work committed step by step).
    `backends` are the external systems the process's settings chose (`tukku.backends`).
    """

    session: Session
    db: Database
    clock: Clock
    settings: Settings
    job_id: int
    attempt: int
    max_attempts: int
    backends: Backends = field(default_factory=Backends)


class Handler(Protocol):
    """A job handler: must be safe to run twice for the same payload."""

    def __call__(self, ctx: JobContext, payload: dict[str, Any], /) -> None: ...


FailureHook = Callable[[JobContext, dict[str, Any], str], None]


class PermanentJobError(Exception):
    """Raised by a handler when retrying cannot help; the job fails at once."""


@dataclass(frozen=True)
class JobKind:
    """A registered handler, and what to do when it has failed for good."""

    name: str
    handler: Handler
    on_failure: FailureHook | None
    max_attempts: int | None


@dataclass(frozen=True)
class Periodic:
    """A task due every `every`, on a grid anchored at the Unix epoch plus `offset` (UTC).

    Occurrences missed while no worker ran (or the sandbox clock jumped) each run once, unless
    `coalesce`: then only the latest runs, for tasks that look at the present, not at a period.
    """

    name: str
    every: timedelta
    offset: timedelta = timedelta(0)
    coalesce: bool = False

    def next_after(self, moment: datetime) -> datetime:
        """The first grid point strictly after `moment`."""
        epoch = datetime(1970, 1, 1, tzinfo=moment.tzinfo) + self.offset
        steps = (moment - epoch) // self.every + 1
        return epoch + steps * self.every


_kinds: dict[str, JobKind] = {}
_periodic: dict[str, Periodic] = {}


def job(
    name: str, *, on_failure: FailureHook | None = None, max_attempts: int | None = None
) -> Callable[[Handler], Handler]:
    """Register `name` → handler. Handlers take IDs in the payload and must be idempotent."""

    def register(handler: Handler) -> Handler:
        _kinds[name] = JobKind(name, handler, on_failure, max_attempts)
        return handler

    return register


def periodic(
    name: str, *, every: timedelta, offset: timedelta = timedelta(0), coalesce: bool = False
) -> Callable[[Handler], Handler]:
    """Register a handler that runs every `every`; its payload carries `scheduledFor`."""

    def register(handler: Handler) -> Handler:
        _kinds[name] = JobKind(name, handler, None, None)
        _periodic[name] = Periodic(name, every, offset, coalesce)
        return handler

    return register


def load_all() -> None:
    """Import every domain's task module so their handlers are registered."""
    for module in TASK_MODULES:
        importlib.import_module(module)


def kind(name: str) -> JobKind | None:
    """The registered job kind called `name`."""
    return _kinds.get(name)


def periodic_tasks() -> list[Periodic]:
    """Every registered periodic task."""
    return list(_periodic.values())
