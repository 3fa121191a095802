"""Delivery of queued mail over SMTP, retried with back-off while the server is unreachable."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.jobs.registry import JobContext, PermanentJobError, job
from tukku.mail.models import MailMessage

log = logging.getLogger("tukku.mail")


def _compose(settings: Settings, message: MailMessage) -> EmailMessage:
    """The message as e-mail; one that e-mail refuses (a line break in a header) never will be."""
    try:
        email = EmailMessage()
        email["From"] = settings.mail_from
        email["To"] = message.to_address
        email["Subject"] = message.subject
        email.set_content(message.body)
    except ValueError as exc:
        raise PermanentJobError(f"the message cannot be sent as e-mail: {exc}") from exc
    return email


def _refuse_plaintext_login(settings: Settings) -> None:
    """The SMTP password never crosses an unencrypted connection unless the operator says so."""
    if (
        settings.smtp_username
        and settings.smtp_security == "none"
        and not settings.smtp_allow_plaintext_auth
    ):
        raise PermanentJobError(
            "refusing to send the SMTP login over an unencrypted connection: set "
            "TUKKU_SMTP_SECURITY to starttls or tls (or TUKKU_SMTP_ALLOW_PLAINTEXT_AUTH=true "
            "where the network to the mail server is trusted)"
        )


def _tls_context(settings: Settings) -> ssl.SSLContext:
    """Certificate and host name verified, against `smtp_ca_file` or else the system's CAs."""
    return ssl.create_default_context(cafile=settings.smtp_ca_file)


def _submit(settings: Settings, email: EmailMessage) -> None:
    assert settings.smtp_host is not None
    host, port, security = settings.smtp_host, settings.smtp_port, settings.smtp_security
    context = _tls_context(settings) if security != "none" else None
    smtp = (
        smtplib.SMTP_SSL(host, port, timeout=30, context=context)
        if security == "tls"
        else smtplib.SMTP(host, port, timeout=30)
    )
    with smtp:
        if security == "starttls":
            # Raises when the server offers no STARTTLS: nothing goes out in the clear.
            smtp.starttls(context=context)
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(email)


def _send(settings: Settings, email: EmailMessage) -> None:
    """Hand the message to the SMTP server; a permanent (5xx) refusal is not worth retrying."""
    _refuse_plaintext_login(settings)
    try:
        _submit(settings, email)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentJobError(f"recipient refused: {exc.recipients}") from exc
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            raise PermanentJobError(f"refused by the mail server: {exc.smtp_code}") from exc
        raise


def _describe(settings: Settings, exc: Exception) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"the TLS certificate of {settings.smtp_host} was not accepted "
            f"({exc.verify_message}); nothing was sent. TUKKU_SMTP_CA_FILE names the CAs to trust"
        )
    return f"{type(exc).__name__}: {exc}"


def _note_failure(db: Database, message_id: int, error: str) -> None:
    """Record why the last attempt failed, in a transaction of its own: the job's rolls back."""
    with db.unit_of_work() as session:
        message = session.get(MailMessage, message_id)
        if message is not None and message.status == "queued":
            message.last_error = error[-1000:]


# No mail may be lost while the server is down (PRODUCT.md 15): keep retrying for days, not for
# the half hour that a dozen back-off steps last (10 to 14 days at the default 10-minute cap).
DELIVERY_ATTEMPTS = 2 * 7 * 24 * 6


def _undeliverable(ctx: JobContext, payload: dict[str, Any], error: str) -> None:
    message = ctx.session.get(MailMessage, payload["messageId"])
    if message is not None and message.status == "queued":
        message.status = "failed"
        message.last_error = error[-1000:]


@job("mail.deliver", max_attempts=DELIVERY_ATTEMPTS, on_failure=_undeliverable)
def deliver(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Send one message, or keep it in the outbox when no SMTP server is configured.

    Sending happens before the status commits: if the commit fails the message may go twice,
    which is the safe side for invitations (never zero times). The job's own transaction starts
    only after the conversation with the server, so no write lock is held across the network.
    A failure that may pass (server down, certificate not trusted: both fixed by the operator
    without the message changing) is retried and noted on the message; a message that cannot
    be sent as it is, a 5xx refusal or a configuration that would leak the login fail at once.
    """
    message_id: int = payload["messageId"]
    if not ctx.settings.smtp_host:
        held = ctx.session.get(MailMessage, message_id)
        if held is not None and held.status == "queued":
            held.status = "held"
        return
    with ctx.db.unit_of_work(write=False) as reading:
        message = reading.get(MailMessage, message_id)
        if message is None or message.status != "queued":
            return
        email = _compose(ctx.settings, message)
    try:
        _send(ctx.settings, email)
    except (OSError, smtplib.SMTPException) as exc:
        error = _describe(ctx.settings, exc)
        log.warning("mail not delivered; will retry", extra={"mail": message_id, "error": error})
        _note_failure(ctx.db, message_id, error)
        raise
    sent = ctx.session.get(MailMessage, message_id)
    if sent is not None and sent.status == "queued":
        sent.status = "sent"
        sent.sent_at = ctx.clock.now()
        sent.last_error = None
