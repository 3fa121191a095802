"""Routes of the audit log: `/v1/partner/auditEvents` (scoped) and `/v1/ops/auditEvents` (all)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tukku.audit import service
from tukku.audit.schemas import AuditEventPage
from tukku.core.deps import DbSession, MaxParam, OffsetParam
from tukku.core.http import trim_page
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.core.timefmt import instant_param
from tukku.identity.actor import Actor
from tukku.identity.deps import acting, requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope

partner_router = api_router(prefix="/v1/partner/auditEvents", tags=["Audit"])
ops_router = api_router(prefix="/v1/ops/auditEvents", tags=["Operations"])


def filters(
    action: str | None = None,
    target_type: Annotated[str | None, Query(alias="targetType")] = None,
    target_id: Annotated[str | None, Query(alias="targetId")] = None,
    actor_user_id: Annotated[str | None, Query(alias="actorUserId")] = None,
    tracking_id: Annotated[str | None, Query(alias="trackingId")] = None,
    since: Annotated[str | None, Query(alias="from", description="ISO 8601 or epoch ms.")] = None,
    until: Annotated[str | None, Query(alias="to", description="ISO 8601 or epoch ms.")] = None,
) -> service.AuditFilters:
    """The filters of both audit lists."""
    return service.AuditFilters(
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor_user_id=actor_user_id,
        tracking_id=tracking_id,
        since=instant_param("from", since),
        until=instant_param("to", until),
    )


Filters = Annotated[service.AuditFilters, Depends(filters)]


@partner_router.get("", response_model=AuditEventPage, summary="Your audit log")
def partner_events(
    request: Request,
    response: Response,
    session: DbSession,
    wanted: Filters,
    actor: Annotated[Actor, Depends(acting(Scope.AUDIT_READ))],
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> AuditEventPage:
    """Changes to your organization's data (a parent's includes its sub-partners'), newest first.
    Where a change came from is shown for changes your own people (and your sub-partners') made."""
    page = page_request(offset, max_, default=100, cap=1000)
    found = service.list_for_partner(session, actor=actor, filters=wanted, page=page)
    rows = trim_page(request, response, found, page)
    own = service.own_people(session, actor)
    return AuditEventPage(
        items=[service.to_out(e, with_source=e.actor_org_id in own) for e in rows]
    )


@ops_router.get("", response_model=AuditEventPage, summary="The whole audit log")
def ops_events(
    request: Request,
    response: Response,
    session: DbSession,
    wanted: Filters,
    principal: Annotated[Principal, Depends(requires(Scope.OPS))],
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> AuditEventPage:
    """Every change on the platform, newest first."""
    page = page_request(offset, max_, default=100, cap=1000)
    rows = service.list_platform_wide(session, principal=principal, filters=wanted, page=page)
    return AuditEventPage(
        items=[service.to_out(e) for e in trim_page(request, response, rows, page)]
    )
