"""The per-object decisions of a migration, with no I/O: which package a user gets, which e-mail
a user without one gets, and how clashing extensions are resolved (notes §2.6, §4.3, §4.6)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from tukku.broadworks.config import Config, PackageRules
from tukku.broadworks.extract import ServicePack, User
from tukku.core.validation import is_extension

# A package that needs another one first, and the packages that satisfy it (notes §1.4).
PACKAGE_NEEDS = {
    "cisco_calling_plan": (
        "common_area_calling",
        "webex_calling",
        "webex_suite",
        "webex_voice",
        "cx_essentials",
        "webex_calling_standard",
    ),
    "attendant_console": ("webex_calling", "webex_suite", "cx_essentials"),
}


def effective_services(user: User, packs: list[ServicePack]) -> list[str]:
    """The user's services: its packs expanded, then its single services (pack names are the
    operator's own, so decisions rest on services)."""
    by_name = {p.service_pack_name: p.services for p in packs}
    services = [s for name in user.service_packs for s in by_name.get(name, [])]
    return list(dict.fromkeys([*services, *user.user_services]))


@dataclass(frozen=True)
class PackageChoice:
    """The package a user gets and the rule that chose it (for the report)."""

    package: str
    reason: str


def choose_package(user: User, packs: list[ServicePack], rules: PackageRules) -> PackageChoice:
    """The one subscriber package of `user`, by the notes' rules, the partner's pack map first."""
    for name in user.service_packs:
        if name in rules.service_packs:
            return PackageChoice(rules.service_packs[name], f"service pack {name} is mapped")
    if not user.phone_number and not user.extension and not user.access_device_endpoint:
        return PackageChoice("webex_meetings", "no number, extension or phone: meetings only")
    services = effective_services(user, packs)
    call_center = next((s for s in services if s in rules.call_center_services), None)
    if call_center and rules.customer_assist:
        return PackageChoice("cx_essentials", f"{call_center} agent (Customer Assist)")
    uc = next((s for s in services if _matches(s, rules.uc_services)), None)
    if uc:
        return PackageChoice(rules.uc_package, f"{uc}: a UC user")
    return PackageChoice(rules.voice_package, "voice services only")


def _matches(service: str, names: list[str]) -> bool:
    return any(service == n or service.startswith(f"{n} ") for n in names)


def customer_packages(defaults: list[str], used: list[str]) -> tuple[list[str], list[str]]:
    """The customer's package list: the defaults, then every package a user gets (first use
    first), then what those need; and the packages added only as dependencies."""
    packages = list(dict.fromkeys([*defaults, *used]))
    added = []
    for package, satisfied_by in PACKAGE_NEEDS.items():
        if package in packages and not any(p in packages for p in satisfied_by):
            packages.append("webex_calling")
            added.append("webex_calling")
    return packages, added


@dataclass(frozen=True)
class EmailChoice:
    """A user's e-mail, or why the user cannot move (`outcome` blocked or skipped)."""

    email: str | None
    outcome: Literal["kept", "synthesized", "blocked", "skipped"]


def choose_email(user: User, config: Config) -> EmailChoice:
    """The user's e-mail per the strategy: kept; made up as `<userId local part>@<domain>`;
    under `require` the user blocks the migration; under `skip-user` the user stays behind."""
    if user.email_address:
        return EmailChoice(user.email_address.lower(), "kept")
    domain = config.synthesized_email_domain
    if domain:
        local = user.user_id.split("@", 1)[0].lower()
        return EmailChoice(f"{local}@{domain}", "synthesized")
    if config.email_strategy == "skip-user":
        return EmailChoice(None, "skipped")
    return EmailChoice(None, "blocked")


@dataclass(frozen=True)
class ExtensionClaim:
    """An object that wants an extension in a location."""

    owner: str
    location: str
    location_index: int
    extension: str
    has_number: bool


@dataclass(frozen=True)
class ExtensionOutcome:
    """What an object gets: its extension, a changed one, none, or blocked (with why)."""

    extension: str | None
    blocked: bool
    note: str | None


def resolve_extensions(
    claims: list[ExtensionClaim],
    strategy: Literal["fail", "prefix-location", "drop-extension"],
    scope: Literal["organization", "location"],
) -> dict[str, ExtensionOutcome]:
    """Each claim's outcome, in order: the first object to claim an extension keeps it; a later
    one is blocked (`fail`), gets the location's number (1-based, extract order) in front
    (`prefix-location`), or loses the extension and keeps only its number (`drop-extension`).
    An extension tukku cannot take (not 2 to 10 digits) is dropped the same way."""
    taken: dict[tuple[str, str], str] = {}
    outcomes: dict[str, ExtensionOutcome] = {}

    def key(location: str, extension: str) -> tuple[str, str]:
        return (location if scope == "location" else "", extension)

    for claim in claims:
        holder = taken.get(key(claim.location, claim.extension))
        if holder is None and is_extension(claim.extension):
            taken[key(claim.location, claim.extension)] = claim.owner
            outcomes[claim.owner] = ExtensionOutcome(claim.extension, False, None)
            continue
        why = (
            f"extension {claim.extension} is already {holder}'s"
            if holder
            else f"extension {claim.extension} is not 2 to 10 digits"
        )
        outcomes[claim.owner] = _resolve(
            claim, why, strategy if holder else "drop-extension", taken, key
        )
    return outcomes


def _resolve(
    claim: ExtensionClaim,
    why: str,
    strategy: str,
    taken: dict[tuple[str, str], str],
    make_key: Callable[[str, str], tuple[str, str]],
) -> ExtensionOutcome:
    if strategy == "prefix-location":
        prefixed = f"{claim.location_index}{claim.extension}"
        if is_extension(prefixed) and make_key(claim.location, prefixed) not in taken:
            taken[make_key(claim.location, prefixed)] = claim.owner
            return ExtensionOutcome(prefixed, False, f"{why}: becomes {prefixed}")
        return ExtensionOutcome(None, True, f"{why}, and {prefixed} is not free either")
    if strategy == "drop-extension":
        if claim.has_number:
            return ExtensionOutcome(None, False, f"{why}: dropped, the number alone is kept")
        return ExtensionOutcome(None, True, f"{why}, and there is no number to keep instead")
    return ExtensionOutcome(None, True, f"{why} (extension_conflict_strategy fail)")


QUEUE_AGENT_PACKAGES = frozenset({"webex_calling", "webex_suite", "cx_essentials"})
"""Packages whose users may answer call queues: Webex Calling Professional and above (Standard,
`webex_voice`, and meetings-only users may not)."""


def weights_to_100(weights: list[int | None]) -> list[int]:
    """Weighted routing's weights scaled to add up to 100, as Webex requires (BroadWorks lets
    them add up to anything): in proportion, largest remainders rounded up; agents without a
    weight, or all zero, share equally."""
    if not weights:
        return []
    given = [w or 0 for w in weights]
    total = sum(given)
    if total == 0:
        given, total = [1] * len(weights), len(weights)
    exact = [100 * w / total for w in given]
    scaled = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - scaled[i], reverse=True)
    for i in by_remainder[: 100 - sum(scaled)]:
        scaled[i] += 1
    return scaled
