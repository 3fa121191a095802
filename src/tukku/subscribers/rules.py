"""Pure rules of subscribers: package choice, numbers, who owns an e-mail, who becomes admin."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tukku.catalog.packages import Catalog
from tukku.core.errors import Codes, Problem
from tukku.core.states import StateMachine
from tukku.core.validation import is_extension, normalize_phone_number
from tukku.identity.rules import OrgKind


class Status(StrEnum):
    """Subscriber statuses of the wire contract, plus `removed` (internal; answers 404)."""

    PROVISIONED = "provisioned"
    PENDING_USER_MIGRATION = "pending_user_migration"
    REMOVED = "removed"


SUBSCRIBER_STATES = StateMachine(
    "subscriber",
    Status,
    {
        # A subscriber starts waiting; its user is at once in the organization, or consents.
        Status.PENDING_USER_MIGRATION: frozenset({Status.PROVISIONED, Status.REMOVED}),
        Status.PROVISIONED: frozenset({Status.REMOVED}),
        Status.REMOVED: frozenset(),
    },
)
"""Every change of `Subscriber.status` is checked against it (`subscribers.models`)."""


def choose_package(
    catalog: Catalog, package: str | None, packages: list[str] | None
) -> tuple[str | None, list[Problem]]:
    """The one package asked for: `package` xor `packages`, the latter with exactly one entry."""
    if (package is None) == (packages is None):
        reason = "package, packages: give exactly one of them"
        return None, [Problem(Codes.PACKAGE_XOR, reason, "packages")]
    if packages is not None and len(packages) != 1:
        reason = f"packages: exactly one package is accepted (got {len(packages)})"
        return None, [Problem(Codes.PACKAGES_ONE, reason, "packages")]
    name = package if package is not None else packages[0]  # type: ignore[index]
    field_name = "package" if package is not None else "packages"
    entry = catalog.get(name)
    if entry is None or not entry.subscriber:
        reason = f"{field_name}: {name!r} is not a subscriber package"
        return None, [Problem(Codes.PACKAGE_UNKNOWN, reason, field_name)]
    return name, []


def name_problems(first_name: str | None, last_name: str | None) -> list[Problem]:
    """A subscriber is provisioned with `provisioningParameters.firstName` and `lastName`."""
    problems = []
    for name, value in (("firstName", first_name), ("lastName", last_name)):
        if not (value or "").strip():
            where = f"provisioningParameters.{name}"
            problems.append(Problem(Codes.NAME_REQUIRED, f"{where}: is required", where))
    return problems


@dataclass(frozen=True)
class Numbers:
    """A checked extension and/or E.164 number (either may be None)."""

    extension: str | None
    phone_number: str | None


def check_numbers(
    extension: str | None, phone_number: str | None, *, required: bool, prefix: str
) -> tuple[Numbers | None, list[Problem]]:
    """Calling packages need an extension, a primary number or both; each must be well-formed.
    The number is kept in E.164 (`+1-240-555-1212` becomes `+12405551212`).

    Problems name `<prefix>.extension` and `<prefix>.primaryPhoneNumber` (no prefix: the bare
    field names)."""
    ext = (extension or "").strip() or None
    given = (phone_number or "").strip() or None
    number = normalize_phone_number(given) if given is not None else None
    problems = []
    if required and ext is None and given is None:
        where = prefix or "primaryPhoneNumber"
        reason = f"{where}: an extension, a primaryPhoneNumber or both are required"
        problems.append(Problem(Codes.NUMBER_REQUIRED, reason, where))
    if ext is not None and not is_extension(ext):
        where = f"{prefix}.extension" if prefix else "extension"
        problems.append(Problem(Codes.EXTENSION_INVALID, f"{where}: must be 2 to 10 digits", where))
    if given is not None and number is None:
        where = f"{prefix}.primaryPhoneNumber" if prefix else "primaryPhoneNumber"
        reason = f"{where}: must be an E.164 number, e.g. +14085550100 or +1 408-555-0100"
        problems.append(Problem(Codes.PHONE_NUMBER_INVALID, reason, where))
    if problems:
        return None, problems
    return Numbers(ext, number), []


class EmailOwner(StrEnum):
    """What provisioning an e-mail means, given who owns it now."""

    NOBODY = "nobody"  # create a new user in the customer organization
    MEMBER = "member"  # a user of the customer organization itself becomes the subscriber
    OUTSIDE = "outside"  # a user outside wholesale: ask for consent (202 pending_user_migration)
    TAKEN = "taken"  # a subscriber or a user elsewhere in wholesale: conflict


def email_owner(
    *,
    owner_org_id: str | None,
    owner_org_kind: str | None,
    customer_org_id: str | None,
    owner_is_subscriber: bool,
) -> EmailOwner:
    """Classify the current owner of an e-mail address for subscriber provisioning."""
    if owner_is_subscriber:
        return EmailOwner.TAKEN
    if owner_org_id is None:
        return EmailOwner.NOBODY
    if owner_org_id == customer_org_id:
        return EmailOwner.MEMBER
    if owner_org_kind == OrgKind.STANDALONE:
        return EmailOwner.OUTSIDE
    return EmailOwner.TAKEN


def email_owner_problems(owner: EmailOwner, email: str) -> list[Problem]:
    """An e-mail a subscriber or a user elsewhere in wholesale holds is in use (409); whose it
    is, is never said."""
    if owner is not EmailOwner.TAKEN:
        return []
    return [Problem(Codes.EMAIL_TAKEN, f"email: {email} is already in use", "email")]


def becomes_admin(*, attached: bool, org_has_admin: bool) -> bool:
    """The first subscriber of a new customer organization is its administrator.

    Not so in an attached organization, which keeps its own administrators.
    """
    return not attached and not org_has_admin
