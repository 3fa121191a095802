"""The organization of a request that names a location or person but maybe no `orgId`.

Webex clients call some ID-taking operations without `orgId` even as a partner (wxc_sdk's floor
and person calls never send it): the ID then says whose it is, and the caller must still reach
that organization through `for_org`. Either way, an ID the caller may not reach answers the same
404 as an unknown one. `onBehalfOfSubPartnerOrgId` (tukku's way for a parent to act as one of
its sub-partners) narrows what a parent reaches to that sub-partner's customers.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tukku.calling.access import OrgScope, for_org
from tukku.core.errors import DomainError, NotFound
from tukku.identity import actor as actors
from tukku.identity.principal import Principal
from tukku.identity.rules import PARTNER_KINDS


def scope_of(
    session: Session,
    principal: Principal,
    *,
    org_id: str | None,
    on_behalf_of: str | None = None,
    owner_of_id: str | None = None,
    missing: NotFound | None = None,
) -> OrgScope:
    """The scope of a request: `for_org` with the `orgId` given or, for a partner naming none,
    the organization `owner_of_id` (the named resource's organization, None if unknown). When
    a named resource is in play (`missing` is its 404), any organization the caller cannot
    reach answers `missing`, never saying the resource exists."""
    acting = actors.resolve(session, principal, on_behalf_of) if on_behalf_of else None
    wanted = org_id
    if not wanted and principal.org_kind in PARTNER_KINDS and missing is not None:
        if owner_of_id is None:
            raise missing
        wanted = owner_of_id
    try:
        scope = for_org(session, principal, wanted)
    except DomainError as refused:
        if missing is not None and refused.status == 404:
            raise missing from None
        raise
    if acting is not None and scope.owner_org_id != acting.org_id:
        raise missing or NotFound("organization", field_name="orgId")
    return scope
