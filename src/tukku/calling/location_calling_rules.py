"""Rules of a location's Webex Calling settings, with no I/O: what a main number and a PSTN
connection may be."""

from __future__ import annotations

from dataclasses import dataclass

from tukku.core.errors import Codes, Problem
from tukku.core.validation import has_control_characters, normalize_phone_number

# What the Webex Calling location API lets a client set (CISCO_PSTN and the cloud-connected
# types are the provider's to set, never a client's).
CONNECTION_TYPES = ("TRUNK", "ROUTE_GROUP")
CONNECTION_ID_MAX = 128


@dataclass(frozen=True)
class Connection:
    """A checked PSTN connection: a route type and the route's ID."""

    type: str
    id: str


def check_connection(
    type_: str | None, id_: str | None, *, prefix: str = ""
) -> tuple[Connection | None, list[Problem]]:
    """A PSTN connection as the body gave it: `type` TRUNK or ROUTE_GROUP, and the `id` of the
    trunk or route group (at most 128 printable characters). Problems name `{prefix}type` and
    `{prefix}id`, all at once."""
    problems = []
    kind = (type_ or "").strip()
    if kind not in CONNECTION_TYPES:
        where = f"{prefix}type"
        reason = f"{where}: {type_!r} is not TRUNK or ROUTE_GROUP" if kind else f"{where}: required"
        problems.append(Problem(Codes.PSTN_CONNECTION_INVALID, reason, where))
    route = (id_ or "").strip()
    where = f"{prefix}id"
    if not route:
        reason = f"{where}: required (the trunk's or route group's ID)"
        problems.append(Problem(Codes.PSTN_CONNECTION_INVALID, reason, where))
    elif len(route) > CONNECTION_ID_MAX or has_control_characters(route):
        reason = f"{where}: at most {CONNECTION_ID_MAX} printable characters"
        problems.append(Problem(Codes.PSTN_CONNECTION_INVALID, reason, where))
    if problems:
        return None, problems
    return Connection(kind, route), []


def check_main_number(
    value: str | None, at_location: set[str], *, where: str = "callingLineId.phoneNumber"
) -> tuple[str | None, list[Problem]]:
    """A location's main number: an E.164 number (written with spaces or dashes or not) that is
    one of `at_location`, the location's phone numbers (assigned or not, as in Webex)."""
    number = normalize_phone_number(value) if value else None
    if number is None:
        reason = f"{where}: {value!r} is not an E.164 number, e.g. +14085550100"
        return None, [Problem(Codes.PHONE_NUMBER_INVALID, reason, where)]
    if number not in at_location:
        reason = f"{where}: {number} is not a phone number of this location; add it first"
        return None, [Problem(Codes.MAIN_NUMBER_NOT_AT_LOCATION, reason, where)]
    return number, []
