"""Routes of devices as the public Webex APIs serve them (`/v1/devices`, the device call
settings under `/v1/telephony/config`), tukku's activation and SIP-credential download, and
the operators' per-customer device options."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response

from tukku.calling import devices as service
from tukku.calling import devices_cutover, people
from tukku.calling.access import OrgId, for_org
from tukku.calling.devices_schemas import (
    ActivateIn,
    ActivationCodeCreate,
    CutoverIn,
    DeviceCreate,
    DeviceOptionsIn,
    DeviceOptionsOut,
    SipCredentialsOut,
    ValidateMacsIn,
)
from tukku.calling.resolve import scope_of
from tukku.calling.start_paging import MaxParam, StartParam, start_page, trim_start_page
from tukku.core.deps import ClockDep, DbSession, LinkSecret, ReadOnlySession, SettingsDep
from tukku.core.errors import Codes, Invalid
from tukku.core.routing import api_router
from tukku.core.timefmt import iso
from tukku.identity.deps import requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope

router = api_router(prefix="/v1/devices", tags=["Devices"])
telephony_router = api_router(prefix="/v1/telephony/config", tags=["Device call settings"])
ops_router = api_router(prefix="/v1/ops/customers", tags=["Operations"])
Reader = Annotated[Principal, Depends(requires(Scope.DEVICES_READ))]
Writer = Annotated[Principal, Depends(requires(Scope.DEVICES_WRITE))]
TelephonyReader = Annotated[Principal, Depends(requires(Scope.TELEPHONY_READ))]
TelephonyWriter = Annotated[Principal, Depends(requires(Scope.TELEPHONY_WRITE))]
Operator = Annotated[Principal, Depends(requires(Scope.OPS))]
Q = Query
# Filters of `GET /devices` that no tukku device matches unless given this value.
_ANSWERED = {
    "connectionStatus": "disconnected",
    "type": "phone",
    "devicePlatform": "cisco",
    "plannedMaintenance": "off",
}


def _device_scope(session: Any, principal: Principal, org_id: str | None, device_id: str) -> Any:
    return scope_of(
        session,
        principal,
        org_id=org_id,
        owner_of_id=service.owner_org(session, device_id),
        missing=service.device_missing(),
    )


@router.get("", summary="List Devices")
def list_devices(
    request: Request,
    response: Response,
    session: ReadOnlySession,
    principal: Reader,
    org_id: OrgId = None,
    display_name: Annotated[str | None, Q(alias="displayName")] = None,
    person_id: Annotated[str | None, Q(alias="personId")] = None,
    workspace_id: Annotated[str | None, Q(alias="workspaceId")] = None,
    location_id: Annotated[str | None, Q(alias="locationId")] = None,
    workspace_location_id: Annotated[str | None, Q(alias="workspaceLocationId")] = None,
    mac: str | None = None,
    product: str | None = None,
    start: StartParam = None,
    max_: MaxParam = None,
) -> dict[str, Any]:
    """The organization's devices, filtered, `start`/`max` paged (default 100, at most 1000)
    with a `Link` to the next page. Filters on what tukku devices never have (serial, tag,
    software, upgrade channel, error code, capability, permission) match nothing."""
    page = start_page(start, max_, default=100, cap=1000)
    params = request.query_params
    unmatched = any(
        name in params
        for name in (
            "serial",
            "tag",
            "software",
            "upgradeChannel",
            "errorCode",
            "capability",
            "permission",
        )
    )
    unmatched = unmatched or any(
        name in params and params[name] != value for name, value in _ANSWERED.items()
    )
    filters = service.DeviceFilters(
        display_name=display_name,
        person_id=person_id,
        workspace_id=workspace_id,
        location_id=location_id or workspace_location_id,
        mac=mac,
        product=product,
        none_match=unmatched,
    )
    scope = for_org(session, principal, org_id)
    rows = service.list_(session, scope=scope, filters=filters, page=page)
    rows = trim_start_page(request, response, rows, page)
    return {"items": [service.to_out(d) for d in rows]}


@router.post("", summary="Create a Device by MAC Address")
def create_device(
    body: DeviceCreate,
    session: DbSession,
    clock: ClockDep,
    secret: LinkSecret,
    principal: Writer,
    org_id: OrgId = None,
) -> dict[str, Any]:
    """A device by MAC for a person or a workspace (200, as the reference answers)."""
    scope = for_org(session, principal, org_id)
    device = service.create(session, scope=scope, data=body, now=clock.now(), secret=secret)
    return service.to_out(device)


@router.post("/activationCode", summary="Create a Device Activation Code")
def create_activation_code(
    session: DbSession,
    clock: ClockDep,
    secret: LinkSecret,
    settings: SettingsDep,
    principal: Writer,
    body: ActivationCodeCreate | None = None,
    org_id: OrgId = None,
) -> dict[str, str]:
    """A single-use activation code for a person or a workspace, expiring after
    `TUKKU_DEVICE_ACTIVATION_CODE_HOURS` (default 168)."""
    scope = for_org(session, principal, org_id)
    code, expires = service.create_activation_code(
        session,
        scope=scope,
        data=body or ActivationCodeCreate(),
        now=clock.now(),
        secret=secret,
        lifetime_hours=settings.device_activation_code_hours,
    )
    return {"code": code, "expiryTime": iso(expires)}


@router.post("/activate", summary="Activate a device with a code (tukku)")
def activate_device(
    body: ActivateIn, session: DbSession, clock: ClockDep, secret: LinkSecret
) -> dict[str, Any]:
    """What a device sends with the code typed into it (no token: the code is the credential).
    The code's person or workspace gets the device; the code is spent."""
    device = service.activate(session, data=body, now=clock.now(), secret=secret)
    return service.to_out(device)


@router.get("/{device_id}", summary="Get Device Details")
def get_device(
    device_id: str, session: ReadOnlySession, principal: Reader, org_id: OrgId = None
) -> dict[str, Any]:
    """One device of the organization."""
    scope = _device_scope(session, principal, org_id, device_id)
    return service.to_out(service.get(session, scope=scope, device_id=device_id))


@router.delete("/{device_id}", status_code=204, summary="Delete a Device")
def delete_device(
    device_id: str,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
) -> Response:
    """Delete a device; its MAC can be used again."""
    scope = _device_scope(session, principal, org_id, device_id)
    service.delete_(session, scope=scope, device_id=device_id, now=clock.now())
    return Response(status_code=204)


@router.post(
    "/{device_id}/actions/cutover/invoke", summary="Move a migrated phone to tukku or back (tukku)"
)
def cut_over_device(
    device_id: str,
    body: CutoverIn,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    org_id: OrgId = None,
) -> dict[str, Any]:
    """`move`: the phone now registers with tukku; `rollback`: it is back where it was. The
    device as `GET /v1/devices/{deviceId}` answers it (200 also when nothing changed)."""
    scope = _device_scope(session, principal, org_id, device_id)
    device = devices_cutover.cut_over(
        session, scope=scope, device_id=device_id, direction=body.direction, now=clock.now()
    )
    return service.to_out(device)


@router.post(
    "/{device_id}/actions/downloadSipCredentials/invoke",
    response_model=SipCredentialsOut,
    summary="Download a device's SIP credentials (tukku)",
)
def download_sip_credentials(
    device_id: str,
    response: Response,
    session: DbSession,
    clock: ClockDep,
    secret: LinkSecret,
    principal: Writer,
    org_id: OrgId = None,
) -> SipCredentialsOut:
    """The SIP user name and password a customer-managed device is configured with; for
    administrators who manage devices, audited (never with the password)."""
    scope = _device_scope(session, principal, org_id, device_id)
    found = service.get(session, scope=scope, device_id=device_id)
    credentials = service.download_credentials(
        session, scope=scope, device_id=device_id, now=clock.now(), secret=secret
    )
    response.headers["Cache-Control"] = "no-store"
    return SipCredentialsOut(
        device_id=found.id,
        mac=found.mac,
        model=found.model,
        sip_user_name=credentials.user_name,
        sip_password=credentials.password,
        line_port=credentials.line_port,
        outbound_proxy=credentials.outbound_proxy,
    )


@telephony_router.get("/supportedDevices", summary="Read the List of Supported Devices")
def supported_devices(
    session: ReadOnlySession,
    principal: TelephonyReader,
    org_id: OrgId = None,
    allow_configure_layout: Annotated[str | None, Q(alias="allowConfigureLayoutEnabled")] = None,
    type_: Annotated[str | None, Q(alias="type")] = None,
) -> dict[str, Any]:
    """The models the organization may add, with their line ports."""
    layout = None
    if allow_configure_layout is not None:
        if allow_configure_layout not in ("true", "false"):
            raise Invalid("allowConfigureLayoutEnabled", "true or false", Codes.INVALID_QUERY)
        layout = allow_configure_layout == "true"
    scope = for_org(session, principal, org_id)
    return service.supported_devices(
        session, scope=scope, type_filter=type_, allow_configure_layout=layout
    )


@telephony_router.post(
    "/devices/actions/validateMacs/invoke", summary="Validate a list of MAC address"
)
def validate_macs(
    body: ValidateMacsIn,
    session: ReadOnlySession,
    principal: TelephonyWriter,
    org_id: OrgId = None,
) -> dict[str, Any]:
    """Whether each MAC could be used for a new device."""
    scope = for_org(session, principal, org_id)
    statuses = service.validate_macs(session, scope=scope, macs=body.macs)
    items = []
    for status in statuses:
        item: dict[str, Any] = {"mac": status.mac, "state": status.state}
        if status.problem is not None:
            item["errorCode"] = status.problem.code.number
            item["message"] = status.problem.description
        items.append(item)
    ok = all(s.state == "AVAILABLE" for s in statuses)
    return {"status": "OK" if ok else "ERRORS", "macStatus": items}


@telephony_router.get("/people/{person_id}/devices", summary="Get Person Devices")
def person_devices(
    person_id: str, session: ReadOnlySession, principal: TelephonyReader, org_id: OrgId = None
) -> dict[str, Any]:
    """A person's devices."""
    scope = scope_of(
        session,
        principal,
        org_id=org_id,
        owner_of_id=people.owner_org(session, person_id),
        missing=people.person_missing(),
    )
    owner, rows = service.owned_by(session, scope=scope, person_id=person_id)
    return service.owner_list_out(owner, rows)


@telephony_router.get("/workspaces/{workspace_id}/devices", summary="Get Workspace Devices")
def workspace_devices(
    workspace_id: str, session: ReadOnlySession, principal: TelephonyReader, org_id: OrgId = None
) -> dict[str, Any]:
    """A workspace's devices."""
    scope = for_org(session, principal, org_id)
    owner, rows = service.owned_by(session, scope=scope, workspace_id=workspace_id)
    return service.owner_list_out(owner, rows)


@ops_router.get(
    "/{customer_id}/deviceOptions",
    response_model=DeviceOptionsOut,
    summary="A customer's device options",
)
def get_device_options(
    customer_id: str, session: ReadOnlySession, operator: Operator
) -> DeviceOptionsOut:
    """Whether platform-managed third-party devices are enabled for the customer."""
    enabled = service.options(session, principal=operator, customer_id=customer_id)
    return DeviceOptionsOut(customer_id=customer_id, third_party_devices=enabled)


@ops_router.put(
    "/{customer_id}/deviceOptions",
    response_model=DeviceOptionsOut,
    summary="Enable third-party devices for a customer",
)
def put_device_options(
    customer_id: str,
    body: DeviceOptionsIn,
    session: DbSession,
    clock: ClockDep,
    operator: Operator,
) -> DeviceOptionsOut:
    """Enable (or disable) platform-managed third-party devices for a customer, on its
    partner's request; audited."""
    enabled = service.set_options(
        session,
        principal=operator,
        customer_id=customer_id,
        third_party=body.third_party_devices,
        now=clock.now(),
    )
    return DeviceOptionsOut(customer_id=customer_id, third_party_devices=enabled)
