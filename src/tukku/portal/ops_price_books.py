"""The operator console's price books: each partner's prices in effect and every version,
and setting a month's prices (one field per SKU of the catalog), through the same billing
service as `PUT /v1/partner/priceBook`, acting for the partner the operator opened."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tukku.billing import invoices
from tukku.billing.schemas import PriceBookIn, PriceIn
from tukku.catalog.packages import catalog
from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import Codes, DomainError, NotFound
from tukku.core.routing import api_router
from tukku.identity import actor as actors
from tukku.identity.actor import Actor
from tukku.operations import service
from tukku.portal.auth import PortalUser, check_csrf
from tukku.portal.forms import page_number, undo
from tukku.portal.ops import OperatorDep, context, paged, window
from tukku.web.templating import templates

router = api_router(prefix="/portal/ops/price-books", include_in_schema=False)
PAGE_SIZE = 25


@router.get("", response_class=HTMLResponse)
def partners(
    request: Request, session: DbSession, user: OperatorDep, page: str | None = None
) -> Response:
    """Every partner, each leading to its price book."""
    number = page_number(page)
    rows = service.list_partners(
        session, principal=user.principal, status=None, name=None, page=window(number, PAGE_SIZE)
    )

    def link(to: int) -> str:
        return f"/portal/ops/price-books?{urlencode({'page': to})}"

    page_context = context(user, "ops-price-books", **paged(rows, number, PAGE_SIZE, link))
    return templates.TemplateResponse(request, "portal/ops_price_books.html", page_context)


def _acting(session: Session, user: PortalUser, partner_org_id: str) -> Actor:
    return actors.for_named_partner(
        session,
        user.principal,
        partner_org_id,
        what="price book",
        code=Codes.PRICE_BOOK_NOT_FOUND,
    )


def _page(
    request: Request,
    session: Session,
    user: PortalUser,
    partner_org_id: str,
    now: datetime,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    saved: bool = False,
) -> HTMLResponse:
    actor = _acting(session, user, partner_org_id)
    account = service.get_partner(session, principal=user.principal, org_id=partner_org_id)
    try:
        current = invoices.price_book_out(
            session, invoices.price_book_in_effect(session, actor=actor, on=now.date())
        )
    except NotFound:
        current = None
    versions = [
        invoices.price_book_out(session, v) for v in invoices.versions(session, actor=actor)
    ]
    prices = {f"price-{p.sku}": p.monthly_price for p in current.prices} if current else {}
    page_context = context(
        user,
        "ops-price-books",
        partner=account,
        current=current,
        versions=versions,
        packages=catalog().priced(),
        values=values
        or {"currency": current.currency if current else "", "effectiveFrom": "", **prices},
        errors=errors or {},
        saved=saved,
    )
    status = 400 if errors else 200
    return templates.TemplateResponse(request, "portal/ops_price_book.html", page_context, status)


@router.get("/{partner_org_id}", response_class=HTMLResponse)
def price_book(
    partner_org_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: OperatorDep,
    saved: str = "",
) -> Response:
    """A partner's prices in effect today, every version, and the form to set a month's."""
    return _page(request, session, user, partner_org_id, clock.now(), saved=bool(saved))


async def form_fields(request: Request) -> dict[str, str]:
    """The fields of a posted form (the price book's are one per SKU of the catalog)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/{partner_org_id}", response_class=HTMLResponse)
def set_prices(
    partner_org_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: OperatorDep,
    fields: Annotated[dict[str, str], Depends(form_fields)],
) -> Response:
    """Set the partner's prices from a month's first day on (SKUs left empty are not
    priced); the form again, with the reasons next to the fields, when the API would refuse."""
    check_csrf(request, fields.get("csrf"))
    skus = [p.sku for p in catalog().priced() if fields.get(f"price-{p.sku}", "").strip()]
    data = PriceBookIn(
        currency=fields.get("currency", "").strip(),
        effective_from=fields.get("effectiveFrom", "").strip() or None,
        prices=[PriceIn(sku=sku, monthly_price=fields[f"price-{sku}"].strip()) for sku in skus],
    )
    try:
        invoices.set_price_book(
            session, actor=_acting(session, user, partner_org_id), data=data, now=clock.now()
        )
    except DomainError as refused:
        undo(session)
        if refused.status in (403, 404):
            raise
        errors = {_field(p.field, skus): p.description for p in refused.problems}
        values = {k: v for k, v in fields.items() if k != "csrf"}
        return _page(
            request, session, user, partner_org_id, clock.now(), values=values, errors=errors
        )
    return RedirectResponse(f"/portal/ops/price-books/{partner_org_id}?saved=1", status_code=303)


def _field(name: str | None, skus: list[str]) -> str:
    """The form field a problem of the API's body names (`prices[2].monthlyPrice` is the
    third priced SKU's field)."""
    if name and name.startswith("prices["):
        index = int(name[len("prices[") : name.index("]")])
        return f"price-{skus[index]}"
    return name or "form"
