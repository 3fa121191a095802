"""Background jobs of billing: daily usage, report generation and file removal, invoices."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tukku.audit import service as audit
from tukku.billing import invoices, reports
from tukku.billing.generation import generate
from tukku.billing.job_kinds import (
    DELETE_REPORT_FILE,
    GENERATE_REPORT,
    ReportFilePayload,
    ReportPayload,
)
from tukku.billing.models import BillingReport
from tukku.billing.rules import ReportStatus, day_containing
from tukku.billing.storage import storage_from_settings
from tukku.billing.usage import record_through
from tukku.core.errors import Codes
from tukku.jobs.registry import JobContext, PeriodicKind, Scheduled

RECORD_USAGE = PeriodicKind(
    "billing.record_usage", every=timedelta(days=1), offset=timedelta(minutes=5)
)
ISSUE_INVOICES = PeriodicKind(
    "billing.issue_invoices", every=timedelta(days=1), offset=timedelta(hours=2)
)


@RECORD_USAGE.handler()
def record_usage(ctx: JobContext, _payload: Scheduled) -> None:
    """Record every past day not recorded yet (normally just yesterday), as of the clock."""
    record_through(ctx.db, day_containing(ctx.clock.now()) - 1)


@ISSUE_INVOICES.handler()
def issue_invoices(ctx: JobContext, _payload: Scheduled) -> None:
    """Issue each partner's invoice for every complete month not invoiced yet."""
    invoices.issue_due(ctx.db, ctx.clock.now())


def _failed(ctx: JobContext, payload: ReportPayload, _error: str) -> None:
    report = ctx.session.scalars(
        select(BillingReport).where(BillingReport.id == payload["reportId"])
    ).first()
    if report is not None and report.status == ReportStatus.IN_PROGRESS:
        code = Codes.REPORT_GENERATION_FAILED
        report.status = ReportStatus.FAILED.value
        # The traceback stays with the job (`last_error`) for operators: partners must not see
        # server paths or internals, so the report carries only the catalog's description.
        report.errors = [{"code": code.number, "description": code.meaning}]
        report.completed_at = ctx.clock.now()
        _audit_outcome(ctx, report)


def _audit_outcome(ctx: JobContext, report: BillingReport) -> None:
    """The platform moved a report to its final status (so commit listeners, such as webhooks'
    outbox, learn of it like of any other change)."""
    audit.record(
        ctx.session,
        action=f"billing_report.{report.status.lower()}",
        target_type="billing_report",
        target_id=report.id,
        now=ctx.clock.now(),
        partner_org_id=report.partner_org_id,
        owner_org_id=report.sub_partner_org_id or report.partner_org_id,
        before={"status": ReportStatus.IN_PROGRESS.value},
        after={"status": report.status},
    )


@GENERATE_REPORT.handler(on_failure=_failed)
def generate_report(ctx: JobContext, payload: ReportPayload) -> None:
    """Generate a requested report. The long read runs in its own read-only transaction; the
    job's own transaction only records the outcome, so writers are never held up meanwhile."""
    with ctx.db.unit_of_work(write=False) as session:
        report = session.scalars(
            select(BillingReport).where(BillingReport.id == payload["reportId"])
        ).first()
        if report is None or report.status != ReportStatus.IN_PROGRESS:
            return
        spec = reports.spec_for(session, report)
    generated = generate(ctx.db, storage_from_settings(ctx.settings), spec)
    report = ctx.session.scalars(
        select(BillingReport).where(BillingReport.id == spec.id).with_for_update()
    ).first()
    if report is None:  # deleted while it was being generated
        DELETE_REPORT_FILE.enqueue(
            ctx.session,
            {"storageKey": generated.key},
            due_at=ctx.clock.now(),
            now=ctx.clock.now(),
        )
        return
    report.status = ReportStatus.COMPLETED.value
    report.storage_key = generated.key
    report.row_count = generated.rows
    report.size_bytes = generated.size
    report.completed_at = ctx.clock.now()
    _audit_outcome(ctx, report)


@DELETE_REPORT_FILE.handler()
def delete_report_file(ctx: JobContext, payload: ReportFilePayload) -> None:
    """Remove a deleted report's file from storage."""
    storage_from_settings(ctx.settings).delete(payload["storageKey"])
