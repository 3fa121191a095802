"""Pure rules of wholesale customers: statuses, addresses, package plans, new-customer checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tukku.catalog.locales import resolve_locale
from tukku.catalog.packages import Catalog
from tukku.catalog.regions import geography
from tukku.core.errors import Codes, Problem
from tukku.core.states import StateMachine
from tukku.core.validation import email_problem, is_timezone, normalize_email
from tukku.customers.schemas import AddressIn, CallingLocationIn, ProvisioningParametersIn

ADDRESS_LINE_MAX = 50
NAME_MAX = 255


class Status(StrEnum):
    """Customer statuses of the wire contract, plus `removed` (internal; answers 404)."""

    PROVISIONING = "provisioning"
    PENDING_RPL_REVIEW = "pending_rpl_review"
    PROVISIONED = "provisioned"
    PROVISIONED_WITH_ERRORS = "provisioned_with_errors"
    ERROR = "error"
    UPDATING = "updating"
    DELETING = "deleting"
    REMOVED = "removed"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PROVISIONING: frozenset(
        {
            Status.PROVISIONED,
            Status.PROVISIONED_WITH_ERRORS,
            Status.ERROR,
            Status.PENDING_RPL_REVIEW,
            Status.DELETING,
        }
    ),
    Status.PENDING_RPL_REVIEW: frozenset({Status.PROVISIONING, Status.ERROR, Status.DELETING}),
    Status.PROVISIONED: frozenset({Status.UPDATING, Status.DELETING}),
    Status.PROVISIONED_WITH_ERRORS: frozenset({Status.UPDATING, Status.DELETING}),
    Status.UPDATING: frozenset(
        {Status.PROVISIONED, Status.PROVISIONED_WITH_ERRORS, Status.DELETING}
    ),
    Status.ERROR: frozenset({Status.DELETING}),
    Status.DELETING: frozenset({Status.REMOVED}),
    Status.REMOVED: frozenset(),
}

CUSTOMER_STATES = StateMachine("customer", Status, TRANSITIONS)
"""Every change of `Customer.status` is checked against it (`customers.models`)."""

SETTLED = frozenset({Status.PROVISIONED, Status.PROVISIONED_WITH_ERRORS})


def can_transition(current: Status, new: Status) -> bool:
    """Whether the state machine allows `current` → `new`."""
    return CUSTOMER_STATES.allows(current, new)


class PackageStatus(StrEnum):
    """Statuses of one package of a customer (`resourceDetails.packages[].status`)."""

    PROVISIONING = "provisioning"
    PROVISIONED = "provisioned"
    ERROR = "error"
    DELETING = "deleting"  # removed by an update or a removal in progress; not shown as held


PACKAGE_STATES = StateMachine(
    "package",
    PackageStatus,
    {
        PackageStatus.PROVISIONING: frozenset(
            {PackageStatus.PROVISIONED, PackageStatus.ERROR, PackageStatus.DELETING}
        ),
        PackageStatus.PROVISIONED: frozenset({PackageStatus.DELETING}),
        PackageStatus.ERROR: frozenset({PackageStatus.DELETING}),
        PackageStatus.DELETING: frozenset(),
    },
)
"""Every change of `CustomerPackage.status` is checked against it (`customers.models`)."""


def settle(package_statuses: list[PackageStatus], *, after_update: bool = False) -> Status:
    """The customer's status once its packages are done: all fine, some failed, or all failed.

    After an update the organization stays provisioned: all failed is `provisioned_with_errors`
    (`error` means provisioning failed, and leads nowhere but deletion)."""
    failed = sum(1 for s in package_statuses if s == PackageStatus.ERROR)
    if failed == 0:
        return Status.PROVISIONED
    if failed == len(package_statuses) and not after_update:
        return Status.ERROR
    return Status.PROVISIONED_WITH_ERRORS


@dataclass(frozen=True)
class Address:
    """A checked address: trimmed lines, upper-case country."""

    line1: str
    line2: str | None
    city: str
    state_or_province: str | None
    zip_or_postal_code: str | None
    country: str


def _blank_to_none(value: str | None) -> str | None:
    return (value or "").strip() or None


def check_address(data: AddressIn, prefix: str) -> tuple[Address | None, list[Problem]]:
    """Validate an address: required parts present, lines ≤ 50 characters, ISO-2 country."""
    problems: list[Problem] = []
    line1 = data.address_line1.strip()
    line2 = _blank_to_none(data.address_line2)
    city = data.city.strip()
    country = geography().country_code(data.country)
    for name, value in (("addressLine1", line1), ("city", city)):
        if not value:
            where = f"{prefix}.{name}"
            problems.append(Problem(Codes.ADDRESS_INVALID, f"{where}: must not be blank", where))
    for name, line in (("addressLine1", line1), ("addressLine2", line2)):
        if line is not None and len(line) > ADDRESS_LINE_MAX:
            where = f"{prefix}.{name}"
            reason = f"{where}: at most {ADDRESS_LINE_MAX} characters (got {len(line)})"
            problems.append(Problem(Codes.ADDRESS_INVALID, reason, where))
    if country is None:
        where = f"{prefix}.country"
        reason = f"{where}: {data.country!r} is not an ISO 3166 alpha-2 country code"
        problems.append(Problem(Codes.COUNTRY_INVALID, reason, where))
    if problems or country is None:
        return None, problems
    address = Address(
        line1,
        line2,
        city,
        _blank_to_none(data.state_or_province),
        _blank_to_none(data.zip_or_postal_code),
        country,
    )
    return address, []


def check_customer_name(name: str) -> Problem | None:
    """A customer name is 1-255 characters and never contains `%`."""
    text = name.strip()
    if not text or len(text) > NAME_MAX or "%" in text:
        reason = "customerInfo.name: must be 1-255 characters without '%'"
        return Problem(Codes.CUSTOMER_NAME_INVALID, reason, "customerInfo.name")
    return None


def check_packages(catalog: Catalog, names: list[str]) -> list[Problem]:
    """A customer's package list: non-empty, known, no repeats, dependencies met."""
    if not names:
        return [
            Problem(Codes.MISSING_FIELD, "packages: at least one package is required", "packages")
        ]
    codes = {
        "unknown": Codes.PACKAGE_UNKNOWN,
        "duplicate": Codes.PACKAGE_DUPLICATE,
        "dependency": Codes.PACKAGE_DEPENDENCY,
    }
    return [
        Problem(codes[p.kind], f"packages: {p.detail}", "packages")
        for p in catalog.check_customer_packages(names)
    ]


@dataclass(frozen=True)
class CallingLocation:
    """A checked headquarters calling location."""

    name: str
    address: Address
    timezone: str
    language: str
    emergency_location_identifier: str | None


@dataclass(frozen=True)
class SiteDetails:
    """What the public Locations API adds to a calling location (None: not given)."""

    announcement_language: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    notes: str | None = None


def check_calling_location(
    data: CallingLocationIn, prefix: str = "provisioningParameters.calling.location"
) -> tuple[CallingLocation | None, list[Problem]]:
    """Validate a calling location (`provisioningParameters.calling.location`, or a location
    added later: its fields named under `prefix`, or on their own when it is empty)."""

    def under(name: str) -> str:
        return f"{prefix}.{name}" if prefix else name

    address, problems = check_address(data.address, under("address"))
    if not data.name.strip():
        where = under("name")
        problems.append(Problem(Codes.MISSING_FIELD, f"{where}: must not be blank", where))
    if not is_timezone(data.timezone.strip()):
        where = under("timezone")
        problems.append(
            Problem(Codes.TIMEZONE_INVALID, f"{where}: {data.timezone!r} is not a time zone", where)
        )
    country = address.country if address else "US"
    language = resolve_locale(data.language, country)
    if language is None:
        where = under("language")
        problems.append(
            Problem(Codes.LANGUAGE_INVALID, f"{where}: {data.language!r} is not supported", where)
        )
    if problems or address is None or language is None:
        return None, problems
    location = CallingLocation(
        name=data.name.strip(),
        address=address,
        timezone=data.timezone.strip(),
        language=language,
        emergency_location_identifier=_blank_to_none(data.emergency_location_identifier),
    )
    return location, []


def location_name_problem(taken: list[str], name: str, where: str) -> Problem | None:
    """A customer's locations have different names (compared without case or outer spaces)."""
    wanted = name.strip().casefold()
    if wanted and wanted in {t.strip().casefold() for t in taken}:
        reason = f"{where}: the customer already has a location called {name.strip()!r}"
        return Problem(Codes.INVALID_FIELD, reason, where)
    return None


@dataclass(frozen=True)
class Parameters:
    """Checked provisioning parameters."""

    calling_location: CallingLocation | None = None
    meetings_timezone: str | None = None
    limits: dict[str, int] = field(default_factory=dict)


def check_parameters(
    data: ProvisioningParametersIn | None, packages: list[str]
) -> tuple[Parameters, list[Problem]]:
    """Validate optional provisioning parameters against the package list they come with;
    limits of packages not in the list are dropped (never an error)."""
    if data is None:
        return Parameters(), []
    problems: list[Problem] = []
    location = None
    if data.calling is not None:
        location, found = check_calling_location(data.calling.location)
        problems += found
    timezone = None
    if data.meetings is not None and data.meetings.timezone is not None:
        timezone = data.meetings.timezone.strip()
        if not is_timezone(timezone):
            where = "provisioningParameters.meetings.timezone"
            problems.append(
                Problem(Codes.TIMEZONE_INVALID, f"{where}: {timezone!r} is not a time zone", where)
            )
    limits = dict(data.packages.limits or {}) if data.packages else {}
    for name, value in limits.items():
        where = f"provisioningParameters.packages.limits.{name}"
        if value < 0:
            problems.append(
                Problem(Codes.PACKAGE_LIMIT_INVALID, f"{where}: must be 0 or more", where)
            )
    # Limits of packages left out of the list are ignored: the official request examples give
    # one for every package whatever the list holds.
    kept = {name: value for name, value in limits.items() if name in packages}
    return Parameters(location, timezone, kept), problems


@dataclass(frozen=True)
class NewCustomer:
    """Everything checked that a new customer organization needs (an attached organization may
    have no primary e-mail: then it is empty)."""

    name: str
    primary_email: str
    language: str | None
    locale: str
    address: Address
    packages: list[str]
    parameters: Parameters


@dataclass(frozen=True)
class TemplateTerms:
    """What a new customer takes from its onboarding template."""

    language: str
    pstn_provider: str | None


def check_new_customer(
    catalog: Catalog,
    *,
    name: str | None,
    primary_email: str | None,
    language: str | None,
    address_in: AddressIn,
    packages: list[str] | None,
    parameters_in: ProvisioningParametersIn | None,
    template: TemplateTerms | None,
) -> tuple[NewCustomer | None, list[Problem]]:
    """Every rule a new customer's request must meet; all problems at once.

    A part given as None is not checked, and leaves no plan: a precheck may leave out the name,
    the packages or the template. Without a primary e-mail (attaching an organization that has
    no administrator, or a precheck leaving it out), none is required."""
    address, problems = check_address(address_in, "address")
    problem = check_customer_name(name) if name is not None else None
    if problem:
        problems.append(problem)
    email = normalize_email(primary_email) if primary_email is not None else ""
    if email is None:
        problems.append(email_problem("customerInfo.primaryEmail"))
    if packages is not None:
        problems += check_packages(catalog, packages)
    parameters, found = check_parameters(parameters_in, packages or [])
    problems += found
    if packages is not None:
        problems += calling_location_problems(catalog, packages, parameters, False)
        if template is not None:
            problems += pstn_problems(catalog, packages, template.pstn_provider)
    wanted = language or (template.language if template else None)
    locale = resolve_locale(wanted, address.country if address else "US") if wanted else None
    if wanted and locale is None:
        where = "customerInfo.language"
        problems.append(
            Problem(Codes.LANGUAGE_INVALID, f"{where}: {language!r} is not supported", where)
        )
    if (
        problems
        or address is None
        or email is None
        or locale is None
        or name is None
        or packages is None
        or template is None
    ):
        return None, problems
    plan = NewCustomer(
        name=name.strip(),
        primary_email=email,
        language=language,
        locale=locale,
        address=address,
        packages=list(packages),
        parameters=parameters,
    )
    return plan, []


def calling_requirements(
    catalog: Catalog,
    packages: list[str],
    parameters: Parameters,
    template_pstn_provider: str | None,
    has_calling_location: bool,
) -> list[Problem]:
    """Calling packages need a calling location (given now or already there) and a PSTN provider."""
    return calling_location_problems(
        catalog, packages, parameters, has_calling_location
    ) + pstn_problems(catalog, packages, template_pstn_provider)


def calling_location_problems(
    catalog: Catalog, packages: list[str], parameters: Parameters, has_calling_location: bool
) -> list[Problem]:
    """Calling packages need a calling location, given now or already there."""
    given = parameters.calling_location is not None
    if not catalog.any_calling(packages) or given or has_calling_location:
        return []
    where = "provisioningParameters.calling"
    reason = f"{where}: required when provisioning calling packages"
    return [Problem(Codes.CALLING_PARAMETERS_REQUIRED, reason, where)]


def offered_packages(catalog: Catalog, template_pstn_provider: str | None) -> list[str]:
    """The packages and add-ons a customer of a template can be given: calling ones only when
    the template names a PSTN provider (as `pstn_problems` demands)."""
    return [p.name for p in catalog.packages if template_pstn_provider or not p.calling]


def pstn_problems(
    catalog: Catalog, packages: list[str], template_pstn_provider: str | None
) -> list[Problem]:
    """Calling packages need a template with a PSTN provider."""
    if not catalog.any_calling(packages) or template_pstn_provider:
        return []
    reason = "provisioningId: the template has no PSTN provider, needed for calling packages"
    return [Problem(Codes.PSTN_PROVIDER_REQUIRED, reason, "provisioningId")]


@dataclass(frozen=True)
class PackageChange:
    """What a complete package list means for the packages a customer has now."""

    add: list[str]
    remove: list[str]
    keep: list[str]


def plan_package_change(current: list[str], requested: list[str]) -> PackageChange:
    """The update replaces the list: absent packages are removed, new ones added."""
    wanted = list(dict.fromkeys(requested))
    return PackageChange(
        add=[p for p in wanted if p not in current],
        remove=[p for p in current if p not in wanted],
        keep=[p for p in current if p in wanted],
    )


APPROVAL_USER_THRESHOLD = 100
NO_LONGER_LICENSED = frozenset({"suspended", "cancelled"})


def approval_reasons(
    *, user_count: int, verified_domains: list[str], claimed_domains: list[str]
) -> list[str]:
    """Why attaching wholesale to an existing organization needs its administrator's approval
    (empty: attachment is automatic and silent). PRODUCT.md section 4.3."""
    reasons = []
    if user_count >= APPROVAL_USER_THRESHOLD:
        reasons.append(f"the organization has {APPROVAL_USER_THRESHOLD} or more users")
    if verified_domains:
        reasons.append("the organization has a verified e-mail domain")
    if claimed_domains:
        reasons.append("the organization has a claimed domain")
    return reasons


def partner_admin_level(license_statuses: list[str]) -> str:
    """The partner becomes full administrator of an attached organization that has no licenses,
    or only suspended or cancelled ones; otherwise provisioning administrator."""
    if all(status in NO_LONGER_LICENSED for status in license_statuses):
        return "full_admin"
    return "provisioning_admin"
