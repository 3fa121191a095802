"""`POST /customers/validate`: would provisioning succeed? Checks everything, changes nothing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tukku.catalog.locales import resolve_locale
from tukku.catalog.packages import catalog
from tukku.core.errors import Codes, Problem
from tukku.core.validation import email_problem, normalize_email
from tukku.customers import attach, service
from tukku.customers.backend import Order, OrderKind, ProvisioningBackend
from tukku.customers.rules import (
    Address,
    calling_requirements,
    check_address,
    check_customer_name,
    check_packages,
    check_parameters,
)
from tukku.customers.schemas import CustomerPrecheck
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.onboarding import service as onboarding
from tukku.screening.rules import Candidate


def precheck(
    session: Session, *, actor: Actor, data: CustomerPrecheck, backend: ProvisioningBackend
) -> list[Problem]:
    """Every problem provisioning this customer would meet (empty: likely to succeed)."""
    actor.require(Permission.PRECHECK)
    address, problems = check_address(data.address, "address")
    template = None
    if data.provisioning_id is not None:
        template = onboarding.by_provisioning_id(session, actor=actor, value=data.provisioning_id)
        if template is None:
            reason = "provisioningId: no onboarding template of yours has this ID"
            problems.append(Problem(Codes.PROVISIONING_ID_UNKNOWN, reason, "provisioningId"))
    packages = data.packages if data.packages is not None else []
    if data.packages is not None:
        problems += check_packages(catalog(), packages)
    parameters, found = check_parameters(data.provisioning_parameters, packages)
    problems += found
    if data.packages is not None:
        pstn = template.pstn_provider if template else "unknown until a template is named"
        problems += calling_requirements(catalog(), packages, parameters, pstn, False)
    org_name = None
    if data.org_id is not None:
        org, problem = attach.attach_problem(session, actor, data.org_id)
        org_name = org.name if org is not None else None
        if problem is not None:
            problems.append(problem)
    if data.external_id is not None:
        taken = service.external_id_problem(
            session, owner_org_id=actor.org_id, external_id=data.external_id.strip()
        )
        if taken:
            problems.append(taken)
    info = data.customer_info
    if info is not None:
        if normalize_email(info.primary_email) is None:
            problems.append(email_problem("customerInfo.primaryEmail"))
        if info.name is not None:
            problem = check_customer_name(info.name)
            if problem:
                problems.append(problem)
        language = info.language or (template.language if template else None)
        if language and resolve_locale(language, address.country if address else "US") is None:
            where = "customerInfo.language"
            problems.append(
                Problem(
                    Codes.LANGUAGE_INVALID, f"{where}: {info.language!r} is not supported", where
                )
            )
    name = (info.name if info else None) or org_name
    order = Order(None, (data.external_id or "").strip(), OrderKind.NEW)
    if address is not None and name and _may_be_listed(session, backend, order, name, address):
        where = "customerInfo.name"
        reason = f"{where}: may match a restricted party; provisioning would wait for a review"
        problems.append(Problem(Codes.SCREENING_POSSIBLE_MATCH, reason, where))
    return problems


def _may_be_listed(
    session: Session, backend: ProvisioningBackend, order: Order, name: str, address: Address
) -> bool:
    candidate = Candidate.of(name, address.line1, address.line2, address.city, address.country)
    return bool(backend.screen(session, order, candidate).matches)
