"""Body caps: 413 before the route reads the body, by Content-Length without reading a byte,
and for a chunked body once the bytes read pass the cap; uploads have caps of their own."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Message

from tests.conftest import Partner
from tests.support import customer_body, error_codes

CUSTOMERS = "/v1/wholesale/customers"
BODY_TOO_LARGE = 8236
LOGO_TOO_LARGE = 8134
MIB = 1024 * 1024
CHUNK = 64 * 1024
TWENTY_MB = 20 * 1000 * 1000


def _huge_json(size: int) -> bytes:
    """A JSON document of about `size` bytes (a customer with a huge `externalId`)."""
    return json.dumps({"externalId": "x" * size}).encode()


def test_a_body_over_the_cap_is_refused_by_its_content_length(
    app_client: TestClient, partner: Partner
) -> None:
    answer = app_client.post(
        CUSTOMERS,
        content=_huge_json(2 * MIB),
        headers={**partner.headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert error_codes(answer) == [BODY_TOO_LARGE]


def test_a_chunked_body_over_the_cap_is_refused(app_client: TestClient, partner: Partner) -> None:
    data = _huge_json(2 * MIB)

    def chunks() -> Iterator[bytes]:
        for at in range(0, len(data), CHUNK):
            yield data[at : at + CHUNK]

    answer = app_client.post(
        CUSTOMERS, content=chunks(), headers={**partner.headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert error_codes(answer) == [BODY_TOO_LARGE]


def test_a_chunked_body_under_the_cap_reaches_the_route(
    app_client: TestClient, partner: Partner
) -> None:
    data = json.dumps(customer_body(partner)).encode()
    answer = app_client.post(
        CUSTOMERS,
        content=iter([data[:10], data[10:]]),
        headers={**partner.headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 202


def test_logo_uploads_have_a_larger_cap_and_the_routes_own_check_below_it(
    app_client: TestClient, partner: Partner
) -> None:
    logo = "/v1/partner/branding/logo"
    headers = {**partner.headers, "Content-Type": "application/octet-stream"}
    under_cap = app_client.put(logo, content=b"\x89PNG" + b"\0" * (MIB + MIB // 2), headers=headers)
    over_cap = app_client.put(logo, content=b"\x89PNG" + b"\0" * (3 * MIB), headers=headers)
    assert error_codes(under_cap) == [LOGO_TOO_LARGE]
    assert error_codes(over_cap) == [BODY_TOO_LARGE]


def _send_raw(app: ASGIApp, headers: list[tuple[bytes, bytes]], chunks: int) -> tuple[int, int]:
    """POST `chunks` chunks of a 20 MB body straight to the ASGI app; its status and how many
    chunks it pulled."""
    pulled = 0
    status = 0

    async def receive() -> Message:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"[" * CHUNK, "more_body": pulled < chunks}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": CUSTOMERS,
        "raw_path": CUSTOMERS.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"tukku.test"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("tukku.test", 80),
    }
    asyncio.run(app(scope, receive, send))
    return status, pulled


def test_a_20_mb_body_is_not_read_before_it_is_refused(
    app_client: TestClient, partner: Partner
) -> None:
    app = app_client.app
    auth = (b"authorization", partner.headers["Authorization"].encode())
    chunks = TWENTY_MB // CHUNK

    by_length = _send_raw(app, [auth, (b"content-length", str(TWENTY_MB).encode())], chunks)
    chunked = _send_raw(app, [auth, (b"transfer-encoding", b"chunked")], chunks)

    assert by_length == (413, 0)
    assert chunked == (413, MIB // CHUNK + 1)  # read until one chunk past the 1 MiB cap
