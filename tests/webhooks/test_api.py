"""`/v1/partner/webhooks` over both backends: the secret shown once, validation naming the
field, and tenancy (another partner can neither see nor touch an endpoint)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.support import error_codes
from tukku.core.errors import Codes

HOOKS = "/v1/partner/webhooks"
PUBLIC_URL = "https://93.184.216.34/hooks/tukku"
REPLACEMENT = {"url": PUBLIC_URL, "eventTypes": ["invoice.created"]}


def _create(client: TestClient, partner: Partner, **overrides: Any) -> Any:
    body = {"url": PUBLIC_URL, "eventTypes": ["customer.created", "customer.updated"]}
    return client.post(HOOKS, json=body | overrides, headers=partner.headers)


def test_the_secret_is_shown_once(app_client: TestClient, partner: Partner) -> None:
    created = _create(app_client, partner, description="CRM sync")
    assert created.status_code == 201, created.text
    endpoint = created.json()
    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["url"] == PUBLIC_URL
    assert endpoint["enabled"] is True
    assert endpoint["orgId"] == partner.org_id
    one = app_client.get(f"{HOOKS}/{endpoint['id']}", headers=partner.headers)
    assert one.status_code == 200
    assert "secret" not in one.json()
    listed = app_client.get(HOOKS, headers=partner.headers).json()["items"]
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert all("secret" not in e for e in listed)


def test_rotation_shows_a_new_secret_once(app_client: TestClient, partner: Partner) -> None:
    endpoint = _create(app_client, partner).json()
    rotated = app_client.post(f"{HOOKS}/{endpoint['id']}/secret/rotate", headers=partner.headers)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != endpoint["secret"]
    assert "previousSecretExpires" in rotated.json()
    assert (
        "secret" not in app_client.get(f"{HOOKS}/{endpoint['id']}", headers=partner.headers).json()
    )


def test_endpoints_change_and_go(app_client: TestClient, partner: Partner) -> None:
    endpoint = _create(app_client, partner).json()
    url = f"{HOOKS}/{endpoint['id']}"
    patched = app_client.patch(url, json={"enabled": False}, headers=partner.headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["enabled"] is False
    assert patched.json()["eventTypes"] == ["customer.created", "customer.updated"]
    body = {"url": "https://93.184.216.35/other", "eventTypes": ["subscriber.created"]}
    replaced = app_client.put(url, json=body, headers=partner.headers)
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["url"], replaced.json()["eventTypes"]) == (
        "https://93.184.216.35/other",
        ["subscriber.created"],
    )
    assert replaced.json()["enabled"] is True
    assert app_client.delete(url, headers=partner.headers).status_code == 204
    assert app_client.get(url, headers=partner.headers).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"url": "http://93.184.216.34/hook"}, "url", Codes.WEBHOOK_URL_INVALID),
        ({"url": "not a url"}, "url", Codes.WEBHOOK_URL_INVALID),
        ({"url": "https://127.0.0.1/hook"}, "url", Codes.WEBHOOK_TARGET_REFUSED),
        ({"url": "https://10.0.0.7/hook"}, "url", Codes.WEBHOOK_TARGET_REFUSED),
        ({"url": "https://169.254.169.254/latest"}, "url", Codes.WEBHOOK_TARGET_REFUSED),
        ({"url": "https://[::ffff:127.0.0.1]/hook"}, "url", Codes.WEBHOOK_TARGET_REFUSED),
        ({"url": "https://[fe80::1]/hook"}, "url", Codes.WEBHOOK_TARGET_REFUSED),
        ({"url": "https://localhost/hook"}, "url", Codes.WEBHOOK_TARGET_REFUSED),
        ({"eventTypes": ["customer.exploded"]}, "eventTypes", Codes.WEBHOOK_EVENT_TYPE_UNKNOWN),
    ],
)
def test_invalid_endpoints_are_refused_naming_the_field(
    app_client: TestClient, partner: Partner, overrides: dict[str, Any], field: str, code: Any
) -> None:
    refused = _create(app_client, partner, **overrides)
    assert refused.status_code == 400, refused.text
    assert error_codes(refused) == [code.number]
    assert refused.json()["message"].startswith(f"{field}: ")
    assert app_client.get(HOOKS, headers=partner.headers).json()["items"] == []


def test_a_change_is_checked_like_a_creation(app_client: TestClient, partner: Partner) -> None:
    endpoint = _create(app_client, partner).json()
    refused = app_client.patch(
        f"{HOOKS}/{endpoint['id']}", json={"url": "https://192.168.0.1/x"}, headers=partner.headers
    )
    assert refused.status_code == 400
    assert error_codes(refused) == [Codes.WEBHOOK_TARGET_REFUSED.number]
    kept = app_client.get(f"{HOOKS}/{endpoint['id']}", headers=partner.headers).json()
    assert kept["url"] == PUBLIC_URL


def test_another_partner_can_neither_see_nor_touch_an_endpoint(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    endpoint = _create(app_client, partner).json()
    url = f"{HOOKS}/{endpoint['id']}"
    theirs = other_partner.headers
    assert app_client.get(HOOKS, headers=theirs).json()["items"] == []
    attempts = [
        app_client.get(url, headers=theirs),
        app_client.patch(url, json={"enabled": False}, headers=theirs),
        app_client.put(
            url, json={"url": PUBLIC_URL, "eventTypes": ["invoice.created"]}, headers=theirs
        ),
        app_client.post(f"{url}/secret/rotate", headers=theirs),
        app_client.get(f"{url}/deliveries", headers=theirs),
        app_client.post(f"{url}/deliveries/1/replay", headers=theirs),
        app_client.post(f"{url}/replay", json={"since": "2020-01-01T00:00:00Z"}, headers=theirs),
        app_client.delete(url, headers=theirs),
    ]
    for answer in attempts:
        assert answer.status_code == 404, answer.text
        assert error_codes(answer) == [Codes.WEBHOOK_NOT_FOUND.number]
    still = app_client.get(url, headers=partner.headers).json()
    assert (still["enabled"], still["eventTypes"]) == (True, endpoint["eventTypes"])


def test_a_replay_range_must_make_sense(app_client: TestClient, partner: Partner) -> None:
    endpoint = _create(app_client, partner).json()
    url = f"{HOOKS}/{endpoint['id']}/replay"
    backwards = {"since": "2027-01-02T00:00:00Z", "until": "2027-01-01T00:00:00Z"}
    refused = app_client.post(url, json=backwards, headers=partner.headers)
    assert refused.status_code == 400
    assert error_codes(refused) == [Codes.WEBHOOK_REPLAY_RANGE_INVALID.number]
    garbled = app_client.post(url, json={"since": "yesterday"}, headers=partner.headers)
    assert garbled.status_code == 400
    assert garbled.json()["message"].startswith("since: ")
    nothing = app_client.post(url, json={"since": "2020-01-01T00:00:00Z"}, headers=partner.headers)
    assert (nothing.status_code, nothing.json()) == (202, {"queued": 0})
