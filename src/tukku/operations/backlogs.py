"""The outboxes whose backlog operators watch: the mail outbox, the webhook deliveries (a
delivery waiting for its next retry counts as waiting), and any other outbox registered here
(`register(name, probe)`). Both `/metrics` (gauges
`tukku_backlog_*`) and `/v1/ops/health` report every registered one, under its name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tukku.mail import service as mail
from tukku.webhooks import service as webhooks


@dataclass(frozen=True)
class Backlog:
    """What an outbox has not delivered: items waiting, items that failed for good, and when
    the longest-waiting one was queued (platform time; None when none waits)."""

    waiting: int
    failed: int
    oldest_waiting_at: datetime | None


BacklogProbe = Callable[[Session], Backlog]


def _mail(session: Session) -> Backlog:
    found = mail.backlog(session)
    return Backlog(found.queued, found.failed, found.oldest_queued_at)


def _webhooks(session: Session) -> Backlog:
    return Backlog(*webhooks.backlog(session))


_probes: dict[str, BacklogProbe] = {"mail": _mail, "webhooks": _webhooks}


def register(name: str, probe: BacklogProbe) -> None:
    """Report the backlog `probe` reads (in the caller's read-only session) as `name`, a short
    lower-case word: it becomes a label value of the metrics and a key of the health answer."""
    _probes[name] = probe


def measure(session: Session) -> dict[str, Backlog]:
    """Every registered outbox's backlog, by name."""
    return {name: probe(session) for name, probe in sorted(_probes.items())}
