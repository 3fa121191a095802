"""Housekeeping of the job queue itself."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from tukku.core.clock import real_now
from tukku.jobs.models import Job, JobStatus
from tukku.jobs.registry import JobContext, PeriodicKind, Scheduled

PURGE_FINISHED = PeriodicKind(
    "jobs.purge_finished", every=timedelta(days=1), offset=timedelta(hours=3), coalesce=True
)


@PURGE_FINISHED.handler()
def purge_finished(ctx: JobContext, _payload: Scheduled) -> None:
    """Delete completed jobs older than the retention period; failed ones stay for operators."""
    cutoff = real_now() - timedelta(days=ctx.settings.job_keep_finished_days)
    ctx.session.execute(delete(Job).where(Job.status == JobStatus.DONE, Job.finished_at < cutoff))
