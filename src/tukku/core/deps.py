"""FastAPI dependencies shared by every domain's routes: the unit of work, clock, settings and
backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tukku.core.backends import Backends
from tukku.core.clock import Clock
from tukku.core.db import Database
from tukku.core.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _unit_of_work(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request: read-only for GET, committed before the response otherwise.

    Async so that opening it costs no thread hop; the commit, which does I/O, runs in the
    thread pool.
    """
    async with _opened(request, write=request.method not in READ_METHODS) as session:
        yield session


async def _read_only_unit_of_work(request: Request) -> AsyncIterator[Session]:
    """A read-only unit for a POST that changes nothing (prechecks): it never takes SQLite's
    write lock, so prechecks run side by side with each other and with writers."""
    async with _opened(request, write=False) as session:
        yield session


@asynccontextmanager
async def _opened(request: Request, *, write: bool) -> AsyncIterator[Session]:
    db: Database = request.app.state.db
    session = db.open_session(write=write)
    try:
        yield session
    except BaseException:
        await run_in_threadpool(db.finish, session, write=write, ok=False)
        raise
    await run_in_threadpool(db.finish, session, write=write, ok=True)


async def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
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


DbSession = Annotated[Session, Depends(_unit_of_work, scope="function")]
ReadOnlySession = Annotated[Session, Depends(_read_only_unit_of_work, scope="function")]
ClockDep = Annotated[Clock, Depends(_clock)]
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
