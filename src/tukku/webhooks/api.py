"""Routes of `/v1/partner/webhooks`: endpoints, their secrets, delivery log and replays."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tukku.core.deps import ClockDep, DbSession, LinkSecret, MaxParam, OffsetParam, SettingsDep
from tukku.core.errors import Invalid
from tukku.core.http import trim_page
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.core.timefmt import parse_instant
from tukku.identity.actor import Actor
from tukku.identity.deps import acting
from tukku.identity.rules import Scope
from tukku.webhooks import service
from tukku.webhooks.schemas import (
    AttemptPage,
    EndpointIn,
    EndpointOut,
    EndpointPage,
    EndpointPatch,
    ReplayIn,
    ReplayOut,
)

router = api_router(prefix="/v1/partner/webhooks", tags=["Webhooks"])
Reader = Annotated[Actor, Depends(acting(Scope.WEBHOOKS_READ))]
Writer = Annotated[Actor, Depends(acting(Scope.WEBHOOKS_WRITE))]


@router.post("", status_code=201, response_model=EndpointOut, response_model_exclude_none=True)
def create_endpoint(
    body: EndpointIn,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    key: LinkSecret,
    actor: Writer,
) -> EndpointOut:
    """Register an endpoint; the answer shows its signing secret, this once only."""
    endpoint, secret = service.create(
        session, actor=actor, data=body, settings=settings, key=key, now=clock.now()
    )
    return service.to_out(endpoint, secret=secret)


@router.get("", response_model=EndpointPage, response_model_exclude_none=True)
def list_endpoints(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> EndpointPage:
    """Your endpoints (a partner's include its sub-partners'), oldest first."""
    page = page_request(offset, max_, default=100, cap=1000)
    rows = trim_page(request, response, service.list_(session, actor=actor, page=page), page)
    return EndpointPage(items=[service.to_out(e) for e in rows])


@router.get("/{webhook_id}", response_model=EndpointOut, response_model_exclude_none=True)
def get_endpoint(webhook_id: str, session: DbSession, actor: Reader) -> EndpointOut:
    """One endpoint (never its secret)."""
    return service.to_out(service.get_or_404(session, actor=actor, endpoint_id=webhook_id))


@router.put("/{webhook_id}", response_model=EndpointOut, response_model_exclude_none=True)
def replace_endpoint(
    webhook_id: str,
    body: EndpointIn,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    actor: Writer,
) -> EndpointOut:
    """Replace an endpoint's URL, event types, state and description (the secret stays)."""
    endpoint = service.update(
        session,
        actor=actor,
        endpoint_id=webhook_id,
        data=body,
        settings=settings,
        now=clock.now(),
    )
    return service.to_out(endpoint)


@router.patch("/{webhook_id}", response_model=EndpointOut, response_model_exclude_none=True)
def patch_endpoint(
    webhook_id: str,
    body: EndpointPatch,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    actor: Writer,
) -> EndpointOut:
    """Change some of an endpoint's fields (`enabled: true` turns a disabled one on again)."""
    endpoint = service.update(
        session,
        actor=actor,
        endpoint_id=webhook_id,
        data=body,
        settings=settings,
        now=clock.now(),
    )
    return service.to_out(endpoint)


@router.delete("/{webhook_id}", status_code=204)
def delete_endpoint(
    webhook_id: str, session: DbSession, clock: ClockDep, actor: Writer
) -> Response:
    """Remove an endpoint, its pending deliveries and its log."""
    service.delete(session, actor=actor, endpoint_id=webhook_id, now=clock.now())
    return Response(status_code=204)


@router.post(
    "/{webhook_id}/secret/rotate", response_model=EndpointOut, response_model_exclude_none=True
)
def rotate_secret(
    webhook_id: str,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    key: LinkSecret,
    actor: Writer,
) -> EndpointOut:
    """A new signing secret, shown this once; the old one also signs until
    `previousSecretExpires`."""
    endpoint, secret = service.rotate_secret(
        session,
        actor=actor,
        endpoint_id=webhook_id,
        settings=settings,
        key=key,
        now=clock.now(),
    )
    return service.to_out(endpoint, secret=secret)


@router.get(
    "/{webhook_id}/deliveries", response_model=AttemptPage, response_model_exclude_none=True
)
def list_deliveries(
    webhook_id: str,
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    status: Annotated[str | None, Query(description="succeeded or failed")] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> AttemptPage:
    """The endpoint's delivery log, one item per attempt, newest first."""
    page = page_request(offset, max_, default=100, cap=1000)
    rows = service.attempts(session, actor=actor, endpoint_id=webhook_id, status=status, page=page)
    return AttemptPage(items=trim_page(request, response, rows, page))


@router.post("/{webhook_id}/deliveries/{delivery_id}/replay", status_code=202)
def replay_delivery(
    webhook_id: str, delivery_id: int, session: DbSession, clock: ClockDep, actor: Writer
) -> ReplayOut:
    """Send one delivery's event again (the same event ID)."""
    service.replay_delivery(
        session, actor=actor, endpoint_id=webhook_id, delivery_id=delivery_id, now=clock.now()
    )
    return ReplayOut(queued=1)


def parse_or_400(name: str, value: str) -> datetime:
    """A body field as an instant; 400 naming it otherwise."""
    try:
        return parse_instant(value)
    except ValueError:
        raise Invalid(name, "must be an ISO 8601 date-time or epoch milliseconds") from None


@router.post("/{webhook_id}/replay", status_code=202)
def replay_range(
    webhook_id: str, body: ReplayIn, session: DbSession, clock: ClockDep, actor: Writer
) -> ReplayOut:
    """Send again every event of the endpoint that happened in [since, until]."""
    since = parse_or_400("since", body.since)
    until = parse_or_400("until", body.until) if body.until is not None else None
    queued = service.replay_range(
        session, actor=actor, endpoint_id=webhook_id, since=since, until=until, now=clock.now()
    )
    return ReplayOut(queued=queued)
