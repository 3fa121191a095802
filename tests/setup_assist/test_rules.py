"""Setup Assist's pure rules: the business-day calendar, the SKU boundary, phases."""

from __future__ import annotations

from datetime import date

import pytest

from tukku.core.errors import Codes, Problem
from tukku.setup_assist import rules
from tukku.setup_assist.rules import Phase, Sku

NO_HOLIDAYS: frozenset[date] = frozenset()


@pytest.mark.parametrize(
    ("ordered", "earliest"),
    [
        (date(2027, 1, 4), date(2027, 1, 12)),  # Monday → Tuesday of the next week
        (date(2027, 1, 8), date(2027, 1, 18)),  # Friday → Monday after next
        (date(2027, 1, 9), date(2027, 1, 18)),  # Saturday: the weekend never counts
        (date(2027, 1, 3), date(2027, 1, 11)),  # Sunday → Monday of the next week
    ],
)
def test_six_business_days_skip_weekends(ordered: date, earliest: date) -> None:
    assert rules.earliest_deployment(ordered, NO_HOLIDAYS) == earliest


def test_holidays_are_not_business_days() -> None:
    holidays = frozenset({date(2027, 1, 6), date(2027, 1, 11)})  # a Wednesday and a Monday
    # Mon 4 → Tue 5 (1), Thu 7 (2), Fri 8 (3), Tue 12 (4), Wed 13 (5), Thu 14 (6)
    assert rules.earliest_deployment(date(2027, 1, 4), holidays) == date(2027, 1, 14)
    assert not rules.is_business_day(date(2027, 1, 6), holidays)
    assert rules.is_business_day(date(2027, 1, 6), NO_HOLIDAYS)
    assert not rules.is_business_day(date(2027, 1, 9), NO_HOLIDAYS)  # Saturday


def test_deployment_date_checks() -> None:
    ordered = date(2027, 1, 4)
    assert rules.check_deployment("2027-01-12", ordered, NO_HOLIDAYS) == date(2027, 1, 12)
    too_soon = rules.check_deployment("2027-01-11", ordered, NO_HOLIDAYS)
    assert isinstance(too_soon, Problem)
    assert too_soon.code is Codes.SETUP_ASSIST_TOO_SOON
    assert too_soon.field == "deploymentDate"
    assert "2027-01-12" in too_soon.description
    for bad in ("2027-1-12", "12.01.2027", "2027-W02-2", "2027-02-30"):
        problem = rules.check_deployment(bad, ordered, NO_HOLIDAYS)
        assert isinstance(problem, Problem), bad
        assert problem.code is Codes.SETUP_ASSIST_DATE_INVALID


@pytest.mark.parametrize(
    ("seats", "sku", "quantity"),
    [(0, Sku.EXPRESS, 1), (1, Sku.EXPRESS, 1), (5, Sku.EXPRESS, 1), (6, Sku.STANDARD, 6)],
)
def test_sku_boundary_at_five_seats(seats: int, sku: Sku, quantity: int) -> None:
    assert rules.sku_for(seats) is sku
    assert rules.billed_quantity(sku, seats) == quantity


def test_location_count() -> None:
    assert rules.check_location_count(1) is None
    assert rules.check_location_count(rules.MAX_LOCATIONS) is None
    for bad in (0, -1, rules.MAX_LOCATIONS + 1):
        problem = rules.check_location_count(bad)
        assert problem is not None
        assert problem.field == "locationCount"


def test_phases_of_each_sku() -> None:
    assert rules.PHASES[Sku.EXPRESS][:2] == (Phase.DISCOVERY_AND_ASSESSMENT, Phase.SOLUTION_DESIGN)
    assert [p.value for p in rules.PHASES[Sku.STANDARD]] == [
        "project_management",
        "discovery",
        "design",
        "test_planning",
        "implementation",
        "cut_over",
        "post_cut_over_support",
        "operations_handover",
    ]
    assert rules.next_phase(Sku.EXPRESS, 0) is Phase.DISCOVERY_AND_ASSESSMENT
    assert rules.next_phase(Sku.EXPRESS, len(rules.PHASES[Sku.EXPRESS])) is None


def test_post_cut_over_support_lasts_up_to_five_business_days() -> None:
    # Started Thursday: Thu, Fri, Mon, Tue, Wed.
    assert rules.support_ends(date(2027, 1, 7), NO_HOLIDAYS) == date(2027, 1, 13)
    # Started Saturday: Mon to Fri.
    assert rules.support_ends(date(2027, 1, 9), NO_HOLIDAYS) == date(2027, 1, 15)
    # A holiday on Monday pushes the end a day.
    assert rules.support_ends(date(2027, 1, 7), frozenset({date(2027, 1, 11)})) == date(2027, 1, 14)


def test_the_skus_are_catalog_services_never_packages() -> None:
    from tukku.catalog.packages import catalog

    for sku in Sku:
        service = catalog().service(sku.value)
        assert catalog().is_one_time(sku.value)
        assert catalog().get(sku.value) is None  # nobody can hold it
        assert [p.kind for p in catalog().check_customer_packages([sku.value])] == ["unknown"]
        assert service in catalog().priced()
    assert catalog().service(Sku.EXPRESS.value).sku == "TK-WHL-SA-EXPRESS"
    assert catalog().service(Sku.STANDARD.value).unit == "seat"
    assert not catalog().is_one_time("webex_calling")


def test_one_time_lines_are_units_times_the_unit_price() -> None:
    from tukku.billing.rules import MICRO, one_time_amount_minor

    assert one_time_amount_minor(6 * MICRO, 45_500_000, "EUR") == 27_300  # 6 × 45.50
    assert one_time_amount_minor(1 * MICRO, 499_990_000, "EUR") == 49_999
    assert one_time_amount_minor(3 * MICRO, 333_335, "EUR") == 100  # 1.000005 → 1.00, half up
    assert one_time_amount_minor(3 * MICRO, 1_500_000, "JPY") == 5  # 4.5 yen → 5
