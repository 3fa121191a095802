"""The table of `make bench`: each figure with its ratio to the baseline measured in the same run
and the targets of issue 9 beside it, marked pass or MISS, so that a run shows at a glance how
far tukku is from them."""

from __future__ import annotations

from dataclasses import dataclass

from bench import api
from bench.harness import Figures

BOTH = ("sqlite", "postgresql")
TWO_WORKERS = "customers 202 → provisioned, 2 workers"


@dataclass(frozen=True)
class Target:
    """A figure `name` on `backends` must reach at least `min_ratio` times its baseline, keep
    its p99 under `max_p99_ms`, or take less than `max_seconds` in all."""

    name: str
    backends: tuple[str, ...]
    min_ratio: float | None = None
    max_p99_ms: float | None = None
    max_seconds: float | None = None


def targets(bulk: int) -> list[Target]:
    """Issue 9's targets; the bulk load's 30 s for 10,000 subscribers scales with its size."""
    return [
        Target(api.HEALTHZ, BOTH, min_ratio=0.80),
        Target(api.GET_CUSTOMER, ("sqlite",), min_ratio=0.50, max_p99_ms=50),
        Target(api.GET_CUSTOMER, ("postgresql",), min_ratio=0.40, max_p99_ms=50),
        Target(api.POST_SUBSCRIBER, BOTH, min_ratio=0.25, max_p99_ms=50),
        Target(api.bulk_name(bulk, api.LISTED), BOTH, max_seconds=30 * bulk / api.BULK),
        Target(
            api.processes_name(api.bulk_name(bulk, api.LISTED), api.PROCESSES),
            BOTH,
            max_seconds=30 * bulk / api.BULK,
        ),
        Target(TWO_WORKERS, ("postgresql",), min_ratio=1.7),
    ]


@dataclass(frozen=True)
class Row:
    """A figure, its ratio to `base` (a figure of the same run) if it has one, and its checks:
    (what the target says, whether it was met)."""

    figures: Figures
    base: str = ""
    ratio: float | None = None
    checks: tuple[tuple[str, bool], ...] = ()


def row(figures: Figures, base: tuple[str, Figures] | None, goals: list[Target]) -> Row:
    """The row of `figures`, compared with `base` (its label and figures) and checked against
    the `goals` that concern it."""
    ratio = figures.per_second / base[1].per_second if base else None
    checks: list[tuple[str, bool]] = []
    for goal in goals:
        if goal.name != figures.name or figures.backend not in goal.backends:
            continue
        if goal.min_ratio is not None and base and ratio is not None:
            checks.append((f"≥{goal.min_ratio:.2f}× {base[0]}", ratio >= goal.min_ratio))
        if goal.max_p99_ms is not None:
            checks.append((f"p99 <{goal.max_p99_ms:g} ms", figures.p99_ms < goal.max_p99_ms))
        if goal.max_seconds is not None:
            checks.append((f"<{goal.max_seconds:g} s", figures.seconds < goal.max_seconds))
    return Row(figures, base[0] if base else "", ratio, tuple(checks))


def table(rows: list[Row]) -> str:
    """The rows as a fixed-width table."""
    lines = [
        f"{'benchmark':<40} {'conns':>5} {'backend':<10} {'n':>6} {'s':>6} {'req/s':>8} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'ratio':>18}  target",
    ]
    for r in rows:
        f = r.figures
        ratio = f"{r.ratio:.2f}× {r.base}" if r.ratio is not None else ""
        checks = ", ".join(f"{label}: {'pass' if ok else 'MISS'}" for label, ok in r.checks)
        lines.append(
            f"{f.name:<40} {f.connections:>5} {f.backend:<10} {f.requests:>6} {f.seconds:>6.1f} "
            f"{f.per_second:>8.1f} {f.p50_ms:>8.2f} {f.p99_ms:>8.2f} {ratio:>18}  {checks}"
        )
    return "\n".join(lines)
