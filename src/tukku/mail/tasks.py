"""Delivery of queued mail through the mail transport, retried with back-off while it fails."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from tukku.core.db import Database
from tukku.jobs.registry import JobContext, PermanentJobError
from tukku.mail import brands, html
from tukku.mail.job_kinds import DELIVER, DeliverPayload
from tukku.mail.models import MailMessage
from tukku.mail.transport import (
    MAIL_TRANSPORT,
    Delivery,
    DeliveryFailed,
    Outgoing,
    Undeliverable,
)

log = logging.getLogger("tukku.mail")


def _note_failure(db: Database, message_id: int, error: str) -> None:
    """Record why the last attempt failed, in a transaction of its own: the job's rolls back."""
    with db.unit_of_work() as session:
        message = session.get(MailMessage, message_id)
        if message is not None and message.status == "queued":
            message.last_error = error[-1000:]


def _undeliverable(ctx: JobContext, payload: DeliverPayload, error: str) -> None:
    message = ctx.session.get(MailMessage, payload["messageId"])
    if message is not None and message.status == "queued":
        message.status = "failed"
        message.last_error = error[-1000:]


def _branded(ctx: JobContext, session: Session, message: MailMessage) -> Outgoing:
    """The message as sent: its text (with the brand's support contacts) and an HTML
    alternative wearing the brand of the partner (or customer override) it is sent for."""
    brand = brands.brand_of(
        session,
        partner_org_id=message.partner_org_id,
        owner_org_id=message.owner_org_id,
        customer_org_id=message.customer_org_id,
    )
    body = message.body.rstrip("\n") + html.text_footer(brand)
    page = html.render(
        subject=message.subject,
        body=message.body,
        brand=brand,
        base_url=ctx.settings.public_base_url,
    )
    return Outgoing(message.to_address, message.subject, body, page)


@DELIVER.handler(on_failure=_undeliverable)
def deliver(ctx: JobContext, payload: DeliverPayload) -> None:
    """Hand one message to the process's mail transport: sent over SMTP, or held in the outbox
    when no SMTP server is configured.

    Sending happens before the status commits: if the commit fails the message may go twice,
    which is the safe side for invitations (never zero times). The job's own transaction starts
    only after the conversation with the server, so no write lock is held across the network.
    A failure that may pass (server down, certificate not trusted: both fixed by the operator
    without the message changing) is retried and noted on the message; a message that cannot
    be sent as it is, a 5xx refusal or a configuration that would leak the login fail at once.
    """
    message_id: int = payload["messageId"]
    with ctx.db.unit_of_work(write=False) as reading:
        message = reading.get(MailMessage, message_id)
        if message is None or message.status != "queued":
            return
        outgoing = _branded(ctx, reading, message)
    try:
        delivery = ctx.backends.get(MAIL_TRANSPORT).deliver(outgoing)
    except Undeliverable as exc:
        raise PermanentJobError(str(exc)) from exc
    except DeliveryFailed as exc:
        log.warning("mail not delivered; will retry", extra={"mail": message_id, "error": str(exc)})
        _note_failure(ctx.db, message_id, str(exc))
        raise
    done = ctx.session.get(MailMessage, message_id)
    if done is not None and done.status == "queued":
        done.status = delivery.value
        done.sent_at = ctx.clock.now() if delivery == Delivery.SENT else None
        done.last_error = None
