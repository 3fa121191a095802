"""Who is calling (the principal) and whose data they act on (the actor)."""

from __future__ import annotations

from dataclasses import dataclass

from tukku.identity.rules import OrgKind


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a user of an organization, with a token's scopes.

    `partner_org_id` is the top-level partner above the caller's organization (itself for a
    partner, the parent for a sub-partner).
    """

    user_id: str
    org_id: str
    org_kind: OrgKind
    partner_org_id: str
    roles: frozenset[str]
    scopes: frozenset[str]
    token_id: str


@dataclass(frozen=True)
class Actor:
    """A principal acting for a partner organization: itself, or one of its sub-partners.

    `org_id` owns the data in play; `partner_org_id` is the top-level partner above it.
    """

    principal: Principal
    org_id: str
    partner_org_id: str

    @property
    def sub_partner_org_id(self) -> str | None:
        """The sub-partner in play, if the data belongs to one."""
        return None if self.org_id == self.partner_org_id else self.org_id
