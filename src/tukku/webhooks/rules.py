"""Pure rules of webhooks: which change makes which event, the retry schedule, and which
addresses an endpoint may never reach (SSRF)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

RESOURCES = ("customer", "subscriber", "billing_report", "invoice", "screening_case", "device")
"""The kinds of resource whose changes make events (audit's `target_type`s, and the screening
case, audited on its customer)."""

EVENT_TYPES: tuple[str, ...] = tuple(
    f"{resource}.{verb}" for resource in RESOURCES for verb in ("created", "updated", "deleted")
)

_CREATED = ("create", "provision", "attach", "issue", "case_opened")
_DELETED = ("delete",)
_NOT_CHANGES = frozenset(
    {
        "customer.cross_launch",
        "customer.device_options.update",
        "subscriber.consent_email",
    }
)


class DeliveryStatus(StrEnum):
    """Where a delivery is: still to be sent (also between retries), or finished."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class AttemptStatus(StrEnum):
    """How one attempt went."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class Subject:
    """The resource an audited change is about, as events name it."""

    resource: str
    resource_id: str
    verb: str

    @property
    def key(self) -> str:
        """`resource:id`: what delivery order is kept by."""
        return f"{self.resource}:{self.resource_id}"


def subject_of(
    action: str, target_type: str, target_id: str, after: dict[str, object] | None
) -> Subject | None:
    """The resource and verb (`created`, `updated`, `deleted`) of an audited change, or None
    when it makes no event (another kind of resource, or a look rather than a change).

    A screening case is audited on its customer (`screening.*`, the case's ID in `after`)."""
    if action in _NOT_CHANGES:
        return None
    if action.startswith("screening.") and target_type == "customer":
        case_id = (after or {}).get("caseId")
        if not isinstance(case_id, str):
            return None
        return Subject("screening_case", case_id, _verb(action))
    if target_type not in RESOURCES:
        return None
    return Subject(target_type, target_id, _verb(action))


def _verb(action: str) -> str:
    last = action.rsplit(".", 1)[-1]
    if last in _CREATED:
        return "created"
    if last in _DELETED:
        return "deleted"
    return "updated"


def merged_verb(verbs: list[str], *, exists: bool) -> str:
    """One event per resource per transaction: gone at commit is `deleted`, made in it is
    `created`, anything else `updated`."""
    if not exists:
        return "deleted"
    return "created" if "created" in verbs else "updated"


# -- retries ----------------------------------------------------------------------------------

RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    *(timedelta(hours=10),) * 6,
)
"""The waits after each failed attempt (Svix's schedule), in all under three days."""

JITTER = 0.2
"""A wait is shortened by up to this share at random, so retries spread out but the schedule
never runs past its total."""


def retry_delay(failed_attempts: int, jitter: float) -> timedelta | None:
    """The wait before the next attempt after `failed_attempts` failures, or None when the
    delivery has failed for good. `jitter` in [0, 1) shortens it (drawn at random by callers)."""
    if failed_attempts < 1 or failed_attempts > len(RETRY_SCHEDULE):
        return None
    return RETRY_SCHEDULE[failed_attempts - 1] * (1 - JITTER * jitter)


# -- where deliveries may go (SSRF) -----------------------------------------------------------

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, Teredo, NAT64), which
    is where packets to it really go."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or (int(address) >> 32 == 0 and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: Address, *, allow_private: bool, allow_loopback: bool) -> str | None:
    """Why deliveries may not go to `address`, or None when they may: private, loopback,
    link-local, multicast, unspecified, reserved and shared ranges are refused (also when an
    IPv6 address embeds such an IPv4 one) unless an operator allows private targets; the
    sandbox may reach loopback."""
    inner = embedded_ipv4(address)
    if inner is not None:  # judged by where it leads (the IPv6 ranges are never global)
        return refusal(inner, allow_private=allow_private, allow_loopback=allow_loopback)
    if allow_private:
        return None
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    for flag, name in (
        (address.is_unspecified, "an unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "a non-public address"),
    ):
        if flag:
            return name
    return None


@dataclass(frozen=True)
class Target:
    """Where an endpoint's URL points."""

    scheme: str
    host: str
    port: int


def parse_target(url: str, *, require_https: bool) -> Target:
    """The scheme, host and port of an endpoint URL; `ValueError` saying what is wrong."""
    if len(url) > 2048:
        raise ValueError("must be at most 2048 characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError("is not a valid URL") from None
    if parts.scheme not in ("https", "http"):
        raise ValueError("must be an https URL")
    if require_https and parts.scheme != "https":
        raise ValueError("must be an https URL (http only in the sandbox)")
    if not parts.hostname:
        raise ValueError("must name a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not carry credentials")
    if parts.fragment:
        raise ValueError("must not have a fragment")
    default = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, parts.hostname, port or default)


def literal_address(host: str) -> Address | None:
    """The address a host names literally (`10.0.0.1`, `[::1]`'s `::1`), else None."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
