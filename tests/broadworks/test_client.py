"""The migration's client against a real HTTP server on loopback that answers from a script:
`429` waits `Retry-After`, transient failures are retried, refusals carry the API's message,
and the number of requests in flight never passes the bound."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tukku.broadworks.client import ApiClient, ApiError


class Script:
    """Answers to give, in order (the last one repeats), and what the server saw."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str], dict[str, object]]] = []
        self.seen: list[tuple[str, str, float]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.delay = 0.0
        self.lock = threading.Lock()


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            with script.lock:
                script.seen.append((self.command, self.path, time.monotonic()))
                script.in_flight += 1
                script.most_in_flight = max(script.most_in_flight, script.in_flight)
                index = min(len(script.seen), len(script.answers)) - 1
                status, headers, body = script.answers[index]
            time.sleep(script.delay)
            payload = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {**headers, "Content-Type": "application/json"}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            with script.lock:
                script.in_flight -= 1

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    httpd.shutdown()
    httpd.server_close()


def client(url: str, **options: float) -> ApiClient:
    return ApiClient(url, "tok", backoff_max=0.05, **options)  # type: ignore[arg-type]


def test_429_waits_retry_after_then_succeeds(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(429, {"Retry-After": "1"}, {"message": "slow down"}), (200, {}, {"id": 1})]

    async def go() -> dict[str, object]:
        api = client(url)
        try:
            return await api.json("GET", "/v1/x")
        finally:
            assert api.counters.throttled == 1
            await api.close()

    assert asyncio.run(go()) == {"id": 1}
    (_, _, first), (_, _, second) = script.seen
    assert second - first >= 1.0


def test_transient_failures_are_retried_then_given_up_with_the_message(
    server: tuple[str, Script],
) -> None:
    url, script = server
    script.answers = [(503, {}, {"message": "maintenance"})]

    async def go() -> None:
        api = client(url, attempts=3)
        try:
            await api.request("POST", "/v1/wholesale/subscribers?orgId=o", {"email": "a@b.c"})
        finally:
            await api.close()

    with pytest.raises(ApiError) as raised:
        asyncio.run(go())

    assert len(script.seen) == 3
    assert raised.value.status == 503
    assert str(raised.value) == "POST /v1/wholesale/subscribers: 503 maintenance"


def test_a_refusal_is_not_retried_and_keeps_the_apis_errors(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [
        (409, {}, {"message": "conflict", "errors": [{"description": "email: already in use"}]})
    ]

    async def go() -> None:
        api = client(url)
        try:
            await api.request("POST", "/v1/wholesale/subscribers", {})
        finally:
            await api.close()

    with pytest.raises(ApiError, match="409 conflict; email: already in use"):
        asyncio.run(go())
    assert len(script.seen) == 1


def test_requests_in_flight_stay_within_the_bound(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, {}, {})]
    script.delay = 0.05

    async def go() -> None:
        api = client(url, concurrency=3)
        try:
            await asyncio.gather(*(api.request("GET", f"/v1/x/{n}") for n in range(20)))
        finally:
            await api.close()

    asyncio.run(go())

    assert len(script.seen) == 20
    assert script.most_in_flight <= 3
