"""Every route runs its blocking work and ends its unit of work in one thread hop: the write
is committed when the endpoint returns, rolled back when it raises, and no route is left whose
unit of work nobody would end."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterator
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI, HTTPException
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tukku.app import routers
from tukku.core.db import Database, raise_signal
from tukku.core.deps import DbSession
from tukku.core.routing import OneHopRoute, api_router
from tukku.core.settings import Settings


def test_every_route_of_the_app_runs_in_one_hop(settings: Settings) -> None:
    served = routers(settings.model_copy(update={"sandbox": True}))
    routes = [r for router in served for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) > 50
    assert all(isinstance(r, OneHopRoute) for r in routes)
    # FastAPI sees coroutines only: no route is run, nor its answer validated, in a hop of its own.
    assert all(inspect.iscoroutinefunction(r.endpoint) for r in routes)


@pytest.fixture
def scratch(db: Database) -> Iterator[TestClient]:
    """An app of two routes writing to a scratch table: one returns, one raises after writing."""
    with db.unit_of_work() as session:
        session.execute(text("CREATE TABLE scratch (v VARCHAR(10))"))
    router = api_router()
    threads: dict[str, int] = {}
    db.on_commit(lambda _signals: threads.setdefault("committed in", threading.get_ident()))

    @router.post("/ok")
    def write(session: DbSession) -> dict[str, str]:
        session.execute(text("INSERT INTO scratch VALUES ('ok')"))
        raise_signal(session, "scratch")
        threads["endpoint"] = threading.get_ident()
        return {"status": "written"}

    @router.post("/fails")
    def write_then_fail(session: DbSession) -> None:
        session.execute(text("INSERT INTO scratch VALUES ('failed')"))
        raise HTTPException(409, "refused after writing")

    app = FastAPI()
    app.state.db = db
    app.state.threads = threads
    app.include_router(router)
    with TestClient(app) as client:
        yield client


def _rows(db: Database) -> list[str]:
    with db.unit_of_work(write=False) as session:
        return list(session.scalars(text("SELECT v FROM scratch")))


def test_a_write_is_committed_in_the_endpoints_own_thread(
    scratch: TestClient, db: Database
) -> None:
    assert scratch.post("/ok").json() == {"status": "written"}
    assert _rows(db) == ["ok"]
    threads = scratch.app.state.threads  # type: ignore[attr-defined]
    assert threads["committed in"] == threads["endpoint"] != threading.get_ident()


def test_a_failing_endpoint_leaves_nothing_written(scratch: TestClient, db: Database) -> None:
    assert scratch.post("/fails").status_code == 409
    assert _rows(db) == []
    assert scratch.post("/ok").status_code == 200
    assert _rows(db) == ["ok"]


def test_an_async_endpoint_with_a_unit_of_work_is_refused() -> None:
    router = api_router()

    async def sneaky(session: DbSession) -> None:
        session.execute(text("SELECT 1"))

    # Nothing would end its unit of work, so its writes would silently never be committed.
    with pytest.raises(TypeError, match="plain def"):
        router.add_api_route("/sneaky", sneaky, methods=["POST"])


def _remember(session: DbSession) -> Session:
    return session


def _hidden(remembered: Annotated[Session, Depends(_remember)]) -> None:
    remembered.execute(text("SELECT 1"))


def test_a_unit_of_work_only_a_dependency_takes_is_refused() -> None:
    # The route ends the units of work its endpoint takes; this one it would never see.
    with pytest.raises(TypeError, match="take its unit of work itself"):
        api_router().add_api_route("/hidden", _hidden, methods=["POST"])
