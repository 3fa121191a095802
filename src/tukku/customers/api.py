"""Routes of `/v1/wholesale/customers` (the Webex-style `/v1/locations` are `calling`'s)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from tukku.core.deps import (
    BackendsDep,
    ClockDep,
    DbSession,
    MaxParam,
    OffsetParam,
    ReadOnlySession,
)
from tukku.core.errors import Codes, Invalid
from tukku.core.http import base_url, trim_page
from tukku.core.pagination import page_request
from tukku.core.precheck import PrecheckOut
from tukku.core.routing import api_router
from tukku.customers import flows, service
from tukku.customers.backend import PROVISIONING
from tukku.customers.models import Customer
from tukku.customers.rules import Status
from tukku.customers.schemas import (
    AttachmentOut,
    CustomerCreate,
    CustomerOut,
    CustomerPage,
    CustomerPrecheck,
    CustomerUpdate,
    ResourceUrlOut,
    RestrictedModeIn,
)
from tukku.identity.actor import Actor
from tukku.identity.deps import acting
from tukku.identity.rules import Scope

router = api_router(prefix="/v1/wholesale/customers", tags=["Wholesale customers"])
partner_customers_router = api_router(prefix="/v1/partner/customers", tags=["Wholesale customers"])
Reader = Annotated[Actor, Depends(acting(Scope.CUSTOMERS_READ))]
Writer = Annotated[Actor, Depends(acting(Scope.CUSTOMERS_WRITE))]
WIRE_STATUSES = frozenset(s.value for s in Status if s is not Status.REMOVED)


def _accepted(request: Request, customer_id: str) -> JSONResponse:
    url = f"{base_url(request)}/v1/wholesale/customers/{customer_id}"
    return JSONResponse(
        ResourceUrlOut(url=url).model_dump(by_alias=True),
        status_code=202,
        headers={"Location": url},
    )


def _attachment(session: Session, customer: Customer) -> AttachmentOut | None:
    if not customer.attached:
        return None
    request = service.request_of(session, customer.id)
    if request is None:
        return AttachmentOut(approval="not_required")
    return AttachmentOut(approval=request.status, reasons=list(request.reasons))


def _statuses(values: list[str] | None) -> tuple[str, ...]:
    wanted = tuple(v.strip() for raw in values or [] for v in raw.split(",") if v.strip())
    unknown = [v for v in wanted if v not in WIRE_STATUSES]
    if unknown:
        raise Invalid("status", f"unknown status {', '.join(unknown)}", Codes.INVALID_QUERY)
    return wanted


@router.get(
    "", response_model=CustomerPage, response_model_exclude_none=True, summary="List customers"
)
def list_customers(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    external_id: Annotated[str | None, Query(alias="externalId")] = None,
    org_id: Annotated[str | None, Query(alias="orgId")] = None,
    status: Annotated[list[str] | None, Query(description="Comma-separated or repeated.")] = None,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> CustomerPage:
    """The caller's customers, oldest first, filtered and paginated with `Link` headers."""
    page = page_request(offset, max_, default=100, cap=1000)
    filters = service.CustomerFilters(external_id, org_id, _statuses(status))
    rows = trim_page(
        request, response, service.list_(session, actor=actor, filters=filters, page=page), page
    )
    packages = service.packages_of(session, [c.id for c in rows])
    return CustomerPage(
        items=[service.to_out(c, packages[c.id], attachment=_attachment(session, c)) for c in rows]
    )


@router.post("", status_code=202, response_model=ResourceUrlOut, summary="Provision a customer")
def provision_customer(
    body: CustomerCreate,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    backends: BackendsDep,
    actor: Writer,
) -> JSONResponse:
    """Accept a customer for asynchronous provisioning: 202, `Location` and `{url}` to poll."""
    provision = service.provision_attached if body.org_id is not None else service.provision
    customer = provision(
        session, actor=actor, data=body, now=clock.now(), backend=backends.get(PROVISIONING)
    )
    return _accepted(request, customer.id)


@router.post("/validate", response_model=PrecheckOut, summary="Precheck a customer")
def precheck_customer(
    body: CustomerPrecheck,
    session: ReadOnlySession,
    backends: BackendsDep,
    actor: Writer,
) -> PrecheckOut:
    """Report every problem provisioning would meet, changing nothing (partner full admins)."""
    return service.precheck(session, actor=actor, data=body, backend=backends.get(PROVISIONING))


@router.get(
    "/{customer_id}",
    response_model=CustomerOut,
    response_model_exclude_none=True,
    summary="Get a customer",
)
def get_customer(
    customer_id: str,
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    include_licenses: Annotated[bool, Query(alias="includePackageLicenseInfo")] = False,
) -> CustomerOut:
    """One customer with per-package status (and license IDs on request); `Location` is its URL,
    as the contract lists."""
    customer = service.get_or_404(session, actor=actor, customer_id=customer_id)
    response.headers["Location"] = f"{base_url(request)}/v1/wholesale/customers/{customer.id}"
    packages = service.packages_of(session, [customer.id])[customer.id]
    return service.to_out(
        customer,
        packages,
        include_licenses=include_licenses,
        attachment=_attachment(session, customer),
    )


@router.put(
    "/{customer_id}", status_code=202, response_model=ResourceUrlOut, summary="Update a customer"
)
def update_customer(
    customer_id: str,
    body: CustomerUpdate,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> JSONResponse:
    """Replace the package list (and optionally other details); completes asynchronously."""
    flows.update_customer(session, actor=actor, customer_id=customer_id, data=body, now=clock.now())
    return _accepted(request, customer_id)


@router.delete("/{customer_id}", status_code=202, summary="Remove a customer")
def remove_customer(
    customer_id: str,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> Response:
    """Take wholesale services off the organization; it disappears once removal completes."""
    flows.remove_customer(session, actor=actor, customer_id=customer_id, now=clock.now())
    return Response(status_code=202)


@partner_customers_router.put(
    "/{customer_id}/restrictedMode", response_model=RestrictedModeIn, summary="Restricted mode"
)
def set_restricted_mode(
    customer_id: str,
    body: RestrictedModeIn,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> RestrictedModeIn:
    """Turn restricted-by-partner mode on or off: while on, the customer's administrators cannot
    manage users, change packages, or edit company name, domains, e-mail or sign-in settings."""
    customer = service.set_restricted_mode(
        session, actor=actor, customer_id=customer_id, enabled=body.enabled, now=clock.now()
    )
    return RestrictedModeIn(enabled=customer.restricted_by_partner)
