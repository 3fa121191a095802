"""Mail leaves through a real SMTP server, and waits in the outbox while the server is down."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner, drain
from tests.support import outbox, provision_customer, provision_subscriber
from tukku.app import create_app
from tukku.core.clock import ManualClock, real_now
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.jobs.models import Job
from tukku.jobs.runner import Worker

BRAND = "PizzaPhone"


class Inbox:
    """An aiosmtpd handler keeping every message it receives, refusing unknown recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], Message]] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.startswith("nobody"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else (content or "").encode()
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(raw)))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A local SMTP server that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(database_url: str, smtp: SmtpServer) -> Settings:
    """The app under test sends through the local server; a retry waits 0.5 to 1 s."""
    return Settings(
        database_url=database_url,
        sandbox=False,
        job_retry_base_seconds=0.5,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
    )


def branded_customer(client: TestClient, partner: Partner) -> dict[str, Any]:
    template = client.post(
        "/v1/partner/onboardingTemplates",
        json={"name": "Branded", "brandName": BRAND, "pstnProvider": "Acme PSTN"},
        headers=partner.headers,
    )
    assert template.status_code == 201, template.text
    return provision_customer(client, partner, provisioningId=template.json()["provisioningId"])


def mail_jobs(db: Database) -> list[Job]:
    with db.unit_of_work(write=False) as session:
        jobs = list(session.scalars(select(Job).where(Job.kind == "mail.deliver")))
        session.expunge_all()
    return jobs


def wait_until_due(db: Database) -> None:
    """Sleep until the (one) mail job may be retried: back-off runs on the wall clock."""
    (job,) = mail_jobs(db)
    time.sleep(max(0.0, (job.available_at - real_now()).total_seconds()) + 0.002)


def test_welcome_mail_is_delivered_over_smtp(
    app_client: TestClient, partner: Partner, smtp: SmtpServer
) -> None:
    customer = branded_customer(app_client, partner)
    sub = provision_subscriber(app_client, partner, customer["id"])

    drain(app_client)

    ((recipients, message),) = smtp.inbox.received
    assert recipients == [sub["email"]]
    assert message["To"] == sub["email"]
    assert message["Subject"] == f"Welcome to {BRAND}"
    assert message["From"] == app_client.app.state.settings.mail_from  # type: ignore[attr-defined]
    assert [m.status for m in outbox(app_client, sub["email"])] == ["sent"]


def test_mail_waits_while_the_server_is_down_and_goes_once_it_is_back(
    app_client: TestClient, partner: Partner, smtp: SmtpServer, db: Database
) -> None:
    customer = branded_customer(app_client, partner)
    smtp.stop()
    sub = provision_subscriber(app_client, partner, customer["id"])

    drain(app_client)

    assert [m.status for m in outbox(app_client, sub["email"])] == ["queued"]
    (job,) = mail_jobs(db)
    assert job.status == "queued"
    assert job.attempts == 1
    assert job.available_at > real_now()
    assert smtp.inbox.received == []

    smtp.start()
    wait_until_due(db)
    drain(app_client)

    ((recipients, message),) = smtp.inbox.received
    assert recipients == [sub["email"]]
    assert message["Subject"] == f"Welcome to {BRAND}"
    assert [m.status for m in outbox(app_client, sub["email"])] == ["sent"]
    (job,) = mail_jobs(db)
    assert job.status == "done"
    assert job.attempts == 2


def test_mail_outlives_a_long_outage(
    app_client: TestClient,
    partner: Partner,
    smtp: SmtpServer,
    db: Database,
    clock: ManualClock,
    settings: Settings,
) -> None:
    """Many failed attempts (an outage of hours with real back-off) still lose no mail."""
    worker = Worker(db, clock, settings.model_copy(update={"job_retry_max_seconds": 0.005}))
    customer = branded_customer(app_client, partner)
    smtp.stop()
    sub = provision_subscriber(app_client, partner, customer["id"])

    for attempt in range(1, 31):
        wait_until_due(db)
        assert worker.run_one(), f"attempt {attempt} was not made"
    (job,) = mail_jobs(db)
    assert (job.status, job.attempts) == ("queued", 30)
    assert [m.status for m in outbox(app_client, sub["email"])] == ["queued"]

    smtp.start()
    wait_until_due(db)
    assert worker.run_one()

    ((recipients, _),) = smtp.inbox.received
    assert recipients == [sub["email"]]
    assert [m.status for m in outbox(app_client, sub["email"])] == ["sent"]


def test_without_smtp_settings_mail_is_held_in_the_outbox(
    database_url: str, db: Database, clock: ManualClock, partner: Partner
) -> None:
    app = create_app(Settings(database_url=database_url, sandbox=False), db=db, clock=clock)
    with TestClient(app, base_url="http://tukku.test") as client:
        customer = provision_customer(client, partner)
        sub = provision_subscriber(client, partner, customer["id"])

        drain(client)

        (mail,) = outbox(client, sub["email"])
    assert mail.status == "held"
    assert mail.kind == "welcome"
    assert mail.subject == "Welcome to Acme Telecom"
    (job,) = mail_jobs(db)
    assert job.status == "done"


def test_a_recipient_the_server_refuses_fails_at_once_without_retries(
    app_client: TestClient, partner: Partner, smtp: SmtpServer, db: Database
) -> None:
    customer = branded_customer(app_client, partner)
    provision_subscriber(app_client, partner, customer["id"], email="nobody@pizza.test")

    drain(app_client)

    (mail,) = outbox(app_client, "nobody@pizza.test")
    assert mail.status == "failed"
    (job,) = mail_jobs(db)
    assert (job.status, job.attempts) == ("failed", 1)
    assert "nobody@pizza.test" in (job.last_error or "")
    assert smtp.inbox.received == []
