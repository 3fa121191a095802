"""Use cases of billing reports on the request side, scoped to the acting partner."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.audit import service as audit
from tukku.billing.generation import ReportSpec
from tukku.billing.job_kinds import DELETE_REPORT_FILE, GENERATE_REPORT, ReportFilePayload
from tukku.billing.models import BillingReport
from tukku.billing.rules import Category, ReportStatus, ReportType, check_period
from tukku.billing.schemas import ReportCreate, ReportErrorOut, ReportOut
from tukku.core.errors import Codes, Conflict, DomainError, NotFound, Problem, invalid_all
from tukku.core.ids import new_id
from tukku.core.pagination import PageRequest
from tukku.core.security import sign, unsign
from tukku.core.timefmt import iso
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.identity.rules import OrgKind

DOWNLOAD_PURPOSE = "billing-report-download"
AUDITED = ("report_type", "category", "billing_start", "billing_end", "internal", "status")
SORTABLE = {
    "id": BillingReport.id,
    "billingStartDate": BillingReport.billing_start,
    "billingEndDate": BillingReport.billing_end,
    "status": BillingReport.status,
}


def _enum(value: str, kind: type[ReportType] | type[Category], field_name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        reason = f"{field_name}: must be one of {allowed}"
        raise invalid_all([Problem(Codes.REPORT_TYPE_INVALID, reason, field_name)]) from None


def _scope(session: Session, actor: Actor, requested: str | None) -> str | None:
    """The sub-partner a report is about: the acting sub-partner itself, or one the parent names."""
    if actor.org_id != actor.partner_org_id:
        if requested not in (None, actor.org_id):
            raise NotFound("sub-partner", Codes.SUB_PARTNER_NOT_FOUND, "subPartnerOrgId")
        return actor.org_id
    if requested is None:
        return None
    org = identity.get_org_unscoped(session, requested)
    if org is None or org.kind != OrgKind.SUB_PARTNER or org.parent_id != actor.org_id:
        raise NotFound("sub-partner", Codes.SUB_PARTNER_NOT_FOUND, "subPartnerOrgId")
    return org.id


def create(session: Session, *, actor: Actor, data: ReportCreate, now: datetime) -> BillingReport:
    """Accept a report request; a job generates it. 409 while a completed one exists."""
    actor.require(Permission.BILLING_WRITE)
    partners.ensure_may_change(session, actor.org_id)
    report_type = _enum(data.type, ReportType, "type")
    category = _enum(data.category, Category, "category")
    if category is Category.POINT_IN_TIME and report_type is ReportType.PARTNER:
        reason = "type: point-in-time reports are per CUSTOMER or per USER"
        raise invalid_all([Problem(Codes.REPORT_TYPE_INVALID, reason, "type")])
    period = check_period(data.billing_start_date, data.billing_end_date, now.date())
    if isinstance(period, list):
        raise invalid_all(period)
    sub_partner = _scope(session, actor, data.sub_partner_org_id)
    existing = session.scalar(
        select(BillingReport.id).where(
            BillingReport.partner_org_id == actor.partner_org_id,
            BillingReport.sub_partner_org_id.is_(None)
            if sub_partner is None
            else BillingReport.sub_partner_org_id == sub_partner,
            BillingReport.billing_start == period.start,
            BillingReport.billing_end == period.end,
            BillingReport.report_type == report_type.value,
            BillingReport.category == category.value,
            BillingReport.status == ReportStatus.COMPLETED.value,
        )
    )
    if existing is not None:
        reason = f"report {existing} covers this period; delete it to make a new one"
        raise Conflict("billingStartDate", reason, Codes.REPORT_EXISTS)
    report = BillingReport(
        id=new_id("BILLING_REPORT"),
        partner_org_id=actor.partner_org_id,
        sub_partner_org_id=sub_partner,
        created_by=actor.principal.user_id,
        report_type=report_type.value,
        category=category.value,
        billing_start=period.start,
        billing_end=period.end,
        internal=data.internal,
        status=ReportStatus.IN_PROGRESS.value,
        errors=[],
        created_at=now,
    )
    session.add(report)
    session.flush()
    GENERATE_REPORT.enqueue(session, {"reportId": report.id}, due_at=now, now=now)
    audit.record(
        session,
        actor=actor,
        action="billing_report.create",
        target_type="billing_report",
        target_id=report.id,
        now=now,
        owner_org_id=sub_partner or actor.partner_org_id,
        after=audit.snapshot(report, AUDITED),
    )
    return report


def _visible(actor: Actor) -> list[Any]:
    return actor.sees_partner_rows(BillingReport.partner_org_id, BillingReport.sub_partner_org_id)


def get_or_404(session: Session, *, actor: Actor, report_id: str) -> BillingReport:
    """One of the actor's reports (a sub-partner sees only its own)."""
    actor.require(Permission.BILLING_READ)
    report = session.scalars(
        select(BillingReport).where(BillingReport.id == report_id, *_visible(actor))
    ).first()
    if report is None:
        raise NotFound("billing report", Codes.REPORT_NOT_FOUND)
    return report


@dataclass(frozen=True)
class ReportFilters:
    """List filters; each matches exactly."""

    billing_start: Any = None
    billing_end: Any = None
    report_type: str | None = None
    status: str | None = None
    sub_partner_org_id: str | None = None
    sort_by: str = "billingStartDate"


def list_(
    session: Session, *, actor: Actor, filters: ReportFilters, page: PageRequest
) -> list[BillingReport]:
    """The actor's reports; a parent's plain list holds its own, not its sub-partners'."""
    actor.require(Permission.BILLING_READ)
    query = select(BillingReport).where(*_visible(actor))
    scope = _scope(session, actor, filters.sub_partner_org_id)
    query = query.where(
        BillingReport.sub_partner_org_id.is_(None)
        if scope is None
        else BillingReport.sub_partner_org_id == scope
    )
    for column, value in (
        (BillingReport.billing_start, filters.billing_start),
        (BillingReport.billing_end, filters.billing_end),
        (BillingReport.report_type, filters.report_type),
        (BillingReport.status, filters.status),
    ):
        if value is not None:
            query = query.where(column == value)
    query = query.order_by(SORTABLE[filters.sort_by], BillingReport.seq)
    return list(session.scalars(query.offset(page.offset).limit(page.limit + 1)))


def delete(session: Session, *, actor: Actor, report_id: str, now: datetime) -> None:
    """Delete a report; its file goes in the background and its links stop working at once."""
    actor.require(Permission.BILLING_WRITE)
    report = get_or_404(session, actor=actor, report_id=report_id)
    if report.storage_key:
        payload: ReportFilePayload = {"storageKey": report.storage_key}
        DELETE_REPORT_FILE.enqueue(session, payload, due_at=now, now=now)
    audit.record(
        session,
        actor=actor,
        action="billing_report.delete",
        target_type="billing_report",
        target_id=report.id,
        now=now,
        owner_org_id=report.sub_partner_org_id or report.partner_org_id,
        before=audit.snapshot(report, AUDITED),
    )
    session.delete(report)


def download_url(
    report: BillingReport, *, base_url: str, secret: str, now: datetime, seconds: int
) -> str:
    """A signed link serving the CSV to whoever holds it, for `seconds` from now. Every link is
    new (a random nonce), even two issued at the same instant of a stopped sandbox clock."""
    token = sign(
        secret,
        DOWNLOAD_PURPOSE,
        {"r": report.id, "k": report.storage_key, "n": secrets.token_urlsafe(12)},
        expires_at=now + timedelta(seconds=seconds),
    )
    return f"{base_url}/v1/billing/downloads/{token}"


def resolve_download(
    session: Session, *, token: str, secret: str, now: datetime
) -> tuple[BillingReport, str]:
    """The report and file a download link stands for: 403 if forged or expired, 404 if the
    report was deleted (or regenerated) since."""
    data = unsign(secret, DOWNLOAD_PURPOSE, token, now=now)
    if not isinstance(data, dict):
        problem = Problem(Codes.DOWNLOAD_LINK_INVALID, Codes.DOWNLOAD_LINK_INVALID.meaning)
        raise DomainError([problem])
    report = session.scalars(select(BillingReport).where(BillingReport.id == data.get("r"))).first()
    if report is None or report.storage_key is None or report.storage_key != data.get("k"):
        raise NotFound("billing report", Codes.REPORT_NOT_FOUND)
    return report, report.storage_key


def spec_for(session: Session, report: BillingReport) -> ReportSpec:
    """What generation needs: the request plus the partner's name and subscription."""
    shown = report.sub_partner_org_id or report.partner_org_id
    org = identity.get_org_unscoped(session, shown)
    subscription = partners.subscription_of(session, report.partner_org_id)
    return ReportSpec(
        id=report.id,
        report_type=ReportType(report.report_type),
        category=Category(report.category),
        start=report.billing_start,
        end=report.billing_end,
        internal=report.internal,
        partner_org_id=report.partner_org_id,
        sub_partner_org_id=report.sub_partner_org_id,
        partner_name=org.name if org else "",
        partner_shown_id=shown,
        subscription_id=subscription or "",
    )


def to_out(report: BillingReport, download: str | None) -> ReportOut:
    """The wire form; `tempDownloadURL` only for a completed report."""
    errors = [ReportErrorOut.model_validate(e) for e in report.errors] or None
    return ReportOut(
        id=report.id,
        billing_start_date=report.billing_start.isoformat(),
        billing_end_date=report.billing_end.isoformat(),
        type=report.report_type,
        category=report.category,
        created=iso(report.created_at),
        created_by=report.created_by,
        status=report.status,
        sub_partner_org_id=report.sub_partner_org_id,
        temp_download_url=download,
        errors=errors,
    )
