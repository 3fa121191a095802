"""The customer portal's devices: the list, adding a device by MAC address to a person with
calling or a workspace (from the models the organization may add), an activation code for one,
deleting a device, and downloading the SIP credentials of a customer-managed (generic SIP)
device, through the same `calling.devices` service as `/v1/devices`, which audits each
download. Without `calling.devices.manage` the pages are read-only and the service refuses a
forged post (403)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tukku.calling import devices as service
from tukku.calling import people
from tukku.calling import workspaces as workspaces_service
from tukku.calling.devices_models import Device
from tukku.calling.devices_rules import colon_mac
from tukku.calling.devices_schemas import ActivationCodeCreate, DeviceCreate
from tukku.catalog.devices import device_catalog
from tukku.core.deps import ClockDep, DbSession, LinkSecret, SettingsDep
from tukku.core.errors import DomainError
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.core.timefmt import iso
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUserDep, check_csrf
from tukku.portal.forms import page_number
from tukku.portal.hub import Hub, open_hub
from tukku.portal.hub_calling import PAGE_SIZE, errors_of, page_links, page_of, scope_of

router = api_router(prefix="/hub/devices", include_in_schema=False)
FormField = Annotated[str, Form()]
EVERYONE = PageRequest(offset=0, limit=1000)
PERSON, PLACE = "person:", "workspace:"
# The service's field names, as the forms name them.
NAMES = {"personId": "owner", "workspaceId": "owner", "mac": "mac", "model": "model"}
NOTICES = {"added": "The device is added.", "deleted": "The device is deleted."}


def _owners(session: Session, hub: Hub) -> dict[str, str]:
    """Whom a device may be for, by the forms' value: people with calling, then workspaces."""
    scope = scope_of(hub)
    found = people.list_people(session, scope=scope, filters=people.PeopleFilters(), page=EVERYONE)
    calling = people.calling_of(session, scope=scope, users=found)
    owners = {
        f"{PERSON}{u.id}": u.display_name or f"{u.first_name or ''} {u.last_name or ''}".strip()
        for u in found
        if u.id in calling and calling[u.id].location_id
    }
    places = workspaces_service.list_(
        session, scope=scope, filters=workspaces_service.WorkspaceFilters(), page=EVERYONE
    )
    owners.update({f"{PLACE}{w.id}": f"{w.display_name} (workspace)" for w in places})
    return owners


def _owner_ids(owner: str) -> tuple[str | None, str | None]:
    """The person and workspace IDs a form's owner names (neither: none chosen)."""
    if owner.startswith(PERSON):
        return owner.removeprefix(PERSON), None
    if owner.startswith(PLACE):
        return None, owner.removeprefix(PLACE)
    return None, None


def _owner_of(device: Device) -> str:
    return f"{PERSON}{device.person_id}" if device.person_id else f"{PLACE}{device.workspace_id}"


def _models(session: Session, hub: Hub) -> list[dict[str, Any]]:
    """The models the organization may add by MAC address (the supported-devices list)."""
    listed = service.supported_devices(
        session, scope=scope_of(hub), type_filter=None, allow_configure_layout=None
    )
    return [m for m in listed["devices"] if "MAC_ADDRESS" in m["onboardingMethod"]]


@router.get("", response_class=HTMLResponse)
def devices(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    workspace: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[str | None, Query()] = None,
    done: str | None = None,
) -> Response:
    """The organization's devices (of one workspace, if asked), oldest first, 25 a page."""
    hub = open_hub(request, session, user)
    scope = scope_of(hub)
    if workspace:
        workspaces_service.get(session, scope=scope, workspace_id=workspace)
    number = page_number(page)
    filters = service.DeviceFilters(workspace_id=workspace or None)
    found = service.list_(session, scope=scope, filters=filters, page=page_of(number))
    return hub.page(
        request,
        "hub/devices.html",
        nav="devices",
        devices=found[:PAGE_SIZE],
        owners=_owners(session, hub),
        owner_of=_owner_of,
        colon_mac=colon_mac,
        page=number,
        notice=NOTICES.get(done or ""),
        **page_links("/hub/devices", number, len(found) > PAGE_SIZE, {"workspace": workspace}),
    )


def _new_page(
    request: Request, session: Session, hub: Hub, status: int = 200, **more: Any
) -> Response:
    context: dict[str, Any] = {
        "nav": "devices",
        "owners": _owners(session, hub),
        "models": _models(session, hub),
        "values": {"owner": "", "model": "", "mac": ""},
        "errors": {},
        "code_values": {"owner": "", "model": ""},
        "code_errors": {},
        **more,
    }
    return hub.page(request, "hub/device_new.html", status, **context)


@router.get("/new", response_class=HTMLResponse)
def new_device(request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """The forms of a new device: by MAC address, or an activation code for one."""
    hub = open_hub(request, session, user)
    hub.ctx.require(Permission.DEVICES_MANAGE)
    return _new_page(request, session, hub)


@router.post("/new", response_class=HTMLResponse)
def add_device(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    secret: LinkSecret,
    user: PortalUserDep,
    owner: FormField = "",
    model: FormField = "",
    mac: FormField = "",
    csrf: FormField = "",
) -> Response:
    """Add the device by its MAC address; every problem of the form at once."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    person_id, workspace_id = _owner_ids(owner)
    data = DeviceCreate(
        mac=mac.strip() or None,
        model=model or None,
        person_id=person_id,
        workspace_id=workspace_id,
    )
    try:
        row = service.create(
            session, scope=scope_of(hub), data=data, now=clock.now(), secret=secret
        )
    except DomainError as refused:
        errors = errors_of(session, refused, NAMES)
        values = {"owner": owner, "model": model, "mac": mac}
        return _new_page(request, session, hub, 400, values=values, errors=errors)
    return RedirectResponse(f"/hub/devices/{row.id}?done=added", status_code=303)


@router.post("/activation-code", response_class=HTMLResponse)
def activation_code(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    secret: LinkSecret,
    settings: SettingsDep,
    user: PortalUserDep,
    owner: FormField = "",
    model: FormField = "",
    csrf: FormField = "",
) -> Response:
    """A single-use activation code for a device of the person or workspace, shown once."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    person_id, workspace_id = _owner_ids(owner)
    data = ActivationCodeCreate(person_id=person_id, workspace_id=workspace_id, model=model or None)
    try:
        code, expires = service.create_activation_code(
            session,
            scope=scope_of(hub),
            data=data,
            now=clock.now(),
            secret=secret,
            lifetime_hours=settings.device_activation_code_hours,
        )
    except DomainError as refused:
        errors = errors_of(session, refused, NAMES)
        values = {"owner": owner, "model": model}
        return _new_page(request, session, hub, 400, code_values=values, code_errors=errors)
    return hub.page(
        request,
        "hub/device_code.html",
        nav="devices",
        code=code,
        expires=iso(expires),
        owner=_owners(session, hub).get(owner, ""),
    )


@router.get("/{device_id}", response_class=HTMLResponse)
def device(
    device_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    done: str | None = None,
) -> Response:
    """One device; downloading its SIP credentials and deleting it, for those who may."""
    hub = open_hub(request, session, user)
    found = service.get(session, scope=scope_of(hub), device_id=device_id)
    model = device_catalog().find(found.model)
    return hub.page(
        request,
        "hub/device.html",
        nav="devices",
        device=found,
        model=model,
        mac=colon_mac(found.mac) if found.mac else None,
        owner=_owners(session, hub).get(_owner_of(found), ""),
        notice=NOTICES.get(done or ""),
    )


@router.post("/{device_id}/sip-credentials")
def sip_credentials(
    device_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    secret: LinkSecret,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """The device's SIP credentials as a text file (audited by the service, never cached)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    found = service.get(session, scope=scope_of(hub), device_id=device_id)
    credentials = service.download_credentials(
        session, scope=scope_of(hub), device_id=device_id, now=clock.now(), secret=secret
    )
    text = (
        f"Device: {found.display_name}\n"
        f"MAC address: {colon_mac(found.mac) if found.mac else ''}\n"
        f"SIP user name: {credentials.user_name}\n"
        f"SIP password: {credentials.password}\n"
        f"Line/port: {credentials.line_port}\n"
        f"Outbound proxy: {credentials.outbound_proxy}\n"
    )
    name = f"sip-credentials-{found.mac or found.id}.txt"
    return PlainTextResponse(
        text,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/{device_id}/delete")
def delete_device(
    device_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Delete the device (its MAC address becomes free)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    service.delete_(session, scope=scope_of(hub), device_id=device_id, now=clock.now())
    return RedirectResponse("/hub/devices?done=deleted", status_code=303)
