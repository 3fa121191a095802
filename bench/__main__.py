"""`make bench`: run every benchmark, print the figures and ratios, save them as JSON."""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from bench import billing, screening
from bench.harness import Figures
from bench.provisioning import customer_throughput, http_figures

RESULTS = Path(__file__).parent / "results"


def _table(rows: list[Figures], baselines: dict[str, Figures]) -> str:
    lines = [
        f"{'benchmark':<62} {'n':>6} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs baseline':>12}",
    ]
    for row in rows:
        base = baselines.get(row.name)
        ratio = f"{row.per_second / base.per_second:>11.2f}x" if base else ""
        lines.append(
            f"{row.name:<62} {row.requests:>6} {row.per_second:>9.1f} {row.p50_ms:>8.2f} "
            f"{row.p99_ms:>8.2f} {ratio:>12}"
        )
    return "\n".join(lines)


def main() -> None:
    """Run the benchmarks (scale with BENCH_SCALE, default 1)."""
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    subscribers = int(2000 * scale)
    customers = int(300 * scale)
    rows: list[Figures] = []
    baselines: dict[str, Figures] = {}
    for backend in ("sqlite", "postgresql"):
        trivial8, post, trivial1, get = http_figures(backend, subscribers)
        rows += [trivial8, post, trivial1, get]
        baselines[post.name] = trivial8
        baselines[get.name] = trivial1
    rows.append(customer_throughput("sqlite", 1, customers))
    one = customer_throughput("postgresql", 1, customers)
    two = customer_throughput("postgresql", 2, customers)
    rows += [one, two]
    baselines[two.name] = one
    with tempfile.TemporaryDirectory() as scratch:
        unscreened, screened = screening.precheck_figures(int(1000 * scale), Path(scratch))
    rows += [unscreened, screened]
    baselines[screened.name] = unscreened
    print(_table(rows, baselines))
    print()
    print("\n".join(billing.run(int(1_000_000 * scale))))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / time.strftime("%Y%m%d-%H%M%S.json")
    out.write_text(
        json.dumps(
            {
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "figures": [asdict(r) | {"per_second": r.per_second} for r in rows],
            },
            indent=2,
        )
    )
    print(f"\nsaved {out}")


main()
