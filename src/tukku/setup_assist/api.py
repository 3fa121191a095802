"""Routes of Setup Assist: partners order and follow (`/v1/partner/setupAssist/orders`),
operators list every order and advance its phases (`/v1/ops/setupAssist/orders`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tukku.core.deps import ClockDep, DbSession, MaxParam, OffsetParam, SettingsDep
from tukku.core.errors import Codes, Invalid
from tukku.core.http import trim_page
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.identity.actor import Actor
from tukku.identity.deps import acting, requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope
from tukku.setup_assist import service
from tukku.setup_assist.rules import Status
from tukku.setup_assist.schemas import AdvanceIn, OrderIn, OrderOut, OrderPage

router = api_router(prefix="/v1/partner/setupAssist/orders", tags=["Setup Assist"])
ops_router = api_router(prefix="/v1/ops/setupAssist/orders", tags=["Operations"])
Reader = Annotated[Actor, Depends(acting(Scope.SETUP_ASSIST_READ))]
Writer = Annotated[Actor, Depends(acting(Scope.SETUP_ASSIST_WRITE))]
Operator = Annotated[Principal, Depends(requires(Scope.OPS))]
CustomerOrgId = Annotated[
    str | None, Query(alias="customerOrgId", max_length=128, description="Only this customer's.")
]
StatusFilter = Annotated[str | None, Query(description="submitted, in_progress or completed.")]
STATUSES = [s.value for s in Status]


def _status(value: str | None) -> str | None:
    if value is not None and value not in STATUSES:
        raise Invalid("status", f"must be one of {', '.join(STATUSES)}", Codes.INVALID_QUERY)
    return value


@router.post("", response_model=OrderOut, status_code=201, summary="Order Setup Assist")
def place_order(
    body: OrderIn, session: DbSession, clock: ClockDep, settings: SettingsDep, actor: Writer
) -> OrderOut:
    """Order onboarding help for a customer location; the SKU follows its seat count."""
    holidays = settings.setup_assist_holiday_dates
    order = service.place_order(session, actor=actor, data=body, now=clock.now(), holidays=holidays)
    return service.order_out(session, order, holidays)


@router.get("", response_model=OrderPage, summary="List Setup Assist orders")
def list_orders(
    request: Request,
    response: Response,
    session: DbSession,
    settings: SettingsDep,
    actor: Reader,
    customer_org_id: CustomerOrgId = None,
    status: StatusFilter = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> OrderPage:
    """Your orders, newest first, paginated with `Link` headers."""
    page = page_request(offset, max_, default=100, cap=1000)
    filters = service.OrderFilters(customer_org_id=customer_org_id, status=_status(status))
    rows = service.list_orders(session, actor=actor, filters=filters, page=page)
    holidays = settings.setup_assist_holiday_dates
    return OrderPage(
        items=[
            service.order_out(session, o, holidays)
            for o in trim_page(request, response, rows, page)
        ]
    )


@router.get("/{order_id}", response_model=OrderOut, summary="Get a Setup Assist order")
def get_order(order_id: str, session: DbSession, settings: SettingsDep, actor: Reader) -> OrderOut:
    """One order and its phases."""
    order = service.get_order(session, actor=actor, order_id=order_id)
    return service.order_out(session, order, settings.setup_assist_holiday_dates)


@ops_router.get("", response_model=OrderPage, summary="Every Setup Assist order")
def list_all_orders(
    request: Request,
    response: Response,
    session: DbSession,
    settings: SettingsDep,
    operator: Operator,
    partner_org_id: Annotated[
        str | None, Query(alias="partnerOrgId", max_length=128, description="Only this partner's.")
    ] = None,
    customer_org_id: CustomerOrgId = None,
    status: StatusFilter = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> OrderPage:
    """Every partner's orders, newest first."""
    page = page_request(offset, max_, default=100, cap=1000)
    filters = service.OrderFilters(
        customer_org_id=customer_org_id, status=_status(status), partner_org_id=partner_org_id
    )
    rows = service.list_platform_wide(session, principal=operator, filters=filters, page=page)
    holidays = settings.setup_assist_holiday_dates
    return OrderPage(
        items=[
            service.order_out(session, o, holidays)
            for o in trim_page(request, response, rows, page)
        ]
    )


@ops_router.get("/{order_id}", response_model=OrderOut, summary="Get any Setup Assist order")
def get_any_order(
    order_id: str, session: DbSession, settings: SettingsDep, operator: Operator
) -> OrderOut:
    """One order, whoever placed it."""
    order = service.get_unscoped(session, principal=operator, order_id=order_id)
    return service.order_out(session, order, settings.setup_assist_holiday_dates)


@ops_router.post("/{order_id}/advance", response_model=OrderOut, summary="Advance a phase")
def advance_order(
    order_id: str,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    operator: Operator,
    body: AdvanceIn | None = None,
) -> OrderOut:
    """Complete the current phase and start the next (after the last, complete the order); the
    partner's administrators are mailed."""
    order = service.advance(
        session,
        principal=operator,
        order_id=order_id,
        expected_phase=body.expected_phase if body else None,
        now=clock.now(),
    )
    return service.order_out(session, order, settings.setup_assist_holiday_dates)
