"""`make bench`: run every benchmark, print the figures, their ratios to the baselines measured in
the same run and issue 9's targets, and save them as JSON under bench/results/.

BENCH_SECONDS (default 10) is the length of each wrk figure; BENCH_SCALE (default 1) scales the
counts (the bulk subscriber load, the customers provisioned end to end, the prechecks screened,
the workspaces and devices created, the migrated enterprise, the billing report's subscribers).
Servers run with throttling off (TUKKU_THROTTLING=false): the figures are what a deployment can
take, not what its default limits let one token send; the operations part measures throttling's
own cost on a server of its own.
`BENCH_SECONDS=2 BENCH_SCALE=0.1` is a quick check. BENCH_ONLY (default all) names the parts to run,
comma-separated: api, customers, screening, calling, migration, billing, operations.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from bench import api, billing, calling, migration, operations, screening
from bench.bare import stack
from bench.loadgen import require_wrk, version
from bench.provisioning import customer_throughput
from bench.report import BOTH, Row, row, table, targets

RESULTS = Path(__file__).parent / "results"
PARTS = ("api", "customers", "screening", "calling", "migration", "billing", "operations")


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    """Run the benchmarks and report them."""
    os.environ["TUKKU_THROTTLING"] = "false"  # inherited by every server started below
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    parts = set(os.environ.get("BENCH_ONLY", ",".join(PARTS)).split(","))
    if unknown := parts - set(PARTS):
        sys.exit(f"BENCH_ONLY: unknown part(s) {', '.join(sorted(unknown))}; choose from {PARTS}")
    seconds = float(os.environ.get("BENCH_SECONDS", "10"))
    require_wrk()
    bulk = max(1, round(api.BULK * scale))
    goals = targets(bulk)
    load_before = os.getloadavg()
    rows: list[Row] = []
    for backend in BOTH if "api" in parts else ():
        _progress(f"API figures on {backend}")
        figures = api.api_figures(backend, seconds, bulk)
        bare = {f.connections: f for f in figures if f.name == api.BARE}
        for f in figures:
            measured_by_wrk = f.name not in (api.BARE, api.bulk_name(bulk, api.LISTED))
            rows.append(row(f, ("bare", bare[f.connections]) if measured_by_wrk else None, goals))
        _progress(f"API figures on {backend}, {api.PROCESSES} API processes")
        one = {(f.name, f.connections): f for f in figures}
        for f in api.multi_process_figures(backend, seconds, bulk, api.PROCESSES):
            single = one[(f.name.rsplit(", ", 1)[0], f.connections)]
            rows.append(row(f, ("1 process", single), goals))
    if "customers" in parts:
        _progress("customers end to end")
        customers = max(10, round(300 * scale))
        rows.append(row(customer_throughput("sqlite", 1, customers), None, goals))
        one_worker = customer_throughput("postgresql", 1, customers)
        rows += [
            row(one_worker, None, goals),
            row(customer_throughput("postgresql", 2, customers), ("1 worker", one_worker), goals),
        ]
    if "screening" in parts:
        _progress("screening")
        with tempfile.TemporaryDirectory() as scratch:
            unscreened, screened = screening.precheck_figures(round(1000 * scale), Path(scratch))
        rows += [row(unscreened, None, goals), row(screened, ("no list", unscreened), goals)]
    lines = []
    for backend in BOTH if "calling" in parts else ():
        _progress(f"calling set-up on {backend}")
        workspaces = max(1, round(calling.WORKSPACES * scale))
        devices = max(1, round(calling.DEVICES * scale))
        healthz, rooms, phones = calling.calling_figures(backend, seconds, workspaces, devices)
        base = (calling.BASE, healthz)
        rows += [row(healthz, None, goals), row(rooms, base, goals), row(phones, base, goals)]
        lines.append(calling.summary(backend, healthz, rooms, phones))
    migrated = []
    for backend in BOTH if "migration" in parts else ():
        _progress(f"BroadWorks migration on {backend}")
        moved = migration.migrate(backend, seconds, migration.Enterprise().scaled(scale))
        rows.append(row(moved.raw, None, goals))
        lines += moved.lines()
        migrated.append(moved.to_json())
    for backend in BOTH if "operations" in parts else ():
        _progress(f"idempotency keys and webhooks on {backend}")
        ops = operations.measure(backend, seconds)
        rows += [
            row(ops.plain, None, goals),
            row(ops.keyed, ("no key", ops.plain), goals),
            row(ops.subscribed, ("no key", ops.plain), goals),
            row(ops.throttled, ("no key", ops.plain), goals),
            row(ops.delivered, None, goals),
        ]
        lines += ops.lines()
    if "billing" in parts:
        _progress("billing")
        lines += billing.run(round(1_000_000 * scale))
    load_after = os.getloadavg()
    settings = {
        "BENCH_SECONDS": seconds,
        "BENCH_SCALE": scale,
        "load generator": version(),
        "servers": f"{stack()}, 1 process",
    }
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load average before": load_before,
        "load average after": load_after,
    }
    settings["parts"] = ",".join(p for p in PARTS if p in parts)
    for key, value in {**settings, **machine}.items():
        print(f"{key}: {value}")
    print()
    print(table(rows))
    print()
    print("\n".join(lines))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / time.strftime("%Y%m%d-%H%M%S.json")
    out.write_text(
        json.dumps(
            {
                "settings": settings,
                "machine": machine,
                "figures": [
                    asdict(r.figures)
                    | {
                        "per_second": r.figures.per_second,
                        "ratio": r.ratio,
                        "base": r.base or None,
                        "targets": [{"target": t, "passed": ok} for t, ok in r.checks],
                    }
                    for r in rows
                ],
                "migration": migrated,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"\nsaved {out}")


main()
