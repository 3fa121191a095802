"""Security events that identity raises for the audit log (token issue and revocation, role grants,
users changing organization, organizations entering or leaving wholesale), collected on the unit
of work and written by the audit domain when it commits, so identity needs no knowledge of how the
audit log is kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from tukku.identity.principal import Principal

_KEY = "security_events"


@dataclass(frozen=True)
class SecurityEvent:
    """One security-relevant change, at `at`, to organization `org_id` or one of its users or
    tokens; `by` is whoever made it (None: the platform itself or the command line)."""

    action: str
    target_type: str
    target_id: str
    org_id: str
    at: datetime
    by: Principal | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


Writer = Callable[[Session, list[SecurityEvent]], None]
_writers: list[Writer] = []


def write_with(writer: Writer) -> None:
    """Install the function that writes queued events just before their unit of work commits
    (the audit log installs one when it is imported)."""
    if writer not in _writers:
        _writers.append(writer)


def raise_event(session: Session, security_event: SecurityEvent) -> None:
    """Queue an event to be written in this unit of work's own transaction.

    Refuses when nothing would write it: a security change must never go unaudited silently.
    """
    if not _writers:
        raise RuntimeError("no audit writer is installed; import tukku.audit.service first")
    session.info.setdefault(_KEY, []).append(security_event)


@event.listens_for(Session, "before_commit")
def _write_queued(session: Session) -> None:
    queued: list[SecurityEvent] = session.info.pop(_KEY, [])
    if queued:
        for writer in _writers:
            writer(session, queued)
