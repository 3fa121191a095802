"""Field checks shared by several domains: names, e-mail addresses, time zones, phone numbers."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Annotated
from zoneinfo import available_timezones

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator

from tukku.core.errors import Codes, Problem, invalid_all

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# What people write between digits: `+1 (240) 555-1212`, `+1.240.555.1212`, `+44 20 7946 0958`.
PHONE_SEPARATORS = re.compile(r"[ \u00a0.()-]")
EXTENSION = re.compile(r"[0-9]{2,10}")

# Cc is C0 (with TAB, LF, CR), DEL and C1; Zl and Zp are U+2028 and U+2029, which e-mail and
# many readers also take for line breaks.
_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def has_control_characters(value: str) -> bool:
    """Whether `value` holds a control character or a line or paragraph separator."""
    return any(unicodedata.category(char) in _CONTROL_CATEGORIES for char in value)


def _no_control_characters(value: str) -> str:
    if has_control_characters(value):
        raise ValueError("must not contain control characters (line breaks, tabs)")
    return value


Name = Annotated[str, AfterValidator(_no_control_characters)]
"""A name people read (of a person, organization, template, brand...), which travels into
e-mail headers, CSV reports and logs: any control character is refused with 400 naming the
field, before it can split a header or make a mail that never goes."""


def normalize_email(value: str) -> str | None:
    """The lower-cased address if `value` is a syntactically valid e-mail, else None."""
    try:
        # `.test` addresses (RFC 2606) are accepted: sandboxes and test suites live on them.
        result = validate_email(value.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


def email_problem(field: str) -> Problem:
    """The problem of `field` not holding a valid e-mail address."""
    return Problem(Codes.EMAIL_INVALID, f"{field}: not a valid e-mail address", field)


def checked_email(value: str, field: str) -> str:
    """`value` normalized (see `normalize_email`); 400 naming `field` if it is not an e-mail."""
    address = normalize_email(value)
    if address is None:
        raise invalid_all([email_problem(field)])
    return address


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(value: str) -> bool:
    """Whether `value` names an IANA time zone (e.g. `America/Los_Angeles`)."""
    return value in _zones()


def is_e164(value: str) -> bool:
    """Whether `value` is an E.164 number: `+`, country code, up to 15 digits in all."""
    return E164.fullmatch(value) is not None


def normalize_phone_number(value: str) -> str | None:
    """`value` as an E.164 number once spaces, dashes, dots and parentheses are dropped
    (`+1-240-555-1212` is `+12405551212`); None if it cannot be one (no `+` and country code,
    letters, too few or too many digits)."""
    number = PHONE_SEPARATORS.sub("", value.strip())
    return number if is_e164(number) else None


def is_extension(value: str) -> bool:
    """Whether `value` is an extension of 2 to 10 digits."""
    return EXTENSION.fullmatch(value) is not None
