"""`tukku serve --workers N`: N uvicorn API processes sharing one port, and the background
worker in one process of its own beside them, started, restarted and stopped with them.

The API processes run no worker: with several, each would poll the queue and, on SQLite,
compete with the API for the one write lock; one process of its own does the jobs of all.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import uvicorn

from tukku.core.metrics_processes import forget_process
from tukku.core.settings import Settings

log = logging.getLogger("tukku.serve")

RESTART_DELAY_SECONDS = 1.0
RESTART_DELAY_MAX_SECONDS = 60.0
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def job_worker_environment(settings: Settings) -> dict[str, str]:
    """The environment of the worker process: this one's, with the database URL and sandbox
    mode `tukku serve` was given (in the environment: a command line is readable by anyone)."""
    return {
        **os.environ,
        "TUKKU_DATABASE_URL": settings.database_url,
        "TUKKU_SANDBOX": "true" if settings.sandbox else "false",
    }


class JobWorkerProcess:
    """The one `tukku worker` process beside the API processes.

    It runs in a process group of its own, so a Ctrl-C in the terminal reaches `tukku serve`,
    which stops it (SIGTERM: the job in hand is finished first) once the API processes are
    down. Should it die while serving, it is started again, after a pause that doubles while it
    keeps dying young.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self._env = env
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._watcher = threading.Thread(target=self._watch, name="tukku-job-worker", daemon=True)

    def start(self) -> None:
        """Start the worker process, and keep it running until `stop`."""
        with self._lock:
            self._process = self._spawn()
        self._watcher.start()

    def stop(self) -> None:
        """Stop the worker process and wait for it; a second SIGINT or SIGTERM kills it."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is None:
            return
        hurry = {sig: signal.signal(sig, lambda *_: process.kill()) for sig in _STOP_SIGNALS}
        try:
            if process.poll() is None:
                process.terminate()
            self._watcher.join()
        finally:
            for sig, previous in hurry.items():
                signal.signal(sig, previous)

    def _spawn(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "tukku", "worker"], env=self._env, process_group=0
        )
        log.info("background worker process started", extra={"childPid": process.pid})
        return process

    def _watch(self) -> None:
        delay = RESTART_DELAY_SECONDS
        while True:
            with self._lock:
                process = self._process
            assert process is not None
            started = time.monotonic()
            code = process.wait()
            forget_process(process.pid)
            if self._stopping.is_set():
                return
            if time.monotonic() - started > RESTART_DELAY_MAX_SECONDS:
                delay = RESTART_DELAY_SECONDS
            log.error(
                "background worker process ended; starting another",
                extra={"childPid": process.pid, "exitCode": code, "inSeconds": delay},
            )
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self._process = self._spawn()
            delay = min(delay * 2, RESTART_DELAY_MAX_SECONDS)


def run_processes(count: int, options: dict[str, Any], job_worker: JobWorkerProcess | None) -> None:
    """Serve with `count` uvicorn processes on one socket, each building its app with
    `tukku.app.create_served_app`, and `job_worker` beside them; return once all have stopped.

    uvicorn's supervisor restarts an API process that dies, and on SIGINT or SIGTERM stops them
    all, each finishing its requests (up to `timeout_graceful_shutdown`); the worker is stopped
    after them. Until uvicorn takes the signals over, SIGTERM interrupts as Ctrl-C does.
    """
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if job_worker is not None:
            job_worker.start()
        uvicorn.run("tukku.app:create_served_app", factory=True, workers=count, **options)
    finally:
        if job_worker is not None:
            job_worker.stop()
