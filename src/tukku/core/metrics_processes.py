"""Prometheus multiprocess mode for `tukku serve --workers N`: a private directory where every
process of one run writes its samples, and telling the library when a process has ended.

Nothing here imports `prometheus_client` at module level: the directory must be in the
environment before the library is first imported in a process (it chooses how to keep values
then), and `tukku serve` sets it before it starts the processes that will import it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def create_directory() -> Path:
    """A fresh, empty directory only this user can read (`mkdtemp`: mode 0700), named in the
    environment so that every process started from here on writes its samples there. Each run
    gets its own, so no figure of an earlier run is ever added to this one's."""
    path = Path(tempfile.mkdtemp(prefix="tukku-metrics-"))
    os.environ[MULTIPROCESS_ENV] = str(path)
    return path


def remove_directory(path: Path) -> None:
    """Delete a run's directory once all its processes have stopped."""
    shutil.rmtree(path, ignore_errors=True)
    if os.environ.get(MULTIPROCESS_ENV) == str(path):
        del os.environ[MULTIPROCESS_ENV]


def forget_process(pid: int) -> None:
    """Tell the library that process `pid` has ended, so its live gauges stop being reported
    (its counters and histograms stay: they are totals). Nothing to do in single-process mode."""
    if not os.environ.get(MULTIPROCESS_ENV):
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
