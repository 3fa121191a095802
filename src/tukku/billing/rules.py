"""Pure billing rules: days, shares of a day, report periods and columns, money.

Quantities are kept in micro user-days (1 user-day = 1,000,000) so that every sum is an exact
integer on every database; money is kept in micro currency units and rounded once, per line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from tukku.core.errors import Codes, Problem
from tukku.core.timefmt import parse_day

SECONDS_PER_DAY = 86_400
MICRO = 1_000_000
EPOCH = date(1970, 1, 1)
HISTORY_YEARS = 5


def day_number(day: date) -> int:
    """Days since 1970-01-01 (the integer the usage tables use for days)."""
    return (day - EPOCH).days


def day_of(number: int) -> date:
    """The calendar date of a day number."""
    return EPOCH + timedelta(days=number)


def day_start(number: int) -> datetime:
    """00:00:00 UTC of a day number."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=number)


def day_containing(moment: datetime) -> int:
    """The day number of the UTC day `moment` falls in."""
    return day_number(moment.astimezone(UTC).date())


def round_half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, ties to even (both ≥ 0)."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        return quotient + 1
    return quotient


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, ties away from zero (both ≥ 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


def day_share(seconds: int) -> int:
    """The billed quantity of one user-day, in micro user-days: the share of the day the
    package was held, to the second, rounded half-even to six decimals."""
    if not 0 <= seconds <= SECONDS_PER_DAY:
        raise ValueError(f"a day has no {seconds} seconds")
    return round_half_even(seconds * MICRO, SECONDS_PER_DAY)


@dataclass(frozen=True)
class Held:
    """One interval of a package held, in whole seconds (`end` None: still held)."""

    start: datetime
    end: datetime | None


def seconds_on_day(intervals: Iterable[Held], day: int) -> int:
    """How many seconds of the UTC day the package was held across `intervals` (which do not
    overlap each other: a holder has one interval of a package at a time)."""
    lower, upper = day_start(day), day_start(day + 1)
    total = 0
    for held in intervals:
        start = max(held.start, lower)
        end = upper if held.end is None else min(held.end, upper)
        if end > start:
            total += int((end - start).total_seconds())
    return min(total, SECONDS_PER_DAY)


def held_at(intervals: Iterable[Held], moment: datetime) -> bool:
    """Whether the package is held at the instant `moment`."""
    return any(h.start <= moment and (h.end is None or h.end > moment) for h in intervals)


def billed_from(first: int, billing_starts: Mapping[str, date]) -> dict[str, int]:
    """Sub-partner → the first day of a period starting on day `first` on which its customers
    are billed: its billing start date, when that is later than `first` (usage before a
    sub-partner's `billingStartDate` is recorded but never billed). Sub-partners absent from
    the answer are billed from `first`."""
    return {
        org_id: day_number(start)
        for org_id, start in billing_starts.items()
        if day_number(start) > first
    }


def quantity_text(micro: int) -> str:
    """A micro quantity as the CSV and JSON show it: a plain decimal, no trailing zeros."""
    value = (Decimal(micro) / MICRO).normalize()
    return f"{value:f}"


class ReportType(StrEnum):
    """The level a billing report aggregates at."""

    PARTNER = "PARTNER"
    CUSTOMER = "CUSTOMER"
    USER = "USER"


class Category(StrEnum):
    """Reconciliation (usage over a period) or point in time (allocations at one moment)."""

    RECONCILIATION = "RECONCILIATION"
    POINT_IN_TIME = "POINT_IN_TIME"


class ReportStatus(StrEnum):
    """Generation status of a report."""

    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


PARTNER_COLUMNS = ("PARTNER_NAME", "PARTNER_ORG_ID", "SUBSCRIPTION_ID")
CUSTOMER_COLUMNS = ("CUSTOMER_ORG_ID", "CUSTOMER_EXTERNAL_ID")
USER_COLUMNS = ("SUBSCRIBER_ID", "USER_ID", "WORKSPACE_ID", "LOCATION_ID")
SERVICE_COLUMNS = (
    "SERVICE_NAME",
    "SKU",
    "DESCRIPTION",
    "CONSUMPTION_START_DATE",
    "CONSUMPTION_END_DATE",
    "QUANTITY",
)


def columns(report_type: ReportType) -> tuple[str, ...]:
    """The CSV header of a report type: who, then which service, when, and how much."""
    who: tuple[str, ...] = PARTNER_COLUMNS
    if report_type in (ReportType.CUSTOMER, ReportType.USER):
        who += CUSTOMER_COLUMNS
    if report_type is ReportType.USER:
        who += USER_COLUMNS
    return who + SERVICE_COLUMNS


@dataclass(frozen=True)
class Period:
    """The inclusive days a report covers."""

    start: date
    end: date


def earliest_day(today: date) -> date:
    """The oldest day a report may cover: the same day five years ago (28 Feb for 29 Feb)."""
    try:
        return today.replace(year=today.year - HISTORY_YEARS)
    except ValueError:
        return today.replace(year=today.year - HISTORY_YEARS, day=28)


def check_period(start_text: str, end_text: str, today: date) -> Period | list[Problem]:
    """Dates `YYYY-MM-DD`, start ≤ end, within the last five years, never today or later."""
    problems: list[Problem] = []
    parsed: dict[str, date] = {}
    for name, text in (("billingStartDate", start_text), ("billingEndDate", end_text)):
        try:
            parsed[name] = parse_day(text)
        except ValueError:
            problems.append(Problem(Codes.REPORT_DATE_INVALID, f"{name}: must be YYYY-MM-DD", name))
    if problems:
        return problems
    start, end = parsed["billingStartDate"], parsed["billingEndDate"]
    if start > end:
        reason = "billingStartDate: must not be after billingEndDate"
        problems.append(Problem(Codes.REPORT_DATE_INVALID, reason, "billingStartDate"))
    if end >= today:
        reason = f"billingEndDate: must be before today ({today.isoformat()})"
        problems.append(Problem(Codes.REPORT_DATE_INVALID, reason, "billingEndDate"))
    if start < earliest_day(today):
        reason = f"billingStartDate: must be within the last {HISTORY_YEARS} years"
        problems.append(Problem(Codes.REPORT_DATE_INVALID, reason, "billingStartDate"))
    return problems or Period(start, end)


# Currencies whose minor unit is not the cent (ISO 4217).
MINOR_UNITS = {
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
    "CLP": 0,
    "ISK": 0,
    "JPY": 0,
    "KRW": 0,
    "PYG": 0,
    "UGX": 0,
    "VND": 0,
    "XAF": 0,
    "XOF": 0,
}


def minor_unit(currency: str) -> int:
    """Decimal places of a currency's smallest unit (2 unless ISO 4217 says otherwise)."""
    return MINOR_UNITS.get(currency, 2)


def days_in_month(month: date) -> int:
    """How many days the month of `month` has."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (following - month.replace(day=1)).days


def line_amount_minor(
    quantity_micro: int, monthly_price_micros: int, days: int, currency: str
) -> int:
    """An invoice line in the currency's minor units:

    quantity (user-days) × monthly price ÷ days in the month, computed exactly and rounded once,
    half up, to the minor unit (the cent for most currencies).
    """
    numerator = quantity_micro * monthly_price_micros * 10 ** minor_unit(currency)
    return round_half_up(numerator, days * MICRO * MICRO)


def one_time_amount_minor(quantity_micro: int, unit_price_micros: int, currency: str) -> int:
    """An invoice line of a one-time service in minor units: units × the price per unit,
    rounded once, half up, to the minor unit."""
    numerator = quantity_micro * unit_price_micros * 10 ** minor_unit(currency)
    return round_half_up(numerator, MICRO * MICRO)


def money_text(minor: int, currency: str) -> str:
    """An amount in minor units as a decimal string with the currency's decimal places."""
    places = minor_unit(currency)
    return f"{Decimal(minor).scaleb(-places):.{places}f}"


MAX_PRICE = Decimal("999999999.999999")  # keeps prices and invoice amounts within 64 bits


def price_micros(text: str) -> int | None:
    """A non-negative decimal price with at most six decimals, in micro units; None if not."""
    try:
        value = Decimal(text.strip())
        if not value.is_finite() or value < 0 or value > MAX_PRICE:
            return None
        if value != value.quantize(Decimal("0.000001")):
            return None
    except ArithmeticError:
        return None
    return int(value * MICRO)


def price_text(micros: int) -> str:
    """A micro price as a plain decimal with at least two decimals."""
    value = (Decimal(micros) / MICRO).normalize()
    return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else f"{value:f}"
