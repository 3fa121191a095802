"""Routes of sub-partners: the original's `GET /v1/wholesale/subPartners`, and tukku's
`/v1/partner/subPartners` to set them up, suspend and reactivate them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response
from sqlalchemy.orm import Session

from tukku.accounts import service, staff
from tukku.accounts.models import SubPartner
from tukku.core.deps import ClockDep, DbSession, MaxParam, OffsetParam, SettingsDep
from tukku.core.errors import Codes, Forbidden, Invalid
from tukku.core.http import base_url, link_base_url, trim_page
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.core.timefmt import iso
from tukku.identity import actor as actors
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.deps import authenticate, requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope
from tukku.partners import flows
from tukku.partners.schemas import (
    SubPartnerCreate,
    SubPartnerDetailOut,
    SubPartnerOut,
    SubPartnerPage,
)

wholesale_router = api_router(prefix="/v1/wholesale/subPartners", tags=["Sub-partners"])
partner_router = api_router(prefix="/v1/partner/subPartners", tags=["Sub-partners"])
Reader = Annotated[Principal, Depends(requires(Scope.SUB_PARTNERS_READ))]
Caller = Annotated[Principal, Depends(authenticate)]
STATES = (service.ACTIVE, service.SUSPENDED)


def _actor(session: Session, principal: Principal, partner_org_id: str | None) -> Actor:
    """The partner acting: the caller's own, or (operators only) the one named."""
    if Scope.OPS.value in principal.scopes:
        return actors.for_named_partner(session, principal, partner_org_id, what="partner")
    if Scope.SUB_PARTNERS_WRITE.value not in principal.scopes:
        raise Forbidden("the token lacks scope tukku:sub_partners_write", Codes.MISSING_SCOPE)
    return actors.own(principal)


def _out(session: Session, record: SubPartner) -> SubPartnerDetailOut:
    org = identity.get_org_unscoped(session, record.org_id)
    return SubPartnerDetailOut(
        org_id=record.org_id,
        subscription_id=service.subscription_of(session, record.parent_org_id) or "",
        provisioning_state=record.provisioning_state,
        created=iso(record.created_at),
        billing_start_date=f"{record.billing_start_date.isoformat()}T00:00:00.000Z",
        name=org.name if org else "",
        admin_email=record.admin_email,
    )


@wholesale_router.get("", response_model=SubPartnerPage, summary="List sub-partners")
def list_sub_partners(
    request: Request,
    response: Response,
    session: DbSession,
    principal: Reader,
    provisioning_state: Annotated[str | None, Query(alias="provisioningState")] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> SubPartnerPage:
    """Your sub-partners (`active` or `suspended`), oldest first."""
    if provisioning_state is not None and provisioning_state not in STATES:
        raise Invalid("provisioningState", "must be active or suspended", Codes.INVALID_QUERY)
    actor = actors.own(principal)
    page = page_request(offset, max_, default=100, cap=1000)
    rows = flows.list_sub_partners(
        session, actor=actor, state=provisioning_state, offset=page.offset, limit=page.limit
    )
    items = [_out(session, r) for r in trim_page(request, response, rows, page)]
    return SubPartnerPage(items=[SubPartnerOut.model_validate(i.model_dump()) for i in items])


PartnerOrgId = Annotated[str | None, Query(alias="partnerOrgId", description="Operators only.")]


@partner_router.post(
    "", status_code=201, response_model=SubPartnerDetailOut, summary="Set up a sub-partner"
)
def create_sub_partner(
    body: SubPartnerCreate,
    request: Request,
    response: Response,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    principal: Caller,
    partner_org_id: PartnerOrgId = None,
) -> SubPartnerDetailOut:
    """A reseller one level below a partner; its first administrator is invited by e-mail,
    with a link to choose a portal password."""
    actor = _actor(session, principal, partner_org_id)
    invitation = staff.invitation_from(link_base_url(request), settings)
    record = flows.create_sub_partner(
        session, actor=actor, data=body, invitation=invitation, now=clock.now()
    )
    response.headers["Location"] = f"{base_url(request)}/v1/partner/subPartners/{record.org_id}"
    return _out(session, record)


@partner_router.get("/{org_id}", response_model=SubPartnerDetailOut, summary="Get a sub-partner")
def get_sub_partner(
    org_id: str, session: DbSession, principal: Caller, partner_org_id: PartnerOrgId = None
) -> SubPartnerDetailOut:
    """One of your sub-partners."""
    actor = _actor(session, principal, partner_org_id)
    return _out(session, flows.get_sub_partner(session, actor=actor, org_id=org_id))


def _set_state(
    org_id: str,
    state: str,
    session: Session,
    clock: ClockDep,
    principal: Principal,
    partner_org_id: str | None,
) -> SubPartnerDetailOut:
    actor = _actor(session, principal, partner_org_id)
    record = flows.set_state(session, actor=actor, org_id=org_id, state=state, now=clock.now())
    return _out(session, record)


@partner_router.post("/{org_id}/suspend", response_model=SubPartnerDetailOut, summary="Suspend")
def suspend(
    org_id: str,
    session: DbSession,
    clock: ClockDep,
    principal: Caller,
    partner_org_id: PartnerOrgId = None,
) -> SubPartnerDetailOut:
    """From now on the sub-partner may only delete customers and subscribers."""
    return _set_state(org_id, service.SUSPENDED, session, clock, principal, partner_org_id)


@partner_router.post(
    "/{org_id}/reactivate", response_model=SubPartnerDetailOut, summary="Reactivate"
)
def reactivate(
    org_id: str,
    session: DbSession,
    clock: ClockDep,
    principal: Caller,
    partner_org_id: PartnerOrgId = None,
) -> SubPartnerDetailOut:
    """The sub-partner may provision and update again."""
    return _set_state(org_id, service.ACTIVE, session, clock, principal, partner_org_id)
