"""Setting up a partner: organization, first administrator, subscription and default template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tukku.core.errors import Codes, Conflict, Invalid
from tukku.core.validation import normalize_email
from tukku.identity import service as identity
from tukku.identity.models import User
from tukku.identity.principal import Actor, Principal
from tukku.identity.rules import Role
from tukku.onboarding import service as onboarding
from tukku.onboarding.schemas import TemplateWrite
from tukku.partners import service


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
) -> PartnerSetup:
    """A partner ready to sell: its admin holds the partner full and wholesale admin roles."""
    email = normalize_email(admin_email)
    if email is None:
        raise Invalid("adminEmail", "not a valid e-mail address", Codes.EMAIL_INVALID)
    if identity.find_user_by_email(session, email) is not None:
        raise Conflict("adminEmail", f"{email} is already in use", Codes.EMAIL_TAKEN)
    if not name.strip():
        raise Invalid("name", "must not be blank")
    org = identity.create_organization(session, kind="partner", name=name.strip(), now=now)
    admin = identity.create_user(
        session,
        org_id=org.id,
        email=email,
        first_name=admin_first_name,
        last_name=admin_last_name,
        roles=[Role.PARTNER_FULL_ADMIN, Role.WHOLESALE_ADMIN],
        now=now,
    )
    subscription_id = service.create_subscription(session, partner_org_id=org.id, now=now)
    principal = Principal(
        user_id=admin.id,
        org_id=org.id,
        org_kind=org.kind,
        partner_org_id=org.id,
        roles=frozenset({Role.PARTNER_FULL_ADMIN.value}),
        scopes=frozenset(),
        token_id="",
    )
    actor = Actor(principal=principal, org_id=org.id, partner_org_id=org.id)
    template = onboarding.create(
        session,
        actor=actor,
        data=TemplateWrite(name="Default", pstn_provider="Default PSTN provider"),
        now=now,
    )
    return PartnerSetup(org.id, subscription_id, admin, template.provisioning_id)
