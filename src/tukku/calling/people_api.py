"""Routes of the public People API, read side: `/v1/people[/{personId}]`.

A partner names its customer with `orgId` (getting one person, the person says whose it is); a
customer administrator reads its own organization.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tukku.calling import people as service
from tukku.calling.access import OrgId
from tukku.calling.people_rules import person_ids
from tukku.calling.people_schemas import PersonOut, PersonPage
from tukku.calling.resolve import scope_of
from tukku.core.deps import DbSession, MaxParam, OffsetParam, OnBehalfOf
from tukku.core.http import trim_page
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.identity.deps import requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope

router = api_router(prefix="/v1/people", tags=["People"])
Reader = Annotated[Principal, Depends(requires(Scope.PEOPLE_READ))]


@router.get("", response_model=PersonPage, response_model_exclude_none=True, summary="List people")
def list_people(
    request: Request,
    response: Response,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
    email: str | None = None,
    display_name: Annotated[
        str | None, Query(alias="displayName", description="Start of the name, any case.")
    ] = None,
    ids: Annotated[str | None, Query(alias="id", description="Up to 85, comma-separated.")] = None,
    location_id: Annotated[str | None, Query(alias="locationId")] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> PersonPage:
    """The organization's people, oldest first, `Link`-paged (default 100, at most 1,000);
    calling details are always included (`callingData` is not needed)."""
    wanted = person_ids(ids)
    scope = scope_of(session, principal, org_id=org_id, on_behalf_of=on_behalf_of)
    page = page_request(offset, max_, default=100, cap=1000)
    filters = service.PeopleFilters(
        email=email, display_name=display_name, ids=wanted, location_id=location_id
    )
    rows = service.list_people(session, scope=scope, filters=filters, page=page)
    rows = trim_page(request, response, rows, page)
    items = service.people_out(session, scope=scope, users=rows)
    missing = None
    if wanted is not None and page.offset == 0 and len(rows) < page.limit:
        found = {p.id for p in items}
        missing = [i for i in wanted if i not in found]
    return PersonPage(items=items, not_found_ids=missing or None)


@router.get(
    "/{person_id}",
    response_model=PersonOut,
    response_model_exclude_none=True,
    summary="Get person details",
)
def get_person(
    person_id: str,
    session: DbSession,
    principal: Reader,
    org_id: OrgId = None,
    on_behalf_of: OnBehalfOf = None,
) -> PersonOut:
    """One person of the organization."""
    scope = scope_of(
        session,
        principal,
        org_id=org_id,
        on_behalf_of=on_behalf_of,
        owner_of_id=service.owner_org(session, person_id),
        missing=service.person_missing(),
    )
    user = service.get_person(session, scope=scope, person_id=person_id)
    return service.people_out(session, scope=scope, users=[user])[0]
