"""The sandbox's scripted 429s: the next N matching requests of the calling token answer 429
with the Retry-After asked for; other tokens never; no such route outside the sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.support import error_codes
from tukku.app import create_app
from tukku.core.db import Database
from tukku.core.settings import Settings

SCRIPTS = "/v1/sandbox/throttle"
CUSTOMERS = "/v1/wholesale/customers"
SCRIPTED = 8237


@pytest.fixture
def sandbox(database_url: str, db: Database) -> Iterator[TestClient]:
    """The app in sandbox mode."""
    settings = Settings(
        database_url=database_url, sandbox=True, public_base_url="http://tukku.test"
    )
    with TestClient(create_app(settings, db=db), base_url="http://tukku.test") as client:
        yield client


def test_the_next_matching_requests_answer_429_as_scripted(
    sandbox: TestClient, partner: Partner, other_partner: Partner
) -> None:
    script = {"routePattern": f"{CUSTOMERS}*", "method": "get", "count": 2, "retryAfter": 7}
    created = sandbox.post(SCRIPTS, json=script, headers=partner.headers)
    assert created.status_code == 201
    assert created.json()["items"] == [{**script, "method": "GET"}]

    assert sandbox.get(CUSTOMERS, headers=other_partner.headers).status_code == 200
    assert sandbox.post(CUSTOMERS, json={}, headers=partner.headers).status_code == 400
    first = sandbox.get(CUSTOMERS, headers=partner.headers)
    second = sandbox.get(f"{CUSTOMERS}/some-id", headers=partner.headers)
    third = sandbox.get(CUSTOMERS, headers=partner.headers)

    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["Retry-After"] == "7"
    assert error_codes(first) == [SCRIPTED]
    assert first.json()["trackingId"] == first.headers["trackingid"]
    assert sandbox.get(SCRIPTS, headers=partner.headers).json() == {"items": []}


def test_scripts_are_the_callers_own(
    sandbox: TestClient, partner: Partner, other_partner: Partner
) -> None:
    script = {"routePattern": "/v1/*", "count": 5, "retryAfter": 1}
    sandbox.post(SCRIPTS, json=script, headers=partner.headers)

    assert sandbox.get(SCRIPTS, headers=other_partner.headers).json() == {"items": []}
    assert sandbox.delete(SCRIPTS, headers=other_partner.headers).status_code == 204
    assert len(sandbox.get(SCRIPTS, headers=partner.headers).json()["items"]) == 1
    assert sandbox.delete(SCRIPTS, headers=partner.headers).status_code == 204
    assert sandbox.get(CUSTOMERS, headers=partner.headers).status_code == 200


def test_a_script_is_checked(sandbox: TestClient, partner: Partner) -> None:
    bad_method = {"routePattern": "/v1/*", "method": "FETCH"}
    assert sandbox.post(SCRIPTS, json=bad_method, headers=partner.headers).status_code == 400
    bad_count = {"routePattern": "/v1/*", "count": 0}
    assert sandbox.post(SCRIPTS, json=bad_count, headers=partner.headers).status_code == 400
    assert sandbox.post(SCRIPTS, json={"routePattern": "/v1/*"}).status_code == 401


def test_there_are_no_scripts_outside_the_sandbox(app_client: TestClient, partner: Partner) -> None:
    script = {"routePattern": "/v1/*", "count": 1, "retryAfter": 1}
    assert app_client.post(SCRIPTS, json=script, headers=partner.headers).status_code == 404
    assert app_client.get(CUSTOMERS, headers=partner.headers).status_code == 200
