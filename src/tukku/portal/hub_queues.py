"""The customer portal's call queues: the list, creating a basic queue at a location, adding and
removing its agents, upgrading it to CX Essentials (whose rules, refused, show next to the
agents) and deleting it, through the same `calling.queues_service` as the call queue API.
Without `calling.queues.manage` the pages are read-only and the service refuses a forged post
(403)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tukku.calling import locations, people
from tukku.calling import queues_service as service
from tukku.calling import workspaces as workspaces_service
from tukku.calling.queues_schemas import AgentIn, QueueCreate, QueueSettingsIn, QueueWrite
from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import DomainError
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUserDep, check_csrf
from tukku.portal.forms import page_number, undo
from tukku.portal.hub import Hub, open_hub
from tukku.portal.hub_calling import PAGE_SIZE, errors_of, page_links, page_of, scope_of

router = api_router(prefix="/hub/queues", include_in_schema=False)
FormField = Annotated[str, Form()]
EVERYONE = PageRequest(offset=0, limit=1000)
NEW_FIELDS = ("locationId", "name", "extension", "phoneNumber")
MODEL_FIELDS = {"phone_number": "phoneNumber"}
# The service's field names, as the new queue's form names them.
NAMES = {"locationId": "locationId"}
NOTICES = {
    "added": "The call queue is created.",
    "agent": "The agent is added.",
    "agent-removed": "The agent is removed.",
    "upgraded": "The call queue is upgraded to CX Essentials.",
    "deleted": "The call queue is deleted.",
}


@router.get("", response_class=HTMLResponse)
def queues(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    page: Annotated[str | None, Query()] = None,
    done: str | None = None,
) -> Response:
    """The organization's call queues by name, basic and CX Essentials, 25 of each a page."""
    hub = open_hub(request, session, user)
    scope = scope_of(hub)
    number = page_number(page)
    found = {
        essentials: service.list_(
            session,
            scope,
            filters=service.QueueFilters(has_cx_essentials=essentials),
            page=page_of(number),
        )
        for essentials in (False, True)
    }
    more = any(len(rows) > PAGE_SIZE for rows in found.values())
    return hub.page(
        request,
        "hub/queues.html",
        nav="queues",
        basic=found[False][:PAGE_SIZE],
        essentials=found[True][:PAGE_SIZE],
        page=number,
        notice=NOTICES.get(done or ""),
        **page_links("/hub/queues", number, more),
    )


def _new_page(
    request: Request, session: Session, hub: Hub, status: int = 200, **more: Any
) -> Response:
    places = locations.list_locations(
        session, scope=scope_of(hub), filters=locations.LocationFilters(), page=EVERYONE
    )
    context: dict[str, Any] = {
        "nav": "queues",
        "places": places,
        "values": dict.fromkeys(NEW_FIELDS, ""),
        "errors": {},
        **more,
    }
    return hub.page(request, "hub/queue_new.html", status, **context)


@router.get("/new", response_class=HTMLResponse)
def new_queue(request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """The form of a new basic call queue."""
    hub = open_hub(request, session, user)
    hub.ctx.require(Permission.QUEUES_MANAGE)
    return _new_page(request, session, hub)


@router.post("/new", response_class=HTMLResponse)
def add_queue(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    location_id: Annotated[str, Form(alias="locationId")] = "",
    name: FormField = "",
    extension: FormField = "",
    phone_number: Annotated[str, Form(alias="phoneNumber")] = "",
    csrf: FormField = "",
) -> Response:
    """Create the basic queue (agents are added on its page)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    values = {
        "locationId": location_id,
        "name": name.strip(),
        "extension": extension.strip(),
        "phoneNumber": phone_number.strip(),
    }
    try:
        body = QueueCreate(
            name=values["name"],
            extension=values["extension"] or None,
            phone_number=values["phoneNumber"] or None,
            queue_settings=QueueSettingsIn(),
        )
        queue = service.create(
            session,
            scope_of(hub),
            location_id=location_id,
            body=body,
            has_cx_essentials=False,
            now=clock.now(),
        )
    except ValidationError as invalid:
        undo(session)
        errors = {
            MODEL_FIELDS.get(str(e["loc"][0]), str(e["loc"][0])): e["msg"] for e in invalid.errors()
        }
    except DomainError as refused:
        errors = errors_of(session, refused, NAMES)
    else:
        where = f"/hub/queues/{queue.location_id}/{queue.id}"
        return RedirectResponse(f"{where}?done=added", status_code=303)
    return _new_page(request, session, hub, 400, values=values, errors=errors)


def _candidates(session: Session, hub: Hub, taken: set[str]) -> dict[str, str]:
    """Who may answer a queue's calls: people with calling and workspaces with Webex Calling
    not already its agents."""
    scope = scope_of(hub)
    found = people.list_people(session, scope=scope, filters=people.PeopleFilters(), page=EVERYONE)
    calling = people.calling_of(session, scope=scope, users=found)
    out = {
        u.id: u.display_name or f"{u.first_name or ''} {u.last_name or ''}".strip()
        for u in found
        if u.id in calling and u.id not in taken
    }
    places = workspaces_service.list_(
        session,
        scope=scope,
        filters=workspaces_service.WorkspaceFilters(calling="webexCalling"),
        page=EVERYONE,
    )
    out.update({w.id: f"{w.display_name} (workspace)" for w in places if w.id not in taken})
    return out


def _queue_page(
    request: Request,
    session: Session,
    hub: Hub,
    location_id: str,
    queue_id: str,
    status: int = 200,
    **more: Any,
) -> Response:
    scope = scope_of(hub)
    queue = service.get_or_404(session, scope, location_id, queue_id)
    agents = service.agents_of(session, queue)
    context: dict[str, Any] = {
        "nav": "queues",
        "queue": queue,
        "location": locations.get_location(session, scope=scope, location_id=location_id),
        "agents": agents,
        "candidates": _candidates(session, hub, {a.agent.agent_id for a in agents}),
        "errors": {},
        **more,
    }
    return hub.page(request, "hub/queue.html", status, **context)


@router.get("/{location_id}/{queue_id}", response_class=HTMLResponse)
def queue(
    location_id: str,
    queue_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    done: str | None = None,
) -> Response:
    """One call queue: its agents, and what those who manage queues may do with it."""
    hub = open_hub(request, session, user)
    return _queue_page(request, session, hub, location_id, queue_id, notice=NOTICES.get(done or ""))


def _change(
    request: Request,
    session: Session,
    hub: Hub,
    location_id: str,
    queue_id: str,
    body: QueueWrite,
    now: Any,
    done: str,
    essentials: bool | None = None,
) -> Response:
    """Apply a change to the queue, or show its page with the refusal next to the agents."""
    try:
        service.update(
            session,
            scope_of(hub),
            location_id=location_id,
            queue_id=queue_id,
            body=body,
            has_cx_essentials=essentials,
            now=now,
        )
    except DomainError as refused:
        # What the agents or the queue's kind break shows at the agents; an unknown agent too.
        names = {
            p.field: "agents"
            for p in refused.problems
            if p.field and p.field.startswith(("agents", "hasCxEssentials", "callPolicies"))
        }
        errors = errors_of(session, refused, names)
        return _queue_page(request, session, hub, location_id, queue_id, 400, errors=errors)
    where = f"/hub/queues/{location_id}/{queue_id}"
    return RedirectResponse(f"{where}?done={done}", status_code=303)


def _stored(session: Session, hub: Hub, location_id: str, queue_id: str) -> list[AgentIn]:
    queue = service.get_or_404(session, scope_of(hub), location_id, queue_id)
    return [
        AgentIn(
            id=row.agent.agent_id,
            weight=row.agent.weight,
            skill_level=row.agent.skill_level,
            join_enabled=row.agent.join_enabled,
        )
        for row in service.agents_of(session, queue)
    ]


@router.post("/{location_id}/{queue_id}/agents", response_class=HTMLResponse)
def add_agent(
    location_id: str,
    queue_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    agent: FormField = "",
    csrf: FormField = "",
) -> Response:
    """Add an agent to the queue (last in its routing order)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    hub.ctx.require(Permission.QUEUES_MANAGE)
    if not agent:
        errors = {"agent": "Choose a person or a workspace."}
        return _queue_page(request, session, hub, location_id, queue_id, 400, errors=errors)
    agents = [*_stored(session, hub, location_id, queue_id), AgentIn(id=agent)]
    body = QueueWrite(agents=agents)
    return _change(request, session, hub, location_id, queue_id, body, clock.now(), "agent")


@router.post("/{location_id}/{queue_id}/agents/remove", response_class=HTMLResponse)
def remove_agent(
    location_id: str,
    queue_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    agent: FormField = "",
    csrf: FormField = "",
) -> Response:
    """Remove an agent from the queue."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    hub.ctx.require(Permission.QUEUES_MANAGE)
    agents = [a for a in _stored(session, hub, location_id, queue_id) if a.id != agent]
    body = QueueWrite(agents=agents)
    return _change(request, session, hub, location_id, queue_id, body, clock.now(), "agent-removed")


@router.post("/{location_id}/{queue_id}/upgrade", response_class=HTMLResponse)
def upgrade(
    location_id: str,
    queue_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Upgrade the basic queue to CX Essentials, keeping its agents and settings."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    return _change(
        request, session, hub, location_id, queue_id, QueueWrite(), clock.now(), "upgraded", True
    )


@router.post("/{location_id}/{queue_id}/delete")
def delete_queue(
    location_id: str,
    queue_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Delete the queue with its agents; its numbers are freed."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    service.delete_(
        session, scope_of(hub), location_id=location_id, queue_id=queue_id, now=clock.now()
    )
    return RedirectResponse("/hub/queues?done=deleted", status_code=303)
