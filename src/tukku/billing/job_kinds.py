"""The billing domain's job kinds: what `reports` enqueues and `tasks` handles."""

from __future__ import annotations

from typing import TypedDict

from tukku.jobs.registry import JobKind


class ReportPayload(TypedDict):
    """The requested report."""

    reportId: str


class ReportFilePayload(TypedDict):
    """Where a deleted report's file is kept."""

    storageKey: str


GENERATE_REPORT = JobKind[ReportPayload]("billing.generate_report", max_attempts=3)
"""Generate a requested report: `tukku.billing.tasks.generate_report`."""

DELETE_REPORT_FILE = JobKind[ReportFilePayload]("billing.delete_report_file")
"""Remove a deleted report's file from storage: `tukku.billing.tasks.delete_report_file`."""
