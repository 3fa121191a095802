"""Provisioning a customer: a planned request is accepted (its rows stored in `provisioning`,
screened first), and the background job that completes it is queued. Attaching an existing
organization (`_attach`) accepts through the same `accept`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.core.ids import new_id
from tukku.customers.backend import Order, OrderKind, ProvisioningBackend
from tukku.customers.job_kinds import PROVISION
from tukku.customers.models import Customer, CustomerPackage, Location
from tukku.customers.rules import Address, CallingLocation, NewCustomer, PackageStatus, Status
from tukku.customers.schemas import CustomerCreate
from tukku.customers.service._plan import plan_customer
from tukku.customers.service._status import transition
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.onboarding.models import OnboardingTemplate
from tukku.screening import service as screening
from tukku.screening.rules import Candidate

AUDITED = ("external_id", "name", "status", "country", "locale", "address_line1", "city")


def set_address(target: Customer | Location, address: Address) -> None:
    """Copy a checked address onto a customer or location row."""
    target.address_line1 = address.line1
    target.address_line2 = address.line2
    target.city = address.city
    target.state_or_province = address.state_or_province
    target.zip_or_postal_code = address.zip_or_postal_code
    target.country = address.country


def add_location(
    session: Session, *, customer_id: str, location: CallingLocation, now: datetime, hq: bool
) -> Location:
    """A calling location of the customer."""
    row = Location(
        id=new_id("LOCATION"),
        customer_id=customer_id,
        name=location.name,
        timezone=location.timezone,
        language=location.language,
        emergency_location_identifier=location.emergency_location_identifier,
        is_headquarters=hq,
        created_at=now,
    )
    set_address(row, location.address)
    session.add(row)
    return row


def provision(
    session: Session,
    *,
    actor: Actor,
    data: CustomerCreate,
    now: datetime,
    backend: ProvisioningBackend,
) -> Customer:
    """Accept a new customer organization: its rows in `provisioning` and the job finishing them."""
    actor.require(Permission.CUSTOMERS_WRITE)
    planned = plan_customer(session, actor=actor, data=data, lock=True)
    planned.findings.raise_first()
    assert planned.template is not None and planned.new is not None
    return accept(
        session,
        actor=actor,
        data=data,
        template=planned.template,
        plan=planned.new,
        now=now,
        backend=backend,
    )


def accept(
    session: Session,
    *,
    actor: Actor,
    data: CustomerCreate,
    template: OnboardingTemplate,
    plan: NewCustomer,
    now: datetime,
    backend: ProvisioningBackend,
    attach_to: str | None = None,
    start: bool = True,
) -> Customer:
    """Store an accepted customer request in `provisioning` and, when `start`, the job that
    completes it. `attach_to` names an existing organization the customer is attached to.

    Every new customer is screened first (section 4.4): a possible match holds it in
    `pending_rpl_review` with an open case instead.
    """
    customer = Customer(
        id=new_id("ENTERPRISE"),
        owner_org_id=actor.org_id,
        partner_org_id=actor.partner_org_id,
        org_id=attach_to,
        template_id=template.id,
        external_id=data.external_id.strip(),
        name=plan.name,
        primary_email=plan.primary_email or None,
        language=plan.language,
        locale=plan.locale,
        status=Status.PROVISIONING,
        meetings_timezone=plan.parameters.meetings_timezone,
        sub_partner_admin_email=data.sub_partner_admin_email,
        attached=attach_to is not None,
        restricted_by_partner=attach_to is None,
        errors=[],
        created_at=now,
        updated_at=now,
        last_status_change=now,
    )
    set_address(customer, plan.address)
    candidate = screening_candidate(customer)
    order = Order(customer.id, customer.external_id, OrderKind.NEW)
    verdict = backend.screen(session, order, candidate)
    held = bool(verdict.matches)
    if held:
        transition(customer, Status.PENDING_RPL_REVIEW, now)
    session.add(customer)
    session.flush()
    for name in dict.fromkeys(plan.packages):
        session.add(
            CustomerPackage(
                customer_id=customer.id,
                name=name,
                status=PackageStatus.PROVISIONING,
                limit=plan.parameters.limits.get(name),
                errors=[],
                warnings=[],
                created_at=now,
            )
        )
    if plan.parameters.calling_location is not None:
        add_location(
            session,
            customer_id=customer.id,
            location=plan.parameters.calling_location,
            now=now,
            hq=True,
        )
    audit.record(
        session,
        actor=actor,
        action="customer.attach" if attach_to else "customer.provision",
        target_type="customer",
        target_id=customer.id,
        now=now,
        after={**audit.snapshot(customer, AUDITED), "packages": list(dict.fromkeys(plan.packages))},
    )
    if held:
        screening.open_case(
            session,
            customer_id=customer.id,
            partner_org_id=customer.partner_org_id,
            owner_org_id=customer.owner_org_id,
            candidate=candidate,
            screening=verdict,
            now=now,
        )
    elif start:
        start_provisioning(session, customer.id, now)
    session.flush()
    return customer


def screening_candidate(customer: Customer) -> Candidate:
    """What denied-party screening compares of a customer: its name and billing address."""
    return Candidate.of(
        customer.name,
        customer.address_line1,
        customer.address_line2,
        customer.city,
        customer.country,
    )


def start_provisioning(
    session: Session, customer_id: str, now: datetime, *, resume_at: datetime | None = None
) -> None:
    """Queue the background job that completes a customer's provisioning; with `resume_at`
    (wall-clock time), the backends asked to be asked again then."""
    if resume_at is None:
        PROVISION.enqueue(session, {"customerId": customer_id}, due_at=now, now=now)
        return
    PROVISION.enqueue(
        session,
        {"customerId": customer_id, "resumed": True},
        due_at=now,
        now=now,
        available_at=resume_at,
    )
