"""Wire formats for time: ISO 8601 UTC with `Z`, and the instants list filters accept."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from tukku.core.errors import Codes, Invalid

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def iso(value: datetime) -> str:
    """`2021-08-06T02:03:00.062Z`: UTC, milliseconds, `Z`."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def iso_or_none(value: datetime | None) -> str | None:
    """`iso(value)`, passing None through."""
    return None if value is None else iso(value)


def parse_instant(value: str) -> datetime:
    """Epoch milliseconds (preferred by the original API) or ISO 8601; naive means UTC.

    Raises ValueError for anything else.
    """
    text = value.strip()
    try:
        if text.lstrip("-").isdigit():
            return EPOCH + timedelta(milliseconds=int(text))
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (OverflowError, OSError) as exc:
        raise ValueError(f"{value!r} is out of range") from exc


def instant_param(name: str, value: str | None) -> datetime | None:
    """The query parameter `name` as an instant (see `parse_instant`), None if absent;
    400 (invalid query) naming the parameter if it is not one."""
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        reason = "must be epoch milliseconds or an ISO 8601 date-time"
        raise Invalid(name, reason, Codes.INVALID_QUERY) from None


DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(value: str) -> date:
    """A `YYYY-MM-DD` calendar date (nothing else ISO 8601 allows, such as week dates);
    raises ValueError otherwise."""
    if not DAY.fullmatch(value):
        raise ValueError("expected YYYY-MM-DD")
    return date.fromisoformat(value)
