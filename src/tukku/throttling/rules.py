"""The throttling rules, free of I/O: which group a request belongs to, the fixed window it
counts in, and how long a refused caller waits.

Counting is by fixed windows of `window_seconds` aligned on the epoch: every process and every
database agrees on a window's number from the time alone, so counts from several processes add
up in one counter. A caller refused in a window waits for the next one (`Retry-After`, whole
seconds, at least 1). A fixed window lets up to twice the limit through across a window's
boundary; the limits are set with that in mind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RouteGroup(StrEnum):
    """Routes sharing one pair of limits (per token, per partner)."""

    READ = "read"
    WHOLESALE_WRITE = "wholesale_write"
    BILLING = "billing"
    OPS = "ops"
    PORTAL_SIGN_IN = "portal_sign_in"


@dataclass(frozen=True)
class Limits:
    """Requests allowed per window to one token and to one partner (0: unlimited)."""

    per_token: int
    per_partner: int

    @property
    def unlimited(self) -> bool:
        """Neither limit applies: the request is not counted at all."""
        return self.per_token <= 0 and self.per_partner <= 0


def route_group(method: str, path: str) -> RouteGroup | None:
    """The group a request counts in; None for requests never throttled (health probes, static
    files, the sandbox's own routes, portal pages other than sign-in)."""
    if path.startswith("/portal/"):
        return RouteGroup.PORTAL_SIGN_IN if path == "/portal/sign-in" and method == "POST" else None
    if not path.startswith("/v1/") or path.startswith("/v1/sandbox/"):
        return None
    if path.startswith("/v1/ops/"):
        return RouteGroup.OPS
    if "/billing/" in path or path.startswith(("/v1/partner/invoices", "/v1/partner/priceBook")):
        return RouteGroup.BILLING
    return RouteGroup.READ if method in READ_METHODS else RouteGroup.WHOLESALE_WRITE


def window_number(now: float, window_seconds: int) -> int:
    """The number of the fixed window holding the instant `now` (seconds since the epoch)."""
    return math.floor(now / window_seconds)


def retry_after(now: float, window_seconds: int) -> int:
    """Whole seconds until the window holding `now` ends (at least 1): when a refused caller
    is counted afresh."""
    end = (window_number(now, window_seconds) + 1) * window_seconds
    return max(1, math.ceil(end - now))


def over_limit(count: int, limit: int) -> bool:
    """Whether the `count`-th request of a window exceeds `limit` (0: never)."""
    return limit > 0 and count > limit
