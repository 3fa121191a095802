"""The outbox: every audited change to a resource events name becomes, in the transaction of
the change, a delivery row per endpoint that wants it.

`tukku.audit.service.record` notes each change on the session; a `before_commit` listener here
turns the notes into events, so lower layers know nothing of webhooks and an event exists
exactly if its change commits. Which partners have endpoints is cached per process (per
engine), refreshed after `webhook_cache_seconds` and at once after a local commit that changed
endpoints (`raise_signal(session, SIGNAL)`): a partner without endpoints pays no statement.
"""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from tukku.audit.service import CHANGES, Change
from tukku.core.clock import real_now
from tukku.core.db import Database, table_of
from tukku.core.timefmt import iso
from tukku.webhooks import rules
from tukku.webhooks.job_kinds import DELIVER
from tukku.webhooks.models import WebhookDelivery, WebhookEndpoint
from tukku.webhooks.render import render

SIGNAL = "webhooks"
"""Raised by a unit of work that changes endpoints: this process forgets its cache."""


@dataclass(frozen=True)
class Subscriber:
    """An enabled endpoint as the outbox needs it."""

    id: str
    org_id: str
    partner_org_id: str
    event_types: frozenset[str]

    def wants(self, event_type: str, owner_org_id: str | None) -> bool:
        """A partner's endpoint gets its sub-partners' events too; a sub-partner's its own."""
        mine = self.org_id in (self.partner_org_id, owner_org_id)
        return mine and event_type in self.event_types


class Subscriptions:
    """The enabled endpoints of every partner, as this process last read them."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._loaded_at: float | None = None
        self._by_partner: dict[str, list[Subscriber]] = {}

    def of(self, session: Session) -> dict[str, list[Subscriber]]:
        """Endpoints by top-level partner, read again when older than the cache's lifetime."""
        with self._lock:
            fresh = self._loaded_at is not None and (
                time.monotonic() - self._loaded_at < self.seconds
            )
            if fresh:
                return self._by_partner
        rows = session.execute(
            select(
                WebhookEndpoint.id,
                WebhookEndpoint.org_id,
                WebhookEndpoint.partner_org_id,
                WebhookEndpoint.event_types,
            ).where(WebhookEndpoint.enabled.is_(True))
        )
        found: dict[str, list[Subscriber]] = defaultdict(list)
        for row in rows:
            found[row.partner_org_id].append(
                Subscriber(row.id, row.org_id, row.partner_org_id, frozenset(row.event_types))
            )
        with self._lock:
            self._by_partner, self._loaded_at = dict(found), time.monotonic()
        return self._by_partner

    def clear(self) -> None:
        """Forget what was read (endpoints changed)."""
        with self._lock:
            self._loaded_at = None


_caches: weakref.WeakKeyDictionary[Engine, Subscriptions] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def install(db: Database, *, cache_seconds: float) -> None:
    """Write events for changes committed through `db` (every API and worker process calls it
    once, through `tukku.worker.make_worker`)."""
    with _caches_lock:
        if db.engine not in _caches:
            _caches[db.engine] = Subscriptions(cache_seconds)


def _cache_of(session: Session) -> Subscriptions | None:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return _caches.get(engine)


@event.listens_for(Session, "before_commit")
def _write_events(session: Session) -> None:
    changes: list[Change] | None = session.info.pop(CHANGES, None)
    if not changes:
        return
    cache = _cache_of(session)
    if cache is None:
        return
    subscribed = cache.of(session)
    relevant = [c for c in changes if c.partner_org_id in subscribed]
    if relevant:
        write(session, relevant, subscribed)


@event.listens_for(Session, "after_transaction_end")
def _forget_changes(session: Session, transaction: SessionTransaction) -> None:
    # A rolled-back unit leaves nothing; a committed one has taken its notes already.
    if transaction.parent is None:
        session.info.pop(CHANGES, None)


@event.listens_for(Session, "after_commit")
def _forget_endpoints(session: Session) -> None:
    if SIGNAL in session.info.get("signals", ()):
        cache = _cache_of(session)
        if cache is not None:
            cache.clear()


_INSERT = insert(table_of(WebhookDelivery)).returning(table_of(WebhookDelivery).c.id)


@dataclass
class _Group:
    verbs: list[str]
    partner_org_id: str
    owner_org_id: str | None
    at: datetime


def write(session: Session, changes: list[Change], subscribed: dict[str, list[Subscriber]]) -> None:
    """One event per changed resource (its state at commit), a delivery per endpoint wanting
    it, and a job to send each."""
    groups: dict[rules.Subject, _Group] = {}
    by_resource: dict[tuple[str, str], rules.Subject] = {}
    for change in changes:
        subject = rules.subject_of(
            change.action, change.target_type, change.target_id, change.after
        )
        if subject is None or change.partner_org_id is None:
            continue
        key = (subject.resource, subject.resource_id)
        first = by_resource.setdefault(key, subject)
        group = groups.setdefault(
            first, _Group([], change.partner_org_id, change.owner_org_id, change.at)
        )
        group.verbs.append(subject.verb)
        group.at = max(group.at, change.at)
    if not groups:
        return
    session.flush()
    for subject, group in groups.items():
        _write_event(session, subject, group, subscribed[group.partner_org_id])


def _write_event(
    session: Session, subject: rules.Subject, group: _Group, endpoints: list[Subscriber]
) -> None:
    rendered = render(session, subject.resource, subject.resource_id)
    exists = rendered is not None and not rendered.ended
    event_type = f"{subject.resource}.{rules.merged_verb(group.verbs, exists=exists)}"
    targets = [e for e in endpoints if e.wants(event_type, group.owner_org_id)]
    if not targets:
        return
    data: dict[str, Any] = rendered.data if rendered is not None else {"id": subject.resource_id}
    event_id = f"msg_{uuid.uuid4().hex}"
    payload = {"id": event_id, "type": event_type, "timestamp": iso(group.at), "data": data}
    for endpoint in targets:
        delivery_id = session.execute(
            _INSERT,
            {
                "endpoint_id": endpoint.id,
                "event_id": event_id,
                "event_type": event_type,
                "resource_key": subject.key,
                "payload": payload,
                "status": rules.DeliveryStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": real_now(),
                "created_at": group.at,
            },
        ).scalar_one()
        DELIVER.enqueue(session, {"deliveryId": delivery_id}, due_at=group.at, now=group.at)
