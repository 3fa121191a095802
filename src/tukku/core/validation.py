"""Field checks shared by several domains: e-mail addresses, time zones, phone numbers."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from email_validator import EmailNotValidError, validate_email

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
EXTENSION = re.compile(r"[0-9]{2,10}")


def normalize_email(value: str) -> str | None:
    """The lower-cased address if `value` is a syntactically valid e-mail, else None."""
    try:
        # `.test` addresses (RFC 2606) are accepted: sandboxes and test suites live on them.
        result = validate_email(value.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(value: str) -> bool:
    """Whether `value` names an IANA time zone (e.g. `America/Los_Angeles`)."""
    return value in _zones()


def is_e164(value: str) -> bool:
    """Whether `value` is an E.164 number: `+`, country code, up to 15 digits in all."""
    return E164.fullmatch(value) is not None


def is_extension(value: str) -> bool:
    """Whether `value` is an extension of 2 to 10 digits."""
    return EXTENSION.fullmatch(value) is not None
