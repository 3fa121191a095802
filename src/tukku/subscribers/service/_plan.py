"""Planning a subscriber request (`plan_subscriber`): every check of provisioning, in the order
provisioning meets them, shared with its precheck so that the two cannot disagree; and the
package checks a package change repeats (the package is on the customer, its limit not reached).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.catalog.packages import catalog
from tukku.core.errors import Codes, Problem
from tukku.core.precheck import Findings
from tukku.core.validation import email_problem, normalize_email
from tukku.customers import service as customers
from tukku.customers.models import Customer, CustomerPackage, Location
from tukku.customers.rules import PackageStatus
from tukku.identity import service as identity
from tukku.identity.models import User
from tukku.subscribers.models import Subscriber
from tukku.subscribers.rules import (
    EmailOwner,
    Numbers,
    check_numbers,
    choose_package,
    email_owner,
    email_owner_problems,
    name_problems,
)
from tukku.subscribers.schemas import SubscriberCreate, SubscriberParametersIn, SubscriberPrecheck
from tukku.subscribers.service._lookup import ACTIVE, count_holding
from tukku.subscribers.service._numbers import _calling_location, number_problems


def _limit_problems(
    session: Session, customer: Customer, row: CustomerPackage, *, lock: bool
) -> list[Problem]:
    """The customer's limit of the package is reached (409). `lock`: hold the package row until
    the transaction ends, so that one subscriber at a time counts against the limit."""
    if row.limit is None:
        return []
    if lock:
        customers.lock_package(session, row.id)
    if count_holding(session, customer.id, [row.name])[row.name] < row.limit:
        return []
    reason = f"packages: the customer's limit of {row.limit} {row.name} subscribers is reached"
    return [Problem(Codes.PACKAGE_LIMIT_REACHED, reason, "packages")]


def _usable_package(
    session: Session, customer: Customer, package: str, field_name: str
) -> tuple[CustomerPackage | None, list[Problem]]:
    """The customer's row of the package, or why subscribers cannot have it (400)."""
    row = customers.package_row(session, customer.id, package)
    if row is None or row.status != PackageStatus.PROVISIONED:
        reason = f"{field_name}: {package} is not provisioned on the customer"
        return None, [Problem(Codes.PACKAGE_NOT_ON_CUSTOMER, reason, field_name)]
    return row, []


def offered_packages(session: Session, customer: Customer) -> list[str]:
    """The packages a new subscriber of `customer` (one the caller may act on) can be given:
    its provisioned packages that the catalog gives to subscribers, in the order added."""
    rows = customers.packages_of(session, [customer.id])[customer.id]
    return [
        row.name
        for row in rows
        if row.status == PackageStatus.PROVISIONED
        and (entry := catalog().get(row.name)) is not None
        and entry.subscriber
    ]


_ACTIVE_WITH_EMAIL = select(Subscriber.id).where(Subscriber.email == bindparam("email"), ACTIVE)


def _email_owner(
    session: Session, email: str, customer_org_id: str | None
) -> tuple[EmailOwner, User | None]:
    is_subscriber = session.scalar(_ACTIVE_WITH_EMAIL, {"email": email})
    user = identity.find_user_by_email(session, email)
    org = identity.get_org_unscoped(session, user.org_id) if user else None
    owner = email_owner(
        owner_org_id=user.org_id if user else None,
        owner_org_kind=org.kind if org else None,
        customer_org_id=customer_org_id,
        owner_is_subscriber=is_subscriber is not None,
    )
    return owner, user


def email_owner_of(session: Session, email: str, customer_org_id: str | None) -> EmailOwner:
    """What provisioning `email` into the customer organization would meet."""
    return _email_owner(session, email, customer_org_id)[0]


@dataclass(frozen=True)
class CheckedRequest:
    """A subscriber request checked by the rules that need no lookup."""

    package: str | None
    email: str | None
    parameters: SubscriberParametersIn
    problems: list[Problem]


def check_request(data: SubscriberCreate | SubscriberPrecheck) -> CheckedRequest:
    """One package, the subscriber's names and e-mail (400). A precheck's body may leave out the
    package and the parameters: then they are not checked (sent, even as null, they are)."""
    complete = isinstance(data, SubscriberCreate)
    package: str | None = None
    problems: list[Problem] = []
    if complete or data.package is not None or data.packages is not None:
        package, problems = choose_package(catalog(), data.package, data.packages)
    parameters = data.provisioning_parameters or SubscriberParametersIn()
    if complete or "provisioning_parameters" in data.model_fields_set:
        problems += name_problems(parameters.first_name, parameters.last_name)
    email = normalize_email(data.email)
    if email is None:
        problems.append(email_problem("email"))
    return CheckedRequest(package, email, parameters, problems)


@dataclass(frozen=True)
class SubscriberPlan:
    """A subscriber request as planned against its customer: every problem found, and what
    provisioning takes from it (each None while unknown: wrong, or left out of a precheck)."""

    findings: Findings
    request: CheckedRequest
    row: CustomerPackage | None = None
    numbers: Numbers | None = None
    location: Location | None = None
    owner: EmailOwner | None = None
    user: User | None = None


def plan_subscriber(
    session: Session,
    *,
    customer: Customer,
    data: SubscriberCreate | SubscriberPrecheck,
    lock: bool,
) -> SubscriberPlan:
    """Every check of provisioning a subscriber into `customer`, in the order provisioning meets
    them; its precheck checks the same. `lock`: provisioning holds the package row whose limit
    it counts until it commits."""
    request = check_request(data)
    findings = Findings()
    findings.add(request.problems)
    if not findings.add(customers.readiness_problems(customer)):
        return SubscriberPlan(findings, request)
    findings.add(partners.suspension_problems(session, customer.owner_org_id))
    row = numbers = location = None
    if request.package is not None:
        field_name = "package" if data.package is not None else "packages"
        row, problems = _usable_package(session, customer, request.package, field_name)
        findings.add(problems)
        if catalog()[request.package].calling:
            numbers, location = _plan_numbers(session, findings, customer, request.parameters)
    owner = user = None
    if request.email is not None:
        owner, user = _email_owner(session, request.email, customer.org_id)
        findings.add(email_owner_problems(owner, request.email))
    if row is not None:
        findings.add(_limit_problems(session, customer, row, lock=lock))
    return SubscriberPlan(findings, request, row, numbers, location, owner, user)


def _plan_numbers(
    session: Session, findings: Findings, customer: Customer, params: SubscriberParametersIn
) -> tuple[Numbers | None, Location | None]:
    """A calling subscriber's numbers and location: well-formed (400), at a location of the
    customer (400), free (409)."""
    prefix = "provisioningParameters"
    numbers, problems = check_numbers(
        params.extension, params.primary_phone_number, required=True, prefix=prefix
    )
    findings.add(problems)
    location, problems = _calling_location(session, customer, params.location_id, prefix)
    findings.add(problems)
    if numbers is not None:
        findings.add(number_problems(session, customer.id, numbers, prefix, location))
    return numbers, location
