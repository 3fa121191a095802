"""FastAPI dependencies shared by every domain's routes: the unit of work, clock and settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from tukku.core.clock import Clock
from tukku.core.db import Database
from tukku.core.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _unit_of_work(request: Request) -> Iterator[Session]:
    """One unit of work per request: read-only for GET, committed before the response otherwise."""
    db: Database = request.app.state.db
    with db.unit_of_work(write=request.method not in READ_METHODS) as session:
        yield session


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _link_secret(request: Request) -> str:
    secret: str = request.app.state.link_secret
    return secret


DbSession = Annotated[Session, Depends(_unit_of_work, scope="function")]
ClockDep = Annotated[Clock, Depends(_clock)]
SettingsDep = Annotated[Settings, Depends(_settings)]
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
