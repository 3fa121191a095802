"""The periodic re-check of pending screening cases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tukku.compliance import flows
from tukku.jobs.registry import JobContext, periodic

RECHECK_EVERY = timedelta(hours=1)


@periodic("compliance.recheck", every=RECHECK_EVERY, coalesce=True)
def recheck(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Re-screen pending cases hourly; clear, keep waiting or escalate them (72 hours)."""
    flows.recheck(ctx.session, now=ctx.clock.now())
