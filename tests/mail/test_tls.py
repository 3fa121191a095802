"""The SMTP login and mail leave only over TLS the settings trust, or over plaintext on purpose."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.mail.servers import Pki, SmtpServer
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.jobs.models import Job
from tukku.mail.job_kinds import DELIVER
from tukku.mail.models import MailMessage
from tukku.worker import make_worker

LOGIN = ("mailer@tukku.test", "s3cret-pass")
TO = "ada@pizza.test"


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    directory = tmp_path / "pki"
    directory.mkdir()
    return Pki.create(directory)


@pytest.fixture
def servers() -> Iterator[list[SmtpServer]]:
    """Servers a test starts; all are stopped at its end."""
    started: list[SmtpServer] = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def serve(servers: list[SmtpServer]) -> Any:
    def start(**options: Any) -> SmtpServer:
        server = SmtpServer(**options)
        server.start()
        servers.append(server)
        return server

    return start


def settings_for(database_url: str, server: SmtpServer, **smtp: Any) -> Settings:
    return Settings(
        database_url=database_url,
        sandbox=False,
        smtp_host="127.0.0.1",
        smtp_port=server.port,
        smtp_username=LOGIN[0],
        smtp_password=LOGIN[1],
        **smtp,
    )


def deliver_one(db: Database, clock: ManualClock, settings: Settings) -> tuple[MailMessage, Job]:
    """Queue one message, make one delivery attempt; the message and its job afterwards."""
    with db.unit_of_work() as session:
        message = MailMessage(
            kind="welcome",
            to_address=TO,
            subject="Welcome to PizzaPhone",
            body="Hello",
            status="queued",
            created_at=clock.now(),
        )
        session.add(message)
        session.flush()
        DELIVER.enqueue(session, {"messageId": message.id}, due_at=clock.now(), now=clock.now())
    assert make_worker(db, clock, settings).run_one()
    with db.unit_of_work(write=False) as session:
        stored = session.scalars(select(MailMessage)).one()
        job = session.scalars(select(Job).where(Job.kind == DELIVER.name)).one()
        session.expunge_all()
    return stored, job


@pytest.mark.parametrize("security", ["starttls", "tls"])
@pytest.mark.parametrize("certificate", ["self-signed", "trusted-ca-other-host"])
def test_a_certificate_not_trusted_for_the_host_gets_neither_login_nor_mail(
    database_url: str,
    db: Database,
    clock: ManualClock,
    pki: Pki,
    serve: Any,
    security: str,
    certificate: str,
) -> None:
    """A self-signed certificate, or one of a trusted CA naming another host, is refused
    before anything is sent; the message waits (the operator may fix the trust) and says why."""
    context = (
        pki.server_context(hosts=("127.0.0.1",), self_signed=True)
        if certificate == "self-signed"
        else pki.server_context(hosts=("mail.elsewhere.test",))
    )
    server = serve(**{"starttls" if security == "starttls" else "implicit_tls": context})
    ca_file = None if certificate == "self-signed" else pki.ca_file
    settings = settings_for(database_url, server, smtp_security=security, smtp_ca_file=ca_file)

    message, job = deliver_one(db, clock, settings)

    assert server.inbox.auth_commands == []
    assert server.inbox.logins == []
    assert server.inbox.received == []
    assert message.status == "queued"
    assert "certificate" in (message.last_error or "")
    assert "TUKKU_SMTP_CA_FILE" in (message.last_error or "")
    assert (job.status, job.attempts) == ("queued", 1)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_starttls_with_a_certificate_of_the_trusted_ca_logs_in_and_delivers(
    database_url: str, db: Database, clock: ManualClock, pki: Pki, serve: Any, host: str
) -> None:
    server = serve(starttls=pki.server_context(hosts=("localhost", "127.0.0.1")))
    settings = settings_for(
        database_url, server, smtp_security="starttls", smtp_ca_file=pki.ca_file
    ).model_copy(update={"smtp_host": host})

    message, job = deliver_one(db, clock, settings)

    assert server.inbox.logins == [LOGIN]
    ((recipients, mail),) = server.inbox.received
    assert recipients == [TO]
    assert mail["Subject"] == "Welcome to PizzaPhone"
    assert (message.status, message.last_error) == ("sent", None)
    assert job.status == "done"


def test_implicit_tls_with_a_certificate_of_the_trusted_ca_logs_in_and_delivers(
    database_url: str, db: Database, clock: ManualClock, pki: Pki, serve: Any
) -> None:
    server = serve(implicit_tls=pki.server_context(hosts=("localhost", "127.0.0.1")))
    settings = settings_for(database_url, server, smtp_security="tls", smtp_ca_file=pki.ca_file)

    message, job = deliver_one(db, clock, settings)

    assert server.inbox.logins == [LOGIN]
    ((recipients, _),) = server.inbox.received
    assert recipients == [TO]
    assert (message.status, job.status) == ("sent", "done")


def test_starttls_that_the_server_does_not_offer_sends_nothing(
    database_url: str, db: Database, clock: ManualClock, serve: Any
) -> None:
    """A server (or a man in the middle) that offers no STARTTLS gets no downgrade."""
    server = serve(auth_over_plaintext=True)
    settings = settings_for(database_url, server, smtp_security="starttls")

    message, job = deliver_one(db, clock, settings)

    assert server.inbox.auth_commands == []
    assert server.inbox.received == []
    assert message.status == "queued"
    assert "STARTTLS" in (message.last_error or "")
    assert (job.status, job.attempts) == ("queued", 1)


def test_a_login_over_plaintext_is_refused_unless_allowed(
    database_url: str, db: Database, clock: ManualClock, serve: Any
) -> None:
    """A configuration error: the job fails at once, naming the settings, and the server never
    sees the credentials (it would accept them)."""
    server = serve(auth_over_plaintext=True)
    settings = settings_for(database_url, server)

    message, job = deliver_one(db, clock, settings)

    assert server.inbox.auth_commands == []
    assert server.inbox.received == []
    assert (job.status, job.attempts) == ("failed", 1)
    assert message.status == "failed"
    for setting in ("TUKKU_SMTP_SECURITY", "TUKKU_SMTP_ALLOW_PLAINTEXT_AUTH"):
        assert setting in (message.last_error or "")
        assert setting in (job.last_error or "")


def test_a_login_over_plaintext_goes_when_the_operator_allows_it(
    database_url: str, db: Database, clock: ManualClock, serve: Any
) -> None:
    server = serve(auth_over_plaintext=True)
    settings = settings_for(database_url, server, smtp_allow_plaintext_auth=True)

    message, _ = deliver_one(db, clock, settings)

    assert server.inbox.logins == [LOGIN]
    assert message.status == "sent"


def test_plaintext_without_a_login_still_delivers(
    database_url: str, db: Database, clock: ManualClock, serve: Any
) -> None:
    """A relay on the same host or network that needs no login works as before."""
    server = serve()
    settings = settings_for(database_url, server).model_copy(
        update={"smtp_username": None, "smtp_password": None}
    )

    message, _ = deliver_one(db, clock, settings)

    assert server.inbox.auth_commands == []
    assert len(server.inbox.received) == 1
    assert message.status == "sent"


@pytest.mark.parametrize(
    ("starttls", "security", "effective"),
    [
        (True, None, "starttls"),
        (True, "none", "starttls"),
        (True, "tls", "tls"),
        (False, None, "none"),
        (False, "starttls", "starttls"),
    ],
)
def test_the_deprecated_starttls_switch_still_asks_for_starttls(
    monkeypatch: pytest.MonkeyPatch, starttls: bool, security: str | None, effective: str
) -> None:
    monkeypatch.setenv("TUKKU_SMTP_STARTTLS", "true" if starttls else "false")
    if security is not None:
        monkeypatch.setenv("TUKKU_SMTP_SECURITY", security)
    assert Settings().smtp_security == effective
