"""Scripted 429s of the sandbox: the next N requests of a token matching a path pattern are
answered `429` with the `Retry-After` asked for, so integrators can test their retry code.

Kept in the memory of the API process (the sandbox runs one), per token: a script never
touches another caller's requests.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass

MAX_SCRIPTS_PER_TOKEN = 50


@dataclass
class Script:
    """Answer 429 to the next `remaining` requests whose path matches `pattern` (a glob: `*`
    matches any characters, `/` included) and whose method is `method` (any when None)."""

    pattern: str
    method: str | None
    remaining: int
    retry_after: int

    def matches(self, method: str, path: str) -> bool:
        """Whether a request is one this script answers."""
        return (self.method is None or self.method == method) and fnmatch.fnmatchcase(
            path, self.pattern
        )


class ScriptedThrottles:
    """The scripts of every token, in the order they were added."""

    def __init__(self) -> None:
        self._scripts: dict[str, list[Script]] = {}
        self._lock = threading.Lock()

    def add(self, token: str, script: Script) -> None:
        """Add a script for `token`'s requests (the oldest goes beyond the per-token cap)."""
        with self._lock:
            scripts = self._scripts.setdefault(token, [])
            scripts.append(script)
            del scripts[:-MAX_SCRIPTS_PER_TOKEN]

    def of(self, token: str) -> list[Script]:
        """The scripts of `token` still to answer."""
        with self._lock:
            return [Script(**vars(s)) for s in self._scripts.get(token, [])]

    def clear(self, token: str) -> None:
        """Drop every script of `token`."""
        with self._lock:
            self._scripts.pop(token, None)

    def take(self, token: str, method: str, path: str) -> int | None:
        """The `Retry-After` of the first script matching this request, spending one of its
        answers; None when no script matches."""
        if not self._scripts:
            return None
        with self._lock:
            scripts = self._scripts.get(token, [])
            for script in scripts:
                if script.matches(method, path):
                    script.remaining -= 1
                    if script.remaining <= 0:
                        scripts.remove(script)
                    if not scripts:
                        self._scripts.pop(token, None)
                    return script.retry_after
        return None
