"""The workers' catalogue: every domain's `tasks.py`, so a worker knows every job kind's handler.

The API's embedded worker and `tukku worker` both get their workers here; this module imports no
route or web module, so `tukku worker` starts without the API. A new domain with background work
adds its `tasks` module to `TASK_MODULES` (a worker refuses to start while a declared kind has no
handler, so a forgotten one shows at once). `HOLDER_MODULES` are the domains that hold customers'
packages: customers' jobs ask them before removing anything (`tukku.customers.holders`).
`BRAND_MODULES` tell mail delivery which brand a message wears (`tukku.mail.brands`).
"""

from __future__ import annotations

from types import ModuleType

from tukku.backends import for_settings as backends_for_settings
from tukku.billing import tasks as billing_tasks
from tukku.branding import service as branding_service
from tukku.calling import workspaces as calling_workspaces
from tukku.compliance import tasks as compliance_tasks
from tukku.core.backends import Backends
from tukku.core.clock import Clock
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.customers import tasks as customers_tasks
from tukku.idempotency import tasks as idempotency_tasks
from tukku.identity import tasks as identity_tasks
from tukku.jobs import tasks as jobs_tasks
from tukku.jobs.runner import Worker
from tukku.mail import tasks as mail_tasks
from tukku.subscribers import service as subscribers_service
from tukku.throttling import tasks as throttling_tasks
from tukku.webhooks import outbox as webhooks_outbox
from tukku.webhooks import tasks as webhooks_tasks

TASK_MODULES: tuple[ModuleType, ...] = (
    billing_tasks,
    compliance_tasks,
    customers_tasks,
    idempotency_tasks,
    identity_tasks,
    jobs_tasks,
    mail_tasks,
    throttling_tasks,
    webhooks_tasks,
)
HOLDER_MODULES: tuple[ModuleType, ...] = (subscribers_service, calling_workspaces)
BRAND_MODULES: tuple[ModuleType, ...] = (branding_service,)


def make_worker(
    db: Database,
    clock: Clock,
    settings: Settings,
    *,
    name: str = "",
    backends: Backends | None = None,
) -> Worker:
    """A worker that runs every domain's jobs, with the external systems the settings choose
    (or those given, to share the app's). Changes committed through `db` write webhook events
    from now on (`tukku.webhooks.outbox`)."""
    webhooks_outbox.install(db, cache_seconds=settings.webhook_cache_seconds)
    return Worker(
        db, clock, settings, name=name, backends=backends or backends_for_settings(settings)
    )
