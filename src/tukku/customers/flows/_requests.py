"""The request side of customers' workflows: `PUT` (update) and `DELETE` (removal) of a
customer, which check and record the request and queue the job that completes it (`_jobs`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.audit import service as audit
from tukku.catalog.packages import catalog
from tukku.core.errors import Codes, Conflict, InvalidState, Problem, invalid_all
from tukku.customers import holders, service
from tukku.customers.job_kinds import REMOVE, UPDATE
from tukku.customers.models import Customer, CustomerPackage, Location
from tukku.customers.rules import (
    SETTLED,
    CallingLocation,
    PackageStatus,
    Status,
    calling_requirements,
    check_address,
    check_packages,
    check_parameters,
    plan_package_change,
)
from tukku.customers.schemas import CustomerUpdate
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.metering import service as metering
from tukku.onboarding import service as onboarding
from tukku.screening import service as screening


def _audited(session: Session, customer: Customer) -> dict[str, object]:
    rows = service.packages_of(session, [customer.id])[customer.id]
    return {
        **audit.snapshot(customer, service.AUDITED),
        "packages": [r.name for r in rows if r.status != PackageStatus.DELETING],
    }


def update_customer(
    session: Session, *, actor: Actor, customer_id: str, data: CustomerUpdate, now: datetime
) -> Customer:
    """Accept a change: data fields apply now; package changes complete in the background."""
    actor.require(Permission.CUSTOMERS_WRITE)
    customer = service.get_or_404(session, actor=actor, customer_id=customer_id, for_update=True)
    partners.ensure_may_change(session, customer.owner_org_id)
    before = _audited(session, customer)
    if customer.status not in SETTLED:
        reason = f"the customer is {customer.status}; wait until it is provisioned"
        raise InvalidState("customerId", reason, Codes.CUSTOMER_BUSY)
    rows = service.packages_of(session, [customer.id])[customer.id]
    problems = check_packages(catalog(), data.packages)
    parameters, found = check_parameters(data.provisioning_parameters, data.packages)
    problems += found
    template = onboarding.get_unscoped(session, customer.template_id)
    hq = service.headquarters(session, customer.id)
    problems += calling_requirements(
        catalog(),
        data.packages,
        parameters,
        template.pstn_provider if template else None,
        hq is not None,
    )
    address = None
    if data.address is not None:
        address, found = check_address(data.address, "address")
        problems += found
        if address is not None and address.country != customer.country:
            reason = "address.country: a provisioned customer keeps its country (data residency)"
            problems.append(Problem(Codes.COUNTRY_CHANGE, reason, "address.country"))
    if data.external_id is not None and not data.external_id.strip():
        problems.append(Problem(Codes.MISSING_FIELD, "externalId: must not be blank", "externalId"))
    problems += service.sub_partner_admin_problems(
        session,
        owner_org_id=customer.owner_org_id,
        partner_org_id=customer.partner_org_id,
        email=data.sub_partner_admin_email,
    )
    if problems:
        raise invalid_all(problems)
    if data.external_id is not None:
        taken = service.external_id_problem(
            session,
            owner_org_id=customer.owner_org_id,
            external_id=data.external_id.strip(),
            except_id=customer.id,
        )
        if taken:
            raise Conflict(taken.field, taken.description, taken.code)
        customer.external_id = data.external_id.strip()
    change = plan_package_change([r.name for r in rows], data.packages)
    in_use = holders.in_use(session, customer.id, change.remove)
    if in_use:
        detail = ", ".join(f"{name} ({held})" for name, held in in_use.items())
        raise Conflict("packages", f"still assigned: {detail}", Codes.PACKAGE_IN_USE)
    if address is not None:
        service.set_address(customer, address)
    if data.sub_partner_admin_email is not None:
        customer.sub_partner_admin_email = data.sub_partner_admin_email
    if parameters.meetings_timezone is not None:
        customer.meetings_timezone = parameters.meetings_timezone
    if parameters.calling_location is not None:
        if hq is None:
            service.add_location(
                session,
                customer_id=customer.id,
                location=parameters.calling_location,
                now=now,
                hq=True,
            )
        else:
            _update_location(hq, parameters.calling_location)
    for row in rows:
        if row.name in change.remove:
            row.status = PackageStatus.DELETING
            metering.close_customer_assignment(
                session, customer_id=customer.id, package=row.name, at=now
            )
        if row.name in parameters.limits:
            row.limit = parameters.limits[row.name]
    for name in change.add:
        session.add(
            CustomerPackage(
                customer_id=customer.id,
                name=name,
                status=PackageStatus.PROVISIONING,
                limit=parameters.limits.get(name),
                errors=[],
                warnings=[],
                created_at=now,
            )
        )
    service.transition(customer, Status.UPDATING, now)
    customer.errors = []
    UPDATE.enqueue(session, {"customerId": customer.id}, due_at=now, now=now)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="customer.update",
        target_type="customer",
        target_id=customer.id,
        now=now,
        before=before,
        after=_audited(session, customer),
    )
    return customer


def _update_location(hq: Location, location: CallingLocation) -> None:
    hq.name = location.name
    hq.timezone = location.timezone
    hq.language = location.language
    hq.emergency_location_identifier = location.emergency_location_identifier
    service.set_address(hq, location.address)


def remove_customer(session: Session, *, actor: Actor, customer_id: str, now: datetime) -> None:
    """Take wholesale off the organization: billing stops now, the rest completes in background."""
    actor.require(Permission.CUSTOMERS_WRITE)
    customer = service.get_or_404(session, actor=actor, customer_id=customer_id, for_update=True)
    if customer.status == Status.DELETING:
        return
    audit.record(
        session,
        actor=actor,
        action="customer.remove",
        target_type="customer",
        target_id=customer.id,
        now=now,
        before={"status": customer.status},
        after={"status": Status.DELETING},
    )
    service.transition(customer, Status.DELETING, now)
    screening.withdraw(session, customer.id, now)
    for row in service.packages_of(session, [customer.id])[customer.id]:
        row.status = PackageStatus.DELETING
    metering.close_customer_assignments(session, customer_id=customer.id, at=now)
    REMOVE.enqueue(session, {"customerId": customer.id}, due_at=now, now=now)
