"""BroadWorks numbers made fit for tukku: national numbers, `+cc-number` strings and DN ranges
become strict E.164 numbers; a hunt group's timeout in seconds becomes rings."""

from __future__ import annotations

import re

from tukku.core.validation import is_e164, normalize_phone_number

MAX_RANGE = 10_000
"""The largest DN range expanded: a larger one is almost certainly a typing error."""

RANGE = re.compile(r"\s*(?P<low>[^\s]+)\s+-\s+(?P<high>[^\s]+)\s*")
_SEPARATORS = re.compile(r"[ \u00a0.()-]")


def to_e164(number: str, country_code: str | None, national_prefix: str | None = None) -> str:
    """`number` in E.164: `+1-2025550100` → `+12025550100`; a national `2025550101` takes
    `country_code` (and loses a leading `national_prefix`, e.g. the UK's 0). ValueError says why
    a number cannot be one."""
    bare = _SEPARATORS.sub("", number.strip())
    if bare.startswith("+"):
        found = normalize_phone_number(bare)
        if found is None:
            raise ValueError(f"{number!r} is not an E.164 number")
        return found
    if not bare.isdigit():
        raise ValueError(f"{number!r} is not a phone number")
    if country_code is None:
        raise ValueError(
            f"{number!r} is a national number and its country code is unknown: write it as "
            "+<country code><number>, or set the user's countryCode"
        )
    if national_prefix and bare.startswith(national_prefix):
        bare = bare[len(national_prefix) :]
    candidate = f"+{country_code}{bare}"
    if not is_e164(candidate):
        raise ValueError(f"{number!r} with country code {country_code} is not an E.164 number")
    return candidate


def is_range(value: str) -> bool:
    """Whether `value` is a DN range as BroadWorks lists it (`+1-2025550100 - +1-2025550109`)."""
    return RANGE.fullmatch(value) is not None


def expand(value: str, country_code: str | None) -> list[str]:
    """The E.164 numbers of a single DN or of a DN range, in order. ValueError says why not."""
    matched = RANGE.fullmatch(value)
    if matched is None:
        return [to_e164(value, country_code)]
    low = to_e164(matched["low"], country_code)
    high = to_e164(matched["high"], country_code)
    if len(low) != len(high):
        raise ValueError(f"range {value!r}: both ends must have the same number of digits")
    first, last = int(low[1:]), int(high[1:])
    if first > last:
        raise ValueError(f"range {value!r}: the first number is above the last")
    if last - first + 1 > MAX_RANGE:
        raise ValueError(f"range {value!r}: more than {MAX_RANGE} numbers")
    return [f"+{n}" for n in range(first, last + 1)]


def seconds_to_rings(seconds: int, seconds_per_ring: int) -> int:
    """A BroadWorks timeout in seconds as a number of rings (rounded to the nearest ring, half
    up), within the 2 to 20 rings a hunt group's no-answer forward accepts."""
    rings = (seconds + seconds_per_ring // 2) // seconds_per_ring
    return min(20, max(2, rings))
