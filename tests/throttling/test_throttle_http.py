"""Throttling through the app: a burst over the limit gets 429 with Retry-After and the Webex
error body; other tokens and partners pass; the next window lets the caller through again."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.support import error_codes, user_headers
from tests.throttling.conftest import READS_PER_TOKEN, SIGN_INS_PER_ADDRESS
from tukku.core.clock import ManualClock
from tukku.core.db import Database

CUSTOMERS = "/v1/wholesale/customers"
THROTTLED = 8235


def test_a_burst_over_the_token_limit_waits_for_the_next_window(
    app_client: TestClient, partner: Partner, other_partner: Partner, clock: ManualClock
) -> None:
    for _ in range(READS_PER_TOKEN):
        assert app_client.get(CUSTOMERS, headers=partner.headers).status_code == 200
    clock.advance(timedelta(seconds=20))

    refused = app_client.get(CUSTOMERS, headers=partner.headers)

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "40"  # the window began at 09:00:00, 20 s ago
    body = refused.json()
    assert error_codes(refused) == [THROTTLED]
    assert body["message"]
    assert body["trackingId"] == refused.headers["trackingid"]
    assert app_client.get(CUSTOMERS, headers=other_partner.headers).status_code == 200
    clock.advance(timedelta(seconds=40))
    assert app_client.get(CUSTOMERS, headers=partner.headers).status_code == 200


def test_the_tokens_of_a_partner_share_its_write_limit(
    app_client: TestClient,
    partner: Partner,
    other_partner: Partner,
    db: Database,
    clock: ManualClock,
) -> None:
    second = user_headers(db, clock, partner.admin_email)
    # A token's first request in a process counts for the token only: its partner is known
    # (remembered with its principal) from then on. 1 + 6 requests, the partner's limit is 6.
    answers = [app_client.delete(f"{CUSTOMERS}/nope", headers=partner.headers) for _ in range(7)]
    assert [a.status_code for a in answers] == [404] * 7
    assert app_client.delete(f"{CUSTOMERS}/nope", headers=second).status_code == 404

    refused = app_client.delete(f"{CUSTOMERS}/nope", headers=second)

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert app_client.delete(f"{CUSTOMERS}/nope", headers=other_partner.headers).status_code == 404


def test_reads_and_writes_count_apart(app_client: TestClient, partner: Partner) -> None:
    for _ in range(READS_PER_TOKEN + 1):
        app_client.get(CUSTOMERS, headers=partner.headers)
    assert app_client.get(CUSTOMERS, headers=partner.headers).status_code == 429
    assert app_client.delete(f"{CUSTOMERS}/nope", headers=partner.headers).status_code == 404


def test_portal_sign_in_attempts_are_counted_per_address(app_client: TestClient) -> None:
    form = {"email": "who@example.test", "password": "wrong", "csrf": "x"}
    answers = [app_client.post("/portal/sign-in", data=form) for _ in range(SIGN_INS_PER_ADDRESS)]
    assert 429 not in [a.status_code for a in answers]

    refused = app_client.post("/portal/sign-in", data=form)

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert app_client.get("/portal/sign-in").status_code == 200
