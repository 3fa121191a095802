"""Use cases of a customer's own administrators (`/v1/customer/...`).

What an administrator may do is decided by its `Actor` (`identity.actor.customer_admin`): its
roles' permissions, minus the always-on restrictions, minus what restricted-by-partner mode
removes while the partner keeps it on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.catalog.locales import normalize_locale
from tukku.catalog.packages import catalog
from tukku.core.errors import (
    Codes,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    Problem,
    invalid_all,
)
from tukku.core.timefmt import iso
from tukku.core.validation import checked_email
from tukku.customer_admin.schemas import (
    AuthenticationIn,
    CustomerUserOut,
    OrganizationOut,
    PackageChange,
    PendingUserOut,
    UserCreate,
    UserUpdate,
)
from tukku.customers import service
from tukku.customers.models import AttachRequest, Customer
from tukku.identity import actor as actors
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.models import Organization, User
from tukku.identity.permissions import Permission
from tukku.identity.principal import Principal
from tukku.subscribers import service as subscribers
from tukku.subscribers.schemas import (
    SubscriberCreate,
    SubscriberParametersIn,
    SubscriberUpdate,
    SubscriberUpdateParametersIn,
)

P = Permission


@dataclass(frozen=True)
class CustomerContext:
    """A customer administrator acting for its organization (the `Actor` decides what it may
    do), the organization, and the organization's wholesale customer."""

    actor: Actor
    org: Organization
    customer: Customer | None

    @property
    def principal(self) -> Principal:
        """The administrator."""
        return self.actor.principal

    @property
    def restricted(self) -> bool:
        """Whether the partner keeps the organization in restricted mode (which binds its own
        administrators' `Actor`, never the partner's staff acting in it)."""
        return bool(self.customer and self.customer.restricted_by_partner)

    @property
    def permissions(self) -> frozenset[Permission]:
        """What the administrator may do, all rules applied."""
        return self.actor.permissions

    @property
    def by_partner(self) -> bool:
        """Whether a partner's staff act here (cross-launch), rather than its own admins."""
        return self.actor.customer_org_id is not None

    def require(self, permission: Permission) -> None:
        """403 unless allowed; says so when restricted mode is the reason."""
        self.actor.require(permission)


def context(session: Session, principal: Principal) -> CustomerContext:
    """The caller as a customer administrator (403 for anyone else)."""
    org = identity.get_org_unscoped(session, principal.org_id)
    if org is None:
        raise Forbidden("only a customer organization's administrators use this API")
    customer = service.by_org_unscoped(session, org.id)
    actor = actors.customer_admin(
        principal,
        org,
        partner_org_id=customer.partner_org_id if customer else None,
        restricted=bool(customer and customer.restricted_by_partner),
    )
    return CustomerContext(actor, org, customer)


def for_partner(session: Session, actor: Actor, customer_id: str) -> CustomerContext:
    """A partner's staff (`actor`) acting in the organization of one of the customers it manages
    (cross-launch): still the partner's actor, with the customer's organization as its target,
    so its roles decide what it may do and its changes are audited as its own. 404 for any
    customer it does not manage and for one without an organization yet."""
    customer = service.get_or_404(session, actor=actor, customer_id=customer_id)
    org = identity.get_org_unscoped(session, customer.org_id) if customer.org_id else None
    if org is None:
        raise NotFound("customer", Codes.CUSTOMER_NOT_FOUND)
    return CustomerContext(actors.in_customer_org(actor, org.id), org, customer)


def organization(ctx: CustomerContext) -> OrganizationOut:
    """The organization as its administrator sees it (with the restricted-mode banner flag)."""
    ctx.require(P.ORG_SETTINGS_READ)
    org = ctx.org
    return OrganizationOut(
        org_id=org.id,
        name=org.name,
        country=org.country,
        locale=org.locale,
        verified_domains=list(org.verified_domains),
        auth_mode=org.auth_mode,
        idp_entity_id=org.idp_entity_id,
        block_admin_invite_emails=org.block_admin_invite_emails,
        email_locale=org.email_locale,
        restricted_by_partner=ctx.restricted,
        permissions=sorted(p.value for p in ctx.permissions),
    )


def _changed(
    session: Session,
    ctx: CustomerContext,
    action: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    now: datetime,
) -> None:
    customer = ctx.customer
    audit.record(
        session,
        principal=ctx.principal,
        action=action,
        target_type="organization",
        target_id=ctx.org.id,
        now=now,
        partner_org_id=customer.partner_org_id if customer else None,
        owner_org_id=customer.owner_org_id if customer else ctx.org.id,
        before=dict(before),
        after=dict(after),
    )


def rename(session: Session, ctx: CustomerContext, name: str, now: datetime) -> None:
    """Change the company name (read-only in restricted mode)."""
    ctx.require(P.COMPANY_NAME_EDIT)
    if "%" in name or not name.strip():
        raise invalid_all(
            [Problem(Codes.CUSTOMER_NAME_INVALID, "name: 1-255 characters, no '%'", "name")]
        )
    before = {"name": ctx.org.name}
    identity.rename_org(session, org_id=ctx.org.id, name=name)
    if ctx.customer is not None:
        service.follow_rename(ctx.customer, ctx.org.name)
    _changed(session, ctx, "organization.rename", before, {"name": ctx.org.name}, now)


def set_domains(session: Session, ctx: CustomerContext, domains: list[str], now: datetime) -> None:
    """Replace the verified domains (read-only in restricted mode)."""
    ctx.require(P.DOMAINS_EDIT)
    cleaned = sorted({d.strip().lower() for d in domains if d.strip()})
    bad = [d for d in cleaned if "." not in d or " " in d or "@" in d]
    if bad:
        raise invalid_all(
            [Problem(Codes.INVALID_FIELD, f"domains: not domain names: {bad}", "domains")]
        )
    before = {"verifiedDomains": list(ctx.org.verified_domains)}
    identity.set_verified_domains(session, org_id=ctx.org.id, domains=cleaned)
    _changed(session, ctx, "organization.domains", before, {"verifiedDomains": cleaned}, now)


def set_email_settings(
    session: Session,
    ctx: CustomerContext,
    *,
    block_invites: bool,
    locale: str | None,
    now: datetime,
) -> None:
    """Block admin invite e-mails, choose the e-mail locale (read-only in restricted mode)."""
    ctx.require(P.EMAIL_SETTINGS_EDIT)
    normalized = normalize_locale(locale) if locale else None
    if locale and normalized is None:
        raise invalid_all(
            [Problem(Codes.LANGUAGE_INVALID, "emailLocale: must be ll_CC", "emailLocale")]
        )
    before = {
        "blockAdminInviteEmails": ctx.org.block_admin_invite_emails,
        "emailLocale": ctx.org.email_locale,
    }
    identity.set_email_settings(
        session,
        org_id=ctx.org.id,
        block_admin_invite_emails=block_invites,
        email_locale=normalized,
    )
    after = {"blockAdminInviteEmails": block_invites, "emailLocale": normalized}
    _changed(session, ctx, "organization.email_settings", before, after, now)


def set_authentication(
    session: Session, ctx: CustomerContext, data: AuthenticationIn, now: datetime
) -> None:
    """Choose how users sign in (read-only in restricted mode)."""
    ctx.require(P.AUTHENTICATION_EDIT)
    idp = (data.idp_entity_id or "").strip() or None
    if data.mode != "webex" and idp is None:
        raise invalid_all(
            [
                Problem(
                    Codes.TEMPLATE_IDP_REQUIRED,
                    f"idpEntityId: required for {data.mode}",
                    "idpEntityId",
                )
            ]
        )
    before = {"authMode": ctx.org.auth_mode, "idpEntityId": ctx.org.idp_entity_id}
    identity.set_sign_in(
        session,
        org_id=ctx.org.id,
        auth_mode=data.mode,
        idp_entity_id=idp if data.mode != "webex" else None,
    )
    after = {"authMode": ctx.org.auth_mode, "idpEntityId": ctx.org.idp_entity_id}
    _changed(session, ctx, "organization.authentication", before, after, now)


def _out(session: Session, ctx: CustomerContext, found: list[User]) -> list[CustomerUserOut]:
    by_user = {s.user_id: s for s in subscribers.active_in_org(session, ctx.org.id)}
    roles = identity.roles_by_user(session, [user.id for user in found])
    result = []
    for user in found:
        subscriber = by_user.get(user.id)
        result.append(
            CustomerUserOut(
                id=user.id,
                email=user.email,
                first_name=user.first_name,
                last_name=user.last_name,
                display_name=user.display_name,
                roles=sorted(roles[user.id]),
                subscriber_id=subscriber.id if subscriber else None,
                package=subscriber.package if subscriber else None,
                subscriber_status=subscriber.status if subscriber else None,
            )
        )
    return result


def users(
    session: Session,
    ctx: CustomerContext,
    *,
    search: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[CustomerUserOut]:
    """The organization's users, oldest first, with their package when they are subscribers;
    `search` keeps those whose e-mail or names contain it. With `limit`, one page of them and
    one more, to tell whether another page follows."""
    ctx.require(P.USERS_READ)
    found = identity.users_matching(session, ctx.org.id, search=search, offset=offset, limit=limit)
    return _out(session, ctx, found)


def user(session: Session, ctx: CustomerContext, user_id: str) -> CustomerUserOut:
    """One user of the organization; 404 for anyone else's."""
    ctx.require(P.USERS_READ)
    return _out(session, ctx, [_user(session, ctx, user_id)])[0]


def _wholesale(ctx: CustomerContext) -> Customer:
    if ctx.customer is None:
        raise Forbidden("the organization has no wholesale services", Codes.CUSTOMER_NOT_READY)
    return ctx.customer


def add_user(
    session: Session,
    ctx: CustomerContext,
    data: UserCreate,
    now: datetime,
    links: subscribers.Links,
) -> str:
    """Add a user (and, with a package, make it a subscriber at once); returns the user ID."""
    ctx.require(P.USERS_MANAGE)
    if data.package is None:
        email = checked_email(data.email, "email")
        if identity.find_user_by_email(session, email) is not None:
            raise Conflict("email", f"{email} is already in use", Codes.EMAIL_TAKEN)
        user = identity.create_user(
            session,
            org_id=ctx.org.id,
            email=email,
            first_name=data.first_name,
            last_name=data.last_name,
            now=now,
        )
        _changed(session, ctx, "user.create", {}, {"userId": user.id, "email": email}, now)
        return user.id
    ctx.require(P.USER_PACKAGE_CHANGE)
    customer = service.lock_unscoped(session, _wholesale(ctx).id, shared=True)
    assert customer is not None
    request = SubscriberCreate(
        customer_id=customer.id,
        email=data.email,
        packages=[data.package],
        provisioning_parameters=SubscriberParametersIn(
            first_name=data.first_name,
            last_name=data.last_name,
            primary_phone_number=data.primary_phone_number,
            extension=data.extension,
            location_id=data.location_id,
        ),
    )
    with _in_own_field_names():
        result = subscribers.provision_into(
            session, customer=customer, data=request, now=now, links=links, principal=ctx.principal
        )
    return result.subscriber.user_id or ""


def pending_users(session: Session, ctx: CustomerContext) -> list[PendingUserOut]:
    """Users asked to move into the organization (their accounts live elsewhere) whose package
    waits for their consent, oldest first."""
    ctx.require(P.USERS_READ)
    if ctx.customer is None:
        return []
    return [
        PendingUserOut(
            subscriber_id=s.id,
            email=s.email,
            first_name=s.first_name,
            last_name=s.last_name,
            package=s.package,
            requested=iso(s.created_at),
        )
        for s in subscribers.waiting_for_consent(session, ctx.customer.id)
    ]


def resend_consent(
    session: Session,
    ctx: CustomerContext,
    subscriber_id: str,
    now: datetime,
    links: subscribers.Links,
) -> None:
    """Send the consent e-mail again to a user still waiting to move in (managing users: not
    in restricted mode); 404 for anyone else's subscriber, 409 once it no longer waits."""
    ctx.require(P.USERS_MANAGE)
    subscribers.resend_consent_of_customer(
        session,
        customer_id=_wholesale(ctx).id,
        subscriber_id=subscriber_id,
        principal=ctx.principal,
        now=now,
        links=links,
    )


WHOLESALE_FIELDS = {"packages": "package", "provisioningParameters": "extension"}


def _own_field(name: str) -> str:
    head, _, rest = name.partition(".")
    if head == "provisioningParameters" and rest:
        return rest
    return WHOLESALE_FIELDS.get(name, name)


@contextmanager
def _in_own_field_names() -> Iterator[None]:
    """Errors of the wholesale subscriber rules reused here name this API's fields (`package`,
    `extension`), not the wholesale request's (`packages`, `provisioningParameters.extension`)."""
    try:
        yield
    except DomainError as error:
        problems = []
        for problem in error.problems:
            if problem.field is None:
                problems.append(problem)
                continue
            own = _own_field(problem.field)
            description = problem.description.replace(problem.field, own, 1)
            problems.append(Problem(problem.code, description, own))
        raise DomainError(
            problems, message="; ".join(p.description for p in problems), status=error.status
        ) from None


def _user(session: Session, ctx: CustomerContext, user_id: str) -> User:
    user = identity.get_user_unscoped(session, user_id)
    if user is None or user.org_id != ctx.org.id:
        raise NotFound("user")
    return user


def edit_user(
    session: Session, ctx: CustomerContext, user_id: str, data: UserUpdate, now: datetime
) -> None:
    """Edit names and primary e-mail (always allowed to full administrators) and the primary
    work number (not in restricted mode)."""
    user = _user(session, ctx, user_id)
    before = {
        "firstName": user.first_name,
        "lastName": user.last_name,
        "displayName": user.display_name,
        "email": user.email,
    }
    if any(v is not None for v in (data.first_name, data.last_name, data.display_name, data.email)):
        ctx.require(P.USER_NAMES_EDIT)
    identity.edit_user(
        session,
        user=user,
        email=data.email,
        first_name=data.first_name,
        last_name=data.last_name,
        display_name=data.display_name,
    )
    if data.email is not None:
        subscribers.follow_email_change(session, user.id, user.email)
    if data.primary_phone_number is not None:
        ctx.require(P.USER_PRIMARY_NUMBER_EDIT)
        subscribers.set_primary_number(
            session, user_id=user.id, number=data.primary_phone_number, now=now
        )
    after = {
        "firstName": user.first_name,
        "lastName": user.last_name,
        "displayName": user.display_name,
        "email": user.email,
        "primaryPhoneNumber": data.primary_phone_number,
    }
    _changed(session, ctx, "user.update", {"userId": user.id, **before}, after, now)


def change_package(
    session: Session, ctx: CustomerContext, user_id: str, data: PackageChange, now: datetime
) -> None:
    """Change a subscriber's package (not in restricted mode); customer administrators can
    never downgrade (only partner administrators can, here too when they act in it)."""
    ctx.require(P.USER_PACKAGE_CHANGE)
    user = _user(session, ctx, user_id)
    subscriber = subscribers.active_of_user(session, user.id)
    if subscriber is None:
        raise NotFound("subscriber")
    known = catalog().get(data.package)
    downgrade = known is not None and catalog().is_downgrade(subscriber.package, data.package)
    if downgrade and not ctx.by_partner:
        raise Forbidden(
            f"{subscriber.package} to {data.package} is a downgrade: ask your partner",
            Codes.DOWNGRADE_NOT_ALLOWED,
        )
    customer = service.lock_unscoped(session, subscriber.customer_id, shared=True)
    assert customer is not None
    update = SubscriberUpdate(
        packages=[data.package],
        provisioning_parameters=SubscriberUpdateParametersIn(
            primary_phone_number=data.primary_phone_number,
            extension=data.extension,
            location_id=data.location_id,
        ),
    )
    with _in_own_field_names():
        subscribers.change_package(
            session,
            subscriber=subscriber,
            customer=customer,
            data=update,
            now=now,
            principal=ctx.principal,
        )


@dataclass(frozen=True)
class AttachRequestView:
    """A partner's request to manage the organization, with the partner's name (who asks)."""

    request: AttachRequest
    partner_name: str


def attach_requests(session: Session, ctx: CustomerContext) -> list[AttachRequestView]:
    """Partners' requests to manage the organization, oldest first, decided ones too: its full
    administrator's to decide (403 for anyone else, partners acting in it included)."""
    ctx.require(P.ATTACH_REQUESTS_DECIDE)
    found = service.pending_for(session, ctx.actor)
    asking = select(Customer).where(Customer.id.in_([r.customer_id for r in found]))
    owners = {c.id: c.owner_org_id for c in session.scalars(asking)}
    names: dict[str, str] = {}
    views = []
    for request in found:
        owner = owners.get(request.customer_id, "")
        if owner not in names:
            org = identity.get_org_unscoped(session, owner) if owner else None
            names[owner] = org.name if org else "A partner"
        views.append(AttachRequestView(request, names[owner]))
    return views


def attach_request(session: Session, ctx: CustomerContext, request_id: str) -> AttachRequestView:
    """One of the organization's attach requests; 404 for anyone else's."""
    for view in attach_requests(session, ctx):
        if view.request.id == request_id:
            return view
    raise NotFound("attach request", Codes.ATTACH_REQUEST_NOT_FOUND)


def decide_attach_request(
    session: Session,
    ctx: CustomerContext,
    request_id: str,
    *,
    approve: bool,
    note: str | None,
    now: datetime,
) -> AttachRequest:
    """Approve (provisioning starts) or reject (the partner's customer ends in `error`) one of
    the organization's pending attach requests (403 unless its full administrator; 404 for
    anyone else's request; 409 once decided)."""
    ctx.require(P.ATTACH_REQUESTS_DECIDE)
    return service.decide(
        session, actor=ctx.actor, request_id=request_id, approve=approve, note=note, now=now
    )
