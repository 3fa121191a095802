"""Operator routes for organizations outside wholesale (`/v1/ops/organizations`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import NotFound
from tukku.core.http import base_url
from tukku.core.routing import api_router
from tukku.core.timefmt import iso
from tukku.identity import service
from tukku.identity.deps import requires
from tukku.identity.events import SecurityEvent, raise_event
from tukku.identity.models import Organization
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope
from tukku.identity.schemas import OrgOut, OrgUpdate, OrgUserOut, StandaloneOrgCreate

router = api_router(prefix="/v1/ops/organizations", tags=["Operations"])
Operator = Annotated[Principal, Depends(requires(Scope.OPS))]


def _out(session: DbSession, org: Organization) -> OrgOut:
    users = [
        OrgUserOut(id=u.id, email=u.email, first_name=u.first_name, last_name=u.last_name)
        for u in service.users_of(session, org.id)
    ]
    return OrgOut(
        id=org.id,
        kind=org.kind,
        name=org.name,
        country=org.country,
        internal=org.internal,
        verified_domains=list(org.verified_domains),
        claimed_domains=list(org.claimed_domains),
        license_statuses=list(org.license_statuses),
        created=iso(org.created_at),
        users=users,
    )


@router.post("", status_code=201, response_model=OrgOut, summary="Create an organization")
def create_organization(
    body: StandaloneOrgCreate,
    request: Request,
    response: Response,
    session: DbSession,
    clock: ClockDep,
    operator: Operator,
) -> OrgOut:
    """Register an organization that exists outside wholesale, with its users."""
    org = service.create_standalone_org(
        session,
        name=body.name,
        country=body.country,
        language=body.language,
        users=[service.NewOrgUser(u.email, u.first_name, u.last_name, u.admin) for u in body.users],
        verified_domains=body.verified_domains,
        claimed_domains=body.claimed_domains,
        license_statuses=list(body.license_statuses),
        now=clock.now(),
    )
    raise_event(
        session,
        SecurityEvent(
            action="organization.create",
            target_type="organization",
            target_id=org.id,
            org_id=org.id,
            at=clock.now(),
            by=operator,
            after={
                "name": org.name,
                "country": org.country,
                "users": [u.email for u in body.users],
            },
        ),
    )
    response.headers["Location"] = f"{base_url(request)}/v1/ops/organizations/{org.id}"
    return _out(session, org)


@router.get("/{org_id}", response_model=OrgOut, summary="Get an organization")
def get_organization(org_id: str, session: DbSession, _operator: Operator) -> OrgOut:
    """Any organization, with its users."""
    org = service.get_org_unscoped(session, org_id)
    if org is None:
        raise NotFound("organization")
    return _out(session, org)


@router.patch("/{org_id}", response_model=OrgOut, summary="Change an organization")
def update_organization(
    org_id: str, body: OrgUpdate, session: DbSession, clock: ClockDep, operator: Operator
) -> OrgOut:
    """Mark an organization as internal (billing reports leave it out unless asked)."""
    org = service.get_org_unscoped(session, org_id)
    before = {"internal": org.internal} if org else None
    org = service.set_internal(session, org_id, body.internal)
    raise_event(
        session,
        SecurityEvent(
            action="organization.update",
            target_type="organization",
            target_id=org.id,
            org_id=org.id,
            at=clock.now(),
            by=operator,
            before=before,
            after={"internal": org.internal},
        ),
    )
    return _out(session, org)
