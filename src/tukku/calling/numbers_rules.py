"""Rules of the numbers API with no I/O: which phone numbers, number types and states a request
may add, and what the list filters mean."""

from __future__ import annotations

from dataclasses import dataclass

from tukku.core.errors import Codes, Problem
from tukku.core.validation import normalize_phone_number

NUMBER_TYPES = ("DID", "TOLLFREE")
STATES = ("ACTIVE", "INACTIVE")
USAGE_TYPES = ("NONE", "SERVICE")
OWNER_TYPES = ("PEOPLE", "PLACE", "CALL_QUEUE", "HUNT_GROUP")
MAX_NUMBERS_PER_REQUEST = 1000


@dataclass(frozen=True)
class NumbersToAdd:
    """Numbers a request adds to a location: E.164, each once, in the order given."""

    phone_numbers: list[str]
    number_type: str
    state: str


def phone_number_list(values: list[str] | None) -> tuple[list[str], list[Problem]]:
    """`phoneNumbers`: 1 to 1000 numbers, each readable as E.164 (kept normalized, duplicates
    once); problems name `phoneNumbers[i]`."""
    if not values:
        reason = "phoneNumbers: at least one phone number is required"
        return [], [Problem(Codes.INVALID_FIELD, reason, "phoneNumbers")]
    if len(values) > MAX_NUMBERS_PER_REQUEST:
        reason = f"phoneNumbers: at most {MAX_NUMBERS_PER_REQUEST} numbers per request"
        return [], [Problem(Codes.INVALID_FIELD, reason, "phoneNumbers")]
    numbers: list[str] = []
    problems = []
    for index, value in enumerate(values):
        number = normalize_phone_number(value.strip())
        if number is None:
            where = f"phoneNumbers[{index}]"
            reason = f"{where}: {value!r} is not an E.164 number, e.g. +14085550100"
            problems.append(Problem(Codes.PHONE_NUMBER_INVALID, reason, where))
        elif number not in numbers:
            numbers.append(number)
    return numbers, problems


def numbers_to_add(
    phone_numbers: list[str] | None,
    number_type: str | None,
    state: str | None,
    usage_type: str | None,
) -> tuple[NumbersToAdd | None, list[Problem]]:
    """A request to add numbers to a location: DID (default) or TOLLFREE numbers, ACTIVE
    (default) or INACTIVE; mobile numbers are not offered (400)."""
    numbers, problems = phone_number_list(phone_numbers)
    kind = (number_type or "DID").upper()
    if kind == "MOBILE":
        reason = "numberType: MOBILE numbers are not offered; use DID or TOLLFREE"
        problems.append(Problem(Codes.NUMBER_TYPE_UNSUPPORTED, reason, "numberType"))
    elif kind not in NUMBER_TYPES:
        reason = "numberType: must be DID or TOLLFREE"
        problems.append(Problem(Codes.NUMBER_TYPE_UNSUPPORTED, reason, "numberType"))
    wanted_state = (state or "ACTIVE").upper()
    if wanted_state not in STATES:
        problems.append(Problem(Codes.INVALID_FIELD, "state: must be ACTIVE or INACTIVE", "state"))
    if usage_type is not None and usage_type.upper() not in USAGE_TYPES:
        reason = "numberUsageType: must be NONE or SERVICE"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "numberUsageType"))
    if problems:
        return None, problems
    return NumbersToAdd(numbers, kind, wanted_state), []


@dataclass(frozen=True)
class NumberFilters:
    """Filters of `GET /telephony/config/numbers` (each None: not filtered)."""

    location_id: str | None = None
    phone_number: str | None = None
    assigned: bool | None = None
    owner_type: str | None = None
    owner_id: str | None = None
    owner_name: str | None = None
    extension: str | None = None
    extension_only: bool | None = None  # numberType EXTENSION (True) or NUMBER (False)
    state: str | None = None
    toll_free: bool | None = None


def number_filters(
    *,
    location_id: str | None,
    phone_number: str | None,
    available: bool | None,
    assigned: bool | None,
    owner_type: str | None,
    owner_id: str | None,
    owner_name: str | None,
    extension: str | None,
    number_type: str | None,
    state: str | None,
    toll_free_numbers: bool | None,
) -> tuple[NumberFilters | None, list[Problem]]:
    """The list's query parameters as filters: `available=true` is `assigned=false`; the
    upstream's incompatible combinations (EXTENSION with `available`/`assigned`/`state`) are
    refused as it refuses them (400 naming the parameter)."""
    problems = []
    if owner_type is not None and owner_type.upper() not in OWNER_TYPES:
        reason = (
            "ownerType: must be PEOPLE, PLACE, CALL_QUEUE or HUNT_GROUP "
            "(no other owner kinds exist here)"
        )
        problems.append(Problem(Codes.INVALID_QUERY, reason, "ownerType"))
    kind = number_type.upper() if number_type is not None else None
    if kind not in (None, "NUMBER", "EXTENSION"):
        problems.append(
            Problem(Codes.INVALID_QUERY, "numberType: NUMBER or EXTENSION", "numberType")
        )
    wanted_state = state.upper() if state is not None else None
    if wanted_state not in (None, *STATES):
        problems.append(Problem(Codes.INVALID_QUERY, "state: ACTIVE or INACTIVE", "state"))
    if kind == "EXTENSION":
        for name, value in (("available", available), ("assigned", assigned), ("state", state)):
            if value is not None:
                reason = f"{name}: cannot be used with numberType EXTENSION"
                problems.append(Problem(Codes.INVALID_QUERY, reason, name))
    if available is not None and assigned is not None and available == assigned:
        reason = "available: contradicts assigned"
        problems.append(Problem(Codes.INVALID_QUERY, reason, "available"))
    number = None
    if phone_number is not None:
        number = normalize_phone_number(phone_number.strip())
        if number is None:
            reason = "phoneNumber: must be an E.164 number"
            problems.append(Problem(Codes.INVALID_QUERY, reason, "phoneNumber"))
    if problems:
        return None, problems
    return (
        NumberFilters(
            location_id=location_id,
            phone_number=number,
            assigned=assigned
            if assigned is not None
            else (None if available is None else not available),
            owner_type=owner_type.upper() if owner_type else None,
            owner_id=owner_id,
            owner_name=owner_name,
            extension=extension,
            extension_only=None if kind is None else kind == "EXTENSION",
            state=wanted_state,
            toll_free=toll_free_numbers,
        ),
        [],
    )
