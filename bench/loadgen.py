"""The wrk driver: HTTP figures from a compiled load generator, so that the client's own cost
does not hide the server's (a Python client on the same two cores did).

Every run must be clean: a connection, read, write or timeout error, or any answer of 400 or
above (wrk's "Non-2xx or 3xx responses"), fails the benchmark instead of counting as throughput.
wrk does not count 3xx answers as errors, so each endpoint is also probed once beforehand for
its exact status (see `bench.api`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from bench.harness import Figures

SCRIPTS = Path(__file__).parent / "wrk"
# One wrk thread drives 16 connections at far more requests per second than any server here
# answers, and leaves the most CPU to the server on a small machine.
THREADS = 1
MARKER = "WRK_RESULT "


def version() -> str:
    """wrk's version line (wrk prints it with its usage, and exits 1)."""
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return out.stdout.splitlines()[0].strip() if out.stdout else "unknown"


def require_wrk() -> None:
    """Fail early, with the remedy, when wrk is not installed."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: run scripts/ensure-bench-deps.sh (make bench)")


def wrk(
    name: str,
    backend: str,
    url: str,
    *,
    connections: int,
    seconds: float,
    token: str | None = None,
    script: str = "report.lua",
    args: tuple[str, ...] = (),
) -> Figures:
    """Run wrk against `url` for `seconds` with `connections` open connections; the Lua `script`
    (under bench/wrk/) makes the requests from `args` (and learns wrk's thread count from
    WRK_THREADS). Raises unless every request succeeded."""
    threads = min(THREADS, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(SCRIPTS / script),
    ]
    if token is not None:
        command += ["-H", f"Authorization: Bearer {token}"]
    command += [url, "--", *args]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LUA_PATH": f"{SCRIPTS}/?.lua;;", "WRK_THREADS": str(threads)},
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{name}: wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    result = json.loads(lines[-1].removeprefix(MARKER))
    errors = {
        key: result[key]
        for key in ("connect_errors", "read_errors", "write_errors", "timeouts", "status_errors")
        if result[key]
    }
    if errors or not result["requests"]:
        raise RuntimeError(f"{name} ({backend}, {connections} conns): {errors}\n{done.stdout}")
    return Figures(
        name,
        backend,
        connections,
        result["requests"],
        result["duration_us"] / 1e6,
        result["p50_us"] / 1000,
        result["p99_us"] / 1000,
    )
