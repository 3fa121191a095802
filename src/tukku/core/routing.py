"""Routes whose blocking work costs one thread hop per request, and which end the request's
unit of work.

FastAPI runs a plain `def` endpoint in the thread pool, then validates its answer in the thread
pool again; a unit of work ended by a dependency with `yield` costs a third hop. Each hop costs
about as much as a whole request to a bare FastAPI app (see docs/performance.md). `OneHopRoute`
wraps each plain endpoint so that FastAPI sees a coroutine: the endpoint and the end of its unit
of work (commit, or rollback when it raised) run together in one hop, and the answer is
validated on the event loop. Endpoints stay plain functions.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from tukku.core.deps import UNIT_OF_WORK_DEPENDENCIES, end_request_units


def _in_one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """`endpoint` as a coroutine that runs it, then ends its units of work, in one hop."""

    def call_then_finish(kwargs: dict[str, Any]) -> Any:
        try:
            result = endpoint(**kwargs)
        except BaseException:
            end_request_units(kwargs.values(), ok=False)
            raise
        end_request_units(kwargs.values(), ok=True)
        return result

    @functools.wraps(endpoint)
    async def run(**kwargs: Any) -> Any:
        return await run_in_threadpool(call_then_finish, kwargs)

    return run


class OneHopRoute(APIRoute):
    """An API route whose plain `def` endpoint runs with its unit of work in one thread hop."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        plain = inspect.isfunction(endpoint) and not inspect.iscoroutinefunction(endpoint)
        super().__init__(path, _in_one_hop(endpoint) if plain else endpoint, **kwargs)
        # Otherwise nothing would end the unit of work: its writes would never be committed.
        if not plain and _uses_unit_of_work(self.dependant):
            raise TypeError(f"{path}: an endpoint with a unit of work must be a plain def")
        for sub in self.dependant.dependencies:
            if sub.call not in UNIT_OF_WORK_DEPENDENCIES and _uses_unit_of_work(sub):
                raise TypeError(f"{path}: the endpoint must take its unit of work itself")


def _uses_unit_of_work(dependant: Dependant) -> bool:
    return any(
        sub.call in UNIT_OF_WORK_DEPENDENCIES or _uses_unit_of_work(sub)
        for sub in dependant.dependencies
    )


def api_router(**kwargs: Any) -> APIRouter:
    """An `APIRouter` of `OneHopRoute`s: every tukku router is made here."""
    return APIRouter(route_class=OneHopRoute, **kwargs)
