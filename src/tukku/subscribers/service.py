"""Use cases of wholesale subscribers, always scoped to the acting partner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.audit import service as audit
from tukku.catalog.packages import catalog
from tukku.core.errors import (
    Codes,
    DomainError,
    InvalidState,
    NotFound,
    Problem,
    invalid_all,
)
from tukku.core.ids import new_id
from tukku.core.pagination import PageRequest
from tukku.core.precheck import Findings
from tukku.core.security import sign, unsign
from tukku.core.timefmt import iso
from tukku.core.validation import email_problem, normalize_email
from tukku.customers import holders
from tukku.customers import service as customers
from tukku.customers.models import Customer, CustomerPackage, Location
from tukku.customers.rules import PackageStatus
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.models import User
from tukku.identity.permissions import Permission
from tukku.identity.principal import Principal
from tukku.identity.rules import Role
from tukku.mail.service import queue_mail
from tukku.metering import service as metering
from tukku.onboarding import service as onboarding
from tukku.subscribers.models import DirectoryNumber, Subscriber
from tukku.subscribers.rules import (
    EmailOwner,
    Numbers,
    Status,
    becomes_admin,
    check_numbers,
    choose_package,
    email_owner,
    email_owner_problems,
    name_problems,
)
from tukku.subscribers.schemas import (
    SubscriberCreate,
    SubscriberErrorOut,
    SubscriberOut,
    SubscriberParametersIn,
    SubscriberPrecheck,
    SubscriberUpdate,
)

ACTIVE = Subscriber.removed_at.is_(None)
AUDITED = ("email", "customer_id", "package", "status", "user_id", "location_id")
CONSENT_PURPOSE = "subscriber-consent"


@dataclass(frozen=True)
class Links:
    """How to build links that go out in e-mails: the public base URL and the signing secret."""

    base_url: str
    secret: str
    consent_max_age: timedelta


def get_or_404(
    session: Session, *, actor: Actor, subscriber_id: str, field_name: str | None = None
) -> Subscriber:
    """An active subscriber the actor may manage; 404 for anyone else's."""
    actor.require(Permission.SUBSCRIBERS_READ)
    subscriber = session.scalars(
        select(Subscriber).where(
            Subscriber.id == subscriber_id, actor.sees(Subscriber.owner_org_id), ACTIVE
        )
    ).first()
    if subscriber is None:
        raise NotFound("subscriber", Codes.SUBSCRIBER_NOT_FOUND, field_name=field_name)
    return subscriber


def count_holding(session: Session, customer_id: str, packages: list[str]) -> dict[str, int]:
    """How many active subscribers of a customer hold each of `packages`."""
    rows = session.execute(
        select(Subscriber.package, func.count())
        .where(Subscriber.customer_id == customer_id, Subscriber.package.in_(packages), ACTIVE)
        .group_by(Subscriber.package)
    )
    counts = dict.fromkeys(packages, 0)
    counts.update({name: int(n) for name, n in rows})
    return counts


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


def _calling_location(
    session: Session, customer: Customer, location_id: str | None, prefix: str
) -> tuple[Location | None, list[Problem]]:
    """The location a calling subscriber's numbers belong to: the one named, else the
    headquarters; or why there is none (400)."""
    where = f"{prefix}.locationId"
    if location_id:
        location = customers.location_of(session, customer.id, location_id)
        if location is None:
            return None, [Problem(Codes.LOCATION_UNKNOWN, f"{where}: unknown location", where)]
        return location, []
    hq = customers.headquarters(session, customer.id)
    if hq is None:
        reason = f"{where}: the customer has no calling location"
        return None, [Problem(Codes.LOCATION_UNKNOWN, reason, where)]
    return hq, []


def number_problems(
    session: Session, customer_id: str, numbers: Numbers, prefix: str
) -> list[Problem]:
    """Conflicts of an extension (per customer) or number (platform-wide) already in use."""
    problems = []
    if numbers.extension is not None:
        taken = session.scalar(
            select(DirectoryNumber.id).where(
                DirectoryNumber.customer_id == customer_id,
                DirectoryNumber.extension == numbers.extension,
            )
        )
        if taken is not None:
            where = f"{prefix}.extension"
            reason = f"{where}: {numbers.extension} is already used in this customer"
            problems.append(Problem(Codes.EXTENSION_TAKEN, reason, where))
    if numbers.phone_number is not None:
        taken = session.scalar(
            select(DirectoryNumber.id).where(DirectoryNumber.phone_number == numbers.phone_number)
        )
        if taken is not None:
            where = f"{prefix}.primaryPhoneNumber"
            reason = f"{where}: {numbers.phone_number} is already in use"
            problems.append(Problem(Codes.NUMBER_TAKEN, reason, where))
    return problems


def _check_numbers_free(session: Session, customer_id: str, numbers: Numbers, prefix: str) -> None:
    conflicts = number_problems(session, customer_id, numbers, prefix)
    if conflicts:
        raise DomainError(conflicts, status=409)


def _add_numbers(
    session: Session, subscriber: Subscriber, location: Location, numbers: Numbers, now: datetime
) -> None:
    session.add(
        DirectoryNumber(
            customer_id=subscriber.customer_id,
            subscriber_id=subscriber.id,
            location_id=location.id,
            extension=numbers.extension,
            phone_number=numbers.phone_number,
            created_at=now,
        )
    )
    subscriber.location_id = location.id


def _release_numbers(session: Session, subscriber: Subscriber) -> None:
    session.execute(delete(DirectoryNumber).where(DirectoryNumber.subscriber_id == subscriber.id))
    subscriber.location_id = None


def _email_owner(
    session: Session, email: str, customer_org_id: str | None
) -> tuple[EmailOwner, User | None]:
    is_subscriber = session.scalar(select(Subscriber.id).where(Subscriber.email == email, ACTIVE))
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


def _start_billing(
    session: Session, subscriber: Subscriber, customer: Customer, now: datetime
) -> None:
    """Open the ledger interval of the subscriber's current package."""
    metering.open_assignment(
        session,
        partner_org_id=customer.partner_org_id,
        sub_partner_org_id=None
        if customer.owner_org_id == customer.partner_org_id
        else customer.owner_org_id,
        customer_id=customer.id,
        subscriber_id=subscriber.id,
        user_id=subscriber.user_id,
        location_id=subscriber.location_id,
        package=subscriber.package,
        at=now,
    )


def _org_has_admin(session: Session, org_id: str) -> bool:
    """Whether the organization has an administrator, deciding under a lock when it has none,
    so that two first subscribers provisioned at once do not both become administrators."""
    if identity.org_has_role(session, org_id, Role.CUSTOMER_FULL_ADMIN):
        return True
    identity.lock_org(session, org_id)
    return identity.org_has_role(session, org_id, Role.CUSTOMER_FULL_ADMIN)


def _activate(
    session: Session, subscriber: Subscriber, customer: Customer, user: User, now: datetime
) -> None:
    """The subscriber's user is in the customer organization: billing starts, mail goes out."""
    assert customer.org_id is not None
    admin = becomes_admin(
        attached=customer.attached, org_has_admin=_org_has_admin(session, customer.org_id)
    )
    if admin:
        identity.grant_role(session, user=user, role=Role.CUSTOMER_FULL_ADMIN, now=now)
    subscriber.user_id = user.id
    subscriber.status = Status.PROVISIONED
    subscriber.last_status_change = now
    _start_billing(session, subscriber, customer, now)
    brand = onboarding.brand_name_of(session, customer.template_id)
    role_line = f"You are the administrator of {customer.name}.\n" if admin else ""
    queue_mail(
        session,
        to=subscriber.email,
        subject=f"Welcome to {brand}",
        body=(
            f"Hello {subscriber.first_name},\n\n{customer.name} has given you "
            f"{catalog()[subscriber.package].display_name} on {brand}.\n{role_line}"
        ),
        kind="welcome",
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        customer_org_id=customer.org_id,
    )


def consent_link(links: Links, subscriber: Subscriber, now: datetime) -> str:
    """The signed link a user follows to consent to joining the customer organization."""
    token = sign(
        links.secret, CONSENT_PURPOSE, subscriber.id, expires_at=now + links.consent_max_age
    )
    return f"{links.base_url}/v1/consent/{token}"


def _send_consent(
    session: Session, subscriber: Subscriber, customer: Customer, links: Links, now: datetime
) -> None:
    brand = onboarding.brand_name_of(session, customer.template_id)
    queue_mail(
        session,
        to=subscriber.email,
        subject=f"{customer.name} invites you to move your account to {brand}",
        body=(
            f"Hello {subscriber.first_name},\n\n{customer.name} would like your existing account "
            f"to join its organization on {brand}. Nothing moves without your consent.\n\n"
            f"Review and accept: {consent_link(links, subscriber, now)}\n"
        ),
        kind="consent",
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        customer_org_id=customer.org_id,
    )


@dataclass(frozen=True)
class Provisioned:
    """A new subscriber, and whether it waits for the user's consent (answer 202, not 200)."""

    subscriber: Subscriber
    pending: bool
    external_customer_id: str


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
        findings.add(number_problems(session, customer.id, numbers, prefix))
    return numbers, location


def provision(
    session: Session, *, actor: Actor, data: SubscriberCreate, now: datetime, links: Links
) -> Provisioned:
    """Give a user of a customer one package: at once, or after the user's consent."""
    actor.require(Permission.SUBSCRIBERS_WRITE)
    problems = check_request(data).problems
    if problems:
        raise invalid_all(problems)
    customer = customers.get_or_404(
        session, actor=actor, customer_id=data.customer_id, for_share=True, field_name="customerId"
    )
    return provision_into(session, customer=customer, data=data, now=now, links=links, actor=actor)


def provision_into(
    session: Session,
    *,
    customer: Customer,
    data: SubscriberCreate,
    now: datetime,
    links: Links,
    actor: Actor | None = None,
    principal: Principal | None = None,
) -> Provisioned:
    """Provision a subscriber into a customer the caller was already allowed to act on (by a
    partner, `actor`; by the customer's own administrator, `principal`)."""
    plan = plan_subscriber(session, customer=customer, data=data, lock=True)
    plan.findings.raise_first()
    package, email, params = plan.request.package, plan.request.email, plan.request.parameters
    assert package is not None and email is not None
    subscriber = Subscriber(
        id=new_id("SUBSCRIBER"),
        customer_id=customer.id,
        owner_org_id=customer.owner_org_id,
        partner_org_id=customer.partner_org_id,
        email=email,
        first_name=(params.first_name or "").strip(),
        last_name=(params.last_name or "").strip(),
        package=package,
        status=Status.PENDING_USER_MIGRATION,
        location_id=plan.location.id if plan.location else None,
        errors=[],
        created_at=now,
        last_status_change=now,
    )
    pending = plan.owner is EmailOwner.OUTSIDE
    user = plan.user
    if pending:
        _send_consent(session, subscriber, customer, links, now)
    else:
        if user is None:
            assert customer.org_id is not None
            user = identity.create_user(
                session,
                org_id=customer.org_id,
                email=email,
                first_name=subscriber.first_name,
                last_name=subscriber.last_name,
                now=now,
            )
        _activate(session, subscriber, customer, user, now)
    session.add(subscriber)
    session.flush()  # before its numbers: they refer to it
    if plan.numbers is not None and plan.location is not None:
        _add_numbers(session, subscriber, plan.location, plan.numbers, now)
    session.flush()
    _audit(session, "subscriber.provision", subscriber, now, actor=actor, principal=principal)
    return Provisioned(subscriber, pending=pending, external_customer_id=customer.external_id)


def update(
    session: Session, *, actor: Actor, subscriber_id: str, data: SubscriberUpdate, now: datetime
) -> Subscriber:
    """Change a subscriber's package; billing of the old one stops and the new one starts now."""
    actor.require(Permission.SUBSCRIBERS_WRITE)
    package, problems = choose_package(catalog(), data.package, data.packages)
    if problems or package is None:
        raise invalid_all(problems)
    subscriber = get_or_404(session, actor=actor, subscriber_id=subscriber_id)
    customer = customers.lock_unscoped(session, subscriber.customer_id, shared=True)
    assert customer is not None
    return change_package(
        session, subscriber=subscriber, customer=customer, data=data, now=now, actor=actor
    )


def change_package(
    session: Session,
    *,
    subscriber: Subscriber,
    customer: Customer,
    data: SubscriberUpdate,
    now: datetime,
    actor: Actor | None = None,
    principal: Principal | None = None,
) -> Subscriber:
    """Move a subscriber to another package (billing switches at `now`), for a caller already
    allowed to act on it: a partner (`actor`) or the customer's administrator (`principal`)."""
    package, problems = choose_package(catalog(), data.package, data.packages)
    if problems or package is None:
        raise invalid_all(problems)
    customers.require_ready(customer)
    partners.ensure_may_change(session, customer.owner_org_id)
    if subscriber.status != Status.PROVISIONED:
        # Not NOT_PENDING_MIGRATION (5012): that code means the opposite ("not waiting").
        reason = "the subscriber is waiting for the user's consent"
        raise InvalidState("status", reason, Codes.CONFLICT)
    if package == subscriber.package:
        return subscriber
    field_name = "package" if data.package is not None else "packages"
    row, problems = _usable_package(session, customer, package, field_name)
    if row is None:
        raise invalid_all(problems)
    limit = _limit_problems(session, customer, row, lock=True)
    if limit:
        raise DomainError(limit)
    was_calling, now_calling = catalog()[subscriber.package].calling, catalog()[package].calling
    if now_calling and not was_calling:
        params = data.provisioning_parameters
        prefix = "provisioningParameters"
        numbers, problems = check_numbers(
            params.extension if params else None,
            params.primary_phone_number if params else None,
            required=True,
            prefix=prefix,
        )
        if problems or numbers is None:
            raise invalid_all(problems)
        location, problems = _calling_location(
            session, customer, params.location_id if params else None, prefix
        )
        if location is None:
            raise invalid_all(problems)
        _check_numbers_free(session, customer.id, numbers, prefix)
        _add_numbers(session, subscriber, location, numbers, now)
    elif was_calling and not now_calling:
        _release_numbers(session, subscriber)
    before = audit.snapshot(subscriber, AUDITED)
    metering.close_subscriber_assignment(session, subscriber_id=subscriber.id, at=now)
    subscriber.package = package
    _start_billing(session, subscriber, customer, now)
    session.flush()
    changed = "subscriber.update"
    _audit(session, changed, subscriber, now, actor=actor, principal=principal, before=before)
    return subscriber


def _end(session: Session, subscriber: Subscriber, now: datetime) -> None:
    metering.close_subscriber_assignment(session, subscriber_id=subscriber.id, at=now)
    _release_numbers(session, subscriber)
    subscriber.status = Status.REMOVED
    subscriber.removed_at = now
    subscriber.last_status_change = now


def remove(session: Session, *, actor: Actor, subscriber_id: str, now: datetime) -> None:
    """Take the package away: billing stops now; the user stays in its organization."""
    actor.require(Permission.SUBSCRIBERS_WRITE)
    subscriber = get_or_404(session, actor=actor, subscriber_id=subscriber_id)
    customers.lock_unscoped(session, subscriber.customer_id, shared=True)
    before = audit.snapshot(subscriber, AUDITED)
    _end(session, subscriber, now)
    _audit(session, "subscriber.remove", subscriber, now, actor=actor, before=before)


def remove_all_for_customer(session: Session, *, customer_id: str, now: datetime) -> int:
    """End every subscriber of a customer whose wholesale services are being removed."""
    subscribers = list(
        session.scalars(select(Subscriber).where(Subscriber.customer_id == customer_id, ACTIVE))
    )
    for subscriber in subscribers:
        _end(session, subscriber, now)
    return len(subscribers)


def resend_consent(
    session: Session, *, actor: Actor, subscriber_id: str, now: datetime, links: Links
) -> None:
    """Send the consent e-mail again to a subscriber still waiting for it."""
    actor.require(Permission.SUBSCRIBERS_WRITE)
    subscriber = get_or_404(session, actor=actor, subscriber_id=subscriber_id)
    if subscriber.status != Status.PENDING_USER_MIGRATION:
        reason = "the subscriber is not waiting for the user's consent"
        raise InvalidState("subscriberId", reason, Codes.NOT_PENDING_MIGRATION)
    customer = customers.lock_unscoped(session, subscriber.customer_id, shared=True)
    assert customer is not None
    _send_consent(session, subscriber, customer, links, now)
    audit.record(
        session,
        actor=actor,
        action="subscriber.consent_email",
        target_type="subscriber",
        target_id=subscriber.id,
        now=now,
        partner_org_id=subscriber.partner_org_id,
        owner_org_id=subscriber.owner_org_id,
    )


def _audit(
    session: Session,
    action: str,
    subscriber: Subscriber,
    now: datetime,
    *,
    actor: Actor | None = None,
    principal: Principal | None = None,
    before: dict[str, Any] | None = None,
) -> None:
    """Record a change of a subscriber, with its state afterwards."""
    audit.record(
        session,
        actor=actor,
        principal=principal,
        action=action,
        target_type="subscriber",
        target_id=subscriber.id,
        now=now,
        partner_org_id=subscriber.partner_org_id,
        owner_org_id=subscriber.owner_org_id,
        before=before,
        after=audit.snapshot(subscriber, AUDITED),
    )


def pending_for_consent(
    session: Session, *, token: str, secret: str, now: datetime
) -> tuple[Subscriber, Customer]:
    """The subscriber and customer a consent link stands for; 404 if invalid, used or expired."""
    subscriber_id = unsign(secret, CONSENT_PURPOSE, token, now=now)
    subscriber = (
        session.scalars(select(Subscriber).where(Subscriber.id == subscriber_id, ACTIVE)).first()
        if isinstance(subscriber_id, str)
        else None
    )
    customer = (
        customers.lock_unscoped(session, subscriber.customer_id, shared=True)
        if subscriber
        else None
    )
    if (
        subscriber is None
        or customer is None
        or subscriber.status != Status.PENDING_USER_MIGRATION
        or customer.org_id is None
    ):
        raise NotFound("consent request", Codes.CONSENT_LINK_INVALID)
    return subscriber, customer


def accept_consent(
    session: Session, *, token: str, secret: str, now: datetime
) -> tuple[Subscriber, Customer]:
    """The user consented: it moves into the customer organization and the subscriber activates."""
    subscriber, customer = pending_for_consent(session, token=token, secret=secret, now=now)
    user = identity.find_user_by_email(session, subscriber.email)
    assert customer.org_id is not None
    if user is None:
        user = identity.create_user(
            session,
            org_id=customer.org_id,
            email=subscriber.email,
            first_name=subscriber.first_name,
            last_name=subscriber.last_name,
            now=now,
        )
    else:
        identity.move_user(session, user=user, org_id=customer.org_id, now=now)
    before = audit.snapshot(subscriber, AUDITED)
    _activate(session, subscriber, customer, user, now)
    session.flush()
    _audit(session, "subscriber.consent", subscriber, now, before=before)
    return subscriber, customer


@dataclass(frozen=True)
class SubscriberFilters:
    """List filters of `GET /subscribers`."""

    customer_id: str | None = None
    person_id: str | None = None
    external_customer_id: str | None = None
    email: str | None = None
    status: str | None = None
    after: datetime | None = None
    last_status_change: datetime | None = None
    sort_by: str = "created"
    descending: bool = False


def list_(
    session: Session, *, actor: Actor, filters: SubscriberFilters, page: PageRequest
) -> list[tuple[Subscriber, str]]:
    """Active subscribers with their customer's externalId, one extra to detect a next page."""
    actor.require(Permission.SUBSCRIBERS_READ)
    explicit = any(
        v is not None
        for v in (
            filters.customer_id,
            filters.person_id,
            filters.external_customer_id,
            filters.email,
        )
    )
    scope = actor.sees if explicit else actor.owns
    query = (
        select(Subscriber, Customer.external_id)
        .join(Customer, Customer.id == Subscriber.customer_id)
        .where(scope(Subscriber.owner_org_id), ACTIVE)
    )
    if filters.customer_id is not None:
        query = query.where(Subscriber.customer_id == filters.customer_id)
    if filters.person_id is not None:
        query = query.where(Subscriber.user_id == filters.person_id)
    if filters.external_customer_id is not None:
        query = query.where(Customer.external_id == filters.external_customer_id)
    if filters.email is not None:
        query = query.where(Subscriber.email == filters.email.strip().lower())
    if filters.status is not None:
        query = query.where(Subscriber.status == filters.status)
    if filters.after is not None:
        query = query.where(Subscriber.created_at > filters.after)
    if filters.last_status_change is not None:
        query = query.where(Subscriber.last_status_change > filters.last_status_change)
    column = (
        Subscriber.last_status_change
        if filters.sort_by == "lastStatusChange"
        else (Subscriber.created_at)
    )
    order = (
        (column.desc(), Subscriber.seq.desc()) if filters.descending else (column, Subscriber.seq)
    )
    rows = session.execute(query.order_by(*order).offset(page.offset).limit(page.limit + 1))
    return [(s, ext) for s, ext in rows]


def external_id_of(session: Session, subscriber: Subscriber) -> str:
    """The externalId of the subscriber's customer."""
    value = session.scalar(
        select(Customer.external_id).where(Customer.id == subscriber.customer_id)
    )
    return value or ""


def to_out(subscriber: Subscriber, external_customer_id: str) -> SubscriberOut:
    """The wire form; `personId` only once provisioned."""
    provisioned = subscriber.status == Status.PROVISIONED
    return SubscriberOut(
        id=subscriber.id,
        person_id=subscriber.user_id if provisioned else None,
        email=subscriber.email,
        customer_id=subscriber.customer_id,
        external_customer_id=external_customer_id,
        package=subscriber.package,
        packages=[subscriber.package],
        status=subscriber.status,
        errors=[SubscriberErrorOut.model_validate(e) for e in subscriber.errors] or None,
        created=iso(subscriber.created_at),
        last_status_change=iso(subscriber.last_status_change),
    )


def active_in_org(session: Session, org_id: str) -> list[Subscriber]:
    """The active subscribers whose users belong to an organization."""
    return list(
        session.scalars(
            select(Subscriber)
            .join(User, User.id == Subscriber.user_id)
            .where(User.org_id == org_id, ACTIVE)
        )
    )


def active_of_user(session: Session, user_id: str) -> Subscriber | None:
    """A user's active subscriber, if it is one."""
    return session.scalars(select(Subscriber).where(Subscriber.user_id == user_id, ACTIVE)).first()


def follow_email_change(session: Session, user_id: str, email: str) -> None:
    """A user's primary e-mail changed: its subscriber follows."""
    subscriber = active_of_user(session, user_id)
    if subscriber is not None:
        subscriber.email = email


def set_primary_number(session: Session, *, user_id: str, number: str, now: datetime) -> None:
    """Give a calling subscriber a new primary work number (E.164, unique on the platform)."""
    subscriber = active_of_user(session, user_id)
    if subscriber is None or not catalog()[subscriber.package].calling:
        where = "primaryPhoneNumber"
        raise invalid_all(
            [Problem(Codes.NUMBER_REQUIRED, f"{where}: the user has no calling package", where)]
        )
    numbers, problems = check_numbers(None, number, required=True, prefix="")
    if problems or numbers is None:
        raise invalid_all(problems)
    row = session.scalars(
        select(DirectoryNumber).where(DirectoryNumber.subscriber_id == subscriber.id)
    ).first()
    if row is not None and row.phone_number == numbers.phone_number:
        return
    conflicts = number_problems(
        session, subscriber.customer_id, Numbers(None, numbers.phone_number), ""
    )
    if conflicts:
        raise DomainError(conflicts, status=409)
    if row is None:
        location = customers.headquarters(session, subscriber.customer_id)
        assert location is not None
        _add_numbers(session, subscriber, location, numbers, now)
    else:
        row.phone_number = numbers.phone_number


holders.register(
    holders.Holders(
        noun="subscribers", count_holding=count_holding, remove_all=remove_all_for_customer
    )
)
