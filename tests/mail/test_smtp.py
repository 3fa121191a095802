"""Mail leaves through a real SMTP server, and waits in the outbox while the server is down."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner, drain
from tests.mail.servers import SmtpServer
from tests.support import outbox, provision_customer, provision_subscriber
from tukku.app import create_app
from tukku.core.clock import ManualClock, real_now
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.jobs.models import Job
from tukku.mail.job_kinds import DELIVER
from tukku.mail.models import MailMessage
from tukku.worker import make_worker

BRAND = "PizzaPhone"


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
        public_base_url="http://tukku.test",
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
        jobs = list(session.scalars(select(Job).where(Job.kind == DELIVER.name)))
        session.expunge_all()
    return jobs


def stored_mail(db: Database, to: str) -> MailMessage:
    """The one message to `to`, as stored (with its `last_error`)."""
    with db.unit_of_work(write=False) as session:
        message = session.scalars(select(MailMessage).where(MailMessage.to_address == to)).one()
        session.expunge(message)
    return message


def insert_mail(db: Database, clock: ManualClock, *, to: str, subject: str) -> None:
    """A queued message and its delivery job, written directly (as no service would write it)."""
    with db.unit_of_work() as session:
        message = MailMessage(
            kind="welcome",
            to_address=to,
            subject=subject,
            body="Hello",
            status="queued",
            created_at=clock.now(),
        )
        session.add(message)
        session.flush()
        DELIVER.enqueue(session, {"messageId": message.id}, due_at=clock.now(), now=clock.now())


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
    assert "ConnectionRefusedError" in (stored_mail(db, sub["email"]).last_error or "")
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
    assert stored_mail(db, sub["email"]).last_error is None
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
    worker = make_worker(db, clock, settings.model_copy(update={"job_retry_max_seconds": 0.005}))
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
    settings = Settings(
        database_url=database_url, sandbox=False, public_base_url="http://tukku.test"
    )
    app = create_app(settings, db=db, clock=clock)
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


@pytest.mark.parametrize(
    ("subject", "to"),
    [
        ("Welcome\r\nBcc: everyone@pizza.test", "ada@pizza.test"),
        ("Welcome\u2028Bcc: everyone@pizza.test", "ada@pizza.test"),
        ("Welcome", "ada@pizza.test\nBcc: everyone@pizza.test"),
    ],
    ids=["crlf-in-subject", "line-separator-in-subject", "newline-in-address"],
)
def test_a_message_email_refuses_fails_at_once_without_retries(
    db: Database, clock: ManualClock, settings: Settings, smtp: SmtpServer, subject: str, to: str
) -> None:
    """A header e-mail cannot carry will not change by waiting: no two weeks of retries."""
    insert_mail(db, clock, to=to, subject=subject)

    assert make_worker(db, clock, settings).run_one()

    message = stored_mail(db, to)
    assert message.status == "failed"
    assert "cannot be sent as e-mail" in (message.last_error or "")
    (job,) = mail_jobs(db)
    assert (job.status, job.attempts) == ("failed", 1)
    assert smtp.inbox.received == []
