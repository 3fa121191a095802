"""`POST /subscribers/validate`: would provisioning this subscriber succeed? Changes nothing.

Never reveals another tenant's data: an e-mail or number in use elsewhere is reported only as
"already in use".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tukku.catalog.packages import catalog
from tukku.core.errors import Code, Codes, DomainError, Problem
from tukku.core.validation import email_problem, normalize_email
from tukku.customers import service as customers
from tukku.customers.models import Customer
from tukku.customers.rules import PackageStatus
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.onboarding import service as onboarding
from tukku.subscribers import service
from tukku.subscribers.rules import EmailOwner, check_numbers, choose_package, name_problems
from tukku.subscribers.schemas import SubscriberParametersIn, SubscriberPrecheck


@dataclass
class Outcome:
    """Problems that would make provisioning fail, and information codes for success."""

    problems: list[Problem] = field(default_factory=list)
    info: list[Code] = field(default_factory=list)


def _against_customer(
    session: Session,
    outcome: Outcome,
    customer: Customer,
    package: str | None,
    params: SubscriberParametersIn,
    email: str | None,
) -> None:
    try:
        customers.require_ready(customer)
    except DomainError as exc:
        outcome.problems += exc.problems
        return
    prefix = "provisioningParameters"
    if package is not None:
        row = customers.package_row(session, customer.id, package)
        if row is None or row.status != PackageStatus.PROVISIONED:
            reason = f"packages: {package} is not provisioned on the customer"
            outcome.problems.append(Problem(Codes.PACKAGE_NOT_ON_CUSTOMER, reason, "packages"))
        elif (
            row.limit is not None
            and service.count_holding(session, customer.id, [package])[package] >= row.limit
        ):
            reason = f"packages: the customer's limit of {row.limit} is reached"
            outcome.problems.append(Problem(Codes.PACKAGE_LIMIT_REACHED, reason, "packages"))
        if catalog()[package].calling:
            numbers, problems = check_numbers(
                params.extension, params.primary_phone_number, required=True, prefix=prefix
            )
            outcome.problems += problems
            if numbers is not None:
                outcome.problems += service.number_problems(session, customer.id, numbers, prefix)
    if (
        params.location_id
        and customers.location_of(session, customer.id, params.location_id) is None
    ):
        where = f"{prefix}.locationId"
        outcome.problems.append(
            Problem(Codes.LOCATION_UNKNOWN, f"{where}: unknown location", where)
        )
    if email is not None:
        owner = service.email_owner_of(session, email, customer.org_id)
        _email_outcome(outcome, owner, email)


def _email_outcome(outcome: Outcome, owner: EmailOwner, email: str) -> None:
    if owner is EmailOwner.TAKEN:
        outcome.problems.append(
            Problem(Codes.EMAIL_TAKEN, f"email: {email} is already in use", "email")
        )
    elif owner is EmailOwner.OUTSIDE:
        outcome.info.append(Codes.PRECHECK_CONSENT)
    elif owner is EmailOwner.MEMBER:
        outcome.info.append(Codes.PRECHECK_EXISTING_USER)


def precheck(session: Session, *, actor: Actor, data: SubscriberPrecheck) -> Outcome:
    """Check the three request variants: existing customer, customer-to-be, or e-mail only."""
    actor.require(Permission.PRECHECK)
    outcome = Outcome()
    email = normalize_email(data.email)
    if email is None:
        outcome.problems.append(email_problem("email"))
    package = None
    if data.package is not None or data.packages is not None:
        package, problems = choose_package(catalog(), data.package, data.packages)
        outcome.problems += problems
    params = data.provisioning_parameters or SubscriberParametersIn()
    if "provisioning_parameters" in data.model_fields_set:
        # Sent (even as null), they are checked as provisioning checks them: names required.
        outcome.problems += name_problems(params.first_name, params.last_name)
    if data.customer_id is not None:
        try:
            customer = customers.get_or_404(
                session, actor=actor, customer_id=data.customer_id, field_name="customerId"
            )
        except DomainError as exc:
            outcome.problems += exc.problems
        else:
            _against_customer(session, outcome, customer, package, params, email)
        return outcome
    if (
        data.provisioning_id is not None
        and onboarding.by_provisioning_id(session, actor=actor, value=data.provisioning_id) is None
    ):
        reason = "provisioningId: no onboarding template of yours has this ID"
        outcome.problems.append(Problem(Codes.PROVISIONING_ID_UNKNOWN, reason, "provisioningId"))
    if data.customer_info is not None and normalize_email(data.customer_info.primary_email) is None:
        outcome.problems.append(email_problem("customerInfo.primaryEmail"))
    if email is not None:
        _email_outcome(outcome, service.email_owner_of(session, email, None), email)
    return outcome
