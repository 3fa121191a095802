"""Where a request's time goes, without HTTP or a load generator: tukku's ASGI app called
directly in this process, each request awaited in turn, reporting CPU microseconds per request
and the SQL statements one request runs.

A profiling aid, not a figure of merit (`make bench` measures over real HTTP with wrk): it shows
the cost of each layer by difference (the bare app; tukku's middleware and routing; a route with
authentication; the full endpoint), which a flame graph spreads over hundreds of frames.
`python -m bench.breakdown [sqlite|postgresql]`; under `py-spy record --gil` for a profile.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from starlette.types import ASGIApp, Message
from uvicorn.loops.auto import auto_loop_factory

from bench import bare
from bench.harness import database, partner, server
from bench.provisioning import provisioned_customer
from tukku.app import create_app
from tukku.core.settings import Settings

ORIGIN = "http://127.0.0.1:8000"
CUSTOMERS = "/v1/wholesale/customers"
REQUESTS = int(os.environ.get("BREAKDOWN_REQUESTS", "2000"))


def _scope(method: str, path: str, token: str, *, body: bool = False) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1:8000"), (b"authorization", f"Bearer {token}".encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _call(app: ASGIApp, scope: dict[str, Any], body: bytes = b"") -> int:
    """One request; returns its status."""
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _cpu_per_request(
    app: ASGIApp, scope: dict[str, Any], body: Callable[[], bytes], expected: int
) -> float:
    """CPU microseconds per request (all threads of the process), after a warm-up."""
    for _ in range(REQUESTS // 10):
        await _call(app, scope, body())
    started = time.process_time()
    for _ in range(REQUESTS):
        status = await _call(app, scope, body())
        if status != expected:
            raise RuntimeError(f"{scope['method']} {scope['path']} answered {status}")
    return (time.process_time() - started) / REQUESTS * 1e6


def main() -> None:
    """Print the breakdown for the backend named on the command line (SQLite by default)."""
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    with database(backend) as url:
        created = partner(url)
        token = created["token"]
        with server(url) as base:
            customer_id = provisioned_customer(base, created)
        app = create_app(Settings(database_url=url, public_base_url=ORIGIN))
        statements: list[str] = []
        for engine in {app.state.db.engine, app.state.db.read_engine}:
            event.listen(
                engine, "before_cursor_execute", lambda *a: statements.append(a[2].split()[0])
            )
        serial = itertools.count()

        def subscriber() -> bytes:
            n = next(serial)
            return json.dumps(
                {
                    "customerId": customer_id,
                    "email": f"breakdown{n}@bench.test",
                    "packages": ["webex_calling"],
                    "provisioningParameters": {
                        "firstName": "Bench",
                        "lastName": f"B{n}",
                        "extension": str(10_000 + n),
                    },
                }
            ).encode()

        cases = [
            ("bare FastAPI: GET customer", bare.app, _scope("GET", bare.CUSTOMER_PATH, token)),
            ("GET /healthz", app, _scope("GET", "/healthz", token)),
            (
                "GET /customers/{id}",
                app,
                _scope("GET", f"/v1/wholesale/customers/{customer_id}", token),
            ),
        ]

        async def run() -> None:
            for name, target, scope in cases:
                cpu = await _cpu_per_request(target, scope, lambda: b"", 200)
                statements.clear()
                await _call(target, scope)
                print(f"{name:<32} {cpu:8.0f} µs CPU  {len(statements):3} statements")
            post = _scope("POST", "/v1/wholesale/subscribers", token, body=True)
            cpu = await _cpu_per_request(app, post, subscriber, 200)
            statements.clear()
            await _call(app, post, subscriber())
            kinds = ", ".join(f"{k} {statements.count(k)}" for k in sorted(set(statements)))
            line = f"{'POST /subscribers':<32} {cpu:8.0f} µs CPU  {len(statements):3} statements"
            print(f"{line} ({kinds})")

        # The event loop uvicorn runs tukku on (uvloop here), whose thread hand-offs cost less.
        with asyncio.Runner(loop_factory=auto_loop_factory()) as runner:
            runner.run(run())
        app.state.db.dispose()


if __name__ == "__main__":
    main()
