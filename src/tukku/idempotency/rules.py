"""The pure rules of idempotency keys: which keys are valid, what identifies a request, and what
to do when a key has been seen before."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEPT_HEADERS = ("content-type", "location", "link", "retry-after")
"""The response headers a replay repeats: the ones a client acts on. Others (tracking ID,
length, dates) belong to each answer."""
RETRY_AFTER_SECONDS = 1
"""What a 409 for a key still in use asks the client to wait: most writes end well within it."""


class KeyState(StrEnum):
    """Where the request a key was first used for stands."""

    RUNNING = "running"
    COMPLETED = "completed"


class Decision(StrEnum):
    """What a request does with a key that is already stored."""

    REPLAY = "replay"  # answer with the stored response
    MISMATCH = "mismatch"  # 422: the key belongs to another request
    IN_PROGRESS = "in_progress"  # 409: the first request is still running
    TAKE_OVER = "take_over"  # the first request died or its answer expired: run this one


@dataclass(frozen=True)
class StoredKey:
    """What a decision needs to know of a key's row."""

    fingerprint: str
    state: KeyState
    locked_until: datetime | None
    expires_at: datetime


def valid_key(key: str) -> bool:
    """Whether `key` can be an idempotency key: 1 to 255 printable ASCII characters (a UUID, say)
    and not only blanks, so that it stores and compares the same everywhere."""
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.strip():
        return False
    return key.isascii() and key.isprintable()


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """What makes two requests the same one: method, path with query, and the exact body bytes
    (a hex SHA-256). A retry must repeat all of them; a key reused for anything else is refused."""
    body_hash = hashlib.sha256(body).hexdigest()
    target = f"{path}?{query}" if query else path
    return hashlib.sha256(f"{method.upper()}\n{target}\n{body_hash}".encode()).hexdigest()


def decide(stored: StoredKey, fingerprint: str, now: datetime) -> Decision:
    """What a request with fingerprint `fingerprint` does when its key is already stored.

    An expired answer not purged yet counts as gone. A running request whose lock lapsed has
    died (its process crashed before committing anything): the retry runs in its place.
    """
    if stored.expires_at <= now:
        return Decision.TAKE_OVER
    if stored.fingerprint != fingerprint:
        return Decision.MISMATCH
    if stored.state is KeyState.COMPLETED:
        return Decision.REPLAY
    if stored.locked_until is not None and stored.locked_until <= now:
        return Decision.TAKE_OVER
    return Decision.IN_PROGRESS


def kept_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    """The headers of a response that a replay repeats (`KEPT_HEADERS`), names in lower case."""
    return {name.lower(): value for name, value in headers if name.lower() in KEPT_HEADERS}


def worth_keeping(status: int, headers: dict[str, str]) -> bool:
    """Whether a refusal is the answer for good, to be replayed: a client error is, unless it
    says to retry (423, 429, or one with `Retry-After`, such as a busy customer); a server error
    never is, so that a retry may succeed."""
    if status >= 500 or status in (423, 429):
        return False
    return not any(name.lower() == "retry-after" for name in headers)
