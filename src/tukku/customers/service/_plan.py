"""Planning a customer request (`plan_customer`): every check of `POST /customers`, in the order
provisioning meets them, shared with its precheck and with attaching so that they cannot
disagree; and the single checks customers' flows repeat on an update (`externalId`, the
sub-partner's administrator).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.catalog.packages import catalog
from tukku.core.errors import Codes, Problem
from tukku.core.precheck import Findings
from tukku.customers.models import Customer
from tukku.customers.rules import NewCustomer, TemplateTerms, check_address, check_new_customer
from tukku.customers.schemas import CustomerCreate, CustomerPrecheck
from tukku.customers.service._lookup import LIVE
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.models import Organization
from tukku.identity.rules import CUSTOMER_KINDS, OrgKind
from tukku.onboarding import service as onboarding
from tukku.onboarding.models import OnboardingTemplate
from tukku.screening.rules import Candidate


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
