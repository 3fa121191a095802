"""Rules of workspaces with no I/O: the attributes a workspace may have, what its calling
request means (Webex Calling needs a location and an extension and/or a phone number), and
that a location, once set, stays."""

from __future__ import annotations

from dataclasses import dataclass

from tukku.core.errors import Codes, Problem
from tukku.core.validation import is_extension, normalize_phone_number

COMMON_AREA = "common_area_calling"
WORKSPACE_TYPES = ("notSet", "focus", "huddle", "meetingRoom", "open", "desk", "other")
CALLING_TYPES = (
    "freeCalling",
    "hybridCalling",
    "webexCalling",
    "webexEdgeForDevices",
    "thirdPartySipCalling",
    "none",
)
SUPPORTED_CALLING = ("none", "freeCalling", "webexCalling")
SUPPORTED_DEVICES = ("collaborationDevices", "phones")
HOTDESKING = ("on", "off")
WEBEX = "calling.webexCalling"


def attribute_problems(
    *,
    display_name: str | None,
    capacity: float | None,
    type_: str | None,
    hotdesking_status: str | None,
    supported_devices: str | None,
    notes: str | None,
) -> list[Problem]:
    """A display name of 1 to 255 characters; a whole capacity of at least 0; a type,
    hot-desking status and supported devices from the reference's lists; notes up to 1024."""
    problems = []
    if display_name is not None and not 1 <= len(display_name.strip()) <= 255:
        reason = "displayName: 1 to 255 characters"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "displayName"))
    if capacity is not None and (capacity < 0 or capacity != int(capacity)):
        problems.append(
            Problem(Codes.INVALID_FIELD, "capacity: a whole number of 0 or more", "capacity")
        )
    if type_ is not None and type_ not in WORKSPACE_TYPES:
        reason = f"type: one of {', '.join(WORKSPACE_TYPES)}"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "type"))
    if hotdesking_status is not None and hotdesking_status not in HOTDESKING:
        reason = "hotdeskingStatus: on or off"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "hotdeskingStatus"))
    if supported_devices is not None and supported_devices not in SUPPORTED_DEVICES:
        reason = "supportedDevices: collaborationDevices or phones"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "supportedDevices"))
    if notes is not None and len(notes) > 1024:
        problems.append(Problem(Codes.INVALID_FIELD, "notes: at most 1024 characters", "notes"))
    return problems


@dataclass(frozen=True)
class WebexCalling:
    """What Webex Calling for a workspace asks for: where, which numbers, which licenses."""

    location_id: str
    location_field: str
    extension: str | None
    phone_number: str | None
    licenses: list[str] | None


@dataclass(frozen=True)
class Calling:
    """A workspace's calling: its type, and for Webex Calling the details."""

    type: str
    webex: WebexCalling | None = None


def calling_of(
    *,
    calling_type: str | None,
    location_id: str | None,
    webex_location_id: str | None,
    extension: str | None,
    phone_number: str | None,
    licenses: list[str] | None,
) -> tuple[Calling | None, list[Problem]]:
    """The calling a request asks for (`calling_type` None: free calling). Webex Calling needs a
    location (the workspace's `locationId` or `calling.webexCalling.locationId`, the same one if
    both are given) and an extension, a phone number or both, well-formed."""
    kind = calling_type or "freeCalling"
    if kind not in CALLING_TYPES:
        reason = f"calling.type: one of {', '.join(CALLING_TYPES)}"
        return None, [Problem(Codes.INVALID_FIELD, reason, "calling.type")]
    if kind not in SUPPORTED_CALLING:
        reason = f"calling.type: {kind} is not offered; use none, freeCalling or webexCalling"
        return None, [Problem(Codes.CALLING_TYPE_UNSUPPORTED, reason, "calling.type")]
    if kind != "webexCalling":
        return Calling(kind), []
    problems = []
    where = location_id or webex_location_id
    field_name = f"{WEBEX}.locationId" if webex_location_id else "locationId"
    if where is None:
        reason = f"{WEBEX}.locationId: Webex Calling needs a location"
        problems.append(Problem(Codes.LOCATION_UNKNOWN, reason, f"{WEBEX}.locationId"))
    elif location_id and webex_location_id and location_id != webex_location_id:
        reason = f"{WEBEX}.locationId: must be the workspace's locationId"
        problems.append(Problem(Codes.INVALID_FIELD, reason, f"{WEBEX}.locationId"))
    ext = (extension or "").strip() or None
    given = (phone_number or "").strip() or None
    number = normalize_phone_number(given) if given is not None else None
    if ext is None and given is None:
        reason = f"{WEBEX}.phoneNumber: an extension, a phoneNumber or both are required"
        problems.append(Problem(Codes.NUMBER_REQUIRED, reason, f"{WEBEX}.phoneNumber"))
    if ext is not None and not is_extension(ext):
        reason = f"{WEBEX}.extension: must be 2 to 10 digits"
        problems.append(Problem(Codes.EXTENSION_INVALID, reason, f"{WEBEX}.extension"))
    if given is not None and number is None:
        reason = f"{WEBEX}.phoneNumber: must be an E.164 number, e.g. +14085550100"
        problems.append(Problem(Codes.PHONE_NUMBER_INVALID, reason, f"{WEBEX}.phoneNumber"))
    if problems or where is None:
        return None, problems
    return Calling(kind, WebexCalling(where, field_name, ext, number, licenses)), []


def location_change_problems(current: str | None, requested: str | None) -> list[Problem]:
    """A workspace's location cannot change once set (409); leaving it out keeps it."""
    if current is None or requested is None or current == requested:
        return []
    reason = "locationId: a workspace's location cannot change once configured"
    return [Problem(Codes.WORKSPACE_LOCATION_FIXED, reason, "locationId")]


def license_problems(licenses: list[str] | None, license_id: str | None) -> list[Problem]:
    """Licenses named for Webex Calling must include the customer's Common Area license."""
    if not licenses or (license_id is not None and license_id in licenses):
        return []
    reason = f"{WEBEX}.licenses: none is the customer's Common Area license"
    return [Problem(Codes.LICENSE_UNKNOWN, reason, f"{WEBEX}.licenses")]


# Filters of the list whose value tukku never varies: the workspace always has its default.
DEFAULT_ATTRIBUTES = {
    "calendar": "none",
    "deviceHostedMeetingsEnabled": "false",
    "devicePlatform": "cisco",
    "healthLevel": "ok",
    "plannedMaintenance": "off",
}


def defaults_match(given: dict[str, str | None]) -> bool:
    """Whether filters on attributes every workspace has at its default can match at all."""
    return all(value is None or value == DEFAULT_ATTRIBUTES[name] for name, value in given.items())
