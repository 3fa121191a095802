"""FastAPI dependencies shared by every domain's routes: the unit of work, clock, settings and
backends."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from tukku.core.backends import Backends
from tukku.core.clock import Clock
from tukku.core.db import Database
from tukku.core.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_OPEN_UNIT = "tukku.open_request_unit"


async def _unit_of_work(request: Request) -> Session:
    """One unit of work per request: read-only for GET, committed before the response otherwise.

    Opening it does no I/O, so it costs no thread hop; the route ends it (commit or rollback)
    in the endpoint's own hop (`tukku.core.routing`).
    """
    return _opened(request, write=request.method not in READ_METHODS)


async def _read_only_unit_of_work(request: Request) -> Session:
    """A read-only unit for a POST that changes nothing (prechecks): it never takes SQLite's
    write lock, so prechecks run side by side with each other and with writers."""
    return _opened(request, write=False)


def _opened(request: Request, *, write: bool) -> Session:
    db: Database = request.app.state.db
    session = db.open_session(write=write)
    session.info[_OPEN_UNIT] = (db, write)
    return session


UNIT_OF_WORK_DEPENDENCIES = (_unit_of_work, _read_only_unit_of_work)


def end_request_units(values: Iterable[object], *, ok: bool) -> None:
    """End the request's units of work among `values` (an endpoint's arguments) in the calling
    thread: commit (when `ok`) or roll back."""
    for value in values:
        if isinstance(value, Session):
            unit = value.info.pop(_OPEN_UNIT, None)
            if unit is not None:
                db, write = unit
                db.finish(value, write=write, ok=ok)


def open_write_unit(values: Iterable[object]) -> Session | None:
    """The request's writing unit of work among `values`, if one is still open: where a keyed
    write stores its answer, to commit with its change."""
    for value in values:
        if isinstance(value, Session):
            unit = value.info.get(_OPEN_UNIT)
            if unit is not None and unit[1]:
                return value
    return None


async def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def _wall_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.wall_clock
    return clock


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _backends(request: Request) -> Backends:
    backends: Backends = request.app.state.backends
    return backends


async def _link_secret(request: Request) -> str:
    secret: str = request.app.state.link_secret
    return secret


DbSession = Annotated[Session, Depends(_unit_of_work)]
ReadOnlySession = Annotated[Session, Depends(_read_only_unit_of_work)]
ClockDep = Annotated[Clock, Depends(_clock)]
# Real time, also in the sandbox: what token and set-password link lifetimes run on.
WallClockDep = Annotated[Clock, Depends(_wall_clock)]
SettingsDep = Annotated[Settings, Depends(_settings)]
BackendsDep = Annotated[Backends, Depends(_backends)]
LinkSecret = Annotated[str, Depends(_link_secret)]
OnBehalfOf = Annotated[
    str | None,
    Query(
        alias="onBehalfOfSubPartnerOrgId",
        description="Act for this sub-partner of yours (its encoded organization ID).",
    ),
]
MaxParam = Annotated[str | None, Query(alias="max", description="Page size.")]
OffsetParam = Annotated[str | None, Query(description="Zero-based offset of the first item.")]
