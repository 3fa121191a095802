"""The periodic re-check of pending screening cases."""

from __future__ import annotations

from datetime import timedelta

from tukku.compliance import flows
from tukku.jobs.registry import JobContext, PeriodicKind, Scheduled

RECHECK_EVERY = timedelta(hours=1)
RECHECK = PeriodicKind("compliance.recheck", every=RECHECK_EVERY, coalesce=True)


@RECHECK.handler()
def recheck(ctx: JobContext, _payload: Scheduled) -> None:
    """Re-screen pending cases hourly; clear, keep waiting or escalate them (72 hours)."""
    flows.recheck(ctx.session, now=ctx.clock.now())
