"""The hourly purge of idempotency keys whose time is up."""

from __future__ import annotations

from datetime import timedelta

from tukku.idempotency import store
from tukku.jobs.registry import JobContext, PeriodicKind, Scheduled

PURGE_KEYS = PeriodicKind("idempotency.purge_keys", every=timedelta(hours=1), coalesce=True)


@PURGE_KEYS.handler()
def purge_keys(ctx: JobContext, _payload: Scheduled) -> None:
    """Keys are kept on platform time, the clock the API stamped them with."""
    store.purge(ctx.session, now=ctx.clock.now())
