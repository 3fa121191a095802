"""The access log: one JSON line per request with its tracking ID, route template, method,
status, latency, the caller's organization and address, and never a secret (token, query)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tukku.core.logging import JsonFormatter

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class Lines(logging.Handler):
    """Keeps each record as the JSON line the server writes, formatted as it is logged (the
    tracking ID is read from the request's context then)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def requests(self) -> list[dict[str, Any]]:
        """The access-log entries."""
        entries = [json.loads(line) for line in self.lines]
        return [e for e in entries if e["logger"] == "tukku.http" and e["msg"] == "request"]


@pytest.fixture
def access_log() -> Iterator[Lines]:
    """The access-log lines written during the test."""
    logger = logging.getLogger("tukku.http")
    handler, level = Lines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


@SQLITE
def test_an_authenticated_request_is_logged_with_its_route_and_organization(
    local_client: TestClient, partner: Partner, access_log: Lines
) -> None:
    headers = {**partner.headers, "TrackingID": "TRACK-ME-1"}
    answer = local_client.get(
        "/v1/wholesale/customers/no-such-customer?access_token=s3cr3t-query", headers=headers
    )
    assert answer.status_code == 404

    (entry,) = access_log.requests()
    assert entry["trackingId"] == "TRACK-ME-1"
    assert entry["route"] == "/v1/wholesale/customers/{customer_id}"
    assert entry["method"] == "GET"
    assert entry["path"] == "/v1/wholesale/customers/no-such-customer"
    assert entry["status"] == 404
    assert isinstance(entry["ms"], float)
    assert entry["ms"] >= 0
    assert entry["org"] == partner.org_id
    assert entry["client"] == "127.0.0.1"
    (line,) = [line for line in access_log.lines if '"request"' in line]
    assert partner.token not in line
    assert "s3cr3t-query" not in line
    assert "authorization" not in line.lower()


@SQLITE
def test_a_refused_or_unmatched_request_is_logged_without_organization(
    local_client: TestClient, partner: Partner, access_log: Lines
) -> None:
    assert local_client.get("/v1/wholesale/customers").status_code == 401
    assert local_client.get("/nowhere/at/all", headers=partner.headers).status_code == 404
    unauthenticated, unmatched = access_log.requests()
    assert (unauthenticated["route"], unauthenticated["status"]) == ("/v1/wholesale/customers", 401)
    assert unauthenticated["org"] is None
    assert (unmatched["route"], unmatched["status"]) == ("unmatched", 404)
    assert unmatched["org"] is None
    assert unauthenticated["trackingId"] != unmatched["trackingId"]
