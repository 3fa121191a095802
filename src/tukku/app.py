"""Builds the ASGI application: routers, middleware, error handlers and, optionally, a worker."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from tukku import __version__
from tukku.accounts import api as accounts_api
from tukku.audit import api as audit_api
from tukku.backends import for_settings as backends_for_settings
from tukku.billing import api as billing_api
from tukku.branding import api as branding_api
from tukku.calling import devices_api as calling_devices_api
from tukku.calling import hunt_groups_api as calling_hunt_groups_api
from tukku.calling import location_calling_api as calling_location_calling_api
from tukku.calling import locations_api as calling_locations_api
from tukku.calling import numbers_api as calling_numbers_api
from tukku.calling import people_api as calling_people_api
from tukku.calling import queues_api as calling_queues_api
from tukku.calling import workspaces_api as calling_workspaces_api
from tukku.compliance import api as compliance_api
from tukku.core.clock import Clock, SystemClock
from tukku.core.db import Database
from tukku.core.http import (
    HeaderLimit,
    HostCheck,
    TrackingIdMiddleware,
    install_error_handlers,
)
from tukku.core.links import default_allowed_hosts, trusted_link_base
from tukku.core.logging import configure_logging
from tukku.core.metrics_processes import forget_process
from tukku.core.settings import Settings
from tukku.customer_admin import api as customer_admin_api
from tukku.customers import api as customers_api
from tukku.idempotency.keyed_writes import KeyedWrites
from tukku.identity import api as identity_api
from tukku.identity.deps import authentication_gate
from tukku.identity.service import IDENTITY_CHANGED, hash_token, link_secret
from tukku.identity.token_cache import TokenCache
from tukku.onboarding import api as onboarding_api
from tukku.operations import api as operations_api
from tukku.operations import metrics as operations_metrics
from tukku.partners import api as partners_api
from tukku.portal import audit as portal_audit
from tukku.portal import billing as portal_billing
from tukku.portal import branding as portal_branding
from tukku.portal import consent as portal_consent
from tukku.portal import cross_launch as portal_cross_launch
from tukku.portal import customer_wizard as portal_customer_wizard
from tukku.portal import customers as portal_customers
from tukku.portal import home as portal_home
from tukku.portal import hub as portal_hub
from tukku.portal import hub_attach as portal_hub_attach
from tukku.portal import hub_devices as portal_hub_devices
from tukku.portal import hub_locations as portal_hub_locations
from tukku.portal import hub_numbers as portal_hub_numbers
from tukku.portal import hub_org as portal_hub_org
from tukku.portal import hub_queues as portal_hub_queues
from tukku.portal import hub_users as portal_hub_users
from tukku.portal import hub_workspaces as portal_hub_workspaces
from tukku.portal import ops_jobs as portal_ops_jobs
from tukku.portal import ops_mail as portal_ops_mail
from tukku.portal import ops_partners as portal_ops_partners
from tukku.portal import ops_price_books as portal_ops_price_books
from tukku.portal import ops_screening as portal_ops_screening
from tukku.portal import security as portal_security
from tukku.portal import setup_assist as portal_setup_assist
from tukku.portal import setup_wizard as portal_setup_wizard
from tukku.portal import sign_in as portal_sign_in
from tukku.portal import sso as portal_sso
from tukku.portal import sub_partners as portal_sub_partners
from tukku.portal import templates as portal_templates
from tukku.portal import tokens as portal_tokens
from tukku.portal import users as portal_users
from tukku.sandbox import api as sandbox_api
from tukku.sandbox.clock import make_clock
from tukku.setup_assist import api as setup_assist_api
from tukku.sso import api as sso_api
from tukku.subscribers import api as subscribers_api
from tukku.throttling.body_limits import body_limits
from tukku.throttling.middleware import BodyLimit, Throttle
from tukku.throttling.scripted import ScriptedThrottles
from tukku.throttling.setup import make_limiter
from tukku.web.templating import STATIC_DIR
from tukku.webhooks import api as webhooks_api
from tukku.worker import make_worker

log = logging.getLogger("tukku.app")

DESCRIPTION = """\
tukku is a wholesale route-to-market platform. Its `/v1/wholesale` API is wire-compatible with the
Webex Wholesale API: the same paths, camelCase fields, status codes, asynchronous behaviour,
`Link` pagination and error bodies. Routes under `/v1/partner`, `/v1/ops` and `/v1/sandbox` are
tukku's own extensions. Authenticate with `Authorization: Bearer <token>`.
"""


def create_app(
    settings: Settings | None = None,
    *,
    db: Database | None = None,
    clock: Clock | None = None,
    wall_clock: Clock | None = None,
    run_worker: bool = False,
    listen_url: str | None = None,
) -> FastAPI:
    """The tukku application; with `run_worker`, a background worker runs inside the process.

    `listen_url` is the embedded server's own address (`tukku serve` passes it): links in
    e-mails use it when `TUKKU_PUBLIC_BASE_URL` is unset. With neither, raise
    `ConfigurationError`: links are never built from the callers' `Host` header.
    `wall_clock` times token lifetimes (real time, also in the sandbox; tests inject theirs).
    """
    settings = settings or Settings()
    link_base_url = trusted_link_base(settings.public_base_url, listen_url)
    db = db or Database(settings.database_url, pool_size=settings.db_pool_size)
    clock = clock or make_clock(settings, db)
    backends = backends_for_settings(settings)
    stop = threading.Event()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        thread = None
        if run_worker:
            worker = make_worker(db, clock, settings, backends=backends)
            db.on_commit(lambda signals: worker.wake() if "jobs" in signals else None)
            thread = threading.Thread(target=worker.run, args=(stop,), name="tukku-worker")
            thread.start()
        try:
            yield
        finally:
            stop.set()
            if thread is not None:
                thread.join()
            forget_process(os.getpid())  # multiprocess metrics: this process has ended
            _app.state.limiter.counters.close()

    api_docs = settings.api_docs or settings.sandbox
    app = FastAPI(
        title="tukku",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs" if api_docs else None,
        redoc_url="/redoc" if api_docs else None,
        openapi_url="/openapi.json" if api_docs else None,
    )
    app.state.settings = settings
    app.state.link_base_url = link_base_url
    app.state.db = db
    app.state.clock = clock
    app.state.backends = backends
    app.state.wall_clock = wall_clock or SystemClock()
    with db.unit_of_work() as session:
        app.state.link_secret = link_secret(
            session, configured=settings.secret_key, now=clock.now()
        )
    app.state.drainer = make_worker(db, clock, settings, name="sandbox-drain", backends=backends)
    app.state.token_cache = cache = TokenCache(settings.auth_cache_seconds)
    db.on_commit(lambda signals: cache.clear() if IDENTITY_CHANGED in signals else None)
    app.state.keyed_writes = KeyedWrites(
        db,
        clock,
        keep_hours=settings.idempotency_key_hours,
        lease_seconds=settings.idempotency_lease_seconds,
    )
    _add_throttling(app, settings, db, cache)
    _add_middleware(app, settings, listen_url)
    install_error_handlers(app, authentication_gate)
    portal_security.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Health probes first: routes are matched in order, and probes come often.
    _add_health(app, db)
    app.include_router(operations_metrics.router)
    for router in routers(settings):
        app.include_router(router)
    return app


def routers(settings: Settings) -> list[APIRouter]:
    """Every router the app serves with these settings, in matching order."""
    served = [
        customers_api.router,
        calling_locations_api.router,
        calling_people_api.router,
        calling_workspaces_api.router,
        calling_devices_api.router,
        calling_devices_api.telephony_router,
        calling_devices_api.ops_router,
        calling_numbers_api.router,
        customers_api.partner_customers_router,
        customer_admin_api.router,
        calling_queues_api.router,
        calling_hunt_groups_api.router,
        calling_location_calling_api.router,
        subscribers_api.router,
        subscribers_api.consent_move_router,
        portal_consent.router,
        onboarding_api.router,
        branding_api.router,
        branding_api.customer_router,
        branding_api.public_router,
        identity_api.router,
        billing_api.router,
        billing_api.downloads_router,
        billing_api.partner_router,
        partners_api.wholesale_router,
        partners_api.partner_router,
        audit_api.partner_router,
        audit_api.ops_router,
        webhooks_api.router,
        accounts_api.router,
        accounts_api.tokens_router,
        sso_api.router,
        compliance_api.router,
        operations_api.partners_router,
        operations_api.jobs_router,
        operations_api.mail_router,
        operations_api.health_router,
        setup_assist_api.router,
        setup_assist_api.ops_router,
        portal_home.router,
        portal_sign_in.router,
        portal_customer_wizard.router,  # before customers: /new is not a customer ID
        portal_setup_wizard.router,
        portal_customers.router,
        portal_cross_launch.router,
        portal_templates.router,
        portal_setup_assist.router,
        portal_audit.router,
        portal_sub_partners.router,
        portal_billing.router,
        portal_users.router,
        portal_tokens.router,
        portal_sso.router,
        portal_branding.router,
        portal_branding.customer_router,
        portal_ops_partners.router,
        portal_ops_screening.router,
        portal_ops_price_books.router,
        portal_ops_mail.router,
        portal_ops_jobs.router,
        portal_hub.router,
        portal_hub_users.router,
        portal_hub_locations.router,
        portal_hub_numbers.router,
        portal_hub_workspaces.router,
        portal_hub_devices.router,
        portal_hub_queues.router,
        portal_hub_org.router,
        portal_hub_attach.router,
    ]
    return [*served, sandbox_api.router] if settings.sandbox else served


SERVED_APP_ENV = "TUKKU_SERVED_APP"


def served_app_environment(settings: Settings, listen_url: str) -> dict[str, str]:
    """What `create_served_app` is to build, as the environment of the processes it runs in:
    settings as `tukku serve` resolved them, and its listen address. (Not their command lines,
    which other users of the machine can read, while the settings may hold secrets.)"""
    handoff = {"settings": settings.model_dump(mode="json"), "listenUrl": listen_url}
    return {SERVED_APP_ENV: json.dumps(handoff)}


def create_served_app() -> FastAPI:
    """The app of one API process of `tukku serve --workers N`, a factory uvicorn calls by name
    in each process it spawns: `tukku serve`'s settings and address (`served_app_environment`),
    its JSON logs, and no worker (one process of its own runs the jobs)."""
    handoff = json.loads(os.environ[SERVED_APP_ENV])
    settings = Settings(**handoff["settings"])
    configure_logging(settings.log_level)
    return create_app(settings, listen_url=handoff["listenUrl"])


def _add_middleware(app: FastAPI, settings: Settings, listen_url: str | None) -> None:
    """The gates every request passes, outermost first: tracking ID (so refusals are logged
    and traceable), header size, allowed hosts."""
    hosts = settings.allowed_host_list or default_allowed_hosts(
        settings.public_base_url, listen_url
    )
    app.add_middleware(HostCheck, allowed_hosts=hosts)
    app.add_middleware(HeaderLimit, max_bytes=settings.max_header_bytes)
    app.add_middleware(TrackingIdMiddleware)


def _add_throttling(app: FastAPI, settings: Settings, db: Database, cache: TokenCache) -> None:
    """Throttling, then body caps, inside the gates of `_add_middleware` and before routing
    (docs/operations.md). The partner of a token is the one this process remembers for it."""

    def identify(token: str) -> tuple[str, str | None]:
        token_hash = hash_token(token)
        remembered = cache.get(token_hash)
        return token_hash, remembered.principal.partner_org_id if remembered else None

    app.state.throttle_scripts = ScriptedThrottles() if settings.sandbox else None
    app.add_middleware(BodyLimit, limit_of=body_limits(settings))
    app.state.limiter = make_limiter(settings, db)
    app.add_middleware(
        Throttle,
        limiter=app.state.limiter,
        identify=identify,
        clock=app.state.wall_clock,
        scripts=app.state.throttle_scripts,
    )


def _add_health(app: FastAPI, db: Database) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers (on the event loop itself, as probes should find it:
        no thread hop, no database)."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        """Readiness: the database answers."""
        try:
            with db.unit_of_work(write=False) as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:
            log.warning("not ready", extra={"error": str(exc)})
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})
