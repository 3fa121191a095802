"""A BroadWorks enterprise migrated into tukku (issue 13): 10,000 users in 50 groups with 10,000
numbers and 5,000 devices (× BENCH_SCALE), made up by `tukku migrate broadworks synthesize`,
planned and then carried out by `tukku migrate broadworks run --json`, the real commands run as
subprocesses, against one `tukku serve` (with its worker) on a fresh database of each backend.

On the same server, just before the migration, wrk measures the raw `POST /subscribers`
throughput at the migration's concurrency: the users phase's users a second over it is the
figure to watch, what the migration's own work (the look-up before each create, placeholders,
the state file, the client) costs. Only what was stored counts: the run must end with every
operation done, and the database must hold exactly the new subscribers it says it created.
Then the finished migration is run again, which must send nothing (what a resume costs when
nothing is left).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from bench.api import measure, post_subscriber, subscriber_count
from bench.harness import Figures, database, drain, partner, server
from bench.provisioning import provisioned_customer
from tukku.core.db import Database

CONCURRENCY = 16  # the run's --concurrency and wrk's connections
SEED = 13
RAW = "POST /subscribers (migration's server)"


@dataclass(frozen=True)
class Enterprise:
    """The shape of the enterprise: issue 13's at scale 1, and a hunt group, a call center
    and an auto attendant (which does not move: reported) in each group."""

    users: int = 10_000
    groups: int = 50
    numbers: int = 10_000
    devices: int = 5_000

    def scaled(self, scale: float) -> Enterprise:
        """Every count times `scale`, at least one user, group and device."""
        return Enterprise(
            max(1, round(self.users * scale)),
            max(1, round(self.groups * scale)),
            max(1, round(self.numbers * scale)),
            max(1, round(self.devices * scale)),
        )

    def options(self) -> list[str]:
        """The `synthesize` options that make it."""
        counts = {
            "--users": self.users,
            "--groups": self.groups,
            "--numbers": self.numbers,
            "--devices": self.devices,
            "--hunt-groups": self.groups,
            "--call-centers": self.groups,
            "--auto-attendants": self.groups,
        }
        return [str(part) for option, count in counts.items() for part in (option, count)]


@dataclass(frozen=True)
class Migration:
    """One backend's figures: the planning, each phase of the run, the whole command, the raw
    POST throughput beside it, and the re-run of the finished migration."""

    backend: str
    enterprise: Enterprise
    operations: int
    plan_seconds: float
    phases: list[dict[str, Any]]
    run_seconds: float
    requests: int
    retries: int
    throttled: int
    raw: Figures
    rerun_seconds: float

    def phase(self, name: str) -> dict[str, Any]:
        """The run's figures of phase `name`."""
        return next(p for p in self.phases if p["phase"] == name)

    @property
    def users_per_second(self) -> float:
        """Subscribers created a second during the users phase."""
        users = self.phase("users")
        return float(users["done"] / users["seconds"])

    @property
    def end_to_end(self) -> float:
        """Users a second over the whole `run` command (start-up and every phase)."""
        return float(self.phase("users")["done"] / self.run_seconds)

    def lines(self) -> list[str]:
        """The figures as printed under the table."""
        e = self.enterprise
        raw = self.raw.per_second
        out = [
            f"BroadWorks migration on {self.backend}: {e.users:,} users in {e.groups} "
            f"group{'s' * (e.groups != 1)}, "
            f"{e.numbers:,} numbers, {e.devices:,} devices; {self.operations:,} operations, "
            f"--concurrency {CONCURRENCY}",
            f"  {'plan (the command)':<28} {self.plan_seconds:>8.1f} s",
        ]
        for p in self.phases:
            rate = f"{p['done'] / p['seconds']:>8.1f}/s" if p["done"] > 1 else ""
            out.append(f"  {p['phase']:<28} {p['seconds']:>8.1f} s {p['done']:>7,} ops {rate}")
        out += [
            f"  {'run (the command)':<28} {self.run_seconds:>8.1f} s "
            f"{self.requests:>7,} requests, {self.retries} retried, {self.throttled} throttled",
            f"  users phase {self.users_per_second:.1f} users/s, "
            f"{self.users_per_second / raw:.2f}× raw POST /subscribers ({raw:.1f}/s, wrk, "
            f"{self.raw.connections} conns); whole run {self.end_to_end:.1f} users/s, "
            f"{self.end_to_end / raw:.2f}×",
            f"  re-run of the finished migration: {self.rerun_seconds:.1f} s, no request sent",
        ]
        return out

    def to_json(self) -> dict[str, Any]:
        """The figures as saved under bench/results/."""
        return asdict(self) | {
            "users_per_second": self.users_per_second,
            "end_to_end_users_per_second": self.end_to_end,
            "ratio_users_phase": self.users_per_second / self.raw.per_second,
            "ratio_end_to_end": self.end_to_end / self.raw.per_second,
        }


def _command(*args: str, token: str | None = None) -> tuple[dict[str, Any], float]:
    """Run `tukku migrate broadworks <args> --json`; its JSON answer and wall time. Raises,
    with the answer, unless it exits 0."""
    env = {**os.environ, "TUKKU_TOKEN": token} if token else None
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tukku", "migrate", "broadworks", *args, "--json"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(
            f"migrate broadworks {args[0]}: exit {done.returncode}\n"
            f"{done.stdout[:3000]}\n{done.stderr[-3000:]}"
        )
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer, seconds


def _prepare(enterprise: Enterprise, provisioning_id: str, scratch: Path) -> tuple[int, float]:
    """Make up the enterprise and plan it into `scratch`/plan, under the partner's customer
    template; the plan's operation count and how long planning took."""
    extract, config = scratch / "extract.json", scratch / "partner.json"
    _command(
        "synthesize",
        *enterprise.options(),
        "--seed",
        str(SEED),
        "--out",
        str(extract),
        "--config-out",
        str(config),
    )
    settings = json.loads(config.read_text())
    config.write_text(json.dumps(settings | {"provisioning_id": provisioning_id}))
    planned, seconds = _command(
        "plan", str(extract), "--config", str(config), "--out", str(scratch / "plan")
    )
    if not planned["ready"]:
        raise RuntimeError(f"the synthetic enterprise's plan is blocked: {planned['blocked']}")
    return int(planned["operations"]), seconds


def _raw_posts(
    backend: str, base: str, created: dict[str, str], db: Database, seconds: float
) -> Figures:
    """`POST /subscribers` under wrk at CONCURRENCY connections, for a customer of its own."""
    token = created["token"]
    customer_id = provisioned_customer(base, created)
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as client:
        endpoint = post_subscriber(client, customer_id)
        endpoint.probe()
        [figures] = measure(endpoint, backend, base, token, db, seconds, (CONCURRENCY,))
    return replace(figures, name=RAW)


def migrate(backend: str, seconds: float, enterprise: Enterprise) -> Migration:
    """The enterprise planned and migrated into a fresh tukku on `backend`, with the raw POST
    throughput of the same server measured for `seconds` just before."""
    with database(backend) as url, tempfile.TemporaryDirectory() as scratch:
        created = partner(url)
        token = created["token"]
        db = Database(url)
        with server(url) as base:
            raw = _raw_posts(backend, base, created, db, seconds)
            operations, plan_seconds = _prepare(
                enterprise, created["provisioningId"], Path(scratch)
            )
            plan_dir = str(Path(scratch) / "plan")
            options = ("--url", base, "--concurrency", str(CONCURRENCY))
            before = subscriber_count(db)
            outcome, run_seconds = _command("run", plan_dir, *options, token=token)
            stored = subscriber_count(db) - before
            users = next(p for p in outcome["phases"] if p["phase"] == "users")
            if stored != users["created"] or users["done"] != users["total"]:
                raise RuntimeError(
                    f"the users phase: {users}, but {stored} subscribers were stored"
                )
            drain(db)
            again, rerun_seconds = _command("run", plan_dir, *options, token=token)
            if again["requests"] or subscriber_count(db) - before != stored:
                raise RuntimeError(f"the re-run of a finished migration sent requests: {again}")
        db.dispose()
    return Migration(
        backend,
        enterprise,
        operations,
        plan_seconds,
        outcome["phases"],
        run_seconds,
        outcome["requests"],
        outcome["retries"],
        outcome["throttled"],
        raw,
        rerun_seconds,
    )
