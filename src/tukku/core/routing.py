"""Routes whose blocking work costs one thread hop per request, and which end the request's
unit of work.

FastAPI runs a plain `def` endpoint in the thread pool, then validates its answer in the thread
pool again; a unit of work ended by a dependency with `yield` costs a third hop. Each hop costs
about as much as a whole request to a bare FastAPI app (see docs/performance.md). `OneHopRoute`
wraps each plain endpoint so that FastAPI sees a coroutine: the endpoint and the end of its unit
of work (commit, or rollback when it raised) run together in one hop, and the answer is
validated on the event loop. Endpoints stay plain functions.

A write that carries an idempotency key is the exception: its unit of work ends only once
FastAPI has built the answer, so that the answer is stored in the same transaction as the change
(one more hop, for keyed writes only). Core knows nothing of keys: the app installs a
`KeyedWrites` on `app.state.keyed_writes` (`tukku.idempotency`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any, Protocol

from fastapi import APIRouter, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tukku.core.deps import UNIT_OF_WORK_DEPENDENCIES, end_request_units, open_write_unit
from tukku.core.errors import DomainError
from tukku.core.http import error_response

KEY_HEADER = "idempotency-key"
KEYED_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_deferred_units: ContextVar[list[object] | None] = ContextVar("deferred_units", default=None)
"""Set while a keyed write runs: its endpoint leaves its units of work here, open."""


class KeyedWrite(Protocol):
    """A write holding its idempotency key; its methods run in a worker thread."""

    def complete(self, session: Session | None, response: Response) -> None:
        """Store `response` as the key's answer: in `session`, the request's open writing unit
        of work (committed right after), or, without one, in a transaction of its own. Raise
        a `DomainError` if the key is no longer this request's."""

    def refused(self, response: Response) -> None:
        """The request was refused (`response`, a domain error) and changed nothing: store the
        refusal as the key's answer, or release the key if a retry may do better."""

    def release(self) -> None:
        """The request failed unexpectedly and changed nothing: release the key."""


class KeyedWrites(Protocol):
    """What the routes ask about a write sent with an `Idempotency-Key` header."""

    async def begin(self, request: Request) -> KeyedWrite | Response | None:
        """Claim the key for `request`; or the answer to give at once (a replay); or None when
        the key does not apply (an unauthenticated request). Raise a `DomainError` to refuse."""


def _in_one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """`endpoint` as a coroutine that runs it, then ends its units of work, in one hop."""

    def call_then_finish(kwargs: dict[str, Any]) -> Any:
        try:
            result = endpoint(**kwargs)
        except BaseException:
            end_request_units(kwargs.values(), ok=False)
            raise
        deferred = _deferred_units.get()
        if deferred is None:
            end_request_units(kwargs.values(), ok=True)
        else:
            deferred.extend(kwargs.values())
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

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler; a keyed write goes through `_keyed` (see the module's docstring).
        Any other request costs one look at its method, and one at its headers for writes."""
        handle = super().get_route_handler()

        async def route(request: Request) -> Response:
            if request.method in KEYED_METHODS and KEY_HEADER in request.headers:
                writes: KeyedWrites | None = getattr(request.app.state, "keyed_writes", None)
                if writes is not None:
                    return await _keyed(handle, writes, request)
            return await handle(request)

        return route


async def _keyed(
    handle: Callable[[Request], Coroutine[Any, Any, Response]],
    writes: KeyedWrites,
    request: Request,
) -> Response:
    """Run a keyed write: claim its key, run it with its units of work left open, then store its
    answer and commit, all in one more hop. A refusal is stored (nothing changed); any other
    failure releases the key; a crash (BaseException) leaves it to lapse."""
    started = await writes.begin(request)
    if started is None:
        return await handle(request)
    if isinstance(started, Response):
        return started
    units: list[object] = []
    token = _deferred_units.set(units)
    try:
        response = await handle(request)
    except DomainError as exc:
        refusal = error_response(request, exc.status, exc.message, exc.problems, exc.headers)
        await run_in_threadpool(_refused, started, units, refusal)
        return refusal
    except Exception:
        await run_in_threadpool(_failed, started, units)
        raise
    except BaseException:
        end_request_units(units, ok=False)
        raise
    finally:
        _deferred_units.reset(token)
    await run_in_threadpool(_complete, started, units, response)
    return response


def _complete(started: KeyedWrite, units: list[object], response: Response) -> None:
    """Store the answer in the request's own writing unit of work and commit both. If the key
    is no longer this request's, roll back; on any other failure, roll back and release it."""
    try:
        started.complete(open_write_unit(units), response)
        end_request_units(units, ok=True)
    except DomainError:
        end_request_units(units, ok=False)
        raise
    except Exception:
        _failed(started, units)
        raise
    except BaseException:
        end_request_units(units, ok=False)
        raise


def _refused(started: KeyedWrite, units: list[object], refusal: Response) -> None:
    """Roll back what is still open (a refusal after the endpoint returned) and keep the
    refusal as the key's answer (or release the key)."""
    end_request_units(units, ok=False)
    started.refused(refusal)


def _failed(started: KeyedWrite, units: list[object]) -> None:
    """Roll back what is still open (a failure after the endpoint returned: its answer did not
    validate, its commit failed) and release the key."""
    end_request_units(units, ok=False)
    started.release()


def _uses_unit_of_work(dependant: Dependant) -> bool:
    return any(
        sub.call in UNIT_OF_WORK_DEPENDENCIES or _uses_unit_of_work(sub)
        for sub in dependant.dependencies
    )


def api_router(**kwargs: Any) -> APIRouter:
    """An `APIRouter` of `OneHopRoute`s: every tukku router is made here."""
    return APIRouter(route_class=OneHopRoute, **kwargs)
