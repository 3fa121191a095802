"""Housekeeping of portal sign-in: failed sign-ins, ended sessions and dead set-password links
are deleted hourly, so the tables stay the size of what is live."""

from __future__ import annotations

from datetime import timedelta

from tukku.core.clock import real_now
from tukku.identity import service
from tukku.jobs.registry import JobContext, PeriodicKind, Scheduled

PURGE_SIGN_IN_RECORDS = PeriodicKind(
    "identity.purge_sign_in_records", every=timedelta(hours=1), coalesce=True
)


@PURGE_SIGN_IN_RECORDS.handler()
def purge_sign_in_records(ctx: JobContext, _payload: Scheduled) -> None:
    """Sessions and links run on real time (also in the sandbox), so the purge does too."""
    idle = timedelta(minutes=ctx.settings.portal_idle_minutes)
    service.purge_sign_in_records(ctx.session, now=real_now(), idle=idle)
