"""Rules of the public Locations API, without I/O: what a location or floor must hold, what a
request left out keeps its stored value, and when a location may go.

Locations are checked like a customer's headquarters (country in the catalog, an IANA time zone,
a supported language) but with the Locations API's own field names, so a 400 names the field
the caller sent (`timeZone`, `address.postalCode`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from tukku.catalog.locales import resolve_locale
from tukku.catalog.regions import geography
from tukku.core.errors import Codes, Problem
from tukku.core.validation import is_timezone
from tukku.customers.rules import ADDRESS_LINE_MAX, Address, CallingLocation, SiteDetails

NAME_MAX = 80  # every tukku location has calling: the reference's limit for calling locations
NOTES_MAX = 1024
FLOOR_NAME_MAX = 255
FLOOR_NUMBER_LIMIT = 999
CREATE_REQUIRED = (
    "name",
    "timeZone",
    "preferredLanguage",
    "announcementLanguage",
    "address.address1",
    "address.city",
    "address.state",
    "address.postalCode",
    "address.country",
)


@dataclass(frozen=True)
class LocationDraft:
    """A location's fields as wire names say them, after merging a request with what is
    stored (None: not given)."""

    name: str | None = None
    time_zone: str | None = None
    preferred_language: str | None = None
    announcement_language: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    notes: str | None = None

    def value(self, wire: str) -> str | None:
        """The field named `wire` (`address.postalCode` for the address parts)."""
        attribute = {
            "name": "name",
            "timeZone": "time_zone",
            "preferredLanguage": "preferred_language",
            "announcementLanguage": "announcement_language",
            "address.address1": "address1",
            "address.city": "city",
            "address.state": "state",
            "address.postalCode": "postal_code",
            "address.country": "country",
        }[wire]
        found: str | None = getattr(self, attribute)
        return found


@dataclass(frozen=True)
class CheckedLocation:
    """A location ready to store."""

    location: CallingLocation
    details: SiteDetails


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def coordinate(value: str | float | None) -> str | None:
    """A latitude or longitude as sent (numbers too), as the text stored and answered."""
    if value is None or isinstance(value, str):
        return _text(value)
    return repr(float(value))


def _coordinate_problem(wire: str, value: str | None, limit: int) -> Problem | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if math.isfinite(number) and -limit <= number <= limit:
        return None
    reason = f"{wire}: {value!r} is not a number from -{limit} to {limit}"
    return Problem(Codes.COORDINATE_INVALID, reason, wire)


def _language(wire: str, value: str, country: str, problems: list[Problem]) -> str | None:
    found = resolve_locale(value, country)
    if found is None:
        reason = f"{wire}: {value!r} is not a supported language"
        problems.append(Problem(Codes.LANGUAGE_INVALID, reason, wire))
    return found


def check_location(
    draft: LocationDraft, *, required: tuple[str, ...]
) -> tuple[CheckedLocation | None, list[Problem]]:
    """Every problem of a location at once: `required` fields missing (all of them when
    creating; on an update, only what the location already had), the name's length, a country
    outside the catalog, an unknown time zone, unsupported languages, address lines over 50
    characters, coordinates out of range, notes over 1,024 characters."""
    problems = [
        Problem(Codes.MISSING_FIELD, f"{wire}: required", wire)
        for wire in required
        if _text(draft.value(wire)) is None
    ]
    name = _text(draft.name)
    if name is not None and len(name) > NAME_MAX:
        reason = f"name: at most {NAME_MAX} characters for a calling location (got {len(name)})"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "name"))
    for wire, line in (("address.address1", draft.address1), ("address.address2", draft.address2)):
        text = _text(line)
        if text is not None and len(text) > ADDRESS_LINE_MAX:
            reason = f"{wire}: at most {ADDRESS_LINE_MAX} characters (got {len(text)})"
            problems.append(Problem(Codes.ADDRESS_INVALID, reason, wire))
    country = None
    if _text(draft.country) is not None:
        country = geography().country_code(draft.country or "")
        if country is None:
            reason = f"address.country: {draft.country!r} is not a country code tukku serves"
            problems.append(Problem(Codes.COUNTRY_INVALID, reason, "address.country"))
    zone = _text(draft.time_zone)
    if zone is not None and not is_timezone(zone):
        reason = f"timeZone: {draft.time_zone!r} is not a time zone"
        problems.append(Problem(Codes.TIMEZONE_INVALID, reason, "timeZone"))
    region = country or "US"
    preferred = _text(draft.preferred_language)
    language = preferred and _language("preferredLanguage", preferred, region, problems)
    spoken = _text(draft.announcement_language)
    announcement = spoken and _language("announcementLanguage", spoken, region, problems)
    latitude, longitude = _text(draft.latitude), _text(draft.longitude)
    for wire, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        problem = _coordinate_problem(wire, value, limit)
        if problem is not None:
            problems.append(problem)
    notes = _text(draft.notes)
    if notes is not None and len(notes) > NOTES_MAX:
        reason = f"notes: at most {NOTES_MAX} characters (got {len(notes)})"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "notes"))
    if problems or not (name and zone and language and country and draft.address1 and draft.city):
        return None, problems
    address = Address(
        draft.address1.strip(),
        _text(draft.address2),
        draft.city.strip(),
        _text(draft.state),
        _text(draft.postal_code),
        country,
    )
    location = CallingLocation(name, address, zone, language, None)
    details = SiteDetails(announcement or None, latitude, longitude, notes)
    return CheckedLocation(location, details), []


def name_clash(taken: list[str], name: str) -> Problem | None:
    """Names of an organization's locations differ (compared without case or outer spaces)."""
    wanted = name.strip().casefold()
    if wanted in {t.strip().casefold() for t in taken}:
        reason = f"name: the organization already has a location called {name.strip()!r}"
        return Problem(Codes.LOCATION_NAME_TAKEN, reason, "name")
    return None


def deletion_problem(*, headquarters: bool, held: Mapping[str, int]) -> Problem | None:
    """Why a location cannot be deleted, if it cannot: the headquarters stays (new users land
    there), and nothing may be left at a location: `held` counts what is there by its name
    ("user", "number", "workspace", ...; a Setup Assist order stays with it for billing)."""
    if headquarters:
        reason = "locationId: the headquarters location cannot be deleted"
        return Problem(Codes.HEADQUARTERS_KEPT, reason, "locationId")
    there = [f"{n} {what}{'s' if n != 1 else ''}" for what, n in held.items() if n]
    if there:
        listed = there[0] if len(there) == 1 else f"{', '.join(there[:-1])} and {there[-1]}"
        reason = (
            f"locationId: the location still has {listed}; move or remove them before deleting it"
        )
        return Problem(Codes.LOCATION_IN_USE, reason, "locationId")
    return None


def check_floor(
    floor_number: int | float | str | None, display_name: str | None
) -> tuple[tuple[int, str | None] | None, list[Problem]]:
    """A floor: a whole `floorNumber` from -999 to 999 and an optional `displayName` of at most
    255 characters (blank is none)."""
    problems: list[Problem] = []
    number: int | None = None
    if floor_number is None:
        problems.append(Problem(Codes.MISSING_FIELD, "floorNumber: required", "floorNumber"))
    elif isinstance(floor_number, bool) or not _whole(floor_number):
        reason = f"floorNumber: {floor_number!r} is not a whole number"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "floorNumber"))
    else:
        number = int(float(floor_number))
        if abs(number) > FLOOR_NUMBER_LIMIT:
            reason = f"floorNumber: must be from -{FLOOR_NUMBER_LIMIT} to {FLOOR_NUMBER_LIMIT}"
            problems.append(Problem(Codes.INVALID_FIELD, reason, "floorNumber"))
    name = _text(display_name)
    if name is not None and len(name) > FLOOR_NAME_MAX:
        reason = f"displayName: at most {FLOOR_NAME_MAX} characters (got {len(name)})"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "displayName"))
    if problems or number is None:
        return None, problems
    return (number, name), []


def _whole(value: int | float | str) -> bool:
    try:
        number = float(value)
    except ValueError:
        return False
    return math.isfinite(number) and number == int(number)
