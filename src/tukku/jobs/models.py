"""Tables of the job queue and of the periodic schedule."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType, str_enum


class JobStatus(StrEnum):
    """Where a job is: waiting (`queued`, also between retries), held by a worker (`running`),
    or finished (`done`, or `failed` for good)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    """One unit of background work.

    `lease_owner` is the worker that last claimed the job (kept after it finishes, for operators).
    `due_at` is platform time (the sandbox clock can bring it forward); `available_at` and
    `lease_expires_at` are wall-clock time, because back-off and crash detection are about
    real processes, not business time. `tracking_id` is that of the request (or job) that queued
    it: the job runs under it, so logs and audit events of background steps link back to it.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]]
    status: Mapped[JobStatus] = mapped_column(str_enum(JobStatus, 10), default=JobStatus.QUEUED)
    due_at: Mapped[datetime]
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int]
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    tracking_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        Index(
            "ix_jobs_queued_due",
            "due_at",
            "id",
            sqlite_where=text("status = 'queued'"),
            postgresql_where=text("status = 'queued'"),
        ),
        Index(
            "ix_jobs_running_lease",
            "lease_expires_at",
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
        Index("ix_jobs_status_finished", "status", "finished_at"),
    )


class JobSchedule(Base):
    """When each periodic task is next due, in platform time."""

    __tablename__ = "job_schedules"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    next_run_at: Mapped[datetime]
