"""Price books and monthly invoices in arrears.

An invoice line is, per SKU, the month's quantity (the PARTNER report's, user-days) × the
monthly price ÷ the days of the month, computed exactly and rounded half up to the currency's
minor unit; the total is the sum of the lines. A one-time service (Setup Assist) is priced per
unit: its line is the units billed in the month × the price book's price for its SKU.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.audit import service as audit
from tukku.billing.generation import ReportSpec, totals
from tukku.billing.models import Invoice, InvoiceLine, PriceBookEntry, PriceBookVersion
from tukku.billing.rules import (
    Category,
    ReportType,
    day_number,
    days_in_month,
    line_amount_minor,
    money_text,
    one_time_amount_minor,
    price_micros,
    price_text,
    quantity_text,
)
from tukku.billing.schemas import (
    InvoiceLineOut,
    InvoiceOut,
    PriceBookIn,
    PriceBookOut,
    PriceOut,
)
from tukku.billing.usage import record_through
from tukku.catalog.packages import catalog
from tukku.core.csvsafe import text_cell
from tukku.core.db import Database
from tukku.core.errors import Codes, Conflict, NotFound, Problem, invalid_all
from tukku.core.ids import new_id
from tukku.core.timefmt import iso, parse_day
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission

CURRENCY = re.compile(r"[A-Z]{3}")
MONTH_START = re.compile(r"[0-9]{4}-[0-9]{2}-01")
# The highest monthly price (999,999,999.999999): prices, and the amounts of any realistic
# invoice, stay within the 64-bit integers they are stored in.
MAX_PRICE_MICROS = 10**15 - 1


def _sku_packages() -> dict[str, str]:
    return {p.sku: p.name for p in catalog().priced()}


def set_price_book(
    session: Session, *, actor: Actor, data: PriceBookIn, now: datetime
) -> PriceBookVersion:
    """Set the acting partner's prices from the first day of a month on (operators only).

    Setting the same month again replaces its prices. Prices never change for a month already
    invoiced: neither by replacing the version an invoice used nor by a new version taking
    effect in (or before) an invoiced month that it would cover.
    """
    actor.require(Permission.OPERATE)
    partner_org_id, by = actor.partner_org_id, actor.principal
    subscription = partners.subscription_of(session, partner_org_id)
    if subscription is None:
        raise NotFound("partner", field_name="partnerOrgId")
    problems: list[Problem] = []
    if not CURRENCY.fullmatch(data.currency):
        problems.append(Problem(Codes.CURRENCY_INVALID, "currency: must be like EUR", "currency"))
    effective = _effective_from(data.effective_from, now, problems)
    skus = _sku_packages()
    prices: dict[str, int] = {}
    for index, price in enumerate(data.prices):
        where = f"prices[{index}]"
        micros = _price(price.monthly_price)
        if price.sku not in skus:
            problems.append(
                Problem(Codes.SKU_UNKNOWN, f"{where}.sku: {price.sku!r} is unknown", f"{where}.sku")
            )
        elif price.sku in prices:
            problems.append(
                Problem(Codes.SKU_UNKNOWN, f"{where}.sku: {price.sku} twice", f"{where}.sku")
            )
        if micros is None:
            reason = (
                f"{where}.monthlyPrice: {price.monthly_price!r} is not a price"
                " (a decimal from 0 to 999999999.999999 with at most six places)"
            )
            problems.append(Problem(Codes.PRICE_INVALID, reason, f"{where}.monthlyPrice"))
        elif price.sku in skus:
            prices[price.sku] = micros
    if problems or effective is None:
        raise invalid_all(problems)
    _refuse_invoiced_months(session, partner_org_id, effective)
    version = session.scalars(
        select(PriceBookVersion).where(
            PriceBookVersion.partner_org_id == partner_org_id,
            PriceBookVersion.effective_from == effective,
        )
    ).first()
    before = None
    if version is not None:
        before = {
            "currency": version.currency,
            "effectiveFrom": effective.isoformat(),
            "prices": {
                entry.sku: price_text(entry.monthly_price_micros)
                for entry in session.scalars(
                    select(PriceBookEntry).where(PriceBookEntry.version_id == version.id)
                )
            },
        }
        session.execute(delete(PriceBookEntry).where(PriceBookEntry.version_id == version.id))
        version.currency, version.created_at, version.created_by = data.currency, now, by.user_id
    else:
        version = PriceBookVersion(
            partner_org_id=partner_org_id,
            subscription_id=subscription,
            currency=data.currency,
            effective_from=effective,
            created_at=now,
            created_by=by.user_id,
        )
        session.add(version)
        session.flush()
    session.add_all(
        PriceBookEntry(version_id=version.id, sku=sku, monthly_price_micros=micros)
        for sku, micros in prices.items()
    )
    session.flush()
    audit.record(
        session,
        principal=by,
        action="price_book.set",
        target_type="price_book",
        target_id=f"{partner_org_id}@{effective.isoformat()}",
        now=now,
        partner_org_id=partner_org_id,
        owner_org_id=partner_org_id,
        before=before,
        after={
            "currency": data.currency,
            "effectiveFrom": effective.isoformat(),
            "prices": {sku: price_text(m) for sku, m in prices.items()},
        },
    )
    return version


def _price(text: str) -> int | None:
    """A monthly price in micro units; None unless a decimal from 0 to 999999999.999999 with at
    most six places."""
    try:
        micros = price_micros(text)
    except ArithmeticError:  # more digits than exact decimal arithmetic holds, e.g. 1e30
        return None
    return micros if micros is not None and micros <= MAX_PRICE_MICROS else None


def _refuse_invoiced_months(session: Session, partner_org_id: str, effective: date) -> None:
    """409 if a version from `effective` on would cover a month already invoiced: the months
    from `effective` up to the next version's."""
    following = session.scalar(
        select(func.min(PriceBookVersion.effective_from)).where(
            PriceBookVersion.partner_org_id == partner_org_id,
            PriceBookVersion.effective_from > effective,
        )
    )
    invoiced = select(Invoice.month).where(
        Invoice.partner_org_id == partner_org_id, Invoice.month >= effective
    )
    if following is not None:
        invoiced = invoiced.where(Invoice.month < following)
    month = session.scalar(invoiced.order_by(Invoice.month).limit(1))
    if month is not None:
        reason = f"the invoice for {month:%Y-%m} used the prices in effect then"
        raise Conflict("effectiveFrom", reason, Codes.CONFLICT)


def _effective_from(text: str | None, now: datetime, problems: list[Problem]) -> date | None:
    if text is None:
        return now.date().replace(day=1)
    try:
        # parse_day alone would also take ISO week dates such as 2027-W05-1
        day = parse_day(text) if MONTH_START.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None or day.day != 1:
        reason = "effectiveFrom: must be the first day of a month, YYYY-MM-01"
        problems.append(Problem(Codes.EFFECTIVE_DATE_INVALID, reason, "effectiveFrom"))
        return None
    return day


def price_book_in_effect(session: Session, *, actor: Actor, on: date) -> PriceBookVersion:
    """The acting partner's price book version in effect on `on`; 404 when it has none."""
    actor.require(Permission.BILLING_READ)
    version = _version_in_effect(session, actor.partner_org_id, on)
    if version is None:
        raise NotFound("price book", Codes.PRICE_BOOK_NOT_FOUND)
    return version


def _version_in_effect(session: Session, partner_org_id: str, on: date) -> PriceBookVersion | None:
    """The price book version of a partner in effect on `on`."""
    return session.scalars(
        select(PriceBookVersion)
        .where(
            PriceBookVersion.partner_org_id == partner_org_id, PriceBookVersion.effective_from <= on
        )
        .order_by(PriceBookVersion.effective_from.desc())
        .limit(1)
    ).first()


def versions(session: Session, *, actor: Actor) -> list[PriceBookVersion]:
    """Every version of the acting partner's price book, newest first."""
    actor.require(Permission.BILLING_READ)
    return list(
        session.scalars(
            select(PriceBookVersion)
            .where(PriceBookVersion.partner_org_id == actor.partner_org_id)
            .order_by(PriceBookVersion.effective_from.desc())
        )
    )


def price_book_out(session: Session, version: PriceBookVersion) -> PriceBookOut:
    """The wire form of a version."""
    skus = _sku_packages()
    entries = session.scalars(
        select(PriceBookEntry)
        .where(PriceBookEntry.version_id == version.id)
        .order_by(PriceBookEntry.sku)
    )
    return PriceBookOut(
        partner_org_id=version.partner_org_id,
        subscription_id=version.subscription_id,
        currency=version.currency,
        effective_from=version.effective_from.isoformat(),
        created=iso(version.created_at),
        prices=[
            PriceOut(
                sku=e.sku,
                package=skus.get(e.sku, ""),
                monthly_price=price_text(e.monthly_price_micros),
            )
            for e in entries
        ],
    )


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def issue_due(db: Database, now: datetime) -> int:
    """Issue every invoice due by `now`: each complete month, for each partner with prices in
    effect on its first day, once. Each invoice commits on its own. Returns how many."""
    this_month = _month_start(now.date())
    with db.unit_of_work(write=False) as session:
        partner_ids = list(session.scalars(select(PriceBookVersion.partner_org_id).distinct()))
    issued = 0
    for partner_org_id in partner_ids:
        with db.unit_of_work(write=False) as session:
            month = _first_month_due(session, partner_org_id)
        while month is not None and month < this_month:
            record_through(db, day_number(_next_month(month)) - 1)
            with db.unit_of_work() as session:
                issued += _issue(session, partner_org_id, month, now)
            month = _next_month(month)
    return issued


def _first_month_due(session: Session, partner_org_id: str) -> date | None:
    """The first month that may still need an invoice: after the latest one issued, and never
    before the partner's subscription or its first prices."""
    first_prices = session.scalar(
        select(func.min(PriceBookVersion.effective_from)).where(
            PriceBookVersion.partner_org_id == partner_org_id
        )
    )
    latest = session.scalar(
        select(func.max(Invoice.month)).where(Invoice.partner_org_id == partner_org_id)
    )
    opened = partners.subscription_started(session, partner_org_id)
    if first_prices is None or opened is None:
        return None
    candidates = [first_prices, _month_start(opened.date())]
    if latest is not None:
        candidates.append(_next_month(latest))
    return max(candidates)


def _issue(session: Session, partner_org_id: str, month: date, now: datetime) -> int:
    already = session.scalar(
        select(Invoice.id).where(Invoice.partner_org_id == partner_org_id, Invoice.month == month)
    )
    version = _version_in_effect(session, partner_org_id, month)
    org = identity.get_org_unscoped(session, partner_org_id)
    if already is not None or version is None or org is None:
        return 0
    prices = {
        e.sku: e.monthly_price_micros
        for e in session.scalars(
            select(PriceBookEntry).where(PriceBookEntry.version_id == version.id)
        )
    }
    spec = ReportSpec(
        id="invoice",
        report_type=ReportType.PARTNER,
        category=Category.RECONCILIATION,
        start=month,
        end=_next_month(month) - timedelta(days=1),
        internal=False,
        partner_org_id=partner_org_id,
        sub_partner_org_id=None,
        partner_name=org.name,
        partner_shown_id=partner_org_id,
        subscription_id=version.subscription_id,
    )
    invoice = Invoice(
        id=new_id("INVOICE"),
        partner_org_id=partner_org_id,
        subscription_id=version.subscription_id,
        month=month,
        currency=version.currency,
        price_book_version_id=version.id,
        total_minor=0,
        issued_at=now,
    )
    session.add(invoice)
    session.flush()
    days = days_in_month(month)
    for package, sku, quantity in totals(session, spec):
        price = prices.get(sku, 0)
        if catalog().is_one_time(package):
            amount = one_time_amount_minor(quantity, price, version.currency)
        else:
            amount = line_amount_minor(quantity, price, days, version.currency)
        session.add(
            InvoiceLine(
                invoice_id=invoice.id,
                sku=sku,
                package=package,
                quantity_micro=quantity,
                monthly_price_micros=price,
                amount_minor=amount,
            )
        )
        invoice.total_minor += amount
    session.flush()
    audit.record(
        session,
        action="invoice.issue",
        target_type="invoice",
        target_id=invoice.id,
        now=now,
        partner_org_id=partner_org_id,
        owner_org_id=partner_org_id,
        after={
            "month": month.isoformat(),
            "currency": invoice.currency,
            "total": money_text(invoice.total_minor, invoice.currency),
        },
    )
    return 1


def list_invoices(session: Session, *, actor: Actor, month: date | None = None) -> list[Invoice]:
    """The acting partner's invoices, newest month first."""
    actor.require(Permission.BILLING_READ)
    query = select(Invoice).where(Invoice.partner_org_id == actor.partner_org_id)
    if month is not None:
        query = query.where(Invoice.month == month)
    return list(session.scalars(query.order_by(Invoice.month.desc())))


def get_invoice(session: Session, *, actor: Actor, invoice_id: str) -> Invoice:
    """One of the acting partner's invoices; 404 for anyone else's."""
    actor.require(Permission.BILLING_READ)
    invoice = session.scalars(
        select(Invoice).where(
            Invoice.id == invoice_id, Invoice.partner_org_id == actor.partner_org_id
        )
    ).first()
    if invoice is None:
        raise NotFound("invoice", Codes.INVOICE_NOT_FOUND)
    return invoice


def _lines(session: Session, invoice: Invoice) -> list[InvoiceLine]:
    return list(
        session.scalars(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == invoice.id)
            .order_by(InvoiceLine.sku)
        )
    )


def invoice_out(session: Session, invoice: Invoice) -> InvoiceOut:
    """The wire form of an invoice."""
    lines = []
    for line in _lines(session, invoice):
        lines.append(
            InvoiceLineOut(
                sku=line.sku,
                service_name=line.package.upper(),
                description=catalog().description_of(line.package) or "",
                quantity=quantity_text(line.quantity_micro),
                monthly_price=price_text(line.monthly_price_micros),
                amount=money_text(line.amount_minor, invoice.currency),
            )
        )
    return InvoiceOut(
        id=invoice.id,
        partner_org_id=invoice.partner_org_id,
        subscription_id=invoice.subscription_id,
        month=invoice.month.strftime("%Y-%m"),
        currency=invoice.currency,
        issued=iso(invoice.issued_at),
        lines=lines,
        total=money_text(invoice.total_minor, invoice.currency),
    )


def invoice_csv(session: Session, invoice: Invoice) -> str:
    """The invoice as CSV: one row per SKU, then the total."""
    return csv_of(invoice_out(session, invoice))


def csv_of(out: InvoiceOut) -> str:
    """An invoice's CSV: text columns through `text_cell`; the month and the numbers as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "MONTH",
            "SKU",
            "SERVICE_NAME",
            "DESCRIPTION",
            "QUANTITY",
            "MONTHLY_PRICE",
            "CURRENCY",
            "AMOUNT",
        ]
    )
    currency = text_cell(out.currency)
    for line in out.lines:
        writer.writerow(
            [
                out.month,
                text_cell(line.sku),
                text_cell(line.service_name),
                text_cell(line.description),
                line.quantity,
                line.monthly_price,
                currency,
                line.amount,
            ]
        )
    writer.writerow([out.month, "", "TOTAL", "", "", "", currency, out.total])
    return buffer.getvalue()
