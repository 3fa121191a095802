"""Pure Setup Assist rules: the business-day calendar, the SKU a location's seat count chooses,
and the project phases of each SKU."""

from __future__ import annotations

from collections.abc import Set
from datetime import date, timedelta
from enum import StrEnum

from tukku.core.errors import Codes, Problem
from tukku.core.timefmt import parse_day

NOTICE_BUSINESS_DAYS = 6
SUPPORT_BUSINESS_DAYS = 5
EXPRESS_MAX_SEATS = 5
MAX_LOCATIONS = 100_000


class Sku(StrEnum):
    """The two Setup Assist services of the catalog (`catalog/data/packages.json` services)."""

    EXPRESS = "setup_assist_express"
    STANDARD = "setup_assist_standard"


class Phase(StrEnum):
    """A project phase; each SKU runs its own list of them, in order."""

    DISCOVERY_AND_ASSESSMENT = "discovery_and_assessment"
    SOLUTION_DESIGN = "solution_design"
    CONFIGURATION = "configuration"
    ACTIVATION = "activation"
    PROJECT_MANAGEMENT = "project_management"
    DISCOVERY = "discovery"
    DESIGN = "design"
    TEST_PLANNING = "test_planning"
    IMPLEMENTATION = "implementation"
    CUT_OVER = "cut_over"
    POST_CUT_OVER_SUPPORT = "post_cut_over_support"
    OPERATIONS_HANDOVER = "operations_handover"


PHASES: dict[Sku, tuple[Phase, ...]] = {
    Sku.EXPRESS: (
        Phase.DISCOVERY_AND_ASSESSMENT,
        Phase.SOLUTION_DESIGN,
        Phase.CONFIGURATION,
        Phase.ACTIVATION,
        Phase.OPERATIONS_HANDOVER,
    ),
    Sku.STANDARD: (
        Phase.PROJECT_MANAGEMENT,
        Phase.DISCOVERY,
        Phase.DESIGN,
        Phase.TEST_PLANNING,
        Phase.IMPLEMENTATION,
        Phase.CUT_OVER,
        Phase.POST_CUT_OVER_SUPPORT,
        Phase.OPERATIONS_HANDOVER,
    ),
}


class Status(StrEnum):
    """Where an order stands: `submitted` (no phase started), `in_progress`, `completed`."""

    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


def sku_for(seats: int) -> Sku:
    """Express for a location of up to five seats, Standard above."""
    return Sku.EXPRESS if seats <= EXPRESS_MAX_SEATS else Sku.STANDARD


def billed_quantity(sku: Sku, seats: int) -> int:
    """Units billed once: Express is a flat fee (1), Standard is per seat."""
    return 1 if sku is Sku.EXPRESS else seats


def is_business_day(day: date, holidays: Set[date]) -> bool:
    """Monday to Friday, and not a configured holiday."""
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, count: int, holidays: Set[date]) -> date:
    """The `count`-th business day after `start` (`start` itself never counts)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            remaining -= 1
    return day


def earliest_deployment(ordered_on: date, holidays: Set[date]) -> date:
    """The first deployment date an order placed on `ordered_on` may name: six business days
    after it (the order day never counts, whatever the hour)."""
    return add_business_days(ordered_on, NOTICE_BUSINESS_DAYS, holidays)


def support_ends(started_on: date, holidays: Set[date]) -> date:
    """The last day of post-cut-over support started on `started_on`: up to five business days,
    the start day counted when it is one."""
    counted = 1 if is_business_day(started_on, holidays) else 0
    return add_business_days(started_on, SUPPORT_BUSINESS_DAYS - counted, holidays)


def check_deployment(text: str, ordered_on: date, holidays: Set[date]) -> date | Problem:
    """The deployment date, or why it cannot be accepted."""
    try:
        day = parse_day(text)
    except ValueError:
        return Problem(
            Codes.SETUP_ASSIST_DATE_INVALID, "deploymentDate: must be YYYY-MM-DD", "deploymentDate"
        )
    earliest = earliest_deployment(ordered_on, holidays)
    if day < earliest:
        reason = (
            f"deploymentDate: must be at least {NOTICE_BUSINESS_DAYS} business days after the "
            f"order ({ordered_on.isoformat()}): {earliest.isoformat()} or later"
        )
        return Problem(Codes.SETUP_ASSIST_TOO_SOON, reason, "deploymentDate")
    return day


def check_location_count(count: int) -> Problem | None:
    """The customer's total number of locations: 1 to 100,000."""
    if 1 <= count <= MAX_LOCATIONS:
        return None
    reason = f"locationCount: must be from 1 to {MAX_LOCATIONS}"
    return Problem(Codes.SETUP_ASSIST_LOCATION_COUNT_INVALID, reason, "locationCount")


def next_phase(sku: Sku, reached: int) -> Phase | None:
    """The phase after the `reached` first ones (None: the last one is done)."""
    phases = PHASES[sku]
    return phases[reached] if reached < len(phases) else None
