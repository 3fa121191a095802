"""The background side of customers' workflows: the jobs that complete provisioning (a new or an
adopted organization, packages enabled at the provisioning backend, the meeting site), update
and removal, and what a provisioning job that failed for good leaves. Separate from
`_requests`: the two share no helper, only the customer's rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.catalog.locales import site_locale
from tukku.catalog.packages import catalog
from tukku.catalog.regions import geography
from tukku.core.errors import Code, Codes
from tukku.core.ids import new_id
from tukku.core.settings import Settings
from tukku.customers import holders, service
from tukku.customers.backend import Enablement, Order, OrderKind, ProvisioningBackend
from tukku.customers.models import Customer, CustomerPackage, MeetingSite
from tukku.customers.rules import PackageStatus, Status, partner_admin_level, settle
from tukku.identity import service as identity
from tukku.identity.models import Organization
from tukku.mail.service import queue_mail
from tukku.metering import service as metering
from tukku.onboarding import service as onboarding
from tukku.onboarding.models import OnboardingTemplate

MEETING_SITE_CAPABILITY = "meetings_basic"
ASSISTANT_CAPABILITY = "webex_assistant"


def _error(code: Code, description: str | None = None) -> dict[str, object]:
    return {"errorCode": code.number, "description": description or code.meaning}


def _enable(
    session: Session,
    customer: Customer,
    row: CustomerPackage,
    enablement: Enablement,
    now: datetime,
) -> None:
    """Record the backend's answer; a customer-level add-on now provisioned is billed from now."""
    row.status = PackageStatus.PROVISIONED if enablement.license_id else PackageStatus.ERROR
    row.license_id = enablement.license_id
    row.errors, row.warnings = list(enablement.errors), list(enablement.warnings)
    package = catalog().get(row.name)
    if row.status == PackageStatus.PROVISIONED and package and package.customer_level:
        metering.open_customer_assignment(
            session,
            partner_org_id=customer.partner_org_id,
            sub_partner_org_id=customer.sub_partner_org_id,
            customer_id=customer.id,
            package=row.name,
            at=now,
        )


def _site_url(sip_domain: str) -> str:
    label, _, suffix = sip_domain.partition(".")
    return f"{label}.meet.{suffix}"


def _ensure_meeting_site(
    session: Session, customer: Customer, packages: list[str], now: datetime
) -> None:
    site = session.scalars(
        select(MeetingSite).where(MeetingSite.customer_id == customer.id)
    ).first()
    needed = catalog().has_capability(packages, MEETING_SITE_CAPABILITY)
    if needed and site is None:
        assert customer.org_id is not None
        org = identity.get_org_unscoped(session, customer.org_id)
        assert org is not None and org.sip_domain is not None
        session.add(
            MeetingSite(
                id=new_id("MEETING_SITE"),
                customer_id=customer.id,
                site_url=_site_url(org.sip_domain),
                locale=site_locale(customer.locale),
                timezone=customer.meetings_timezone,
                call_in_numbers=list(geography().default_call_in_numbers(customer.country)),
                created_at=now,
            )
        )
    elif site is not None and not needed:
        session.delete(site)


def complete_provisioning(
    session: Session,
    *,
    customer_id: str,
    now: datetime,
    settings: Settings,
    backend: ProvisioningBackend,
    resumed: bool = False,
) -> None:
    """Create the organization and everything it comes with; safe to run twice. When the
    backends ask to be asked again later, nothing changes but a job queued for then."""
    customer = service.lock_unscoped(session, customer_id)
    if customer is None or customer.status != Status.PROVISIONING:
        return
    order = Order(customer.id, customer.external_id, OrderKind.NEW, resumed=resumed)
    admission = backend.admit(order)
    if admission.retry_at is not None:
        service.start_provisioning(session, customer.id, now, resume_at=admission.retry_at)
        return
    if admission.error is not None:
        customer.errors = [admission.error]
        for row in service.packages_of(session, [customer.id])[customer.id]:
            row.status = PackageStatus.ERROR
        service.set_status(session, customer, Status.ERROR, now)
        return
    template = onboarding.get_unscoped(session, customer.template_id)
    assert template is not None
    rows = service.packages_of(session, [customer.id])[customer.id]
    names = [r.name for r in rows]
    if customer.attached:
        org, admin_level = _adopt_organization(session, customer, template, settings, now)
    else:
        org, admin_level = (
            _new_organization(session, customer, template, settings, now),
            "full_admin",
        )
    identity.set_webex_assistant(
        session, org_id=org.id, enabled=catalog().has_capability(names, ASSISTANT_CAPABILITY)
    )
    partners.add_managing_relationship(
        session,
        manager_org_id=customer.owner_org_id,
        managed_org_id=org.id,
        kind="partner",
        admin_level=admin_level,
        now=now,
    )
    if customer.owner_org_id != customer.partner_org_id:
        partners.add_managing_relationship(
            session,
            manager_org_id=customer.partner_org_id,
            managed_org_id=org.id,
            kind="parent_partner",
            admin_level=admin_level,
            now=now,
        )
    for row in rows:
        _enable(session, customer, row, backend.enable(order, org.id, row.name), now)
    _ensure_meeting_site(session, customer, names, now)
    service.set_status(session, customer, settle([r.status for r in rows]), now)
    if customer.sub_partner_admin_email:
        queue_mail(
            session,
            to=customer.sub_partner_admin_email,
            kind="customer_ready",
            now=now,
            partner_org_id=customer.partner_org_id,
            owner_org_id=customer.owner_org_id,
            # It goes to a sub-partner's administrator, none of the customer's people.
            customer_org_id=None,
            subject=f"{customer.name} is ready",
            body=(
                f"{customer.name} ({customer.external_id}) is provisioned with "
                f"{', '.join(names)}. You are named as its administrator for "
                f"{template.brand_name}.\n"
            ),
        )


def _new_organization(
    session: Session,
    customer: Customer,
    template: OnboardingTemplate,
    settings: Settings,
    now: datetime,
) -> Organization:
    """A new organization with the customer's name, country, region and locale, and the
    template's sign-in."""
    org = identity.create_customer_org(
        session,
        name=customer.name,
        country=customer.country,
        locale=customer.locale,
        auth_mode=template.auth_mode,
        idp_entity_id=template.idp_entity_id,
        sip_domain_suffix=settings.sip_domain_suffix,
        now=now,
    )
    customer.org_id = org.id
    return org


def _adopt_organization(
    session: Session,
    customer: Customer,
    template: OnboardingTemplate,
    settings: Settings,
    now: datetime,
) -> tuple[Organization, str]:
    """An existing organization joins wholesale: it keeps its name, sign-in and settings; the
    partner's admin level depends on its licenses; its admins are told only if the template
    allows admin invite e-mails on attach."""
    assert customer.org_id is not None
    org = identity.adopt_org(
        session,
        org_id=customer.org_id,
        country=customer.country,
        locale=customer.locale,
        sip_domain_suffix=settings.sip_domain_suffix,
        now=now,
    )
    if template.allow_admin_invite_emails_on_attach:
        for admin in identity.admins_of(session, org.id):
            queue_mail(
                session,
                to=admin.email,
                kind="admin_invite",
                now=now,
                partner_org_id=customer.partner_org_id,
                owner_org_id=customer.owner_org_id,
                customer_org_id=org.id,
                subject=f"{org.name} now uses {template.brand_name}",
                body=(
                    f"Hello {admin.first_name or ''},\n\n{template.brand_name} now provides "
                    f"services to {org.name}. You remain its administrator.\n"
                ),
            )
    return org, partner_admin_level(org.license_statuses)


def complete_update(
    session: Session, *, customer_id: str, now: datetime, backend: ProvisioningBackend
) -> None:
    """Provision added packages and drop removed ones; safe to run twice."""
    customer = service.lock_unscoped(session, customer_id)
    if customer is None or customer.status != Status.UPDATING:
        return
    assert customer.org_id is not None
    order = Order(customer.id, customer.external_id, OrderKind.CHANGE)
    rows = service.packages_of(session, [customer.id])[customer.id]
    kept = []
    for row in rows:
        if row.status == PackageStatus.DELETING:
            session.delete(row)
            continue
        if row.status == PackageStatus.PROVISIONING:
            _enable(session, customer, row, backend.enable(order, customer.org_id, row.name), now)
        kept.append(row)
    names = [r.name for r in kept]
    identity.set_webex_assistant(
        session,
        org_id=customer.org_id,
        enabled=catalog().has_capability(names, ASSISTANT_CAPABILITY),
    )
    _ensure_meeting_site(session, customer, names, now)
    service.set_status(session, customer, settle([r.status for r in kept], after_update=True), now)


def complete_removal(session: Session, *, customer_id: str, now: datetime) -> None:
    """End subscribers and managing relationships; the organization itself stays. Idempotent."""
    customer = service.lock_unscoped(session, customer_id)
    if customer is None or customer.status != Status.DELETING:
        return
    holders.remove_all(session, customer_id=customer.id, now=now)
    session.execute(delete(CustomerPackage).where(CustomerPackage.customer_id == customer.id))
    if customer.org_id is not None:
        partners.remove_managing_relationships(session, managed_org_id=customer.org_id)
        identity.release_org(session, org_id=customer.org_id, now=now)
    customer.removed_at = now
    service.set_status(session, customer, Status.REMOVED, now)


def fail_provisioning(session: Session, *, customer_id: str, now: datetime) -> None:
    """The provisioning job failed for good: the customer ends in `error` (the failure's
    details stay with the job, for operators; customers see the catalog text only)."""
    customer = service.lock_unscoped(session, customer_id)
    if customer is None or customer.status not in (Status.PROVISIONING, Status.UPDATING):
        return
    code = Codes.CUSTOMER_PROVISIONING_FAILED
    customer.errors = [_error(code)]
    for row in service.packages_of(session, [customer.id])[customer.id]:
        if row.status == PackageStatus.PROVISIONING:
            row.status = PackageStatus.ERROR
            row.errors = [_error(Codes.PACKAGE_PROVISIONING_FAILED)]
    target = (
        Status.ERROR if customer.status == Status.PROVISIONING else Status.PROVISIONED_WITH_ERRORS
    )
    service.set_status(session, customer, target, now)
