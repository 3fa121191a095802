"""The operator console's job queue: how many jobs of each kind wait, run and failed for good,
the failed ones with their error, and retrying one, through the operations service."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tukku.core.deps import ClockDep, DbSession
from tukku.core.routing import api_router
from tukku.operations import service
from tukku.portal.auth import check_csrf
from tukku.portal.forms import page_number
from tukku.portal.ops import OperatorDep, context, paged, window
from tukku.web.templating import templates

router = api_router(prefix="/portal/ops/jobs", include_in_schema=False)
PAGE_SIZE = 25


@router.get("", response_class=HTMLResponse)
def jobs(
    request: Request,
    session: DbSession,
    user: OperatorDep,
    page: str | None = None,
    retried: str = "",
) -> Response:
    """The queue's health, and the failed jobs, the latest failure first, 25 a page."""
    number = page_number(page)
    counts = service.job_counts(session, principal=user.principal)
    rows = service.list_failed_jobs(
        session, principal=user.principal, kind=None, page=window(number, PAGE_SIZE)
    )

    def link(to: int) -> str:
        return f"/portal/ops/jobs?{urlencode({'page': to})}"

    page_context = context(
        user,
        "ops-jobs",
        counts=counts,
        retried=retried if retried.isdigit() else "",
        **paged(rows, number, PAGE_SIZE, link),
    )
    return templates.TemplateResponse(request, "portal/ops_jobs.html", page_context)


@router.post("/{job_id}/retry")
def retry(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: OperatorDep,
    job_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Put a failed job back on the queue, its attempts counted from zero."""
    check_csrf(request, csrf)
    service.retry_job(session, principal=user.principal, job_id=job_id, now=clock.now())
    return RedirectResponse(f"/portal/ops/jobs?retried={job_id}", status_code=303)
