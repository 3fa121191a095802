"""The wrk driver: HTTP figures from a compiled load generator, so that the client's own cost
does not hide the server's (a Python client on the same two cores did).

Every run must be clean: a connection, read, write or timeout error, or any answer of 400 or
above (wrk's "Non-2xx or 3xx responses"), fails the benchmark instead of counting as throughput.
wrk does not count 3xx answers as errors, so each endpoint is also probed once beforehand for
its exact status (see `bench.api`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

from bench.harness import Figures

SCRIPTS = Path(__file__).parent / "wrk"
# One wrk thread drives 16 connections at far more requests per second than any server here
# answers, and leaves the most CPU to the server on a small machine.
THREADS = 1
MARKER = "WRK_RESULT "
DONE = "WRK_DONE "  # printed by counted.lua once the last counted answer is in


def version() -> str:
    """wrk's version line (wrk prints it with its usage, and exits 1)."""
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return out.stdout.splitlines()[0].strip() if out.stdout else "unknown"


def require_wrk() -> None:
    """Fail early, with the remedy, when wrk is not installed."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: run scripts/ensure-bench-deps.sh (make bench)")


def _command(
    url: str,
    *,
    connections: int,
    seconds: float,
    token: str | None,
    script: str,
    args: tuple[str, ...],
) -> list[str]:
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
    return [*command, url, "--", *args]


def _env(connections: int, **extra: str) -> dict[str, str]:
    threads = min(THREADS, connections)
    return {**os.environ, "LUA_PATH": f"{SCRIPTS}/?.lua;;", "WRK_THREADS": str(threads), **extra}


def _figures(
    name: str, backend: str, connections: int, returncode: int, stdout: str, stderr: str
) -> Figures:
    """The figures of wrk's run from the JSON line report.lua printed; raises unless every
    request succeeded."""
    lines = [line for line in stdout.splitlines() if line.startswith(MARKER)]
    if returncode != 0 or not lines:
        raise RuntimeError(f"{name}: wrk failed ({returncode}): {stderr or stdout}")
    result = json.loads(lines[-1].removeprefix(MARKER))
    errors = {
        key: result[key]
        for key in ("connect_errors", "read_errors", "write_errors", "timeouts", "status_errors")
        if result[key]
    }
    if errors or not result["requests"]:
        raise RuntimeError(
            f"{name} ({backend}, {connections} conns): {errors}\n{stdout}\n{stderr}".rstrip()
        )
    return Figures(
        name,
        backend,
        connections,
        result["requests"],
        result["duration_us"] / 1e6,
        result["p50_us"] / 1000,
        result["p99_us"] / 1000,
    )


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
    command = _command(
        url, connections=connections, seconds=seconds, token=token, script=script, args=args
    )
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, env=_env(connections)
    )
    return _figures(name, backend, connections, done.returncode, done.stdout, done.stderr)


def wrk_counted(
    name: str,
    backend: str,
    url: str,
    *,
    connections: int,
    total: int,
    token: str | None = None,
    script: str,
    args: tuple[str, ...] = (),
    timeout: float = 600,
) -> Figures:
    """Run wrk until exactly `total` requests have been answered, for figures of a fixed amount
    of work (so many creations) rather than of a fixed time. The `script` requires counted.lua,
    which sends no request beyond `total` and prints DONE once the last answer is in; wrk itself
    only stops at the end of its duration (`timeout`, a cap) or on SIGINT, which it is then
    sent, so that its measured time ends with the last answer (the signal's delivery, a
    millisecond or so, is counted too)."""
    if min(THREADS, connections) != 1:
        raise ValueError("counted.lua counts the requests of one wrk thread")
    command = _command(
        url, connections=connections, seconds=timeout, token=token, script=script, args=args
    )
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(connections, WRK_TOTAL=str(total)),
    )
    assert process.stdout is not None
    counts = None
    for line in process.stdout:
        if line.startswith(DONE):
            counts = json.loads(line.removeprefix(DONE))
            break
    # wrk's main thread wakes from its sleep on SIGINT; a signal delivered to the load thread
    # before it has exited is lost to the sleep, so it is sent again until wrk ends.
    while process.poll() is None:
        process.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.005)
    stdout, stderr = process.communicate()
    if counts is None or counts["answered"] != total or counts["not_2xx"]:
        raise RuntimeError(
            f"{name} ({backend}): {total} requests, answers {counts}\n{stdout}\n{stderr}"
        )
    return _figures(name, backend, connections, process.returncode, stdout, stderr)
