"""Rules of devices, without I/O: MAC addresses, who may own which model, line ports,
activation codes, SIP credentials (PRODUCT.md §11) and the cut-over of a migrated phone."""

from __future__ import annotations

import hashlib
import hmac
import re
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from tukku.catalog.devices import DeviceModel, Management
from tukku.core.errors import Codes, Problem

_SEPARATORS = re.compile(r"[:\-. ]")
_HEX12 = re.compile(r"[0-9A-F]{12}")
MAX_DEVICES_PER_OWNER = 5  # the reference's `maxDeviceCount` answer
ACTIVATION_CODE_DIGITS = 16
SIP_USER_NAME_LENGTH = 10
SIP_PASSWORD_LENGTH = 24
SIP_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!#%+-=@_"
PEOPLE, PLACE = "PEOPLE", "PLACE"


def normalize_mac(value: str) -> str:
    """A MAC address written with or without `:`, `-` or `.` separators, upper-cased."""
    return _SEPARATORS.sub("", value.strip()).upper()


def mac_problem(value: str, field_name: str = "mac") -> Problem | None:
    """Why `value` is no MAC address a device can have (None when it is one): 12 hex digits,
    unicast (the first octet's lowest bit clear, so neither multicast nor broadcast), not zero."""
    mac = normalize_mac(value)
    if not _HEX12.fullmatch(mac):
        reason = f"{field_name}: {value!r} is not 12 hexadecimal digits"
        return Problem(Codes.MAC_INVALID, reason, field_name)
    if int(mac[:2], 16) & 1:
        kind = "broadcast" if mac == "F" * 12 else "multicast"
        return Problem(Codes.MAC_INVALID, f"{field_name}: {mac} is a {kind} address", field_name)
    if mac == "0" * 12:
        return Problem(Codes.MAC_INVALID, f"{field_name}: {mac} is the zero address", field_name)
    return None


def colon_mac(mac: str) -> str:
    """A normalized MAC as the Devices API shows it (`11:22:33:44:AA:FF`)."""
    return ":".join(mac[i : i + 2] for i in range(0, 12, 2))


@dataclass(frozen=True)
class MacStatus:
    """One MAC of a validateMacs request: AVAILABLE, UNAVAILABLE, DUPLICATE_IN_LIST or INVALID."""

    mac: str
    state: str
    problem: Problem | None = None


def mac_statuses(macs: list[str], taken: set[str]) -> list[MacStatus]:
    """What `validateMacs` answers for each MAC, in order: invalid ones, ones already used by a
    device anywhere (`taken`, normalized), and repeats of an earlier one in the list."""
    seen: set[str] = set()
    result = []
    for raw in macs:
        problem = mac_problem(raw, "macs")
        mac = normalize_mac(raw)
        if problem is not None:
            result.append(MacStatus(raw, "INVALID", problem))
        elif mac in taken:
            reason = f"macs: {mac} is in use"
            result.append(MacStatus(raw, "UNAVAILABLE", Problem(Codes.MAC_TAKEN, reason, "macs")))
        elif mac in seen:
            reason = f"macs: {mac} appears twice"
            result.append(
                MacStatus(raw, "DUPLICATE_IN_LIST", Problem(Codes.INVALID_FIELD, reason, "macs"))
            )
        else:
            result.append(MacStatus(raw, "AVAILABLE"))
        seen.add(mac)
    return result


def owner_problems(person_id: str | None, workspace_id: str | None) -> list[Problem]:
    """A device belongs to exactly one person or one workspace."""
    if bool(person_id) == bool(workspace_id):
        reason = "personId: name either a personId or a workspaceId, not both"
        if not person_id:
            reason = "personId: a personId or a workspaceId is required"
        return [Problem(Codes.DEVICE_OWNER_INVALID, reason, "personId")]
    return []


def model_problems(
    model: DeviceModel, *, owner_kind: str, third_party_enabled: bool, onboarding: str
) -> list[Problem]:
    """Whether `model` can be added this way: supported for the owner kind (PEOPLE or PLACE),
    onboarded this way (MAC_ADDRESS or ACTIVATION_CODE), and, for platform-managed
    third-party models, enabled for the customer by an operator."""
    problems = []
    if owner_kind not in model.supported_for:
        who = "a person" if owner_kind == PEOPLE else "a workspace"
        reason = f"model: {model.model} cannot be added to {who}"
        problems.append(Problem(Codes.DEVICE_MODEL_NOT_FOR_OWNER, reason, "model"))
    if onboarding not in model.onboarding_method:
        how = "by activation code" if onboarding == "ACTIVATION_CODE" else "by MAC address"
        reason = f"model: {model.model} cannot be added {how}"
        problems.append(Problem(Codes.DEVICE_MODEL_NOT_FOR_OWNER, reason, "model"))
    if model.management is Management.PLATFORM_THIRD_PARTY and not third_party_enabled:
        reason = (
            f"model: {model.model} is a third-party device; an operator must enable "
            "third-party devices for the customer first"
        )
        problems.append(Problem(Codes.THIRD_PARTY_DEVICES_DISABLED, reason, "model"))
    return problems


def line_port_problems(model: DeviceModel, lines: int) -> list[Problem]:
    """A device takes as many lines (its owner's primary line, shared appearances) as it has
    line ports."""
    if lines > model.line_ports:
        reason = f"model: {model.model} has {model.line_ports} line ports, {lines} are needed"
        return [Problem(Codes.DEVICE_MODEL_NOT_FOR_OWNER, reason, "model")]
    return []


def limit_problems(owned: int) -> list[Problem]:
    """A person or workspace has at most MAX_DEVICES_PER_OWNER devices."""
    if owned >= MAX_DEVICES_PER_OWNER:
        reason = f"the owner already has its maximum of {MAX_DEVICES_PER_OWNER} devices"
        return [Problem(Codes.DEVICE_LIMIT_REACHED, reason)]
    return []


def has_sip_credentials(model: DeviceModel) -> bool:
    """Customer-managed (generic SIP) devices are configured by hand: they get SIP
    credentials the administrator downloads. Every other kind is provisioned elsewhere."""
    return model.management is Management.CUSTOMER


def password_problems(model: DeviceModel, password: str | None) -> list[Problem]:
    """A SIP password may be given only for third-party devices, 12 to 64 printable ASCII
    characters without spaces."""
    if password is None:
        return []
    if model.manufacturer != "THIRD_PARTY" or model.management is Management.PARTNER:
        reason = f"password: only for third-party devices, not {model.model}"
        return [Problem(Codes.SIP_PASSWORD_INVALID, reason, "password")]
    if not 12 <= len(password) <= 64 or not all(33 <= ord(c) < 127 for c in password):
        reason = "password: 12 to 64 printable characters without spaces"
        return [Problem(Codes.SIP_PASSWORD_INVALID, reason, "password")]
    return []


def code_hash(code: str, key: str) -> str:
    """The keyed hash an activation code is kept as (the code itself never is)."""
    digits = "".join(c for c in code if c.isdigit())
    return hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()


def code_expiry(created: datetime, lifetime_hours: int) -> datetime:
    """When a code created at `created` stops working."""
    return created + timedelta(hours=lifetime_hours)


def code_problem(expires_at: datetime, used_at: datetime | None, now: datetime) -> Problem | None:
    """Why a known code cannot activate a device now: used already, or expired (at its expiry
    instant it no longer works)."""
    if used_at is not None:
        return Problem(Codes.ACTIVATION_CODE_USED, "code: already used", "code")
    if now >= expires_at:
        return Problem(Codes.ACTIVATION_CODE_EXPIRED, "code: expired", "code")
    return None


# -- cut-over (tukku's: a phone moved from BroadWorks to tukku, or back) ----------------------

CUTOVER_DIRECTIONS = ("move", "rollback")
ACTIVATED = "activated"


@dataclass(frozen=True)
class CutoverState:
    """A device's activation state and, while it is cut over, the state it had before."""

    activation_state: str
    cutover_from_state: str | None

    @property
    def moved(self) -> bool:
        """Whether the phone is cut over to tukku."""
        return self.cutover_from_state is not None


def direction_problem(direction: str | None) -> Problem | None:
    """`direction` is `move` or `rollback`."""
    if direction in CUTOVER_DIRECTIONS:
        return None
    reason = f"{direction!r} is not move or rollback" if direction else "required"
    return Problem(Codes.CUTOVER_DIRECTION_INVALID, f"direction: {reason}", "direction")


def cut_over(state: CutoverState, direction: str) -> CutoverState:
    """The state after a cut-over: `move` activates the phone with tukku and remembers the
    state it had; `rollback` puts that state back. Each is idempotent: moving a moved phone,
    or rolling back one that is not moved, leaves it as it is."""
    if direction == "move":
        if state.moved:
            return state
        return CutoverState(ACTIVATED, state.activation_state)
    if state.cutover_from_state is None:  # not moved
        return state
    return CutoverState(state.cutover_from_state, None)
