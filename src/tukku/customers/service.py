"""Use cases of wholesale customers on the request side, always scoped to the acting partner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.audit import service as audit
from tukku.catalog.packages import catalog
from tukku.core.errors import (
    Codes,
    DomainError,
    NotFound,
    Problem,
)
from tukku.core.ids import new_id
from tukku.core.pagination import PageRequest
from tukku.core.precheck import Findings
from tukku.customers.backend import Order, OrderKind, ProvisioningBackend
from tukku.customers.job_kinds import PROVISION
from tukku.customers.models import Customer, CustomerPackage, Location
from tukku.customers.rules import (
    SETTLED,
    Address,
    CallingLocation,
    NewCustomer,
    PackageStatus,
    Status,
    TemplateTerms,
    check_address,
    check_new_customer,
)
from tukku.customers.schemas import (
    AddressOut,
    AttachmentOut,
    CustomerCreate,
    CustomerOut,
    CustomerPrecheck,
    ErrorOut,
    PackageOut,
    ResourceDetailsOut,
)
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.models import Organization
from tukku.identity.permissions import Permission
from tukku.identity.principal import Principal
from tukku.identity.rules import CUSTOMER_KINDS, OrgKind
from tukku.onboarding import service as onboarding
from tukku.onboarding.models import OnboardingTemplate
from tukku.screening import service as screening
from tukku.screening.rules import Candidate

LIVE = Customer.removed_at.is_(None)
AUDITED = ("external_id", "name", "status", "country", "locale", "address_line1", "city")


def get_or_404(
    session: Session,
    *,
    actor: Actor,
    customer_id: str,
    for_update: bool = False,
    for_share: bool = False,
    field_name: str | None = None,
) -> Customer:
    """A live customer the actor may manage; 404 for unknown, removed or another tenant's.

    `for_update` locks the row against everyone (changing the customer itself); `for_share`
    only against changes of the customer (adding subscribers side by side).
    """
    actor.require(Permission.CUSTOMERS_READ)
    query = select(Customer).where(
        Customer.id == customer_id, actor.sees(Customer.owner_org_id), LIVE
    )
    if for_update or for_share:
        query = query.with_for_update(read=not for_update)
    customer = session.scalars(query).first()
    if customer is None:
        raise NotFound("customer", Codes.CUSTOMER_NOT_FOUND, field_name=field_name)
    return customer


def lock_unscoped(session: Session, customer_id: str, *, shared: bool = False) -> Customer | None:
    """A customer by ID with its row locked, regardless of tenant (jobs already hold the ID).

    A shared lock keeps the customer from changing while subscribers of it change.
    """
    return session.scalars(
        select(Customer).where(Customer.id == customer_id).with_for_update(read=shared)
    ).first()


def lock_package(session: Session, package_id: int) -> CustomerPackage | None:
    """A customer package row, locked, to count against its limit without racing others."""
    return session.scalars(
        select(CustomerPackage).where(CustomerPackage.id == package_id).with_for_update()
    ).first()


def packages_of(session: Session, customer_ids: list[str]) -> dict[str, list[CustomerPackage]]:
    """The package rows of several customers at once, in the order they were added."""
    rows = session.scalars(
        select(CustomerPackage)
        .where(CustomerPackage.customer_id.in_(customer_ids))
        .order_by(CustomerPackage.id)
    )
    result: dict[str, list[CustomerPackage]] = {cid: [] for cid in customer_ids}
    for row in rows:
        result[row.customer_id].append(row)
    return result


def package_row(session: Session, customer_id: str, name: str) -> CustomerPackage | None:
    """One package of a customer."""
    return session.scalars(
        select(CustomerPackage).where(
            CustomerPackage.customer_id == customer_id, CustomerPackage.name == name
        )
    ).first()


def headquarters(session: Session, customer_id: str) -> Location | None:
    """The customer's headquarters calling location, if it has one."""
    return session.scalars(
        select(Location).where(Location.customer_id == customer_id, Location.is_headquarters)
    ).first()


def location_of(session: Session, customer_id: str, location_id: str) -> Location | None:
    """One of the customer's locations."""
    return session.scalars(
        select(Location).where(Location.customer_id == customer_id, Location.id == location_id)
    ).first()


def locations_of_org(session: Session, *, actor: Actor, org_id: str) -> list[Location]:
    """The locations of a customer organization the actor manages; 404 for any other org."""
    actor.require(Permission.CUSTOMERS_READ)
    customer = session.scalars(
        select(Customer).where(Customer.org_id == org_id, actor.sees(Customer.owner_org_id), LIVE)
    ).first()
    if customer is None:
        raise NotFound("organization", field_name="orgId")
    return list(
        session.scalars(
            select(Location)
            .where(Location.customer_id == customer.id)
            .order_by(Location.created_at, Location.id)
        )
    )


def readiness_problems(customer: Customer) -> list[Problem]:
    """Subscribers can be added only to a provisioned customer (or one updating other packages)."""
    if customer.status in SETTLED | {Status.UPDATING}:
        return []
    reason = f"customerId: the customer is {customer.status}; it must be provisioned first"
    return [Problem(Codes.CUSTOMER_NOT_READY, reason, "customerId")]


def require_ready(customer: Customer) -> None:
    """Refuse (409) to add subscribers to a customer that is not ready for them."""
    problems = readiness_problems(customer)
    if problems:
        raise DomainError(problems)


def external_id_problem(
    session: Session, *, owner_org_id: str, external_id: str, except_id: str | None = None
) -> Problem | None:
    """A problem if the owner already has another live customer with this `externalId`."""
    clash = session.scalar(
        select(Customer.id).where(
            Customer.owner_org_id == owner_org_id, Customer.external_id == external_id, LIVE
        )
    )
    if clash is None or clash == except_id:
        return None
    return Problem(
        Codes.EXTERNAL_ID_TAKEN, f"externalId: {external_id!r} is already used", "externalId"
    )


def attach_problem(
    session: Session, actor: Actor, org_id: str
) -> tuple[Organization | None, Problem | None]:
    """The organization `orgId` names, and why the actor cannot attach it (None: it can).

    An organization another tenant manages reads exactly like an unknown one.
    """
    org = identity.get_org_unscoped(session, org_id)
    unknown = Problem(
        Codes.ORG_NOT_ATTACHABLE, "orgId: no organization with this ID can be attached", "orgId"
    )
    if org is None or org.kind not in CUSTOMER_KINDS:
        return None, unknown
    live = select(Customer.id).where(Customer.org_id == org.id, LIVE)
    if session.scalar(live.where(actor.sees(Customer.owner_org_id))) is not None:
        reason = "orgId: the organization is already managed for wholesale by you"
        return org, Problem(Codes.ORG_ALREADY_MANAGED, reason, "orgId")
    if org.kind != OrgKind.STANDALONE or session.scalar(live) is not None:
        return None, unknown
    return org, None


def template_named(
    session: Session, *, actor: Actor, provisioning_id: str
) -> tuple[OnboardingTemplate | None, list[Problem]]:
    """The actor's onboarding template with this `provisioningId`, or why there is none (404)."""
    template = onboarding.by_provisioning_id(session, actor=actor, value=provisioning_id)
    if template is not None:
        return template, []
    reason = "provisioningId: onboarding template not found"
    return None, [Problem(Codes.PROVISIONING_ID_UNKNOWN, reason, "provisioningId")]


@dataclass(frozen=True)
class CustomerPlan:
    """A customer request as planned: every problem found, and what provisioning takes from it
    (each None while unknown: wrong, or left out of a precheck)."""

    findings: Findings
    template: OnboardingTemplate | None = None
    org: Organization | None = None
    new: NewCustomer | None = None
    screened: Candidate | None = None


def plan_customer(
    session: Session, *, actor: Actor, data: CustomerCreate | CustomerPrecheck, lock: bool
) -> CustomerPlan:
    """Every check of `POST /customers` (a new organization, or attaching the one `orgId` names,
    then `org`), in the order provisioning meets them; its precheck checks the same.

    A precheck's body may leave parts out: they are not checked. `screened` is whom screening
    compares, once the name and address are known. `lock`: provisioning holds the organization
    it attaches until it commits.
    """
    findings = Findings()
    if not findings.add(partners.suspension_problems(session, actor.org_id)):
        return CustomerPlan(findings)
    org = None
    if data.org_id is not None:
        if lock:
            identity.lock_org(session, data.org_id)
        found_org, problem = attach_problem(session, actor, data.org_id)
        org = found_org if findings.add([problem] if problem else []) else None
    template = None
    if data.provisioning_id is not None:
        template, problems = template_named(
            session, actor=actor, provisioning_id=data.provisioning_id
        )
        findings.add(problems)
    if data.customer_info is None and data.org_id is None and isinstance(data, CustomerCreate):
        reason = "customerInfo: is required for a new organization"
        findings.add([Problem(Codes.MISSING_FIELD, reason, "customerInfo")])
    name, email, language = _customer_terms(session, data, org)
    new, problems = check_new_customer(
        catalog(),
        name=name,
        primary_email=email,
        language=language,
        address_in=data.address,
        packages=data.packages,
        parameters_in=data.provisioning_parameters,
        template=TemplateTerms(template.language, template.pstn_provider) if template else None,
    )
    external_id = data.external_id.strip() if data.external_id is not None else None
    if external_id == "":
        problems.append(Problem(Codes.MISSING_FIELD, "externalId: must not be blank", "externalId"))
    problems += sub_partner_admin_problems(
        session,
        owner_org_id=actor.org_id,
        partner_org_id=actor.partner_org_id,
        email=data.sub_partner_admin_email,
    )
    findings.add(problems)
    if external_id:
        taken = external_id_problem(session, owner_org_id=actor.org_id, external_id=external_id)
        findings.add([taken] if taken else [])
    address, _ = check_address(data.address, "address")
    screened = None
    if name and address is not None:
        screened = Candidate.of(
            name.strip(), address.line1, address.line2, address.city, address.country
        )
    return CustomerPlan(findings, template, org, new, screened)


def _customer_terms(
    session: Session, data: CustomerCreate | CustomerPrecheck, org: Organization | None
) -> tuple[str | None, str | None, str | None]:
    """The customer's name, primary e-mail and language. An attached organization keeps its
    name, its administrator's e-mail unless one is given, and its locale unless a language is."""
    info = data.customer_info
    if data.org_id is None:
        if info is None:
            return None, None, None
        return info.name, info.primary_email, info.language
    admins = identity.admins_of(session, org.id) if org else []
    return (
        org.name if org else None,
        (info.primary_email if info else None) or (admins[0].email if admins else None),
        (info.language if info else None) or (org.locale if org else None),
    )


def sub_partner_admin_problems(
    session: Session, *, owner_org_id: str, partner_org_id: str, email: str | None
) -> list[Problem]:
    """`subPartnerAdminEmail` names an administrator of the sub-partner owning the customer."""
    if email is None:
        return []
    where = "subPartnerAdminEmail"
    if owner_org_id == partner_org_id:
        reason = f"{where}: only for a sub-partner's customer (onBehalfOfSubPartnerOrgId)"
        return [Problem(Codes.INVALID_FIELD, reason, where)]
    user = identity.find_user_by_email(session, email)
    if user is None or user.org_id != owner_org_id or not identity.roles_of(session, user.id):
        return [
            Problem(Codes.INVALID_FIELD, f"{where}: not an administrator of the sub-partner", where)
        ]
    return []


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


def transition(customer: Customer, new: Status, now: datetime) -> None:
    """Move a customer to `new` now (the caller audits the request that caused it); a move the
    state machine does not make (`rules.TRANSITIONS`) raises `InvalidState`."""
    customer.status = new
    customer.updated_at = now
    customer.last_status_change = now


def set_status(
    session: Session,
    customer: Customer,
    new: Status,
    now: datetime,
    *,
    principal: Principal | None = None,
) -> None:
    """A step of a workflow ends: the status moves, and the audit log says who moved it (no
    principal: the platform itself)."""
    audit.record(
        session,
        principal=principal,
        action="customer.status",
        target_type="customer",
        target_id=customer.id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        before={"status": customer.status},
        after={"status": new.value},
    )
    transition(customer, new, now)


def fail(
    session: Session,
    customer: Customer,
    errors: list[dict[str, Any]],
    now: datetime,
    *,
    principal: Principal | None = None,
) -> None:
    """The customer ends in `error`, telling its partner why (`errors`, in the wire format)."""
    customer.errors = errors
    set_status(session, customer, Status.ERROR, now, principal=principal)


def follow_rename(customer: Customer, name: str) -> None:
    """The customer's organization was renamed by its own administrators: the customer (its
    partner's view of it) shows the new name."""
    customer.name = name


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


@dataclass(frozen=True)
class CustomerFilters:
    """List filters of `GET /customers`."""

    external_id: str | None = None
    org_id: str | None = None
    statuses: tuple[str, ...] = ()


def list_(
    session: Session, *, actor: Actor, filters: CustomerFilters, page: PageRequest
) -> list[Customer]:
    """The actor's live customers, oldest first (one extra row to detect a next page).

    A parent's plain list leaves its sub-partners' customers out; an exact `externalId` or
    `orgId` search finds them too.
    """
    actor.require(Permission.CUSTOMERS_READ)
    explicit = filters.external_id is not None or filters.org_id is not None
    scope = actor.sees if explicit else actor.owns
    query = select(Customer).where(scope(Customer.owner_org_id), LIVE)
    if filters.external_id is not None:
        query = query.where(Customer.external_id == filters.external_id)
    if filters.org_id is not None:
        query = query.where(Customer.org_id == filters.org_id)
    if filters.statuses:
        query = query.where(Customer.status.in_(filters.statuses))
    query = query.order_by(Customer.created_at, Customer.seq)
    return list(session.scalars(query.offset(page.offset).limit(page.limit + 1)))


def _errors(items: list[dict[str, object]]) -> list[ErrorOut] | None:
    return [ErrorOut.model_validate(e) for e in items] or None


def to_out(
    customer: Customer,
    packages: list[CustomerPackage],
    *,
    include_licenses: bool = False,
    attachment: AttachmentOut | None = None,
) -> CustomerOut:
    """The wire form of a customer; `orgId` appears once the organization exists."""
    details = [
        PackageOut(
            name=p.name,
            status=p.status,
            warnings=_errors(p.warnings),
            errors=_errors(p.errors),
            license_ids=[p.license_id] if include_licenses and p.license_id else None,
        )
        for p in packages
    ]
    return CustomerOut(
        id=customer.id,
        org_id=customer.org_id,
        external_id=customer.external_id,
        address=AddressOut(
            address_line1=customer.address_line1,
            address_line2=customer.address_line2,
            city=customer.city,
            state_or_province=customer.state_or_province,
            zip_or_postal_code=customer.zip_or_postal_code,
            country=customer.country,
        ),
        status=customer.status,
        packages=[p.name for p in packages if p.status != PackageStatus.DELETING],
        resource_details=ResourceDetailsOut(packages=details),
        errors=_errors(customer.errors),
        restricted_by_partner=customer.restricted_by_partner,
        attachment=attachment,
    )


def billing_view() -> Any:
    """Customers as billing reports see them: `customer_id`, `org_id`, `external_id` and whether
    the organization is one of the platform's internal test organizations (`internal`)."""
    orgs = identity.org_flags()
    return (
        select(
            Customer.id.label("customer_id"),
            Customer.org_id.label("org_id"),
            Customer.external_id.label("external_id"),
            func.coalesce(orgs.c.internal, false()).label("internal"),
        )
        .outerjoin(orgs, orgs.c.org_id == Customer.org_id)
        .subquery("billed_customers")
    )


def set_restricted_mode(
    session: Session, *, actor: Actor, customer_id: str, enabled: bool, now: datetime
) -> Customer:
    """Turn restricted-by-partner mode on or off (partner administrators only)."""
    actor.require(Permission.RESTRICTED_MODE_WRITE)
    customer = get_or_404(session, actor=actor, customer_id=customer_id, for_update=True)
    before = customer.restricted_by_partner
    customer.restricted_by_partner = enabled
    audit.record(
        session,
        actor=actor,
        action="customer.restricted_mode",
        target_type="customer",
        target_id=customer.id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        before={"restrictedByPartner": before},
        after={"restrictedByPartner": enabled},
    )
    return customer


def by_org_unscoped(session: Session, org_id: str) -> Customer | None:
    """The live wholesale customer of an organization, if it has one, whoever asks (callers have
    already established who the organization is: its own administrator, or a job)."""
    return session.scalars(select(Customer).where(Customer.org_id == org_id, LIVE)).first()
