"""The mail domain's job kinds: what `service` enqueues and `tasks` handles."""

from __future__ import annotations

from typing import TypedDict

from tukku.jobs.registry import JobKind


class DeliverPayload(TypedDict):
    """The queued message to send."""

    messageId: int


# No mail may be lost while the server is down (PRODUCT.md 15): keep retrying for days, not for
# the half hour that a dozen back-off steps last (10 to 14 days at the default 10-minute cap).
DELIVERY_ATTEMPTS = 2 * 7 * 24 * 6

DELIVER = JobKind[DeliverPayload]("mail.deliver", max_attempts=DELIVERY_ATTEMPTS)
"""Send one message over SMTP (or hold it in the outbox): `tukku.mail.tasks.deliver`."""
