"""`tukku worker`: run background workers without the API (nothing here imports it)."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from tukku.cli.common import DatabaseUrl, Sandbox, console, require_current_schema, settings_for
from tukku.core.db import Database
from tukku.core.logging import configure_logging
from tukku.sandbox.clock import make_clock
from tukku.worker import make_worker


def worker(
    database_url: DatabaseUrl = None,
    sandbox: Sandbox = False,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Jobs run at once by this process.")
    ] = 1,
) -> None:
    """Claim and run background jobs until SIGTERM/SIGINT; the jobs in hand are finished first.

    Run any number of these on PostgreSQL, on any number of machines.
    """
    settings = settings_for(database_url, sandbox)
    configure_logging(settings.log_level)
    require_current_schema(settings)
    if settings.database_url.startswith("sqlite") and concurrency > 1:
        console.print("[yellow]SQLite has one writer; running with --concurrency 1.[/]")
        concurrency = 1
    db = Database(settings.database_url, pool_size=concurrency + 2)
    clock = make_clock(settings, db)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threads = [
        threading.Thread(target=make_worker(db, clock, settings).run, args=(stop,))
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        for thread in threads:
            thread.join(timeout=0.5)
    db.dispose()
