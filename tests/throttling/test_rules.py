"""The limiter's rules, on a manual clock: groups, window math, Retry-After, token and partner
counts, and the sandbox's scripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tukku.core.clock import ManualClock
from tukku.core.settings import Settings
from tukku.throttling.counters import MemoryCounters
from tukku.throttling.limiter import Caller, Limiter
from tukku.throttling.rules import Limits, RouteGroup, retry_after, route_group, window_number
from tukku.throttling.scripted import Script, ScriptedThrottles
from tukku.throttling.setup import group_limits

# On a minute boundary: a 60-second window starts exactly here.
START = datetime(2027, 1, 3, 9, 0, tzinfo=UTC)
WRITE = RouteGroup.WHOLESALE_WRITE


def limiter(per_token: int, per_partner: int, window: int = 60) -> Limiter:
    return Limiter(MemoryCounters(), {WRITE: Limits(per_token, per_partner)}, window)


@pytest.mark.parametrize(
    ("method", "path", "group"),
    [
        ("GET", "/v1/wholesale/customers", RouteGroup.READ),
        ("POST", "/v1/wholesale/customers", RouteGroup.WHOLESALE_WRITE),
        ("DELETE", "/v1/wholesale/subscribers/x", RouteGroup.WHOLESALE_WRITE),
        ("POST", "/v1/wholesale/billing/reports", RouteGroup.BILLING),
        ("GET", "/v1/billing/downloads/abc", RouteGroup.BILLING),
        ("GET", "/v1/partner/invoices", RouteGroup.BILLING),
        ("PUT", "/v1/partner/priceBook", RouteGroup.BILLING),
        ("GET", "/v1/ops/jobs", RouteGroup.OPS),
        ("POST", "/portal/sign-in", RouteGroup.PORTAL_SIGN_IN),
        ("GET", "/portal/sign-in", None),
        ("GET", "/portal/customers", None),
        ("POST", "/v1/sandbox/clock", None),
        ("GET", "/healthz", None),
        ("GET", "/static/portal.css", None),
    ],
)
def test_route_groups(method: str, path: str, group: RouteGroup | None) -> None:
    assert route_group(method, path) is group


def test_windows_are_aligned_on_the_epoch_and_retry_after_counts_to_the_next() -> None:
    at = START.timestamp()
    assert window_number(at, 60) == window_number(at + 59.9, 60) != window_number(at + 60, 60)
    assert retry_after(at, 60) == 60
    assert retry_after(at + 45, 60) == 15
    assert retry_after(at + 44.2, 60) == 16  # rounded up: a client never comes back too early
    assert retry_after(at + 59.95, 60) == 1  # never 0
    assert retry_after(at + 10, 3600) == 3590  # 09:00 is on an hour boundary too


def test_a_token_over_its_limit_waits_for_the_next_window() -> None:
    clock = ManualClock(START)
    rules = limiter(per_token=3, per_partner=0)
    token = Caller("token-a")
    assert [rules.check(WRITE, token, clock.now().timestamp()) for _ in range(3)] == [None] * 3
    assert rules.check(WRITE, token, clock.now().timestamp()) == 60
    clock.advance(timedelta(seconds=45))
    assert rules.check(WRITE, token, clock.now().timestamp()) == 15
    assert rules.check(WRITE, Caller("token-b"), clock.now().timestamp()) is None
    clock.advance(timedelta(seconds=15))
    assert rules.check(WRITE, token, clock.now().timestamp()) is None


def test_the_tokens_of_one_partner_share_its_limit() -> None:
    now = START.timestamp()
    rules = limiter(per_token=3, per_partner=4)
    a, b = Caller("token-a", "partner-1"), Caller("token-b", "partner-1")
    other = Caller("token-c", "partner-2")
    assert [rules.check(WRITE, a, now) for _ in range(3)] == [None] * 3
    assert rules.check(WRITE, b, now) is None  # the partner's 4th
    assert rules.check(WRITE, b, now) == 60  # the partner's 5th
    assert rules.check(WRITE, other, now) is None


def test_a_request_whose_partner_is_not_known_yet_counts_for_its_token_only() -> None:
    now = START.timestamp()
    rules = limiter(per_token=10, per_partner=1)
    assert rules.check(WRITE, Caller("token-a"), now) is None
    assert rules.check(WRITE, Caller("token-a"), now) is None
    assert rules.check(WRITE, Caller("token-a", "partner-1"), now) is None
    assert rules.check(WRITE, Caller("token-a", "partner-1"), now) == 60


def test_unlimited_groups_are_not_counted() -> None:
    rules = limiter(per_token=0, per_partner=0)
    assert not rules.applies(WRITE)
    assert not rules.applies(RouteGroup.READ)  # no limits configured at all
    assert limiter(per_token=0, per_partner=5).applies(WRITE)


def test_memory_counters_start_again_in_a_new_window() -> None:
    counters = MemoryCounters()
    assert counters.hit(["a", "b"], 7) == {"a": 1, "b": 1}
    assert counters.hit(["a"], 7) == {"a": 2}
    assert counters.hit(["a", "b"], 8) == {"a": 1, "b": 1}


def test_scripts_answer_the_next_matching_requests_of_their_token_only() -> None:
    scripts = ScriptedThrottles()
    scripts.add("token-a", Script("/v1/wholesale/customers*", "POST", 2, 7))
    assert scripts.take("token-b", "POST", "/v1/wholesale/customers") is None
    assert scripts.take("token-a", "GET", "/v1/wholesale/customers") is None
    assert scripts.take("token-a", "POST", "/v1/wholesale/subscribers") is None
    assert scripts.take("token-a", "POST", "/v1/wholesale/customers/x/y") == 7
    assert [s.remaining for s in scripts.of("token-a")] == [1]
    assert scripts.take("token-a", "POST", "/v1/wholesale/customers") == 7
    assert scripts.take("token-a", "POST", "/v1/wholesale/customers") is None
    assert scripts.of("token-a") == []


def test_throttling_off_leaves_every_group_unlimited() -> None:
    configured = group_limits(Settings(throttle_read_per_token=5, throttle_read_per_partner=9))
    off = group_limits(Settings(throttling=False, throttle_read_per_token=5))
    assert configured[RouteGroup.READ] == Limits(5, 9)
    assert all(limits.unlimited for limits in off.values())
