"""Routes of billing: wire-compatible reports, their download links, price books and invoices."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from tukku.billing import invoices, reports
from tukku.billing.models import BillingReport
from tukku.billing.rules import ReportStatus, ReportType
from tukku.billing.schemas import (
    InvoiceOut,
    InvoicePage,
    PriceBookIn,
    PriceBookOut,
    PriceBookPage,
    ReportCreate,
    ReportIdOut,
    ReportOut,
    ReportPage,
)
from tukku.billing.storage import storage_from_settings
from tukku.core.deps import (
    ClockDep,
    DbSession,
    LinkSecret,
    MaxParam,
    OffsetParam,
    SettingsDep,
)
from tukku.core.errors import Codes, Forbidden, Invalid, NotFound
from tukku.core.http import link_base_url, trim_page
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.core.timefmt import parse_day
from tukku.identity import actor as actors
from tukku.identity.actor import Actor
from tukku.identity.deps import acting, authenticate, requires
from tukku.identity.principal import Principal
from tukku.identity.rules import OrgKind, Scope

router = api_router(prefix="/v1/wholesale/billing/reports", tags=["Wholesale billing reports"])
downloads_router = api_router(prefix="/v1/billing/downloads", tags=["Wholesale billing reports"])
partner_router = api_router(prefix="/v1/partner", tags=["Price books and invoices"])
Reader = Annotated[Actor, Depends(acting(Scope.BILLING_READ))]
Writer = Annotated[Actor, Depends(acting(Scope.BILLING_WRITE))]
Caller = Annotated[Principal, Depends(authenticate)]


def _out(
    request: Request, report: BillingReport, secret: str, clock: ClockDep, seconds: int
) -> ReportOut:
    link = None
    if report.status == ReportStatus.COMPLETED and report.storage_key:
        link = reports.download_url(
            report, base_url=link_base_url(request), secret=secret, now=clock.now(), seconds=seconds
        )
    return reports.to_out(report, link)


def _day(name: str, value: str | None) -> object:
    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError:
        raise Invalid(name, "must be YYYY-MM-DD", Codes.INVALID_QUERY) from None


def _one_of(name: str, value: str | None, allowed: list[str]) -> str | None:
    if value is not None and value not in allowed:
        raise Invalid(name, f"must be one of {', '.join(allowed)}", Codes.INVALID_QUERY)
    return value


@router.post("", response_model=ReportIdOut, summary="Create a billing report")
def create_report(
    body: ReportCreate,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> ReportIdOut:
    """Accept a report request (200); generation runs in the background: poll GET."""
    report = reports.create(session, actor=actor, data=body, now=clock.now())
    return ReportIdOut(
        id=report.id,
        billing_start_date=report.billing_start.isoformat(),
        billing_end_date=report.billing_end.isoformat(),
        type=report.report_type,
        category=report.category,
    )


@router.get("", response_model=ReportPage, response_model_exclude_none=True, summary="List reports")
def list_reports(
    request: Request,
    response: Response,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    secret: LinkSecret,
    actor: Reader,
    billing_start_date: Annotated[str | None, Query(alias="billingStartDate")] = None,
    billing_end_date: Annotated[str | None, Query(alias="billingEndDate")] = None,
    type_: Annotated[str | None, Query(alias="type")] = None,
    status: str | None = None,
    sort_by: Annotated[str | None, Query(alias="sortBy")] = None,
    sub_partner_org_id: Annotated[str | None, Query(alias="subPartnerOrgId")] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> ReportPage:
    """The caller's reports; every filter matches exactly. At most 100 per page."""
    page = page_request(offset, max_, default=100, cap=100)
    filters = reports.ReportFilters(
        billing_start=_day("billingStartDate", billing_start_date),
        billing_end=_day("billingEndDate", billing_end_date),
        report_type=_one_of("type", type_, [t.value for t in ReportType]),
        status=_one_of("status", status, [s.value for s in ReportStatus]),
        sub_partner_org_id=sub_partner_org_id,
        sort_by=_one_of("sortBy", sort_by, list(reports.SORTABLE)) or "billingStartDate",
    )
    rows = trim_page(
        request, response, reports.list_(session, actor=actor, filters=filters, page=page), page
    )
    seconds = settings.download_link_seconds
    return ReportPage(items=[_out(request, r, secret, clock, seconds) for r in rows])


@router.get(
    "/{report_id}",
    response_model=ReportOut,
    response_model_exclude_none=True,
    summary="Get a report",
)
def get_report(
    report_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    secret: LinkSecret,
    actor: Reader,
) -> ReportOut:
    """One report; when complete, `tempDownloadURL` serves its CSV for 30 minutes."""
    report = reports.get_or_404(session, actor=actor, report_id=report_id)
    return _out(request, report, secret, clock, settings.download_link_seconds)


@router.delete("/{report_id}", status_code=204, summary="Delete a report")
def delete_report(
    report_id: str,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> Response:
    """Delete a report and its file; its download links stop working."""
    reports.delete(session, actor=actor, report_id=report_id, now=clock.now())
    return Response(status_code=204)


@downloads_router.get("/{token}", summary="Download a report (signed link, no token needed)")
def download(
    token: str, session: DbSession, clock: ClockDep, settings: SettingsDep, secret: LinkSecret
) -> StreamingResponse:
    """Stream a report's CSV to whoever holds an unexpired link."""
    report, key = reports.resolve_download(session, token=token, secret=secret, now=clock.now())
    chunks = storage_from_settings(settings).read(key)
    try:
        first = next(chunks, b"")
    except FileNotFoundError:
        raise NotFound("billing report file", Codes.REPORT_NOT_FOUND) from None
    name = f"{report.report_type.lower()}-{report.billing_start}-{report.billing_end}.csv"

    def body() -> object:
        yield first
        yield from chunks

    return StreamingResponse(
        body(),  # type: ignore[arg-type]
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _partner_of(
    session: Session, principal: Principal, partner_org_id: str | None, scope: Scope
) -> Actor:
    """Who acts on a price book or invoices: an operator for the partner it names, a partner
    for itself (sub-partners have no price book of their own)."""
    if Scope.OPS.value in principal.scopes:
        if not partner_org_id:
            raise Invalid("partnerOrgId", "operators name the partner", Codes.MISSING_FIELD)
        return actors.for_named_partner(
            session, principal, partner_org_id, what="price book", code=Codes.PRICE_BOOK_NOT_FOUND
        )
    if scope.value not in principal.scopes:
        raise Forbidden(f"the token lacks scope {scope.value}", Codes.MISSING_SCOPE)
    if principal.org_kind != OrgKind.PARTNER or partner_org_id not in (None, principal.org_id):
        raise NotFound("price book", Codes.PRICE_BOOK_NOT_FOUND)
    return actors.own(principal)


PartnerOrgId = Annotated[
    str | None, Query(alias="partnerOrgId", description="Operators: which partner.")
]


@partner_router.get("/priceBook", response_model=PriceBookOut, summary="The price book in effect")
def get_price_book(
    session: DbSession, clock: ClockDep, principal: Caller, partner_org_id: PartnerOrgId = None
) -> PriceBookOut:
    """The prices in effect today (partners read theirs; operators any partner's)."""
    actor = _partner_of(session, principal, partner_org_id, Scope.BILLING_READ)
    version = invoices.price_book_in_effect(session, actor=actor, on=clock.now().date())
    return invoices.price_book_out(session, version)


@partner_router.get(
    "/priceBook/versions", response_model=PriceBookPage, summary="Every price book version"
)
def list_price_books(
    session: DbSession, principal: Caller, partner_org_id: PartnerOrgId = None
) -> PriceBookPage:
    """Every version, newest first, including ones taking effect later."""
    actor = _partner_of(session, principal, partner_org_id, Scope.BILLING_READ)
    found = invoices.versions(session, actor=actor)
    return PriceBookPage(items=[invoices.price_book_out(session, v) for v in found])


@partner_router.put("/priceBook", response_model=PriceBookOut, summary="Set prices (operators)")
def put_price_book(
    body: PriceBookIn,
    session: DbSession,
    clock: ClockDep,
    principal: Annotated[Principal, Depends(requires(Scope.OPS))],
    partner_org_id: PartnerOrgId = None,
) -> PriceBookOut:
    """Set a partner's monthly price per SKU and its currency, from a month's first day on."""
    actor = _partner_of(session, principal, partner_org_id, Scope.OPS)
    version = invoices.set_price_book(session, actor=actor, data=body, now=clock.now())
    return invoices.price_book_out(session, version)


@partner_router.get("/invoices", response_model=InvoicePage, summary="List invoices")
def list_invoices(
    session: DbSession,
    principal: Caller,
    partner_org_id: PartnerOrgId = None,
    month: Annotated[str | None, Query(description="YYYY-MM")] = None,
) -> InvoicePage:
    """Invoices, newest month first."""
    actor = _partner_of(session, principal, partner_org_id, Scope.BILLING_READ)
    wanted = _day("month", f"{month}-01") if month else None
    rows = invoices.list_invoices(session, actor=actor, month=wanted)  # type: ignore[arg-type]
    return InvoicePage(items=[invoices.invoice_out(session, i) for i in rows])


@partner_router.get("/invoices/{invoice_id}", response_model=InvoiceOut, summary="Get an invoice")
def get_invoice(
    invoice_id: str, session: DbSession, principal: Caller, partner_org_id: PartnerOrgId = None
) -> InvoiceOut:
    """One invoice with its lines."""
    actor = _partner_of(session, principal, partner_org_id, Scope.BILLING_READ)
    invoice = invoices.get_invoice(session, actor=actor, invoice_id=invoice_id)
    return invoices.invoice_out(session, invoice)


@partner_router.get("/invoices/{invoice_id}/csv", summary="Get an invoice as CSV")
def get_invoice_csv(
    invoice_id: str, session: DbSession, principal: Caller, partner_org_id: PartnerOrgId = None
) -> Response:
    """One invoice as CSV (one row per SKU, then the total)."""
    actor = _partner_of(session, principal, partner_org_id, Scope.BILLING_READ)
    invoice = invoices.get_invoice(session, actor=actor, invoice_id=invoice_id)
    return Response(invoices.invoice_csv(session, invoice), media_type="text/csv; charset=utf-8")
