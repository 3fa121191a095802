"""Every mail wears the brand of the partner (or the customer's override) it is sent for: the
message that reaches the SMTP server is multipart, a plain-text part and an HTML part."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage, Message

import pytest
from fastapi.testclient import TestClient

from tests.branding.test_api import BRANDING, GOOD, customer_branding, png_bytes
from tests.conftest import Partner, drain
from tests.mail.servers import SmtpServer
from tests.support import provision_customer, provision_subscriber
from tukku.app import create_app
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(database_url: str, smtp: SmtpServer) -> Settings:
    """The app sends through the local server; links use the configured public base URL."""
    return Settings(
        database_url=database_url,
        sandbox=False,
        public_base_url="https://portal.tukku.test",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
    )


@pytest.fixture
def app_client(settings: Settings, db: Database, clock: ManualClock) -> Iterator[TestClient]:
    """The app served at its public address."""
    app = create_app(settings, db=db, clock=clock, wall_clock=clock)
    with TestClient(app, base_url="https://portal.tukku.test") as client:
        yield client


def parts(message: Message) -> dict[str, str]:
    """The message's text and HTML alternatives, decoded, by content type."""
    assert isinstance(message, EmailMessage) or message.is_multipart()
    assert message.get_content_type() == "multipart/alternative"
    found: dict[str, str] = {}
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found[part.get_content_type()] = payload.decode(part.get_content_charset() or "utf-8")
    return found


def delivered_to(smtp: SmtpServer, address: str) -> Message:
    (message,) = [m for rcpt, m in smtp.inbox.received if rcpt == [address]]
    return message


def test_mail_carries_the_partners_brand_in_html_and_a_plain_text_part(
    app_client: TestClient, partner: Partner, smtp: SmtpServer
) -> None:
    app_client.put(BRANDING, json=GOOD | {"name": "Pizza<Phone>"}, headers=partner.headers)
    logo_url = app_client.put(
        f"{BRANDING}/logo", content=png_bytes(), headers=partner.headers
    ).json()["logoUrl"]
    customer = provision_customer(app_client, partner)
    sub = provision_subscriber(app_client, partner, customer["id"])

    drain(app_client)

    found = parts(delivered_to(smtp, sub["email"]))
    assert set(found) == {"text/plain", "text/html"}
    text, html = found["text/plain"], found["text/html"]
    assert "<" not in text.split("--")[0]  # the plain part is plain
    assert "Pizza<Phone> support: https://help.pizzaphone.test/" in text
    assert "Pizza&lt;Phone&gt;" in html
    assert "Pizza<Phone>" not in html
    digest = logo_url.rsplit("/", 1)[1]
    assert f'src="https://portal.tukku.test/brand/logos/{digest}"' in html
    assert GOOD["lightAccent"] in html
    assert 'href="mailto:help@pizzaphone.test"' in html


def test_a_customers_override_is_the_brand_its_people_get(
    app_client: TestClient, partner: Partner, smtp: SmtpServer
) -> None:
    app_client.put(BRANDING, json=GOOD, headers=partner.headers)
    customer = provision_customer(app_client, partner)
    override = GOOD | {"name": "Luigi's Pizzeria", "supportUrl": "https://luigi.test/help"}
    app_client.put(customer_branding(customer["id"]), json=override, headers=partner.headers)
    sub = provision_subscriber(app_client, partner, customer["id"])

    drain(app_client)

    html = parts(delivered_to(smtp, sub["email"]))["text/html"]
    assert "Luigi&#39;s Pizzeria" in html
    assert "https://luigi.test/help" in html
    assert "PizzaPhone" not in html


def test_unbranded_mail_wears_tukkus_default_brand(
    app_client: TestClient, partner: Partner, smtp: SmtpServer
) -> None:
    customer = provision_customer(app_client, partner)
    sub = provision_subscriber(app_client, partner, customer["id"])

    drain(app_client)

    found = parts(delivered_to(smtp, sub["email"]))
    assert "<strong" in found["text/html"]
    assert ">tukku</strong>" in found["text/html"]
    assert "<img" not in found["text/html"]
