"""The limiter a deployment's settings and database call for."""

from __future__ import annotations

from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.throttling.counters import Counters, DatabaseCounters, MemoryCounters
from tukku.throttling.limiter import Limiter
from tukku.throttling.rules import Limits, RouteGroup


def group_limits(settings: Settings) -> dict[RouteGroup, Limits]:
    """Each route group's limits from the settings (sign-in counts per client address, which
    stands in for the token)."""
    s = settings
    if not s.throttling:
        return {group: Limits(0, 0) for group in RouteGroup}
    return {
        RouteGroup.READ: Limits(s.throttle_read_per_token, s.throttle_read_per_partner),
        RouteGroup.WHOLESALE_WRITE: Limits(
            s.throttle_wholesale_write_per_token, s.throttle_wholesale_write_per_partner
        ),
        RouteGroup.BILLING: Limits(s.throttle_billing_per_token, s.throttle_billing_per_partner),
        RouteGroup.OPS: Limits(s.throttle_ops_per_token, s.throttle_ops_per_partner),
        RouteGroup.PORTAL_SIGN_IN: Limits(s.throttle_portal_sign_in_per_address, 0),
    }


def make_limiter(settings: Settings, db: Database) -> Limiter:
    """Counters in the database on PostgreSQL (shared by every process), in memory on SQLite
    (one API process: exact)."""
    counters: Counters = (
        DatabaseCounters(db.engine) if db.dialect == "postgresql" else MemoryCounters()
    )
    return Limiter(counters, group_limits(settings), settings.throttle_window_seconds)
