"""Routes of `/v1/wholesale/subscribers`, and the consent-move route at its documented path."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from tukku.core.deps import (
    ClockDep,
    DbSession,
    LinkSecret,
    MaxParam,
    OffsetParam,
    ReadOnlySession,
    SettingsDep,
)
from tukku.core.errors import Codes, Invalid
from tukku.core.http import base_url, link_base_url, trim_page
from tukku.core.pagination import page_request
from tukku.core.precheck import PrecheckOut
from tukku.core.routing import api_router
from tukku.core.timefmt import instant_param
from tukku.identity.actor import Actor
from tukku.identity.deps import acting
from tukku.identity.rules import Scope
from tukku.subscribers import service
from tukku.subscribers.models import Subscriber
from tukku.subscribers.schemas import (
    SubscriberCreate,
    SubscriberOut,
    SubscriberPage,
    SubscriberPrecheck,
    SubscriberUpdate,
)

router = api_router(prefix="/v1/wholesale/subscribers", tags=["Wholesale subscribers"])
consent_move_router = api_router(tags=["Wholesale subscribers"])
Reader = Annotated[Actor, Depends(acting(Scope.SUBSCRIBERS_READ))]
Writer = Annotated[Actor, Depends(acting(Scope.SUBSCRIBERS_WRITE))]
SORT_FIELDS = ("created", "lastStatusChange")


def _links(request: Request, settings: SettingsDep, secret: LinkSecret) -> service.Links:
    return service.Links(
        base_url=link_base_url(request),
        secret=secret,
        consent_max_age=timedelta(seconds=settings.consent_link_max_age_seconds),
    )


LinksDep = Annotated[service.Links, Depends(_links)]


def _filters(
    customer_id: str | None,
    person_id: str | None,
    external_customer_id: str | None,
    email: str | None,
    status: str | None,
    after: str | None,
    last_status_change: str | None,
    sort_by: str | None,
    sort_order: str | None,
) -> service.SubscriberFilters:
    if sort_by is not None and sort_by not in SORT_FIELDS:
        raise Invalid("sortBy", "must be created or lastStatusChange", Codes.INVALID_QUERY)
    order = (sort_order or "ASC").upper()
    if order not in ("ASC", "DESC"):
        raise Invalid("sortOrder", "must be ASC or DESC", Codes.INVALID_QUERY)
    return service.SubscriberFilters(
        customer_id=customer_id,
        person_id=person_id,
        external_customer_id=external_customer_id,
        email=email,
        status=status,
        after=instant_param("after", after),
        last_status_change=instant_param("lastStatusChange", last_status_change),
        sort_by=sort_by or "created",
        descending=order == "DESC",
    )


def _one(session: DbSession, subscriber: Subscriber) -> SubscriberOut:
    return service.to_out(subscriber, service.external_id_of(session, subscriber))


@router.get(
    "", response_model=SubscriberPage, response_model_exclude_none=True, summary="List subscribers"
)
def list_subscribers(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    customer_id: Annotated[str | None, Query(alias="customerId")] = None,
    person_id: Annotated[str | None, Query(alias="personId")] = None,
    external_customer_id: Annotated[str | None, Query(alias="externalCustomerId")] = None,
    email: str | None = None,
    status: str | None = None,
    after: Annotated[str | None, Query(description="Created after: epoch ms or ISO 8601.")] = None,
    last_status_change: Annotated[str | None, Query(alias="lastStatusChange")] = None,
    sort_by: Annotated[str | None, Query(alias="sortBy")] = None,
    sort_order: Annotated[str | None, Query(alias="sortOrder")] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> SubscriberPage:
    """The caller's subscribers, filtered, sorted and paginated (default 50, at most 100)."""
    page = page_request(offset, max_, default=50, cap=100)
    filters = _filters(
        customer_id,
        person_id,
        external_customer_id,
        email,
        status,
        after,
        last_status_change,
        sort_by,
        sort_order,
    )
    rows = service.list_(session, actor=actor, filters=filters, page=page)
    rows = trim_page(request, response, rows, page)
    return SubscriberPage(items=[service.to_out(s, ext) for s, ext in rows])


@router.post(
    "",
    response_model=SubscriberOut,
    response_model_exclude_none=True,
    summary="Provision a subscriber",
    responses={202: {"description": "Pending the user's consent (`pending_user_migration`)."}},
)
def provision_subscriber(
    body: SubscriberCreate,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    links: LinksDep,
    actor: Writer,
) -> JSONResponse:
    """200 with the provisioned subscriber, or 202 when the user must consent to move."""
    result = service.provision(session, actor=actor, data=body, now=clock.now(), links=links)
    out = service.to_out(result.subscriber, result.external_customer_id)
    url = f"{base_url(request)}/v1/wholesale/subscribers/{result.subscriber.id}"
    return JSONResponse(
        out.model_dump(by_alias=True, exclude_none=True),
        status_code=202 if result.pending else 200,
        headers={"Location": url},
    )


@router.post("/validate", response_model=PrecheckOut, summary="Precheck a subscriber")
def precheck_subscriber(
    body: SubscriberPrecheck,
    session: ReadOnlySession,
    actor: Writer,
) -> PrecheckOut:
    """Report every problem provisioning would meet, changing nothing (partner full admins)."""
    return service.precheck(session, actor=actor, data=body)


@router.get(
    "/{subscriber_id}",
    response_model=SubscriberOut,
    response_model_exclude_none=True,
    summary="Get a subscriber",
)
def get_subscriber(
    subscriber_id: str, request: Request, response: Response, session: DbSession, actor: Reader
) -> SubscriberOut:
    """One subscriber; `Location` is its URL, as the contract lists."""
    subscriber = service.get_or_404(session, actor=actor, subscriber_id=subscriber_id)
    response.headers["Location"] = f"{base_url(request)}/v1/wholesale/subscribers/{subscriber.id}"
    return _one(session, subscriber)


@router.put(
    "/{subscriber_id}",
    response_model=SubscriberOut,
    response_model_exclude_none=True,
    summary="Update a subscriber",
)
def update_subscriber(
    subscriber_id: str,
    body: SubscriberUpdate,
    request: Request,
    response: Response,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> SubscriberOut:
    """Change the package; billing of the old package stops now and the new one starts."""
    subscriber = service.update(
        session, actor=actor, subscriber_id=subscriber_id, data=body, now=clock.now()
    )
    response.headers["Location"] = f"{base_url(request)}/v1/wholesale/subscribers/{subscriber.id}"
    return _one(session, subscriber)


@router.delete("/{subscriber_id}", status_code=204, summary="Remove a subscriber")
def remove_subscriber(
    subscriber_id: str,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> Response:
    """End the subscriber's package; the user stays in its organization."""
    service.remove(session, actor=actor, subscriber_id=subscriber_id, now=clock.now())
    return Response(status_code=204)


def _consent_move(
    subscriber_id: str,
    session: DbSession,
    clock: ClockDep,
    links: LinksDep,
    actor: Writer,
) -> Response:
    """Send the consent e-mail again to a subscriber in `pending_user_migration`."""
    service.resend_consent(
        session, actor=actor, subscriber_id=subscriber_id, now=clock.now(), links=links
    )
    return Response(status_code=204)


router.add_api_route(
    "/{subscriber_id}/emails/consentMove",
    _consent_move,
    methods=["POST"],
    status_code=204,
    summary="Send the consent e-mail again",
)
consent_move_router.add_api_route(
    "/v1/subscribers/{subscriber_id}/emails/consentMove",
    _consent_move,
    methods=["POST"],
    status_code=204,
    summary="Send the consent e-mail again (path as published)",
)
