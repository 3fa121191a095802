"""Operators' use cases: setting up, suspending and reactivating partners, the job queue's
health and retrying a job that failed for good, reading the mail outbox. Each checks that the
caller operates the platform; each change is in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tukku.accounts import service as accounts
from tukku.accounts import staff
from tukku.accounts.service import ACTIVE, SUSPENDED, PartnerAccount
from tukku.audit import service as audit
from tukku.core.errors import Codes, InvalidState, NotFound
from tukku.core.pagination import PageRequest
from tukku.identity import service as identity
from tukku.identity.models import User
from tukku.identity.permissions import Permission, authorize
from tukku.identity.principal import Principal
from tukku.jobs import service as jobs
from tukku.jobs.models import Job, JobStatus
from tukku.mail import service as mail
from tukku.mail.models import MailMessage
from tukku.partners import flows

STANDINGS = (ACTIVE, SUSPENDED)
MAIL_STATUSES = ("queued", "sent", "held", "failed")


def create_partner(
    session: Session,
    *,
    principal: Principal,
    name: str,
    admin_email: str,
    admin_first_name: str | None,
    admin_last_name: str | None,
    invitation: staff.Invitation,
    now: datetime,
) -> PartnerAccount:
    """Set up a partner as `tukku partners create` does (organization, administrator,
    subscription, default template) and mail its administrator a link to choose a password."""
    authorize(principal, Permission.OPERATE)
    setup = flows.create_partner(
        session,
        name=name,
        admin_email=admin_email,
        admin_first_name=(admin_first_name or "").strip() or None,
        admin_last_name=(admin_last_name or "").strip() or None,
        now=now,
        by=principal,
    )
    staff.send_invitation(session, user=setup.admin, now=now, invitation=invitation, actor=None)
    account = accounts.partner_account(session, setup.org_id)
    assert account is not None
    return account


def list_partners(
    session: Session,
    *,
    principal: Principal,
    status: str | None,
    name: str | None,
    page: PageRequest,
) -> list[PartnerAccount]:
    """Every partner, oldest first, by standing and part of the name (one more than the page
    to detect the next)."""
    authorize(principal, Permission.OPERATE)
    return accounts.list_partner_accounts(
        session, status=status, name=name, offset=page.offset, limit=page.limit
    )


def get_partner(session: Session, *, principal: Principal, org_id: str) -> PartnerAccount:
    """One partner; 404 for any other organization."""
    authorize(principal, Permission.OPERATE)
    account = accounts.partner_account(session, org_id)
    if account is None:
        raise NotFound("partner")
    return account


def partner_admins(session: Session, *, principal: Principal, org_id: str) -> list[User]:
    """The partner's own people, oldest first."""
    get_partner(session, principal=principal, org_id=org_id)
    return identity.users_of(session, org_id)


def set_partner_standing(
    session: Session, *, principal: Principal, org_id: str, state: str, now: datetime
) -> PartnerAccount:
    """Suspend a partner (it and its sub-partners can then only delete: provisioning and
    updates answer 403) or make it active again. Setting the standing it has changes nothing."""
    authorize(principal, Permission.OPERATE)
    before = accounts.set_partner_standing(session, org_id, state)
    if before is None:
        raise NotFound("partner")
    if before != state:
        audit.record(
            session,
            principal=principal,
            action=f"partner.{'suspend' if state == SUSPENDED else 'reactivate'}",
            target_type="organization",
            target_id=org_id,
            now=now,
            partner_org_id=org_id,
            owner_org_id=org_id,
            before={"status": before},
            after={"status": state},
        )
    return get_partner(session, principal=principal, org_id=org_id)


@dataclass(frozen=True)
class JobCount:
    """How many jobs of one kind wait, run and failed for good."""

    kind: str
    queued: int
    running: int
    failed: int


def job_counts(session: Session, *, principal: Principal) -> list[JobCount]:
    """The queue's health: for each kind with a waiting, running or failed job, how many."""
    authorize(principal, Permission.OPERATE)
    found = jobs.counts(session)
    return [
        JobCount(
            kind,
            found.get((kind, JobStatus.QUEUED), 0),
            found.get((kind, JobStatus.RUNNING), 0),
            found.get((kind, JobStatus.FAILED), 0),
        )
        for kind in sorted({kind for kind, _ in found})
    ]


def list_failed_jobs(
    session: Session, *, principal: Principal, kind: str | None, page: PageRequest
) -> list[Job]:
    """Jobs that failed for good, the latest first, with their error."""
    authorize(principal, Permission.OPERATE)
    return jobs.list_failed(session, kind=kind, offset=page.offset, limit=page.limit)


def get_job(session: Session, *, principal: Principal, job_id: int) -> Job:
    """One job, whatever its status."""
    authorize(principal, Permission.OPERATE)
    job = jobs.get(session, job_id)
    if job is None:
        raise NotFound("job")
    return job


def retry_job(session: Session, *, principal: Principal, job_id: int, now: datetime) -> Job:
    """Run a job that failed for good again, from its first attempt (409 for any other)."""
    authorize(principal, Permission.OPERATE)
    job = jobs.get(session, job_id, lock=True)
    if job is None:
        raise NotFound("job")
    if job.status != JobStatus.FAILED:
        raise InvalidState("jobId", f"the job is {job.status}, not failed", Codes.CONFLICT)
    before = {"status": job.status.value, "attempts": job.attempts}
    jobs.retry_failed(session, job)
    audit.record(
        session,
        principal=principal,
        action="job.retry",
        target_type="job",
        target_id=str(job.id),
        now=now,
        before=before,
        after={"status": job.status.value, "attempts": job.attempts, "kind": job.kind},
    )
    return job


def list_mail(
    session: Session,
    *,
    principal: Principal,
    to: str | None,
    kind: str | None,
    status: str | None,
    page: PageRequest,
) -> list[MailMessage]:
    """Every message of the outbox, newest first, by recipient, kind and status (one more
    than the page to detect the next)."""
    authorize(principal, Permission.OPERATE)
    return mail.list_outbox(
        session, scope=mail.OutboxScope.of(principal), page=page, to=to, kind=kind, status=status
    )


def get_mail(session: Session, *, principal: Principal, message_id: int) -> MailMessage:
    """One message of the outbox."""
    authorize(principal, Permission.OPERATE)
    found = mail.get_message(session, scope=mail.OutboxScope.of(principal), message_id=message_id)
    if found is None:
        raise NotFound("message")
    return found
