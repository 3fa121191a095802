"""Wire models of the operator routes `/v1/ops/partners`, `/v1/ops/jobs`, `/v1/ops/mail` and
`/v1/ops/health`."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tukku.core.schemas import CamelModel
from tukku.core.validation import Name


class PartnerCreate(CamelModel):
    """Set up a partner: its organization, first administrator and wholesale subscription."""

    name: Name = Field(min_length=1, max_length=255)
    admin_email: str = Field(max_length=320)
    admin_first_name: Name | None = Field(default=None, max_length=255)
    admin_last_name: Name | None = Field(default=None, max_length=255)


class PartnerOut(CamelModel):
    """A top-level partner and the standing of its subscription."""

    org_id: str
    name: str
    subscription_id: str
    status: str = Field(description="`active`, or `suspended`: it can then only delete.")
    created: str


class PartnerDetailOut(PartnerOut):
    """A partner with its administrators."""

    admin_emails: list[str]


class PartnerPage(CamelModel):
    """Partners, oldest first."""

    items: list[PartnerOut]


class JobCountOut(CamelModel):
    """How many jobs of one kind wait, run and failed for good."""

    kind: str
    queued: int
    running: int
    failed: int


class JobCountsOut(CamelModel):
    """The queue's health, by kind."""

    items: list[JobCountOut]


class JobOut(CamelModel):
    """A job as operators see it."""

    id: int
    kind: str
    status: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    error: str | None = Field(description="The last failure, as the worker recorded it.")
    created: str
    finished: str | None
    tracking_id: str | None


class JobPage(CamelModel):
    """Failed jobs, the latest failure first."""

    items: list[JobOut]


class MailOut(CamelModel):
    """A message of the outbox, with whose it is."""

    id: int
    kind: str
    to: str
    subject: str
    body: str
    status: str = Field(description="`queued`, `sent`, `held` (no SMTP server) or `failed`.")
    created: str
    sent: str | None
    error: str | None
    partner_org_id: str | None
    owner_org_id: str | None
    customer_org_id: str | None


class MailPage(CamelModel):
    """Messages, newest first."""

    items: list[MailOut]


class DatabaseHealthOut(CamelModel):
    """Whether the database answered, and how fast."""

    ok: bool
    latency_ms: float | None = Field(description="Time of a trivial query, in milliseconds.")


class JobQueueHealthOut(CamelModel):
    """The job queue (every kind)."""

    queued: int = Field(description="Waiting, or scheduled for later (periodic tasks).")
    running: int
    failed: int = Field(description="Failed for good and not retried (kept for operators).")
    oldest_wait_seconds: float | None = Field(
        description="How long the longest-waiting due job has waited to run; null: none waits."
    )
    expired_leases: int = Field(description="Running jobs whose worker died or hangs.")
    failed_last_day: int = Field(description="Jobs that failed for good in the last 24 hours.")


class BacklogHealthOut(CamelModel):
    """An outbox's undelivered items."""

    waiting: int
    failed: int
    oldest_wait_seconds: float | None = Field(description="Null: nothing waits.")


class HealthOut(CamelModel):
    """The platform's health: `ok`, or `degraded` with the reasons."""

    status: str = Field(description="`ok` or `degraded`.")
    reasons: list[str]
    database: DatabaseHealthOut
    jobs: JobQueueHealthOut | None = Field(description="Null when the database did not answer.")
    backlogs: dict[str, BacklogHealthOut] = Field(
        description="Every outbox by name (`mail`; `webhooks` once registered)."
    )
