"""Delivery of queued mail over SMTP, retried with back-off while the server is unreachable."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any

from tukku.core.settings import Settings
from tukku.jobs.registry import JobContext, PermanentJobError, job
from tukku.mail.models import MailMessage


def _send(settings: Settings, message: MailMessage) -> None:
    """Hand the message to the SMTP server; a permanent (5xx) refusal is not worth retrying."""
    try:
        _submit(settings, message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentJobError(f"recipient refused: {exc.recipients}") from exc
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            raise PermanentJobError(f"refused by the mail server: {exc.smtp_code}") from exc
        raise


def _submit(settings: Settings, message: MailMessage) -> None:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    assert settings.smtp_host is not None
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(email)


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
    which is the safe side for invitations (never zero times).
    """
    message = ctx.session.get(MailMessage, payload["messageId"])
    if message is None or message.status != "queued":
        return
    if not ctx.settings.smtp_host:
        message.status = "held"
        return
    _send(ctx.settings, message)
    message.status = "sent"
    message.sent_at = ctx.clock.now()
