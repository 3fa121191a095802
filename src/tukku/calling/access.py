"""Whose calling set-up a request works on, and as whom.

The public Webex APIs take an optional `orgId`: a partner administrator names the customer
organization it manages, a customer administrator works on its own organization (naming it or
not). `for_org` resolves either into one `OrgScope` whose `actor` decides what the caller may do
(the partner's roles, or the customer administrator's roles with restricted-by-partner mode
applied), so every calling service checks permissions and tenancy the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query
from sqlalchemy.orm import Session

from tukku.core.errors import Invalid, NotFound
from tukku.customers import service as customers
from tukku.customers.models import Customer
from tukku.identity import actor as actors
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.models import Organization
from tukku.identity.principal import Principal
from tukku.identity.rules import PARTNER_KINDS

OrgId = Annotated[
    str | None,
    Query(
        alias="orgId",
        description="The customer organization; a partner must name one it manages, a "
        "customer administrator may leave it out.",
    ),
]


@dataclass(frozen=True)
class OrgScope:
    """A caller working on one customer organization: the `actor` (its permissions decide what
    the caller may do), the organization, and its wholesale customer (None for an organization
    outside wholesale, administered by its own people)."""

    actor: Actor
    org: Organization
    customer: Customer | None

    @property
    def owner_org_id(self) -> str:
        """The partner or sub-partner owning the customer (the organization itself outside
        wholesale): audit events and billing are kept under it."""
        return self.customer.owner_org_id if self.customer else self.org.id


def for_org(session: Session, principal: Principal, org_id: str | None) -> OrgScope:
    """The organization a request works on: for a partner's staff, the customer organization
    `org_id` names, if the partner (or, for a parent, one of its sub-partners) manages it; for
    a customer administrator, its own. 400 when a partner names none; 404 naming `orgId` for
    any organization the caller may not reach, never saying whether it exists."""
    if principal.org_kind in PARTNER_KINDS:
        if not org_id:
            raise Invalid("orgId", "required: the customer organization you manage")
        actor = actors.own(principal)
        customer = customers.managed_by_org(session, actor=actor, org_id=org_id)
        org = identity.get_org_unscoped(session, org_id)
        if org is None:
            raise NotFound("organization", field_name="orgId")
        return OrgScope(actor, org, customer)
    if org_id and org_id != principal.org_id:
        raise NotFound("organization", field_name="orgId")
    org = identity.get_org_unscoped(session, principal.org_id)
    if org is None:
        raise NotFound("organization", field_name="orgId")
    held = customers.by_org_unscoped(session, org.id)
    actor = actors.customer_admin(
        principal,
        org,
        partner_org_id=held.partner_org_id if held else None,
        restricted=bool(held and held.restricted_by_partner),
    )
    return OrgScope(actor, org, held)
