"""The partner portal's billing: billing reports (request one for a month or dates, follow its
status, download its CSV through the same signed link as the API's `tempDownloadURL`, delete
it), invoices (with their CSV) and the price book, through the billing services with the
signed-in user's `Actor`. A parent acting for a sub-partner requests and reads that
sub-partner's reports; invoices and the price book are a top-level partner's own, as in the API."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tukku.billing import invoices, reports
from tukku.billing.models import BillingReport
from tukku.billing.rules import Category, ReportStatus, ReportType
from tukku.billing.schemas import ReportCreate
from tukku.core.deps import ClockDep, DbSession, LinkSecret, SettingsDep
from tukku.core.errors import Code, Codes, DomainError, NotFound
from tukku.core.http import link_base_url
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.identity.rules import OrgKind
from tukku.portal.auth import PortalUser, PortalUserDep, check_csrf
from tukku.portal.forms import page_number, undo
from tukku.web.templating import templates

router = api_router(prefix="/portal/billing", include_in_schema=False)
FormField = Annotated[str, Form()]
PAGE_SIZE = 25
TYPES = [t.value for t in ReportType]
CATEGORIES = [c.value for c in Category]
FIELDS = ("month", "billingStartDate", "billingEndDate", "type", "category")
MONTH_ERROR = "Give a month as 2026-11."


def _context(user: PortalUser, **more: Any) -> dict[str, Any]:
    return {
        "user": user,
        "csrf": user.csrf,
        "nav": "billing",
        "invoicing": _invoices_shown(user),
        **more,
    }


def _invoices_shown(user: PortalUser) -> bool:
    """Invoices and the price book belong to a top-level partner acting for itself (the API's
    rule: sub-partners have none of their own)."""
    return user.principal.org_kind == OrgKind.PARTNER and user.acting is None


def _invoicing(user: PortalUser, what: str, code: Code) -> Actor:
    if not _invoices_shown(user):
        raise NotFound(what, code)
    return user.actor


@router.get("", response_class=HTMLResponse)
def billing_reports(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    secret: LinkSecret,
    user: PortalUserDep,
    page: str | None = None,
    requested: str | None = None,
) -> Response:
    """The billing reports of the organization acted for, by billing start date, 25 a page;
    each complete one with its signed download link."""
    actor = user.actor
    number = page_number(page)
    window = PageRequest(offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    rows = reports.list_(session, actor=actor, filters=reports.ReportFilters(), page=window)
    shown = rows[:PAGE_SIZE]

    def download(report: BillingReport) -> str | None:
        if report.status != ReportStatus.COMPLETED or not report.storage_key:
            return None
        return reports.download_url(
            report,
            base_url=link_base_url(request),
            secret=secret,
            now=clock.now(),
            seconds=settings.download_link_seconds,
        )

    context = _context(
        user,
        reports=[(r, download(r)) for r in shown],
        pending=any(r.status == ReportStatus.IN_PROGRESS for r in shown),
        requested=requested,
        may_write=actor.may(Permission.BILLING_WRITE),
        page=number,
        previous=f"/portal/billing?page={number - 1}" if number > 1 else None,
        next=f"/portal/billing?page={number + 1}" if len(rows) > PAGE_SIZE else None,
    )
    return templates.TemplateResponse(request, "portal/billing.html", context)


@router.get("/reports/new", response_class=HTMLResponse)
def new_report(request: Request, user: PortalUserDep) -> Response:
    """The request form: a month, or the first and last day."""
    user.actor.require(Permission.BILLING_WRITE)
    values = dict.fromkeys(FIELDS, "") | {"type": "PARTNER", "category": "RECONCILIATION"}
    return _report_form(request, user, values, {}, 200)


def _report_form(
    request: Request, user: PortalUser, values: dict[str, str], errors: dict[str, str], code: int
) -> HTMLResponse:
    context = _context(user, values=values, errors=errors, types=TYPES, categories=CATEGORIES)
    return templates.TemplateResponse(request, "portal/billing_report_new.html", context, code)


def _month_days(month: str) -> tuple[str, str] | None:
    """The first and last day of `YYYY-MM`; None for anything else."""
    year, dash, number = month.partition("-")
    if not (dash and year.isdigit() and number.isdigit() and len(year) == 4 and len(number) == 2):
        return None
    if not 1 <= int(number) <= 12:
        return None
    first = date(int(year), int(number), 1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first.isoformat(), last.isoformat()


@router.post("/reports/new", response_class=HTMLResponse)
def create_report(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    month: FormField = "",
    billing_start_date: Annotated[str, Form(alias="billingStartDate")] = "",
    billing_end_date: Annotated[str, Form(alias="billingEndDate")] = "",
    type_: Annotated[str, Form(alias="type")] = "PARTNER",
    category: FormField = "RECONCILIATION",
    csrf: FormField = "",
) -> Response:
    """Request the report (generated in the background); the form again, with the reasons next
    to the fields, when the API would refuse it."""
    check_csrf(request, csrf)
    values = dict(
        zip(
            FIELDS,
            (month, billing_start_date, billing_end_date, type_, category),
            strict=True,
        )
    )
    values = {k: v.strip() for k, v in values.items()}
    start, end = values["billingStartDate"], values["billingEndDate"]
    if values["month"]:
        days = _month_days(values["month"])
        if start or end:
            return _report_form(
                request, user, values, {"month": "Give a month or two dates, not both."}, 400
            )
        if days is None:
            return _report_form(request, user, values, {"month": MONTH_ERROR}, 400)
        start, end = days
    data = ReportCreate(
        billing_start_date=start,
        billing_end_date=end,
        type=values["type"],
        category=values["category"],
    )
    try:
        created = reports.create(session, actor=user.actor, data=data, now=clock.now())
    except DomainError as refused:
        undo(session)
        if refused.status == 403:
            raise
        errors: dict[str, str] = {}
        for problem in refused.problems:
            where = problem.field or "form"
            if values["month"] and where in ("billingStartDate", "billingEndDate"):
                where = "month"
            errors.setdefault(where, problem.description)
        return _report_form(request, user, values, errors, 400)
    return RedirectResponse(f"/portal/billing?requested={created.id}", status_code=303)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def billing_report(
    report_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    secret: LinkSecret,
    user: PortalUserDep,
) -> Response:
    """One report: its period, type, status, why it failed, and its download link."""
    actor = user.actor
    report = reports.get_or_404(session, actor=actor, report_id=report_id)
    link = None
    if report.status == ReportStatus.COMPLETED and report.storage_key:
        link = reports.download_url(
            report,
            base_url=link_base_url(request),
            secret=secret,
            now=clock.now(),
            seconds=settings.download_link_seconds,
        )
    context = _context(
        user,
        report=report,
        download=link,
        minutes=settings.download_link_seconds // 60,
        may_write=actor.may(Permission.BILLING_WRITE),
    )
    return templates.TemplateResponse(request, "portal/billing_report.html", context)


@router.post("/reports/{report_id}/delete")
def delete_report(
    report_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Delete the report; its download links stop working."""
    check_csrf(request, csrf)
    reports.delete(session, actor=user.actor, report_id=report_id, now=clock.now())
    return RedirectResponse("/portal/billing", status_code=303)


@router.get("/invoices", response_class=HTMLResponse)
def invoice_list(request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """The partner's invoices, newest month first (one a month: a page holds them all)."""
    actor = _invoicing(user, "invoice", Codes.INVOICE_NOT_FOUND)
    rows = [invoices.invoice_out(session, i) for i in invoices.list_invoices(session, actor=actor)]
    return templates.TemplateResponse(
        request, "portal/billing_invoices.html", _context(user, invoices=rows)
    )


@router.get("/invoices/{invoice_id}", response_class=HTMLResponse)
def invoice(invoice_id: str, request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """One invoice with its lines (quantity in user-days × monthly price)."""
    actor = _invoicing(user, "invoice", Codes.INVOICE_NOT_FOUND)
    found = invoices.get_invoice(session, actor=actor, invoice_id=invoice_id)
    context = _context(user, invoice=invoices.invoice_out(session, found))
    return templates.TemplateResponse(request, "portal/billing_invoice.html", context)


@router.get("/invoices/{invoice_id}/csv")
def invoice_csv(invoice_id: str, session: DbSession, user: PortalUserDep) -> Response:
    """One invoice as the API's CSV (one row per SKU, then the total)."""
    actor = _invoicing(user, "invoice", Codes.INVOICE_NOT_FOUND)
    found = invoices.get_invoice(session, actor=actor, invoice_id=invoice_id)
    return Response(
        invoices.invoice_csv(session, found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="invoice-{found.month:%Y-%m}.csv"'},
    )


@router.get("/price-book", response_class=HTMLResponse)
def price_book(
    request: Request, session: DbSession, clock: ClockDep, user: PortalUserDep
) -> Response:
    """The monthly prices in effect today, and every version (newest first)."""
    actor = _invoicing(user, "price book", Codes.PRICE_BOOK_NOT_FOUND)
    try:
        version = invoices.price_book_in_effect(session, actor=actor, on=clock.now().date())
        in_effect = invoices.price_book_out(session, version)
    except NotFound:
        in_effect = None
    shown = [invoices.price_book_out(session, v) for v in invoices.versions(session, actor=actor)]
    context = _context(user, in_effect=in_effect, versions=shown)
    return templates.TemplateResponse(request, "portal/billing_price_book.html", context)
