"""Routes of the numbers API (`/v1/telephony/config/...numbers`), as the public Webex Calling
API serves them: add and remove a location's numbers (partners), list the organization's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response

from tukku.calling import numbers as service
from tukku.calling.access import OrgId, for_org
from tukku.calling.numbers_rules import number_filters, numbers_to_add, phone_number_list
from tukku.calling.numbers_schemas import NumberPage, NumbersAdd, NumbersRemove
from tukku.calling.start_paging import MaxParam, StartParam, start_page, trim_start_page
from tukku.core.deps import ClockDep, DbSession, ReadOnlySession
from tukku.core.errors import invalid_all
from tukku.core.routing import api_router
from tukku.identity.deps import requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope

router = api_router(prefix="/v1/telephony/config", tags=["Numbers"])
Reader = Annotated[Principal, Depends(requires(Scope.TELEPHONY_READ))]
Writer = Annotated[Principal, Depends(requires(Scope.TELEPHONY_WRITE))]
Q = Query


@router.post(
    "/locations/{location_id}/numbers", status_code=201, summary="Add Phone Numbers to a location"
)
def add_numbers(
    location_id: str,
    body: NumbersAdd,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
) -> Response:
    """Add unassigned numbers to a location; those it already has are ignored."""
    data, problems = numbers_to_add(
        body.phone_numbers, body.number_type, body.state, body.number_usage_type
    )
    if problems or data is None:
        raise invalid_all(problems)
    scope = for_org(session, principal, org_id)
    service.add(session, scope=scope, location_id=location_id, data=data, now=clock.now())
    return Response(status_code=201)


@router.delete(
    "/locations/{location_id}/numbers",
    status_code=204,
    summary="Remove phone numbers from a location",
)
def remove_numbers(
    location_id: str,
    body: NumbersRemove,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
) -> Response:
    """Remove unassigned numbers from a location (all or none)."""
    numbers, problems = phone_number_list(body.phone_numbers)
    if problems:
        raise invalid_all(problems)
    scope = for_org(session, principal, org_id)
    service.remove(session, scope=scope, location_id=location_id, numbers=numbers, now=clock.now())
    return Response(status_code=204)


@router.get(
    "/numbers",
    response_model=NumberPage,
    response_model_exclude_none=True,
    summary="Get Phone Numbers for an Organization with Given Criteria",
)
def list_numbers(
    request: Request,
    response: Response,
    session: ReadOnlySession,
    principal: Reader,
    org_id: OrgId = None,
    location_id: Annotated[str | None, Q(alias="locationId")] = None,
    phone_number: Annotated[str | None, Q(alias="phoneNumber")] = None,
    available: bool | None = None,
    assigned: bool | None = None,
    owner_name: Annotated[str | None, Q(alias="ownerName")] = None,
    owner_id: Annotated[str | None, Q(alias="ownerId")] = None,
    owner_type: Annotated[str | None, Q(alias="ownerType")] = None,
    extension: str | None = None,
    number_type: Annotated[str | None, Q(alias="numberType")] = None,
    state: str | None = None,
    details: bool | None = None,
    toll_free_numbers: Annotated[bool | None, Q(alias="tollFreeNumbers")] = None,
    start: StartParam = None,
    max_: MaxParam = None,
) -> dict[str, Any]:
    """The organization's numbers and extensions with their owners, filtered, `start`/`max`
    paged (default and most 2000) with a `Link` to the next page; `details=true` adds counts."""
    page = start_page(start, max_, default=2000, cap=2000)
    filters, problems = number_filters(
        location_id=location_id,
        phone_number=phone_number,
        available=available,
        assigned=assigned,
        owner_type=owner_type,
        owner_id=owner_id,
        owner_name=owner_name,
        extension=extension,
        number_type=number_type,
        state=state,
        toll_free_numbers=toll_free_numbers,
    )
    if problems or filters is None:
        raise invalid_all(problems)
    scope = for_org(session, principal, org_id)
    rows = trim_start_page(
        request, response, service.list_(session, scope=scope, filters=filters, page=page), page
    )
    answer: dict[str, Any] = {"phoneNumbers": [service.to_out(r) for r in rows]}
    if details:
        counts = service.counts(session, scope=scope)
        answer["count"] = {
            "assigned": counts["assigned"],
            "unAssigned": counts["un_assigned"],
            "inActive": counts["in_active"],
            "extensionOnly": counts["extension_only"],
            "tollFreeNumbers": counts["toll_free_numbers"],
            "total": counts["total"],
        }
    return answer
