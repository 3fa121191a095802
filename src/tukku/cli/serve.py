"""`tukku serve`: the API and, unless told otherwise, the background worker: in one process, or
(`--workers N`) in N API processes sharing the port and one worker process beside them."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from sqlalchemy.engine import make_url

from tukku.accounts.access import SET_PASSWORD_PATH
from tukku.cli.common import DatabaseUrl, Sandbox, console, require_current_schema, settings_for
from tukku.cli.demo import DEMO_ADMIN_EMAIL, demo_password_link, ensure_demo
from tukku.cli.processes import JobWorkerProcess, job_worker_environment, run_processes
from tukku.core.clock import real_now
from tukku.core.links import ConfigurationError
from tukku.core.logging import configure_logging
from tukku.core.metrics_processes import create_directory, remove_directory
from tukku.core.settings import Settings
from tukku.core.timefmt import iso_or_none

WILDCARD_OR_LOOPBACK = ("0.0.0.0", "::", "", "127.0.0.1", "::1")  # noqa: S104


def listen_url(host: str, port: int) -> str:
    """The URL of a server listening on `host:port`, as a browser on this machine reaches it."""
    shown = "localhost" if host in WILDCARD_OR_LOOPBACK else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def banner(settings: Settings, base: str, *, processes: int, worker: bool) -> list[str]:
    """The lines `tukku serve` prints on start; the database password shown as `***`."""
    database = make_url(settings.database_url).render_as_string(hide_password=True)
    docs = f"{base}/docs" if settings.api_docs or settings.sandbox else "off (TUKKU_API_DOCS)"
    if not worker:
        jobs = "none here (--no-worker): run `tukku worker`"
    elif processes == 1:
        jobs = "in the API process"
    else:
        jobs = "1 process of its own (`tukku worker`)"
    return [
        f"API base URL      {base}/v1",
        f"API docs          {docs}",
        f"database          {database}",
        f"mode              {'sandbox (virtual clock)' if settings.sandbox else 'production'}",
        f"API processes     {processes}" + (", sharing the port" if processes > 1 else ""),
        f"background worker {jobs}",
    ]


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    database_url: DatabaseUrl = None,
    sandbox: Sandbox = False,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Serve the API only; run `tukku worker` elsewhere.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="API processes sharing the port (env TUKKU_WEB_WORKERS, default 1); with more "
            "than one, the background worker runs in one process of its own.",
            show_default=False,
        ),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Create an operator and a demo partner; print tokens.")
    ] = False,
) -> None:
    """Serve the API, the docs and (unless --no-worker) a background worker.

    With one API process (the default) everything runs in this process. With more, this one
    prepares the database (and the demo) once, then supervises them and the worker process,
    which write their metrics to a directory of this run's own (Prometheus multiprocess mode).
    """
    # Imported here: every `tukku` command loads this module, and `tukku worker` and the admin
    # commands must not load the API (nor FastAPI).
    from tukku.app import create_app, served_app_environment

    settings = settings_for(database_url, sandbox)
    processes = workers or settings.web_workers
    configure_logging(settings.log_level)
    require_current_schema(settings)
    address = listen_url(host, port)
    try:
        # With several processes this app is not served: building it here checks the settings
        # and creates the link key once, where a failure can be reported, not in every process.
        app = create_app(settings, run_worker=processes == 1 and not no_worker, listen_url=address)
    except ConfigurationError as exc:
        console.print(f"[red]{exc}[/]", highlight=False)
        raise typer.Exit(2) from None
    base: str = app.state.link_base_url
    lines = banner(settings, base, processes=processes, worker=not no_worker)
    if demo:
        with app.state.db.unit_of_work() as session:
            access = ensure_demo(
                session,
                app.state.clock,
                tokens_file=Path(settings.demo_tokens_file),
                lifetime_days=settings.token_lifetime_days,
            )
            link = demo_password_link(
                session, now=real_now(), lifetime=timedelta(days=settings.invite_link_days)
            )
        kept = f"kept in {settings.demo_tokens_file}" if access.reused else "new"
        lines += [
            f"demo partner      {access.partner_org_id}",
            f"partner token     {access.partner_token}",
            f"provisioningId    {access.provisioning_id}",
            f"operator token    {access.operator_token}",
            f"tokens            {kept}; expire {iso_or_none(access.expires_at) or 'never'}; "
            "revoke with `tukku tokens revoke`",
            f'Try:  curl -H "Authorization: Bearer <partner token>" {base}/v1/wholesale/customers',
            f"portal            {base}/portal/",
            f"demo sign-in      {DEMO_ADMIN_EMAIL}, "
            + (
                f"after choosing a password at {base}{SET_PASSWORD_PATH}{link} (works once)"
                if link
                else "with the password chosen for it (forgot it? `tukku users set-password`)"
            ),
        ]
    console.rule("tukku is starting")
    for line in lines:
        console.print(line, soft_wrap=True, highlight=False)
    console.rule()
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": None,
        "proxy_headers": True,
        "timeout_graceful_shutdown": settings.shutdown_grace_seconds,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
    }
    if processes == 1:
        uvicorn.run(app, **options)
        return
    app.state.db.dispose()
    # Before any process starts: each imports prometheus_client with the directory set, so all
    # write their samples there and any API process's /metrics adds up every one's.
    metrics_directory = create_directory()
    try:
        job_worker = None if no_worker else JobWorkerProcess(job_worker_environment(settings))
        os.environ.update(served_app_environment(settings, address))  # what uvicorn's get
        run_processes(processes, options, job_worker)
    finally:
        remove_directory(metrics_directory)
