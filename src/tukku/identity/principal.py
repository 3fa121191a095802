"""Who is calling: the authenticated user, its organization, roles and token scopes."""

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
