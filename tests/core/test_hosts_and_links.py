"""Links that leave a request come from a trusted base, never from the `Host` header; requests
for other hosts are refused, except the health probes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import (
    error_codes,
    operator_headers,
    outbox,
    provision_customer,
    subscriber_body,
    user_outside_wholesale,
)
from tukku.app import create_app
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.links import ConfigurationError, default_allowed_hosts, trusted_link_base
from tukku.core.settings import Settings

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
SUBSCRIBERS = "/v1/wholesale/subscribers"
REPORTS = "/v1/wholesale/billing/reports"
EMAIL = "grace@freemail.test"
CONSENT_LINK = re.compile(r"(https?://[^/\s]+)/v1/consent/\S+")


@contextmanager
def client_for(
    settings: Settings,
    db: Database,
    clock: ManualClock,
    base_url: str,
    listen_url: str | None = None,
) -> Iterator[TestClient]:
    app = create_app(settings, db=db, clock=clock, listen_url=listen_url)
    with TestClient(app, base_url=base_url) as client:
        yield client


def ask_consent(
    client: TestClient, partner: Partner, db: Database, clock: ManualClock, **headers: str
) -> int:
    """POST a subscriber whose user lives outside wholesale (which mails a consent link)."""
    user_outside_wholesale(client, operator_headers(db, clock), EMAIL)
    customer = provision_customer(client, partner)
    response = client.post(
        SUBSCRIBERS,
        json=subscriber_body(customer["id"], email=EMAIL),
        headers={**partner.headers, **headers},
    )
    return response.status_code


def mailed_link_bases(client: TestClient) -> list[str]:
    bases = []
    for mail in outbox(client, EMAIL):
        match = CONSENT_LINK.search(mail.body)
        assert match is not None, mail.body
        bases.append(match.group(1))
    return bases


def download_link(client: TestClient, partner: Partner) -> str:
    created = client.post(
        REPORTS,
        json={"billingStartDate": "2026-12-01", "billingEndDate": "2026-12-31"},
        headers=partner.headers,
    )
    assert created.status_code == 200, created.text
    drain(client)
    report = client.get(f"{REPORTS}/{created.json()['id']}", headers=partner.headers).json()
    link: str = report["tempDownloadURL"]
    return link


# -- the Host header is checked ----------------------------------------------------------------


@SQLITE
def test_a_forged_host_is_refused_and_queues_no_mail(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    status = ask_consent(app_client, partner, db, clock, Host="evil.example")

    assert status == 400
    assert outbox(app_client, EMAIL) == []


@SQLITE
def test_a_refused_host_answers_the_webex_error_body(app_client: TestClient) -> None:
    response = app_client.get("/v1/wholesale/customers", headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert error_codes(response) == [400]
    assert "host" in response.json()["message"].lower()
    assert response.json()["trackingId"] == response.headers["trackingid"]


@SQLITE
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_probes_answer_whatever_host_they_carry(app_client: TestClient, path: str) -> None:
    response = app_client.get(path, headers={"Host": "10.42.7.19:8000"})

    assert response.status_code == 200


@SQLITE
def test_star_allows_every_host(settings: Settings, db: Database, clock: ManualClock) -> None:
    settings = settings.model_copy(update={"allowed_hosts": "*"})
    with client_for(settings, db, clock, "http://tukku.test") as client:
        response = client.get("/v1/wholesale/customers", headers={"Host": "anything.example"})

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("public", "listen", "expected"),
    [
        ("https://tukku.example.com", None, ["tukku.example.com"]),
        ("https://tukku.example.com:8443/", None, ["tukku.example.com"]),
        (None, "http://localhost:8000", ["localhost", "127.0.0.1", "[::1]"]),
        (None, "http://10.0.0.5:8000", ["10.0.0.5", "localhost", "127.0.0.1", "[::1]"]),
        (None, "http://[fd00::5]:8000", ["[fd00::5]", "localhost", "127.0.0.1", "[::1]"]),
        (
            "https://tukku.example.com",
            "http://localhost:8000",
            ["tukku.example.com", "localhost", "127.0.0.1", "[::1]"],
        ),
    ],
)
def test_default_allowed_hosts(public: str | None, listen: str | None, expected: list[str]) -> None:
    assert default_allowed_hosts(public, listen) == expected


def test_allowed_hosts_come_from_the_environment_comma_separated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TUKKU_ALLOWED_HOSTS", " tukku.example.com, *.tukku.example.com ,")

    assert Settings().allowed_host_list == ["tukku.example.com", "*.tukku.example.com"]


# -- links that leave the request ----------------------------------------------------------------


@SQLITE
def test_consent_link_uses_the_public_base_url_not_the_request_host(
    settings: Settings, db: Database, clock: ManualClock, partner: Partner
) -> None:
    settings = settings.model_copy(update={"allowed_hosts": "tukku.test,api.tukku.test"})
    with client_for(settings, db, clock, "http://api.tukku.test") as client:
        assert ask_consent(client, partner, db, clock) == 202

        assert mailed_link_bases(client) == ["http://tukku.test"]


@SQLITE
def test_embedded_server_links_use_its_listen_address_not_the_request_host(
    settings: Settings, db: Database, clock: ManualClock, partner: Partner
) -> None:
    settings = settings.model_copy(update={"public_base_url": None})
    listen = "http://localhost:8000"
    with client_for(settings, db, clock, "http://127.0.0.1:8000", listen) as client:
        assert ask_consent(client, partner, db, clock) == 202
        report_link = download_link(client, partner)

        assert mailed_link_bases(client) == [listen]
        assert report_link.startswith(f"{listen}/v1/billing/downloads/")
        assert client.get(report_link.removeprefix(listen)).status_code == 200


@SQLITE
def test_download_link_uses_the_public_base_url_not_the_request_host(
    settings: Settings, db: Database, clock: ManualClock, partner: Partner
) -> None:
    settings = settings.model_copy(update={"allowed_hosts": "tukku.test,api.tukku.test"})
    with client_for(settings, db, clock, "http://api.tukku.test") as client:
        link = download_link(client, partner)

    assert link.startswith("http://tukku.test/v1/billing/downloads/")


@SQLITE
def test_without_a_public_base_url_the_app_refuses_to_start(
    settings: Settings, db: Database, clock: ManualClock
) -> None:
    settings = settings.model_copy(update={"public_base_url": None})

    with pytest.raises(ConfigurationError, match="TUKKU_PUBLIC_BASE_URL"):
        create_app(settings, db=db, clock=clock)


@pytest.mark.parametrize("bad", ["tukku.example.com", "ftp://tukku.example.com", "https://"])
def test_a_public_base_url_that_is_not_an_http_url_is_refused(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="TUKKU_PUBLIC_BASE_URL"):
        trusted_link_base(bad, None)


def test_the_public_base_url_wins_over_the_listen_address() -> None:
    assert trusted_link_base("https://tukku.example.com/", "http://localhost:8000") == (
        "https://tukku.example.com"
    )


# -- header size and API docs --------------------------------------------------------------------


@SQLITE
def test_headers_over_the_limit_answer_431(app_client: TestClient) -> None:
    response = app_client.get("/healthz", headers={"X-Padding": "a" * 20_000})

    assert response.status_code == 431
    assert error_codes(response) == [431]


@SQLITE
def test_headers_within_the_limit_pass(app_client: TestClient) -> None:
    response = app_client.get("/healthz", headers={"X-Padding": "a" * 8_000})

    assert response.status_code == 200


DOC_PATHS = ["/docs", "/redoc", "/openapi.json"]


@SQLITE
def test_api_docs_are_served_by_default(app_client: TestClient) -> None:
    assert [app_client.get(p).status_code for p in DOC_PATHS] == [200, 200, 200]


@SQLITE
@pytest.mark.parametrize(("sandbox", "expected"), [(False, 404), (True, 200)])
def test_api_docs_can_be_turned_off_in_production(
    settings: Settings, db: Database, clock: ManualClock, sandbox: bool, expected: int
) -> None:
    settings = settings.model_copy(update={"api_docs": False, "sandbox": sandbox})
    with client_for(settings, db, clock, "http://tukku.test") as client:
        statuses = [client.get(p).status_code for p in DOC_PATHS]

    assert statuses == [expected] * 3
