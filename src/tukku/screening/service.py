"""Screening lists in the database, screening customers against the list in force, and cases.

This module knows nothing of customers' workflows; `compliance.flows` drives their provisioning.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.core.ids import new_id
from tukku.identity.principal import Principal
from tukku.screening.models import ScreeningCase, ScreeningEntry, ScreeningList
from tukku.screening.rules import (
    OPEN_CASES,
    Candidate,
    CaseStatus,
    ListedAddress,
    ListedParty,
    ListFileError,
    Match,
    Screener,
    read_list,
)

BATCH = 1000


@dataclass(frozen=True)
class LoadedList:
    """What a load put in force."""

    id: int
    entry_count: int
    sha256: str


def load_list(
    session: Session,
    *,
    raw: bytes,
    source_name: str,
    now: datetime,
    principal: Principal | None = None,
) -> LoadedList:
    """Replace the list in force with the parties of a CSL CSV file (UTF-8, with or without a
    byte-order mark), in the caller's transaction: readers see the old list or the new one,
    never a mix. Raises `ListFileError`. The digest shown is the file's own SHA-256."""
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ListFileError(["the file is not UTF-8 text"]) from None
    digest = hashlib.sha256(raw).hexdigest()
    loaded = ScreeningList(
        source_name=source_name[:255], sha256=digest, entry_count=0, loaded_at=now
    )
    loaded.loaded_by = principal.user_id if principal else None
    session.add(loaded)
    session.flush()
    count = 0
    batch: list[dict[str, object]] = []
    for party in read_list(content.splitlines(keepends=True)):
        batch.append(_entry_row(loaded.id, party))
        count += 1
        if len(batch) >= BATCH:
            session.execute(insert(ScreeningEntry), batch)
            batch = []
    if batch:
        session.execute(insert(ScreeningEntry), batch)
    session.execute(delete(ScreeningEntry).where(ScreeningEntry.list_id != loaded.id))
    loaded.entry_count = count
    audit.record(
        session,
        principal=principal,
        action="screening.list_loaded",
        target_type="screening_list",
        target_id=str(loaded.id),
        now=now,
        after={"sourceName": source_name, "entries": count, "sha256": digest},
    )
    return LoadedList(loaded.id, count, digest)


def _entry_row(list_id: int, party: ListedParty) -> dict[str, object]:
    return {
        "list_id": list_id,
        "ref": party.ref[:255],
        "source": party.source[:255],
        "name": party.name,
        "alt_names": list(party.alt_names),
        "addresses": [[a.text, a.country] for a in party.addresses],
        "countries": sorted(party.countries),
        "programs": party.programs,
    }


def list_in_force(session: Session) -> ScreeningList | None:
    """The newest load, or None before any list was loaded."""
    return session.scalars(select(ScreeningList).order_by(ScreeningList.id.desc())).first()


class _ScreenerCache:
    """One built screener per process, rebuilt when another list is in force (keyed by the
    file's digest, so equal content is never built twice and databases never mix)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: tuple[str, Screener] | None = None

    def get(self, session: Session, current: ScreeningList) -> Screener:
        with self._lock:
            if self._built is not None and self._built[0] == current.sha256:
                return self._built[1]
        screener = Screener(_parties(session, current.id))
        with self._lock:
            self._built = (current.sha256, screener)
        return screener


_cache = _ScreenerCache()


def _parties(session: Session, list_id: int) -> Iterable[ListedParty]:
    rows = session.scalars(select(ScreeningEntry).where(ScreeningEntry.list_id == list_id))
    for row in rows:
        yield ListedParty(
            ref=row.ref,
            source=row.source,
            name=row.name,
            alt_names=tuple(row.alt_names),
            addresses=tuple(ListedAddress(text, country) for text, country in row.addresses),
            countries=frozenset(row.countries),
            programs=row.programs,
        )


@dataclass(frozen=True)
class Screening:
    """The outcome of screening one candidate: against the list in force (`list_id`), or a
    match the sandbox scripted (`scripted`; re-checks leave its case alone)."""

    list_id: int | None
    matches: list[Match]
    scripted: bool = False


def screen(session: Session, candidate: Candidate) -> Screening:
    """Screen a candidate against the list in force (no list: nothing matches)."""
    current = list_in_force(session)
    if current is None:
        return Screening(None, [])
    return Screening(current.id, _cache.get(session, current).screen(candidate))


def open_case(
    session: Session,
    *,
    customer_id: str,
    partner_org_id: str,
    owner_org_id: str,
    candidate: Candidate,
    screening: Screening,
    now: datetime,
) -> ScreeningCase:
    """Open the review case of a possible match."""
    case = ScreeningCase(
        id=new_id("SCREENING_CASE"),
        customer_id=customer_id,
        partner_org_id=partner_org_id,
        owner_org_id=owner_org_id,
        customer_name=candidate.name[:255],
        country=candidate.country,
        status=CaseStatus.PENDING.value,
        scripted=screening.scripted,
        list_id=screening.list_id,
        matches=[m.to_json() for m in screening.matches],
        opened_at=now,
        checked_at=now,
    )
    session.add(case)
    audit.record(
        session,
        action="screening.case_opened",
        target_type="customer",
        target_id=customer_id,
        now=now,
        partner_org_id=partner_org_id,
        owner_org_id=owner_org_id,
        after={"caseId": case.id, "status": case.status, "matches": case.matches},
    )
    return case


def open_case_of(session: Session, customer_id: str) -> ScreeningCase | None:
    """The open case holding a customer, if any (locked for the caller's change)."""
    return session.scalars(
        select(ScreeningCase)
        .where(
            ScreeningCase.customer_id == customer_id,
            ScreeningCase.status.in_([s.value for s in OPEN_CASES]),
        )
        .with_for_update()
    ).first()


def rechecked(case: ScreeningCase, now: datetime, screening: Screening | None = None) -> None:
    """A case was checked again at `now`; with a fresh `screening` (matches found), it now
    holds that list's matches."""
    if screening is not None:
        case.list_id = screening.list_id
        case.matches = [m.to_json() for m in screening.matches]
    case.checked_at = now


def close(
    session: Session,
    case: ScreeningCase,
    status: CaseStatus,
    *,
    now: datetime,
    principal: Principal | None = None,
    reason: str | None = None,
) -> None:
    """Close (or escalate) a case and audit the step."""
    before = case.status
    case.status = status.value
    case.checked_at = now
    if status == CaseStatus.ESCALATED:
        case.escalated_at = now
    else:
        case.decided_at = now
        case.decided_by = principal.user_id if principal else None
        case.reason = reason
    audit.record(
        session,
        principal=principal,
        action=f"screening.{status.value}",
        target_type="customer",
        target_id=case.customer_id,
        now=now,
        partner_org_id=case.partner_org_id,
        owner_org_id=case.owner_org_id,
        before={"caseId": case.id, "status": before},
        after={"caseId": case.id, "status": status.value, "reason": reason},
    )


def withdraw(session: Session, customer_id: str, now: datetime) -> None:
    """Close a customer's open case because the customer is being removed or was rejected."""
    case = open_case_of(session, customer_id)
    if case is not None:
        close(session, case, CaseStatus.WITHDRAWN, now=now, reason="the customer was withdrawn")


def open_case_counts(session: Session) -> dict[CaseStatus, int]:
    """How many cases are open, by status (`pending`, `escalated`), every partner's."""
    rows = session.execute(
        select(ScreeningCase.status, func.count())
        .where(ScreeningCase.status.in_([s.value for s in OPEN_CASES]))
        .group_by(ScreeningCase.status)
    )
    found = {CaseStatus(status): number for status, number in rows}
    return {status: found.get(status, 0) for status in sorted(OPEN_CASES)}
