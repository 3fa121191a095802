"""A short-lived, per-process memory of authenticated tokens, so hot paths skip the lookup.

Revoking a token, changing a user's roles or organization, or an organization's kind clears it in
the process that made the change (on commit); other processes notice within `ttl` seconds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from tukku.identity.principal import Principal

MAX_ENTRIES = 10_000
# The unit-of-work signal saying remembered principals may be stale (tokens, roles, a user's or an
# organization's identity changed): the application clears its cache when a commit raised it.
IDENTITY_CHANGED = "identity"


@dataclass(frozen=True)
class Remembered:
    """A principal recently read from the database, and when its token expires (platform time;
    callers with an expiring token check it against the platform clock themselves)."""

    principal: Principal
    expires_at: datetime | None
    deadline: float


class TokenCache:
    """Token hash → principal, for at most `ttl` seconds."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, Remembered] = {}
        self._lock = threading.Lock()

    def get(self, token_hash: str) -> Remembered | None:
        """The remembered principal, unless the entry is older than `ttl`."""
        with self._lock:
            entry = self._entries.get(token_hash)
        if entry is None or time.monotonic() > entry.deadline:
            return None
        return entry

    def put(self, token_hash: str, principal: Principal, expires_at: datetime | None) -> None:
        """Remember a principal just read from the database."""
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            deadline = time.monotonic() + self.ttl
            self._entries[token_hash] = Remembered(principal, expires_at, deadline)

    def clear(self) -> None:
        """Forget everything (tokens, roles or an organization's kind changed)."""
        with self._lock:
            self._entries.clear()
