"""Idempotency keys on the API's writes: what `OneHopRoute` asks when a write under `/v1` carries
an `Idempotency-Key` header (installed by the app on `app.state.keyed_writes`).

The key belongs to the authenticated caller's organization; a request without valid credentials
runs as if it had none (it is refused, or it is a public link that ignores the header).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tukku.core.clock import Clock
from tukku.core.db import Database
from tukku.core.errors import Codes, Conflict, DomainError, Invalid, Problem
from tukku.idempotency import rules, store
from tukku.idempotency.rules import HEADER, REPLAYED_HEADER, Decision
from tukku.identity.deps import PUBLIC_PREFIXES, authenticate


def in_use() -> DomainError:
    """409: the key's first request is still running."""
    error = Conflict(
        HEADER,
        "a request with this key is still running; retry after Retry-After seconds",
        Codes.IDEMPOTENCY_KEY_IN_USE,
    )
    error.headers["Retry-After"] = str(rules.RETRY_AFTER_SECONDS)
    return error


def reused() -> DomainError:
    """422: the key was first used for another request."""
    problem = Problem(
        Codes.IDEMPOTENCY_KEY_REUSED,
        f"{HEADER}: this key was used for another request (method, path or body differ); "
        "use a new key for a new request",
        HEADER,
    )
    return DomainError([problem])


@dataclass(frozen=True)
class Keyed:
    """A write holding its key (`tukku.core.routing.KeyedWrite`)."""

    db: Database
    org_id: str
    key: str
    owner: str

    def complete(self, session: Session | None, response: Response) -> None:
        """Store the answer in the request's unit of work (or in a transaction of its own when
        the request had none that writes); 409 if another request took the key over."""
        if session is None:
            with self.db.unit_of_work() as own:
                self._store(own, response)
        else:
            self._store(session, response)

    def refused(self, response: Response) -> None:
        """Keep a refusal for good as the answer; release the key after a passing one."""
        headers = rules.kept_headers(list(response.headers.items()))
        if not rules.worth_keeping(response.status_code, headers):
            self.release()
            return
        with self.db.unit_of_work() as session:
            self._store(session, response)

    def release(self) -> None:
        """Let a retry run the request again."""
        store.release(self.db, org_id=self.org_id, key=self.key, owner=self.owner)

    def _store(self, session: Session, response: Response) -> None:
        stored = store.complete(
            session,
            org_id=self.org_id,
            key=self.key,
            owner=self.owner,
            status=response.status_code,
            headers=rules.kept_headers(list(response.headers.items())),
            body=bytes(response.body),
        )
        if not stored:
            raise in_use()


class KeyedWrites:
    """Claims keys for the API's writes (`tukku.core.routing.KeyedWrites`)."""

    def __init__(self, db: Database, clock: Clock, *, keep_hours: int, lease_seconds: float):
        self.db = db
        self.clock = clock
        self.keep = timedelta(hours=keep_hours)
        self.lease = timedelta(seconds=lease_seconds)

    async def begin(self, request: Request) -> Keyed | Response | None:
        """Claim the key for `request` (a short transaction of its own), or answer at once."""
        path = request.url.path
        if not path.startswith("/v1/") or path.startswith(PUBLIC_PREFIXES):
            return None
        try:
            principal = await authenticate(request)
        except DomainError:
            return None
        key = request.headers.get(HEADER, "")
        if not rules.valid_key(key):
            raise Invalid(
                HEADER,
                f"must be 1 to {rules.MAX_KEY_LENGTH} printable ASCII characters",
                Codes.IDEMPOTENCY_KEY_INVALID,
            )
        fingerprint = rules.fingerprint(
            request.method, path, request.url.query, await request.body()
        )
        outcome = await run_in_threadpool(
            store.claim,
            self.db,
            org_id=principal.org_id,
            key=key,
            fingerprint=fingerprint,
            now=self.clock.now(),
            lease=self.lease,
            keep=self.keep,
        )
        if isinstance(outcome, store.Claimed):
            return Keyed(self.db, principal.org_id, key, outcome.owner)
        if isinstance(outcome, store.Replay):
            headers = {**outcome.headers, REPLAYED_HEADER: "true"}
            return Response(outcome.body, status_code=outcome.status, headers=headers)
        raise in_use() if outcome.decision is Decision.IN_PROGRESS else reused()
