"""The customer portal's workspaces: the list, adding one with or without Webex Calling (which
takes the customer's Common Area package and an extension or a number at its location),
editing its details and deleting it, through the same `calling.workspaces` service as
`/v1/workspaces`. Without `calling.workspaces.manage` the pages are read-only and the service
refuses a forged post (403)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tukku.calling import locations
from tukku.calling import workspaces as service
from tukku.calling.workspaces_models import Workspace
from tukku.calling.workspaces_rules import WORKSPACE_TYPES
from tukku.calling.workspaces_schemas import WorkspaceWrite
from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import DomainError
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUserDep, check_csrf
from tukku.portal.forms import PostedForm, page_number, undo
from tukku.portal.hub import Hub, open_hub
from tukku.portal.hub_calling import PAGE_SIZE, errors_of, page_links, page_of, scope_of

router = api_router(prefix="/hub/workspaces", include_in_schema=False)
FormField = Annotated[str, Form()]
ALL_LOCATIONS = PageRequest(offset=0, limit=1000)
NEW_FIELDS = ("displayName", "locationId", "calling", "extension", "phoneNumber")
EDIT_FIELDS = ("displayName", "capacity", "type", "notes")
# The service's field names, as the form names them.
NAMES = {
    "locationId": "locationId",
    "calling.type": "calling",
    "calling.webexCalling.locationId": "locationId",
    "calling.webexCalling.extension": "extension",
    "calling.webexCalling.phoneNumber": "phoneNumber",
}
CALLING = {
    "freeCalling": "Free calling",
    "webexCalling": "Webex Calling",
    "none": "No calling",
}
NOTICES = {
    "added": "The workspace is added.",
    "edited": "The workspace is changed.",
    "deleted": "The workspace is deleted.",
}


def _place_names(session: Session, hub: Hub) -> dict[str, str]:
    found = locations.list_locations(
        session, scope=scope_of(hub), filters=locations.LocationFilters(), page=ALL_LOCATIONS
    )
    return {row.id: row.name for row in found}


def _model_errors(invalid: ValidationError) -> dict[str, str]:
    return {str(e["loc"][0]) if e["loc"] else "form": e["msg"] for e in invalid.errors()}


@router.get("", response_class=HTMLResponse)
def workspaces(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    page: Annotated[str | None, Query()] = None,
    done: str | None = None,
) -> Response:
    """The organization's workspaces, oldest first, 25 a page."""
    hub = open_hub(request, session, user)
    number = page_number(page)
    found = service.list_(
        session, scope=scope_of(hub), filters=service.WorkspaceFilters(), page=page_of(number)
    )
    return hub.page(
        request,
        "hub/workspaces.html",
        nav="workspaces",
        workspaces=found[:PAGE_SIZE],
        places=_place_names(session, hub),
        calling=CALLING,
        page=number,
        notice=NOTICES.get(done or ""),
        **page_links("/hub/workspaces", number, len(found) > PAGE_SIZE),
    )


def _new_page(
    request: Request, session: Session, hub: Hub, status: int = 200, **more: Any
) -> Response:
    context: dict[str, Any] = {
        "nav": "workspaces",
        "places": _place_names(session, hub),
        "calling": CALLING,
        "values": {**dict.fromkeys(NEW_FIELDS, ""), "calling": "freeCalling"},
        "errors": {},
        **more,
    }
    return hub.page(request, "hub/workspace_new.html", status, **context)


@router.get("/new", response_class=HTMLResponse)
def new_workspace(request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """The form of a new workspace."""
    hub = open_hub(request, session, user)
    hub.ctx.require(Permission.WORKSPACES_MANAGE)
    return _new_page(request, session, hub)


@router.post("/new", response_class=HTMLResponse)
def add_workspace(
    request: Request, session: DbSession, clock: ClockDep, user: PortalUserDep, form: PostedForm
) -> Response:
    """Add the workspace; every problem of the form at once, next to its field."""
    check_csrf(request, str(form.get("csrf", "")))
    hub = open_hub(request, session, user)
    v = {name: str(form.get(name, "")).strip() for name in NEW_FIELDS}
    webex = v["calling"] == "webexCalling"
    body = {
        "displayName": v["displayName"],
        "locationId": v["locationId"] or None,
        "calling": {
            "type": v["calling"] or None,
            "webexCalling": {
                "extension": v["extension"] or None,
                "phoneNumber": v["phoneNumber"] or None,
            }
            if webex
            else None,
        },
    }
    try:
        row = service.create(
            session,
            scope=scope_of(hub),
            data=WorkspaceWrite.model_validate(body),
            now=clock.now(),
        )
    except DomainError as refused:
        errors = errors_of(session, refused, NAMES)
        return _new_page(request, session, hub, 400, values=v, errors=errors)
    return RedirectResponse(f"/hub/workspaces/{row.id}?done=added", status_code=303)


def _values(workspace: Workspace) -> dict[str, str]:
    return {
        "displayName": workspace.display_name,
        "capacity": "" if workspace.capacity is None else str(workspace.capacity),
        "type": workspace.type or "notSet",
        "notes": workspace.notes or "",
    }


def _workspace_page(
    request: Request,
    session: Session,
    hub: Hub,
    workspace_id: str,
    status: int = 200,
    **more: Any,
) -> Response:
    workspace = service.get(session, scope=scope_of(hub), workspace_id=workspace_id)
    context: dict[str, Any] = {
        "nav": "workspaces",
        "workspace": workspace,
        "places": _place_names(session, hub),
        "calling": CALLING,
        "types": WORKSPACE_TYPES,
        "values": _values(workspace),
        "errors": {},
        **more,
    }
    return hub.page(request, "hub/workspace.html", status, **context)


@router.get("/{workspace_id}", response_class=HTMLResponse)
def workspace(
    workspace_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    done: str | None = None,
) -> Response:
    """One workspace: its details (a form, for those who manage workspaces)."""
    hub = open_hub(request, session, user)
    return _workspace_page(request, session, hub, workspace_id, notice=NOTICES.get(done or ""))


@router.post("/{workspace_id}", response_class=HTMLResponse)
def edit_workspace(
    workspace_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    form: PostedForm,
) -> Response:
    """Change the workspace's name, capacity, type and notes (its hot-desking kept)."""
    check_csrf(request, str(form.get("csrf", "")))
    hub = open_hub(request, session, user)
    scope = scope_of(hub)
    v = {name: str(form.get(name, "")).strip() for name in EDIT_FIELDS}
    kept = service.get(session, scope=scope, workspace_id=workspace_id)
    try:
        data = WorkspaceWrite.model_validate(
            {
                "displayName": v["displayName"],
                "capacity": v["capacity"] or None,
                "type": v["type"] or None,
                "notes": v["notes"] or None,
                "hotdeskingStatus": kept.hotdesking_status,
            }
        )
        service.update(session, scope=scope, workspace_id=workspace_id, data=data, now=clock.now())
    except ValidationError as invalid:
        undo(session)
        errors = _model_errors(invalid)
    except DomainError as refused:
        errors = errors_of(session, refused, NAMES)
    else:
        return RedirectResponse(f"/hub/workspaces/{workspace_id}?done=edited", status_code=303)
    return _workspace_page(request, session, hub, workspace_id, 400, values=v, errors=errors)


@router.post("/{workspace_id}/delete")
def delete_workspace(
    workspace_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Delete the workspace: its billing stops, its numbers are freed, its devices go with it."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    service.delete_(session, scope=scope_of(hub), workspace_id=workspace_id, now=clock.now())
    return RedirectResponse("/hub/workspaces?done=deleted", status_code=303)
