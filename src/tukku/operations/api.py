"""Operator routes for running the platform: partners (`/v1/ops/partners`), the job queue
(`/v1/ops/jobs`), the mail outbox (`/v1/ops/mail`) and the health summary (`/v1/ops/health`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response
from sqlalchemy.orm import Session

from tukku.accounts import staff
from tukku.accounts.service import ACTIVE, SUSPENDED, PartnerAccount
from tukku.core.db import Database
from tukku.core.deps import (
    ClockDep,
    DbSession,
    MaxParam,
    OffsetParam,
    SettingsDep,
    WallClockDep,
)
from tukku.core.http import base_url, link_base_url, trim_page
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.core.timefmt import iso, iso_or_none
from tukku.identity.deps import requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope
from tukku.jobs.models import Job
from tukku.mail.models import MailMessage
from tukku.operations import health, service
from tukku.operations.schemas import (
    BacklogHealthOut,
    DatabaseHealthOut,
    HealthOut,
    JobCountOut,
    JobCountsOut,
    JobOut,
    JobPage,
    JobQueueHealthOut,
    MailOut,
    MailPage,
    PartnerCreate,
    PartnerDetailOut,
    PartnerOut,
    PartnerPage,
)

partners_router = api_router(prefix="/v1/ops/partners", tags=["Operations"])
jobs_router = api_router(prefix="/v1/ops/jobs", tags=["Operations"])
mail_router = api_router(prefix="/v1/ops/mail", tags=["Operations"])
health_router = api_router(prefix="/v1/ops/health", tags=["Operations"])
Operator = Annotated[Principal, Depends(requires(Scope.OPS))]
# Row IDs of the queue and the outbox: 64-bit integers.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _partner_out(account: PartnerAccount) -> PartnerOut:
    return PartnerOut(
        org_id=account.org_id,
        name=account.name,
        subscription_id=account.subscription_id,
        status=account.status,
        created=iso(account.created_at),
    )


def _partner_detail(
    session: Session, operator: Principal, account: PartnerAccount
) -> PartnerDetailOut:
    admins = service.partner_admins(session, principal=operator, org_id=account.org_id)
    return PartnerDetailOut(
        **_partner_out(account).model_dump(), admin_emails=[u.email for u in admins]
    )


@partners_router.post(
    "", status_code=201, response_model=PartnerDetailOut, summary="Set up a partner"
)
def create_partner(
    body: PartnerCreate,
    request: Request,
    response: Response,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    operator: Operator,
) -> PartnerDetailOut:
    """A partner with its wholesale subscription and default onboarding template; its first
    administrator gets an e-mail with a link to choose a password (409 when the address is
    in use)."""
    invitation = staff.invitation_from(link_base_url(request), settings)
    account = service.create_partner(
        session,
        principal=operator,
        name=body.name,
        admin_email=body.admin_email,
        admin_first_name=body.admin_first_name,
        admin_last_name=body.admin_last_name,
        invitation=invitation,
        now=clock.now(),
    )
    response.headers["Location"] = f"{base_url(request)}/v1/ops/partners/{account.org_id}"
    return _partner_detail(session, operator, account)


@partners_router.get("", response_model=PartnerPage, summary="List partners")
def list_partners(
    request: Request,
    response: Response,
    session: DbSession,
    operator: Operator,
    status: Annotated[
        str | None, Query(pattern=f"^({ACTIVE}|{SUSPENDED})$", description="active, suspended")
    ] = None,
    name: Annotated[
        str | None, Query(max_length=255, description="Part of the name, any case.")
    ] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> PartnerPage:
    """Every top-level partner, oldest first."""
    page = page_request(offset, max_, default=100, cap=1000)
    rows = service.list_partners(session, principal=operator, status=status, name=name, page=page)
    return PartnerPage(items=[_partner_out(a) for a in trim_page(request, response, rows, page)])


@partners_router.get("/{org_id}", response_model=PartnerDetailOut, summary="Get a partner")
def get_partner(org_id: str, session: DbSession, operator: Operator) -> PartnerDetailOut:
    """A partner, its standing and its administrators."""
    account = service.get_partner(session, principal=operator, org_id=org_id)
    return _partner_detail(session, operator, account)


@partners_router.post(
    "/{org_id}/suspend", response_model=PartnerDetailOut, summary="Suspend a partner"
)
def suspend_partner(
    org_id: str, session: DbSession, clock: ClockDep, operator: Operator
) -> PartnerDetailOut:
    """The partner and its sub-partners can then only read and delete: provisioning and
    updates answer 403 (code 1023)."""
    account = service.set_partner_standing(
        session, principal=operator, org_id=org_id, state=SUSPENDED, now=clock.now()
    )
    return _partner_detail(session, operator, account)


@partners_router.post(
    "/{org_id}/reactivate", response_model=PartnerDetailOut, summary="Reactivate a partner"
)
def reactivate_partner(
    org_id: str, session: DbSession, clock: ClockDep, operator: Operator
) -> PartnerDetailOut:
    """The partner may provision and update again."""
    account = service.set_partner_standing(
        session, principal=operator, org_id=org_id, state=ACTIVE, now=clock.now()
    )
    return _partner_detail(session, operator, account)


def job_out(job: Job) -> JobOut:
    """The wire form of a job."""
    return JobOut(
        id=job.id,
        kind=job.kind,
        status=job.status.value,
        payload=job.payload,
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        error=job.last_error,
        created=iso(job.created_at),
        finished=iso_or_none(job.finished_at),
        tracking_id=job.tracking_id,
    )


@jobs_router.get("", response_model=JobCountsOut, summary="The job queue's health")
def job_counts(session: DbSession, operator: Operator) -> JobCountsOut:
    """For each kind of job, how many wait, run, and failed for good."""
    counts = service.job_counts(session, principal=operator)
    return JobCountsOut(
        items=[
            JobCountOut(kind=c.kind, queued=c.queued, running=c.running, failed=c.failed)
            for c in counts
        ]
    )


@jobs_router.get("/failed", response_model=JobPage, summary="Jobs that failed for good")
def failed_jobs(
    request: Request,
    response: Response,
    session: DbSession,
    operator: Operator,
    kind: Annotated[str | None, Query(max_length=100, description="Only this kind.")] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> JobPage:
    """Failed jobs, the latest failure first, each with its last error."""
    page = page_request(offset, max_, default=50, cap=500)
    rows = service.list_failed_jobs(session, principal=operator, kind=kind, page=page)
    return JobPage(items=[job_out(j) for j in trim_page(request, response, rows, page)])


@jobs_router.get("/{job_id}", response_model=JobOut, summary="Get a job")
def get_job(job_id: RowId, session: DbSession, operator: Operator) -> JobOut:
    """One job, whatever its status."""
    return job_out(service.get_job(session, principal=operator, job_id=job_id))


@jobs_router.post("/{job_id}/retry", response_model=JobOut, summary="Retry a failed job")
def retry_job(job_id: RowId, session: DbSession, clock: ClockDep, operator: Operator) -> JobOut:
    """Put a job that failed for good back on the queue, its attempts counted from zero
    (409 for a job that did not fail)."""
    return job_out(service.retry_job(session, principal=operator, job_id=job_id, now=clock.now()))


def mail_out(message: MailMessage) -> MailOut:
    """The wire form of a message."""
    return MailOut(
        id=message.id,
        kind=message.kind,
        to=message.to_address,
        subject=message.subject,
        body=message.body,
        status=message.status,
        created=iso(message.created_at),
        sent=iso_or_none(message.sent_at),
        error=message.last_error,
        partner_org_id=message.partner_org_id,
        owner_org_id=message.owner_org_id,
        customer_org_id=message.customer_org_id,
    )


@mail_router.get("", response_model=MailPage, summary="Read the mail outbox")
def list_mail(
    request: Request,
    response: Response,
    session: DbSession,
    operator: Operator,
    to: Annotated[str | None, Query(max_length=320, description="Only to this address.")] = None,
    kind: Annotated[
        str | None, Query(max_length=40, description="invitation, password, welcome, ...")
    ] = None,
    status: Annotated[
        str | None,
        Query(pattern="^(queued|sent|held|failed)$", description="queued, sent, held, failed"),
    ] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> MailPage:
    """Every tenant's messages, newest first; without an SMTP server they are `held` here."""
    page = page_request(offset, max_, default=50, cap=500)
    rows = service.list_mail(
        session, principal=operator, to=to, kind=kind, status=status, page=page
    )
    return MailPage(items=[mail_out(m) for m in trim_page(request, response, rows, page)])


@mail_router.get("/{message_id}", response_model=MailOut, summary="Read one message")
def get_mail(message_id: RowId, session: DbSession, operator: Operator) -> MailOut:
    """One message, as it was (or would have been) sent."""
    return mail_out(service.get_mail(session, principal=operator, message_id=message_id))


@health_router.get("", response_model=HealthOut, summary="The platform's health")
def get_health(
    request: Request,
    clock: ClockDep,
    wall_clock: WallClockDep,
    settings: SettingsDep,
    operator: Operator,
) -> HealthOut:
    """The database, the job queue and the outboxes' backlogs, and `degraded` with the reasons
    when a figure passes its `TUKKU_HEALTH_*` threshold."""
    db: Database = request.app.state.db
    found = health.check(
        db,
        principal=operator,
        now=clock.now(),
        real=wall_clock.now(),
        limits=health.Thresholds.of(settings),
    )
    queue = found.jobs
    return HealthOut(
        status=found.status,
        reasons=found.reasons,
        database=DatabaseHealthOut(ok=found.database_ok, latency_ms=found.database_ms),
        jobs=None
        if queue is None
        else JobQueueHealthOut(
            queued=queue.queued,
            running=queue.running,
            failed=queue.failed,
            oldest_wait_seconds=queue.oldest_wait_seconds,
            expired_leases=queue.expired_leases,
            failed_last_day=queue.failed_last_day,
        ),
        backlogs={
            name: BacklogHealthOut(
                waiting=b.waiting, failed=b.failed, oldest_wait_seconds=b.oldest_wait_seconds
            )
            for name, b in found.backlogs.items()
        },
    )
