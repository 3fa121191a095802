"""The job kind delivering webhooks, shared by the outbox (which queues it) and `tasks.py`."""

from __future__ import annotations

from typing import TypedDict

from tukku.jobs.registry import JobKind


class DeliveryPayload(TypedDict):
    """Which delivery (outbox row) to attempt."""

    deliveryId: int


# Retries follow webhooks' own schedule (a new job each), not the job runner's back-off.
DELIVER: JobKind[DeliveryPayload] = JobKind("webhooks.deliver", max_attempts=3)
