"""The pure billing rules: shares of a day, held time, report periods, columns and money.

Expected values come from hand computation, `decimal` and the standard library's calendar, never
from tukku's own arithmetic.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.billing.test_oracle import Held as OracleHeld
from tests.billing.test_oracle import held_seconds
from tukku.billing.rules import (
    Held,
    Period,
    ReportType,
    billed_from,
    check_period,
    columns,
    day_number,
    day_share,
    days_in_month,
    held_at,
    line_amount_minor,
    price_micros,
    price_text,
    quantity_text,
    seconds_on_day,
)
from tukku.core.errors import Codes, Problem

DAY = 86_400


def exact_round(numerator: Decimal, mode: str) -> int:
    """numerator rounded to an integer with `decimal` at ample precision."""
    with localcontext() as context:
        context.prec = 100
        return int(numerator.quantize(Decimal(1), rounding=mode))


def micro_of_seconds(seconds: int) -> Decimal:
    with localcontext() as context:
        context.prec = 100
        return Decimal(seconds) * 1_000_000 / DAY


# -- shares of a day --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "micro"),
    [
        (0, 0),
        (1, 12),
        (60, 694),
        (3600, 41667),
        (43_200, 500_000),
        (86_399, 999_988),
        (DAY, 1_000_000),
    ],
)
def test_day_share_of_known_seconds(seconds: int, micro: int) -> None:
    assert day_share(seconds) == micro


@pytest.mark.parametrize("seconds", [-1, DAY + 1])
def test_a_day_has_no_more_than_86400_seconds(seconds: int) -> None:
    with pytest.raises(ValueError, match="a day has no"):
        day_share(seconds)


# 86400 = 2^7·3^3·5^2, so s·10^6/86400 = s·625/54 ends in exactly .5 when s ≡ 27 (mod 54).
TIES = [s for s in range(DAY + 1) if (s * 1_000_000) % DAY == DAY // 2]


def test_ties_exist_and_go_to_the_even_micro() -> None:
    assert TIES[:3] == [27, 81, 135]
    assert len(TIES) == 1600
    assert day_share(27) == 312  # 312.5 → 312
    assert day_share(81) == 938  # 937.5 → 938
    assert day_share(135) == 1562  # 1562.5 → 1562


@given(st.sampled_from(TIES))
def test_day_share_of_ties_is_half_even(seconds: int) -> None:
    micro = micro_of_seconds(seconds)
    assert micro % 1 == Decimal("0.5")
    assert day_share(seconds) == exact_round(micro, ROUND_HALF_EVEN)
    assert day_share(seconds) % 2 == 0


@given(st.integers(0, DAY))
def test_day_share_is_half_even_micro_user_days(seconds: int) -> None:
    assert day_share(seconds) == exact_round(micro_of_seconds(seconds), ROUND_HALF_EVEN)


# -- held time --------------------------------------------------------------------------------

MIDNIGHT = datetime(2027, 3, 10, tzinfo=UTC)
DAY_NUMBER = day_number(MIDNIGHT.date())


def at(seconds: int) -> datetime:
    """So many seconds after 2027-03-10 00:00 UTC (negative: before)."""
    return MIDNIGHT + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("intervals", "seconds"),
    [
        ([], 0),
        ([Held(at(-5), None)], DAY),
        ([Held(at(-5), at(DAY + 5))], DAY),
        ([Held(at(49_632), None)], DAY - 49_632),
        ([Held(at(-DAY), at(0))], 0),  # ends at the midnight the day starts
        ([Held(at(DAY), None)], 0),  # starts at the midnight after
        ([Held(at(DAY - 1), None)], 1),
        ([Held(at(-3), at(41))], 41),
        ([Held(at(-10), at(100)), Held(at(100), at(200)), Held(at(DAY - 30), None)], 230),
    ],
)
def test_seconds_on_day(intervals: list[Held], seconds: int) -> None:
    assert seconds_on_day(intervals, DAY_NUMBER) == seconds


_offset = st.integers(-2 * DAY, 3 * DAY)


@given(st.lists(_offset, min_size=0, max_size=8), st.booleans())
def test_seconds_on_day_match_the_oracle(points: list[int], still_open: bool) -> None:
    points = sorted(points)
    if len(points) % 2 == 1 and not still_open:
        points = points[:-1]
    intervals = [
        Held(at(points[i]), at(points[i + 1]) if i + 1 < len(points) else None)
        for i in range(0, len(points), 2)
    ]
    oracle = held_seconds(
        [OracleHeld("h", "p", h.start, h.end) for h in intervals], MIDNIGHT.date(), MIDNIGHT.date()
    )
    assert seconds_on_day(intervals, DAY_NUMBER) == oracle.get(("h", "p", MIDNIGHT.date()), 0)


def test_held_at_includes_the_start_and_excludes_the_end() -> None:
    closed = [Held(at(10), at(20))]
    assert not held_at(closed, at(9))
    assert held_at(closed, at(10))
    assert held_at(closed, at(19))
    assert not held_at(closed, at(20))
    assert held_at([Held(at(10), None)], at(10 * DAY))
    assert not held_at([], at(0))
    assert held_at([Held(at(0), at(5)), Held(at(5), None)], at(5))  # a change at that second


# -- report periods ---------------------------------------------------------------------------

TODAY = date(2027, 6, 15)


def fields(result: Period | list[Problem]) -> list[str | None]:
    assert isinstance(result, list), result
    assert all(p.code == Codes.REPORT_DATE_INVALID for p in result)
    return [p.field for p in result]


def test_a_valid_period() -> None:
    assert check_period("2027-05-01", "2027-05-31", TODAY) == Period(
        date(2027, 5, 1), date(2027, 5, 31)
    )
    assert check_period("2027-06-14", "2027-06-14", TODAY) == Period(
        date(2027, 6, 14), date(2027, 6, 14)
    )


@pytest.mark.parametrize(
    "text",
    [
        "2027-5-01",
        "2027-05-1",
        "20270501",
        "2027/05/01",
        "2027-13-01",
        "2027-02-29",
        "",
        "yesterday",
    ],
)
def test_dates_must_be_yyyy_mm_dd(text: str) -> None:
    assert fields(check_period(text, "2027-06-01", TODAY)) == ["billingStartDate"]
    assert fields(check_period("2027-05-01", text, TODAY)) == ["billingEndDate"]
    assert fields(check_period(text, text, TODAY)) == ["billingStartDate", "billingEndDate"]


def test_an_iso_week_date_is_not_yyyy_mm_dd() -> None:
    # "2027-W01-1" has ten characters and Python's date.fromisoformat reads it as 4 January
    assert fields(check_period("2027-W01-1", "2027-01-05", TODAY)) == ["billingStartDate"]
    assert fields(check_period("2027-01-04", "2027-W01-2", TODAY)) == ["billingEndDate"]


def test_start_must_not_be_after_end() -> None:
    assert fields(check_period("2027-05-02", "2027-05-01", TODAY)) == ["billingStartDate"]


@pytest.mark.parametrize("end", ["2027-06-15", "2027-06-16", "2030-01-01"])
def test_today_and_the_future_are_excluded(end: str) -> None:
    assert fields(check_period("2027-06-01", end, TODAY)) == ["billingEndDate"]


def test_five_years_back_at_most() -> None:
    assert isinstance(check_period("2022-06-15", "2022-06-30", TODAY), Period)
    assert fields(check_period("2022-06-14", "2022-06-30", TODAY)) == ["billingStartDate"]
    assert fields(check_period("2019-01-01", "2027-06-16", TODAY)) == [
        "billingEndDate",
        "billingStartDate",
    ]


def test_five_years_back_from_a_29_february() -> None:
    leap_today = date(2028, 2, 29)
    assert isinstance(check_period("2023-03-01", "2028-02-28", leap_today), Period)
    assert isinstance(check_period("2023-02-28", "2023-03-01", leap_today), Period)
    assert fields(check_period("2023-02-27", "2023-03-01", leap_today)) == ["billingStartDate"]
    assert fields(check_period("2028-02-01", "2028-02-29", leap_today)) == ["billingEndDate"]


# -- columns ----------------------------------------------------------------------------------

SERVICE = [
    "SERVICE_NAME",
    "SKU",
    "DESCRIPTION",
    "CONSUMPTION_START_DATE",
    "CONSUMPTION_END_DATE",
    "QUANTITY",
]


def test_columns_per_report_type() -> None:
    partner = ["PARTNER_NAME", "PARTNER_ORG_ID", "SUBSCRIPTION_ID"]
    customer = ["CUSTOMER_ORG_ID", "CUSTOMER_EXTERNAL_ID"]
    user = ["SUBSCRIBER_ID", "USER_ID", "WORKSPACE_ID", "LOCATION_ID"]
    assert list(columns(ReportType.PARTNER)) == partner + SERVICE
    assert list(columns(ReportType.CUSTOMER)) == partner + customer + SERVICE
    assert list(columns(ReportType.USER)) == partner + customer + user + SERVICE


# -- quantities and prices as text ------------------------------------------------------------


@pytest.mark.parametrize(
    ("micro", "text"),
    [
        (0, "0"),
        (12, "0.000012"),
        (500_000, "0.5"),
        (1_000_000, "1"),
        (1_500_000, "1.5"),
        (29_000_000, "29"),
        (100_000_000, "100"),
        (3_425_556, "3.425556"),
        (12_345_678_900_000, "12345678.9"),
    ],
)
def test_quantity_text(micro: int, text: str) -> None:
    assert quantity_text(micro) == text


@given(st.integers(0, 10**15))
def test_quantity_text_is_the_exact_decimal(micro: int) -> None:
    text = quantity_text(micro)
    assert "e" not in text.lower()
    assert Decimal(text) * 1_000_000 == micro


@pytest.mark.parametrize(
    ("text", "micros"),
    [
        ("12.5", 12_500_000),
        ("0", 0),
        ("0.000001", 1),
        ("19.99", 19_990_000),
        ("1000000", 1_000_000_000_000),
        ("999999999.999999", 999_999_999_999_999),
        ("1000000000", None),
        ("1.0000001", None),
        ("-1", None),
        ("-0.01", None),
        ("abc", None),
        ("", None),
        ("NaN", None),
        ("Infinity", None),
    ],
)
def test_price_micros(text: str, micros: int | None) -> None:
    assert price_micros(text) == micros


@pytest.mark.parametrize(
    ("micros", "text"),
    [
        (0, "0.00"),
        (1_000_000, "1.00"),
        (12_500_000, "12.50"),
        (19_990_000, "19.99"),
        (1_234_500, "1.2345"),
        (12_345_678, "12.345678"),
        (100_000_000, "100.00"),
    ],
)
def test_price_text(micros: int, text: str) -> None:
    assert price_text(micros) == text


@given(st.integers(0, 10**13))
def test_price_text_reads_back_as_the_same_price(micros: int) -> None:
    assert price_micros(price_text(micros)) == micros


# -- invoice lines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "price", "days", "currency", "minor"),
    [
        (31_000_000, 10_000_000, 31, "USD", 1000),  # a whole month at 10.00 → 10.00
        (1_000_000, 10_000_000, 30, "EUR", 33),  # 0.3333… → 0.33
        (2_000_000, 10_000_000, 30, "EUR", 67),  # 0.6666… → 0.67
        (500_000, 310_000, 31, "USD", 1),  # exactly 0.005 → half up → 0.01
        (1_000_000, 45_000_000, 30, "JPY", 2),  # 1.5 yen → 2 (no decimals)
        (1_000_000, 1_000_000_000, 30, "JPY", 33),  # 33.33 yen → 33
        (1_000_000, 10_000_000, 3, "KWD", 3333),  # 3.3333 dinars → 3.333 (three decimals)
        (1_000_000, 15_000, 3, "KWD", 5),  # 0.005 dinars exactly → 5 fils
        (1_000_000, 1_500, 3, "KWD", 1),  # 0.0005 dinars → half up → 1 fils
        (1_000_000, 1_500, 3, "USD", 0),  # 0.0005 dollars → 0.00
        (0, 99_000_000, 28, "USD", 0),
    ],
)
def test_line_amount_minor(quantity: int, price: int, days: int, currency: str, minor: int) -> None:
    assert line_amount_minor(quantity, price, days, currency) == minor


PLACES = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3, "BHD": 3, "KRW": 0}


@given(
    st.integers(0, 10**13),
    st.integers(0, 10**11),
    st.integers(28, 31),
    st.sampled_from(sorted(PLACES)),
)
def test_line_amount_is_quantity_times_price_over_days_rounded_half_up(
    quantity: int, price: int, days: int, currency: str
) -> None:
    with localcontext() as context:
        context.prec = 100
        amount = Decimal(quantity) / 10**6 * (Decimal(price) / 10**6) / days
        minor_units = amount.scaleb(PLACES[currency])
    assert line_amount_minor(quantity, price, days, currency) == exact_round(
        minor_units, ROUND_HALF_UP
    )


# -- calendar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "days"),
    [
        (date(2027, 1, 1), 31),
        (date(2027, 2, 14), 28),
        (date(2028, 2, 29), 29),
        (date(2100, 2, 1), 28),
        (date(2000, 2, 1), 29),
        (date(2027, 4, 30), 30),
        (date(2027, 12, 31), 31),
    ],
)
def test_days_in_month(month: date, days: int) -> None:
    assert days_in_month(month) == days


@given(st.dates(min_value=date(1971, 1, 1), max_value=date(9998, 12, 31)))
def test_days_in_month_matches_the_calendar(day: date) -> None:
    assert days_in_month(day) == calendar.monthrange(day.year, day.month)[1]


def test_a_sub_partner_is_billed_from_its_start_only_when_that_is_inside_or_after_the_period() -> (
    None
):
    starts = {
        "before": date(2027, 1, 1),
        "on_the_first_day": date(2027, 1, 10),
        "inside": date(2027, 1, 15),
        "after": date(2027, 3, 1),
    }

    floors = billed_from(day_number(date(2027, 1, 10)), starts)

    assert floors == {
        "inside": day_number(date(2027, 1, 15)),
        "after": day_number(date(2027, 3, 1)),
    }
    assert billed_from(day_number(date(2027, 1, 10)), {}) == {}
