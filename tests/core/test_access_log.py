"""The request log never holds a usable secret: signed-link tokens are masked, queries dropped."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from tukku.core.http import loggable_path
from tukku.core.logging import JsonFormatter

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TOKEN = "eyJzdWIiOiJzdWJfMSJ9.c2lnbmF0dXJlLW9mLXRoZS1jb25zZW50LWxpbms"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/v1/consent/{TOKEN}", "/v1/consent/***"),
        (f"/v1/consent/{TOKEN}/", "/v1/consent/***/"),
        (f"/v1/billing/downloads/{TOKEN}", "/v1/billing/downloads/***"),
        (f"//v1/consent/{TOKEN}", "//v1/consent/***"),
        ("/v1/consent/", "/v1/consent/"),
        ("/v1/wholesale/subscribers/sub_1", "/v1/wholesale/subscribers/sub_1"),
        ("/v1/wholesale/billing/reports/rep_1", "/v1/wholesale/billing/reports/rep_1"),
    ],
)
def test_loggable_path_masks_signed_link_secrets_only(path: str, logged: str) -> None:
    assert loggable_path(path) == logged


@SQLITE
@pytest.mark.parametrize("route", ["/v1/consent", "/v1/billing/downloads"])
def test_request_log_line_holds_no_link_token_nor_query(
    app_client: TestClient, caplog: pytest.LogCaptureFixture, route: str
) -> None:
    caplog.set_level(logging.INFO, logger="tukku.http")

    app_client.get(f"{route}/{TOKEN}?access_token=s3cr3t-query")

    (record,) = [r for r in caplog.records if r.name == "tukku.http" and r.msg == "request"]
    line = JsonFormatter().format(record)
    assert json.loads(line)["path"] == f"{route}/***"
    assert TOKEN not in line
    assert "s3cr3t-query" not in line
