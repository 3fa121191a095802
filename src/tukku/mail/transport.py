"""Where a message of the outbox goes: an SMTP server, or nowhere (it stays in the outbox).

Both are working implementations: `SmtpTransport` submits over SMTP with verified TLS;
`OutboxTransport`, used when no SMTP host is configured, holds every message where the sandbox
(and operators) read it.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from enum import StrEnum
from typing import Protocol

from tukku.core.backends import Port
from tukku.core.settings import Settings


@dataclass(frozen=True)
class Outgoing:
    """One message to send: its plain text and, when branded, the HTML alternative."""

    to: str
    subject: str
    body: str
    html: str | None = None


class Delivery(StrEnum):
    """What became of a message handed to a transport (the message's next status)."""

    SENT = "sent"
    HELD = "held"


class Undeliverable(Exception):
    """The message can never go as it is, or must not go with this configuration: retrying
    cannot help."""


class DeliveryFailed(Exception):
    """Nothing was sent this time, for a reason that may pass (server down, certificate not
    trusted yet); the message says why, for the outbox."""


class MailTransport(Protocol):
    """Delivers messages of the outbox."""

    def deliver(self, message: Outgoing) -> Delivery:
        """Send the message (or hold it); raises `Undeliverable` or `DeliveryFailed`."""


class OutboxTransport:
    """No mail leaves: every message is held in the outbox."""

    def deliver(self, message: Outgoing) -> Delivery:
        """Held, always."""
        del message
        return Delivery.HELD


class SmtpTransport:
    """Submission to `TUKKU_SMTP_HOST`: STARTTLS or implicit TLS with the certificate and host
    name verified (against `TUKKU_SMTP_CA_FILE` or the system's CAs), the login never sent in
    the clear unless `TUKKU_SMTP_ALLOW_PLAINTEXT_AUTH`."""

    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise ValueError("SmtpTransport needs TUKKU_SMTP_HOST")
        self.settings = settings

    def deliver(self, message: Outgoing) -> Delivery:
        """Hand the message to the server; a permanent (5xx) refusal is not worth retrying."""
        email = self._compose(message)
        self._refuse_plaintext_login()
        try:
            self._submit(email)
        except smtplib.SMTPRecipientsRefused as exc:
            raise Undeliverable(f"recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500:
                raise Undeliverable(f"refused by the mail server: {exc.smtp_code}") from exc
            raise DeliveryFailed(self._describe(exc)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(self._describe(exc)) from exc
        return Delivery.SENT

    def _compose(self, message: Outgoing) -> EmailMessage:
        """The message as e-mail; one e-mail refuses (a line break in a header) never will be."""
        try:
            email = EmailMessage()
            email["From"] = self.settings.mail_from
            email["To"] = message.to
            email["Subject"] = message.subject
            email.set_content(message.body)
            if message.html is not None:
                email.add_alternative(message.html, subtype="html")
        except ValueError as exc:
            raise Undeliverable(f"the message cannot be sent as e-mail: {exc}") from exc
        return email

    def _refuse_plaintext_login(self) -> None:
        """The SMTP password never crosses an unencrypted connection unless the operator says so."""
        settings = self.settings
        if (
            settings.smtp_username
            and settings.smtp_security == "none"
            and not settings.smtp_allow_plaintext_auth
        ):
            raise Undeliverable(
                "refusing to send the SMTP login over an unencrypted connection: set "
                "TUKKU_SMTP_SECURITY to starttls or tls (or TUKKU_SMTP_ALLOW_PLAINTEXT_AUTH=true "
                "where the network to the mail server is trusted)"
            )

    def _tls_context(self) -> ssl.SSLContext:
        """Certificate and host name verified, against `smtp_ca_file` or else the system's CAs."""
        return ssl.create_default_context(cafile=self.settings.smtp_ca_file)

    def _submit(self, email: EmailMessage) -> None:
        settings = self.settings
        assert settings.smtp_host is not None
        host, port, security = settings.smtp_host, settings.smtp_port, settings.smtp_security
        context = self._tls_context() if security != "none" else None
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

    def _describe(self, exc: Exception) -> str:
        if isinstance(exc, ssl.SSLCertVerificationError):
            return (
                f"the TLS certificate of {self.settings.smtp_host} was not accepted "
                f"({exc.verify_message}); nothing was sent. TUKKU_SMTP_CA_FILE names the CAs "
                "to trust"
            )
        return f"{type(exc).__name__}: {exc}"


MAIL_TRANSPORT = Port[MailTransport]("mail transport")
