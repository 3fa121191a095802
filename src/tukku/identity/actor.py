"""The one authorization scope: who acts, for which organization, what they may do, and the
WHERE clauses that keep every tenant query inside what they may see.

Routes get an `Actor` from one dependency (`identity.deps.acting`); services take it, check
their permission with `actor.require(...)` and scope their queries with `actor.owns(...)` or
`actor.sees(...)`; statements built once take `sees_bound(...)` and run with `actor.bound()`
as their parameters. Pages use the same object, so a page can never show what the API refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, select
from sqlalchemy.orm import Session

from tukku.core.errors import Code, Codes, Forbidden, NotFound
from tukku.identity.models import Organization
from tukku.identity.permissions import (
    CUSTOMER_ROLES,
    RESTRICTED_MODE_REMOVES,
    Permission,
    effective_permissions,
)
from tukku.identity.principal import Principal
from tukku.identity.rules import CUSTOMER_KINDS, PARTNER_KINDS, OrgKind


@dataclass(frozen=True)
class Actor:
    """A principal acting for an organization: a partner's own, one of its sub-partners, (an
    operator) the partner it names, or a customer administrator's own organization.

    `org_id` owns the data in play; `partner_org_id` is the top-level partner above it;
    `operator` says a platform operator acts for that partner; `restricted` says the partner
    keeps a customer organization in restricted mode, which takes permissions from its admins;
    `customer_org_id` names the customer organization a partner's staff act in (cross-launch),
    which adds what their roles allow there (`PARTNER_IN_CUSTOMER_ORG`).
    """

    principal: Principal
    org_id: str
    partner_org_id: str
    operator: bool = False
    restricted: bool = False
    customer_org_id: str | None = None

    @property
    def sub_partner_org_id(self) -> str | None:
        """The sub-partner in play, if the data belongs to one."""
        return None if self.org_id == self.partner_org_id else self.org_id

    @property
    def is_parent(self) -> bool:
        """Whether the actor acts as a top-level partner (and so also sees its sub-partners')."""
        return self.org_id == self.partner_org_id

    @property
    def permissions(self) -> frozenset[Permission]:
        """What the acting user may do, every rule applied (restricted mode included)."""
        return effective_permissions(
            self.principal.roles,
            restricted=self.restricted,
            in_customer_org=self.customer_org_id is not None,
        )

    def may(self, permission: Permission) -> bool:
        """Whether the acting user's roles allow `permission`."""
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        """Raise 403 unless the acting user's roles allow `permission`; says so when restricted
        mode is the reason."""
        if permission in self.permissions:
            return
        if self.restricted and permission in RESTRICTED_MODE_REMOVES:
            raise Forbidden(f"restricted by your partner: {permission.value}", Codes.FORBIDDEN_ROLE)
        raise Forbidden(f"your role does not allow {permission.value}", Codes.FORBIDDEN_ROLE)

    def owns(self, owner_column: Any) -> ColumnElement[bool]:
        """Rows owned by the acting organization itself (a partner's plain list)."""
        result: ColumnElement[bool] = owner_column == self.org_id
        return result

    def sees(self, owner_column: Any) -> ColumnElement[bool]:
        """Rows the actor may read or manage: its own, plus its sub-partners' when it acts as
        their parent. A sub-partner, or a parent acting for one, sees that sub-partner's only."""
        return _visible(owner_column, self.org_id, parent=self.is_parent)

    def bound(self) -> dict[str, str]:
        """The parameters a statement built with `sees_bound` runs with for this actor."""
        return {ACTOR_ORG: self.org_id}

    def sees_partner_rows(self, partner_column: Any, sub_partner_column: Any) -> list[Any]:
        """Conditions for rows kept per partner with an optional sub-partner column (billing
        reports): the partner's all, a sub-partner's own only."""
        conditions: list[Any] = [partner_column == self.partner_org_id]
        if not self.is_parent:
            conditions.append(sub_partner_column == self.org_id)
        return conditions


ACTOR_ORG = "actor_org_id"


def _visible(owner_column: Any, org: Any, *, parent: bool) -> ColumnElement[bool]:
    result: ColumnElement[bool] = owner_column == org
    if not parent:
        return result
    children = select(Organization.id).where(
        Organization.parent_id == org, Organization.kind == OrgKind.SUB_PARTNER
    )
    return or_(result, owner_column.in_(children))


def sees_bound(owner_column: Any, *, parent: bool) -> ColumnElement[bool]:
    """`Actor.sees` for a statement built once, at import or on first use, rather than per
    request (building a statement costs more than running it): the actor's organization is
    the parameter `actor_org_id`, which `Actor.bound()` supplies; `parent` is `is_parent`."""
    return _visible(owner_column, bindparam(ACTOR_ORG), parent=parent)


def own(principal: Principal) -> Actor:
    """A partner (or sub-partner) acting for itself; 403 for anyone else."""
    if principal.org_kind not in PARTNER_KINDS:
        raise Forbidden("only partner organizations use the wholesale API", Codes.FORBIDDEN_ROLE)
    return Actor(
        principal=principal, org_id=principal.org_id, partner_org_id=principal.partner_org_id
    )


def resolve(session: Session, principal: Principal, on_behalf_of: str | None) -> Actor:
    """The actor of a partner's request: itself, or one of its own sub-partners named in
    `onBehalfOfSubPartnerOrgId`; any other ID answers 404, never revealing whether it exists."""
    actor = own(principal)
    if not on_behalf_of or on_behalf_of == actor.org_id:
        return actor
    target = session.get(Organization, on_behalf_of)
    if target is None or target.kind != OrgKind.SUB_PARTNER or target.parent_id != actor.org_id:
        raise NotFound(
            "sub-partner", Codes.SUB_PARTNER_NOT_FOUND, field_name="onBehalfOfSubPartnerOrgId"
        )
    return Actor(principal=principal, org_id=target.id, partner_org_id=actor.org_id)


def for_named_partner(
    session: Session,
    principal: Principal,
    partner_org_id: str | None,
    *,
    what: str,
    code: Code = Codes.NOT_FOUND,
) -> Actor:
    """An operator acting for the partner it names (`partnerOrgId`); 404 naming `what` when
    that is not a partner."""
    org = session.get(Organization, partner_org_id) if partner_org_id else None
    if org is None or org.kind != OrgKind.PARTNER:
        raise NotFound(what, code, field_name="partnerOrgId")
    return Actor(principal=principal, org_id=org.id, partner_org_id=org.id, operator=True)


def in_customer_org(actor: Actor, org_id: str) -> Actor:
    """A partner's staff (`actor`, its own or a sub-partner's) acting in the customer
    organization `org_id`, which the caller has found among the customers `actor` manages;
    still the partner's actor, audited as the partner's."""
    return replace(actor, customer_org_id=org_id)


def customer_admin(
    principal: Principal, org: Organization, *, partner_org_id: str | None, restricted: bool
) -> Actor:
    """A customer organization's administrator acting for it (`partner_org_id`: the partner
    that provisioned it, if any; `restricted`: whether that partner keeps restricted mode on);
    403 for anyone else."""
    if (
        org.id != principal.org_id
        or org.kind not in CUSTOMER_KINDS
        or not principal.roles & CUSTOMER_ROLES
    ):
        raise Forbidden("only a customer organization's administrators use this API")
    return Actor(
        principal=principal,
        org_id=org.id,
        partner_org_id=partner_org_id or org.id,
        restricted=restricted,
    )
