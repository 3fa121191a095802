"""The limiter: counts a request for its token and partner, and says how long to wait if it
is over a limit. The portal's sign-in counts per client address through the same limiter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tukku.throttling.counters import Counters, MemoryCounters
from tukku.throttling.rules import Limits, RouteGroup, over_limit, retry_after, window_number


@dataclass(frozen=True)
class Caller:
    """Who a request counts for: a token (its hash, or for sign-in the client's address) and,
    when known, the partner organization behind it."""

    token: str
    partner: str | None = None


class Limiter:
    """Fixed-window limits per group, per token and per partner, counted in `counters`."""

    def __init__(
        self, counters: Counters, limits: Mapping[RouteGroup, Limits], window_seconds: int
    ) -> None:
        self.counters = counters
        self.limits = dict(limits)
        self.window_seconds = window_seconds
        # Memory counters do no I/O: the middleware counts on the event loop, no thread hop.
        self.blocking = not isinstance(counters, MemoryCounters)

    def applies(self, group: RouteGroup) -> bool:
        """Whether requests of `group` are counted at all (some limit is set)."""
        limits = self.limits.get(group)
        return limits is not None and not limits.unlimited

    def check(self, group: RouteGroup, caller: Caller, now: float) -> int | None:
        """Count the request; None if it may pass, else the seconds to wait (`Retry-After`)."""
        limits = self.limits[group]
        wanted: dict[str, int] = {}
        if limits.per_token > 0:
            wanted[f"{group}:t:{caller.token}"] = limits.per_token
        if limits.per_partner > 0 and caller.partner is not None:
            wanted[f"{group}:p:{caller.partner}"] = limits.per_partner
        if not wanted:
            return None
        counts = self.counters.hit(list(wanted), window_number(now, self.window_seconds))
        if any(over_limit(counts[key], limit) for key, limit in wanted.items()):
            return retry_after(now, self.window_seconds)
        return None
