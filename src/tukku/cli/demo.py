"""The embedded default's first start: an operator and a demo partner, with fresh tokens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tukku.core.clock import Clock
from tukku.identity import service as identity
from tukku.identity.rules import WHOLESALE_SCOPES, Scope
from tukku.onboarding import service as onboarding
from tukku.partners.flows import create_partner

OPERATOR_EMAIL = "operator@tukku.test"
DEMO_ADMIN_EMAIL = "demo.admin@tukku.test"


@dataclass(frozen=True)
class DemoAccess:
    """What the banner shows: tokens minted for this start and the demo template's ID."""

    operator_token: str
    partner_token: str
    partner_org_id: str
    provisioning_id: str
    created: bool


def ensure_demo(session: Session, clock: Clock) -> DemoAccess:
    """Create the operator and the demo partner on first start; mint fresh tokens every start.

    Tokens are stored hashed, so earlier ones cannot be shown again; they stay valid.
    """
    now = clock.now()
    created = False
    if identity.find_user_by_email(session, OPERATOR_EMAIL) is None:
        created = True
    operator = identity.ensure_operator(
        session, email=OPERATOR_EMAIL, now=now, first_name="Platform", last_name="Operator"
    )
    admin = identity.find_user_by_email(session, DEMO_ADMIN_EMAIL)
    if admin is None:
        setup = create_partner(
            session,
            name="Demo Partner",
            admin_email=DEMO_ADMIN_EMAIL,
            now=now,
            admin_first_name="Demo",
            admin_last_name="Admin",
        )
        admin, provisioning_id = setup.admin, setup.provisioning_id
        created = True
    else:
        provisioning_id = onboarding.first_provisioning_id(session, admin.org_id) or ""
    _, operator_token = identity.issue_token(
        session, user=operator, scopes={Scope.OPS}, name="demo operator", now=now
    )
    _, partner_token = identity.issue_token(
        session, user=admin, scopes=WHOLESALE_SCOPES, name="demo partner", now=now
    )
    return DemoAccess(operator_token, partner_token, admin.org_id, provisioning_id, created)
