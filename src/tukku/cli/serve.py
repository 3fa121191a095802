"""`tukku serve`: the API (and, unless told otherwise, a worker) in one process."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from tukku.app import create_app
from tukku.cli.common import DatabaseUrl, Sandbox, console, require_current_schema, settings_for
from tukku.cli.demo import ensure_demo
from tukku.core.logging import configure_logging


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    database_url: DatabaseUrl = None,
    sandbox: Sandbox = False,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Serve the API only; run `tukku worker` elsewhere.")
    ] = False,
    demo: Annotated[
        bool, typer.Option("--demo", help="Create an operator and a demo partner; print tokens.")
    ] = False,
) -> None:
    """Serve the API, the docs and (unless --no-worker) a background worker."""
    settings = settings_for(database_url, sandbox)
    configure_logging(settings.log_level)
    require_current_schema(settings)
    app = create_app(settings, run_worker=not no_worker)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
    base = settings.public_base_url or f"http://{shown}:{port}"
    lines = [
        f"API base URL      {base}/v1",
        f"API docs          {base}/docs",
        f"database          {settings.database_url}",
        f"mode              {'sandbox (virtual clock)' if settings.sandbox else 'production'}",
    ]
    if demo:
        with app.state.db.unit_of_work() as session:
            access = ensure_demo(session, app.state.clock)
        lines += [
            f"demo partner      {access.partner_org_id}",
            f"partner token     {access.partner_token}",
            f"provisioningId    {access.provisioning_id}",
            f"operator token    {access.operator_token}",
            f'Try:  curl -H "Authorization: Bearer <partner token>" {base}/v1/wholesale/customers',
        ]
    console.rule("tukku is starting")
    for line in lines:
        console.print(line, soft_wrap=True, highlight=False)
    console.rule()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        proxy_headers=True,
        timeout_graceful_shutdown=30,
    )
