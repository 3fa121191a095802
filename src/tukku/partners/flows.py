"""Setting up partners and sub-partners: organization, first administrator, subscription (or the
parent's, shared), default template, managing relationship."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tukku.accounts import service, staff
from tukku.accounts.models import SubPartner
from tukku.audit import service as audit
from tukku.core.errors import Codes, Conflict, Forbidden, Invalid, NotFound, Problem, invalid_all
from tukku.core.timefmt import parse_day
from tukku.core.validation import checked_email, email_problem, normalize_email
from tukku.identity import actor as actors
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.models import User
from tukku.identity.permissions import Permission
from tukku.identity.principal import Principal
from tukku.identity.rules import OrgKind, Role
from tukku.onboarding import service as onboarding
from tukku.onboarding.schemas import TemplateWrite
from tukku.partners.schemas import SubPartnerCreate


@dataclass(frozen=True)
class PartnerSetup:
    """What setting up a partner created."""

    org_id: str
    subscription_id: str
    admin: User
    provisioning_id: str


def create_partner(
    session: Session,
    *,
    name: str,
    admin_email: str,
    now: datetime,
    admin_first_name: str | None = None,
    admin_last_name: str | None = None,
    by: Principal | None = None,
) -> PartnerSetup:
    """A partner ready to sell: its admin holds the partner full and wholesale admin roles.
    `by`: the operator setting it up (None: the command line)."""
    email = checked_email(admin_email, "adminEmail")
    if identity.find_user_by_email(session, email) is not None:
        raise Conflict("adminEmail", f"{email} is already in use", Codes.EMAIL_TAKEN)
    if not name.strip():
        raise Invalid("name", "must not be blank")
    org = identity.create_organization(session, kind=OrgKind.PARTNER, name=name.strip(), now=now)
    admin = identity.create_user(
        session,
        org_id=org.id,
        email=email,
        first_name=admin_first_name,
        last_name=admin_last_name,
        roles=[Role.PARTNER_FULL_ADMIN, Role.WHOLESALE_ADMIN],
        now=now,
        by=by,
    )
    subscription_id = service.create_subscription(session, partner_org_id=org.id, now=now)
    template = onboarding.create_default(
        session,
        owner_org_id=org.id,
        partner_org_id=org.id,
        data=TemplateWrite(name="Default", pstn_provider="Default PSTN provider"),
        now=now,
        by=None,
    )
    audit.record(
        session,
        principal=by,
        action="partner.create",
        target_type="organization",
        target_id=org.id,
        now=now,
        partner_org_id=org.id,
        owner_org_id=org.id,
        after={"name": org.name, "adminEmail": email, "subscriptionId": subscription_id},
    )
    return PartnerSetup(org.id, subscription_id, admin, template.provisioning_id)


def create_sub_partner(
    session: Session,
    *,
    actor: Actor,
    data: SubPartnerCreate,
    invitation: staff.Invitation,
    now: datetime,
) -> SubPartner:
    """Set up a reseller one level below the actor's partner organization: its organization,
    first administrator (invited by e-mail with a link to choose a password), a default
    template, and the managing relationship."""
    actor.require(Permission.SUB_PARTNERS_WRITE)
    if actor.org_id != actor.partner_org_id:
        raise Forbidden("sub-partners cannot have sub-partners", Codes.ONE_LEVEL_ONLY)
    service.ensure_may_change(session, actor.org_id)
    parent = identity.get_org_unscoped(session, actor.partner_org_id)
    subscription = service.subscription_of(session, actor.partner_org_id)
    assert parent is not None and subscription is not None
    problems: list[Problem] = [
        Problem(Codes.INVALID_FIELD, f"{where}: must not be blank", where)
        for where, value in (
            ("name", data.name),
            ("adminFirstName", data.admin_first_name),
            ("adminLastName", data.admin_last_name),
        )
        if not value.strip()
    ]
    email = normalize_email(data.admin_email)
    if email is None:
        problems.append(email_problem("adminEmail"))
    if data.subscription_id is not None and data.subscription_id != subscription:
        reason = "subscriptionId: must be the partner's own subscription, which sub-partners share"
        problems.append(Problem(Codes.INVALID_FIELD, reason, "subscriptionId"))
    start = now.date()
    if data.billing_start_date is not None:
        try:
            start = parse_day(data.billing_start_date)
        except ValueError:
            where = "billingStartDate"
            problems.append(Problem(Codes.INVALID_FIELD, f"{where}: must be YYYY-MM-DD", where))
    if problems or email is None:
        raise invalid_all(problems)
    if identity.find_user_by_email(session, email) is not None:
        raise Conflict("adminEmail", f"{email} is already in use", Codes.EMAIL_TAKEN)
    org = identity.create_organization(
        session, kind=OrgKind.SUB_PARTNER, name=data.name.strip(), now=now, parent_id=parent.id
    )
    admin = identity.create_user(
        session,
        org_id=org.id,
        email=email,
        first_name=data.admin_first_name.strip(),
        last_name=data.admin_last_name.strip(),
        roles=[Role.PARTNER_FULL_ADMIN, Role.WHOLESALE_ADMIN],
        now=now,
        by=actor.principal,
    )
    record = service.open_sub_partner(
        session,
        org_id=org.id,
        parent_org_id=parent.id,
        billing_start_date=start,
        admin_email=email,
        now=now,
    )
    service.add_managing_relationship(
        session,
        manager_org_id=parent.id,
        managed_org_id=org.id,
        kind="parent_partner",
        admin_level="full_admin",
        now=now,
    )
    onboarding.create_default(
        session,
        owner_org_id=org.id,
        partner_org_id=parent.id,
        data=TemplateWrite(name="Default"),
        now=now,
        by=actor.principal,
    )
    staff.send_invitation(session, user=admin, now=now, invitation=invitation, actor=actor)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="sub_partner.create",
        target_type="sub_partner",
        target_id=org.id,
        now=now,
        owner_org_id=org.id,
        after={
            "name": org.name,
            "adminEmail": email,
            "billingStartDate": start.isoformat(),
            "provisioningState": service.ACTIVE,
        },
    )
    return record


def set_state(
    session: Session, *, actor: Actor, org_id: str, state: str, now: datetime
) -> SubPartner:
    """Suspend a sub-partner (it can then only delete) or make it active again."""
    actor.require(Permission.SUB_PARTNERS_WRITE)
    record = get_sub_partner(session, actor=actor, org_id=org_id)
    before = service.set_standing(record, state)
    audit.record(
        session,
        actor=actor,
        action=f"sub_partner.{'suspend' if state == service.SUSPENDED else 'reactivate'}",
        target_type="sub_partner",
        target_id=org_id,
        now=now,
        owner_org_id=org_id,
        before={"provisioningState": before},
        after={"provisioningState": state},
    )
    return record


def get_sub_partner(session: Session, *, actor: Actor, org_id: str) -> SubPartner:
    """One of the actor's sub-partners; 404 for anyone else's."""
    actor.require(Permission.SUB_PARTNERS_READ)
    record = service.sub_partner(session, org_id)
    if (
        record is None
        or record.parent_org_id != actor.org_id
        or actor.org_id != actor.partner_org_id
    ):
        raise NotFound("sub-partner", Codes.SUB_PARTNER_NOT_FOUND)
    return record


def list_sub_partners(
    session: Session, *, actor: Actor, state: str | None, offset: int, limit: int
) -> list[SubPartner]:
    """The actor's sub-partners (a sub-partner has none, and never sees its siblings)."""
    actor.require(Permission.SUB_PARTNERS_READ)
    if actor.org_id != actor.partner_org_id:
        return []
    return service.sub_partners_of(
        session, parent_org_id=actor.org_id, state=state, offset=offset, limit=limit
    )


def act_for(session: Session, *, actor: Actor, org_id: str, now: datetime) -> Actor:
    """A parent partner starts acting for one of its own sub-partners (as the API's
    `onBehalfOfSubPartnerOrgId` does): the sub-partner's actor, the start in the audit log;
    404 for any other organization."""
    record = get_sub_partner(session, actor=actor, org_id=org_id)
    acting = actors.resolve(session, actor.principal, record.org_id)
    audit.record(
        session,
        actor=acting,
        action="sub_partner.act_for",
        target_type="sub_partner",
        target_id=record.org_id,
        now=now,
    )
    return acting


def stop_acting(session: Session, *, acting: Actor, now: datetime) -> None:
    """A parent partner stops acting for a sub-partner: the end in the audit log."""
    if acting.is_parent:
        return
    audit.record(
        session,
        actor=acting,
        action="sub_partner.stop_acting",
        target_type="sub_partner",
        target_id=acting.org_id,
        now=now,
    )
