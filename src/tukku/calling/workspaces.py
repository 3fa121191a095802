"""Use cases of workspaces: create, read, list, update and delete a customer organization's
workspaces; Webex Calling on one takes the customer's `common_area_calling` package (billed
from that second, like a subscriber's) and an extension and/or a phone number at its location.

Importing this module registers workspaces as holders of customers' packages
(`tukku.customers.holders`): a customer cannot drop `common_area_calling` while a workspace
holds it, and removing a customer ends its workspaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.calling import devices_owners, hunt_groups_agents, queues_agents
from tukku.calling.workspaces_models import Workspace
from tukku.calling.workspaces_rules import (
    COMMON_AREA,
    WEBEX,
    Calling,
    WebexCalling,
    attribute_problems,
    calling_of,
    license_problems,
    location_change_problems,
)
from tukku.calling.workspaces_schemas import WorkspaceWrite
from tukku.core.errors import Codes, DomainError, NotFound, Problem, invalid_all
from tukku.core.ids import new_id
from tukku.core.pagination import PageRequest
from tukku.customers import holders
from tukku.customers import service as customers
from tukku.customers.models import Customer, CustomerPackage, Location
from tukku.customers.rules import PackageStatus
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.metering import service as metering
from tukku.subscribers.models import DirectoryNumber
from tukku.subscribers.rules import Numbers
from tukku.subscribers.service import (
    hold_numbers,
    number_problems,
    release_numbers_of,
    release_unassigned,
)

if TYPE_CHECKING:  # the worker imports this module (holders) without FastAPI
    from tukku.calling.access import OrgScope


def owner_org(session: Session, workspace_id: str) -> str | None:
    """The organization a workspace belongs to, whoever asks (the reference's operations on
    one workspace take no `orgId`; `resolve.scope_of` then checks the caller reaches it)."""
    return session.scalars(select(Workspace.org_id).where(Workspace.id == workspace_id)).first()


def workspace_missing() -> NotFound:
    """The one answer for an unknown workspace and another organization's."""
    return NotFound("workspace", Codes.WORKSPACE_NOT_FOUND, field_name="workspaceId")


def get(session: Session, *, scope: OrgScope, workspace_id: str) -> Workspace:
    """A workspace of the scope's organization; 404 for any other."""
    scope.actor.require(Permission.CALLING_READ)
    return _get(session, scope, workspace_id)


def _get(session: Session, scope: OrgScope, workspace_id: str) -> Workspace:
    found = session.scalars(
        select(Workspace).where(Workspace.id == workspace_id, Workspace.org_id == scope.org.id)
    ).first()
    if found is None:
        raise workspace_missing()
    return found


@dataclass(frozen=True)
class WorkspaceFilters:
    """Filters of `GET /workspaces` (None: not filtered)."""

    location_id: str | None = None
    floor_id: str | None = None
    display_name: str | None = None
    capacity: int | None = None  # -1: no capacity set
    type: str | None = None  # notSet: no type set
    calling: str | None = None
    supported_devices: str | None = None


def list_(
    session: Session, *, scope: OrgScope, filters: WorkspaceFilters, page: PageRequest
) -> list[Workspace]:
    """The organization's workspaces in creation order; one extra to detect a next page."""
    scope.actor.require(Permission.CALLING_READ)
    query = select(Workspace).where(Workspace.org_id == scope.org.id)
    f = filters
    if f.location_id is not None:
        query = query.where(Workspace.location_id == f.location_id)
    if f.floor_id is not None:
        query = query.where(Workspace.floor_id == f.floor_id)
    if f.display_name is not None:
        pattern = f"%{f.display_name.lower()}%"
        query = query.where(func.lower(Workspace.display_name).like(pattern))
    if f.capacity is not None:
        query = query.where(
            Workspace.capacity.is_(None) if f.capacity == -1 else Workspace.capacity == f.capacity
        )
    if f.type is not None:
        query = query.where(
            Workspace.type.is_(None) if f.type == "notSet" else Workspace.type == f.type
        )
    if f.calling is not None:
        query = query.where(Workspace.calling_type == f.calling)
    if f.supported_devices is not None:
        query = query.where(Workspace.supported_devices == f.supported_devices)
    query = query.order_by(Workspace.seq).offset(page.offset).limit(page.limit + 1)
    return list(session.scalars(query))


def create(session: Session, *, scope: OrgScope, data: WorkspaceWrite, now: datetime) -> Workspace:
    """A new workspace (free calling unless asked otherwise); with Webex Calling, the customer's
    Common Area package, billed from now. Every problem of the request is reported at once."""
    scope.actor.require(Permission.WORKSPACES_MANAGE)
    problems = _attribute_problems(data)
    if not data.display_name or not data.display_name.strip():
        problems.append(Problem(Codes.INVALID_FIELD, "displayName: required", "displayName"))
    location_id = data.location_id or data.workspace_location_id
    calling, calling_problems = _calling_of(data, location_id)
    problems += calling_problems
    if problems:
        raise invalid_all(problems)
    assert calling is not None and data.display_name is not None
    if location_id is not None:
        _location(session, scope, location_id, "locationId")
    workspace = Workspace(
        id=new_id("PLACES"),
        org_id=scope.org.id,
        customer_id=scope.customer.id if scope.customer else None,
        display_name=data.display_name.strip(),
        location_id=location_id,
        floor_id=data.floor_id,
        capacity=None if data.capacity is None else int(data.capacity),
        type=None if data.type in (None, "notSet") else data.type,
        notes=data.notes,
        hotdesking_status=data.hotdesking_status,
        supported_devices=data.supported_devices or "collaborationDevices",
        calling_type=calling.type,
        package=None,
        created_at=now,
        updated_at=now,
    )
    session.add(workspace)
    session.flush()
    if calling.webex is not None:
        _start_calling(session, scope, workspace, calling.webex, now)
    _audit(session, scope, "workspace.create", workspace, now, after=_snapshot(workspace))
    return workspace


def update(
    session: Session, *, scope: OrgScope, workspace_id: str, data: WorkspaceWrite, now: datetime
) -> Workspace:
    """Replace a workspace's details as the reference's PUT does: `capacity`, `type`, `notes`
    and `hotdeskingStatus` left out are cleared; location, floor, supported devices and calling
    left out stay. The location cannot change once set (409)."""
    scope.actor.require(Permission.WORKSPACES_MANAGE)
    workspace = _get(session, scope, workspace_id)
    before = _snapshot(workspace)
    problems = _attribute_problems(data)
    if data.display_name is not None and not data.display_name.strip():
        problems.append(Problem(Codes.INVALID_FIELD, "displayName: cannot be empty", "displayName"))
    location_id = data.location_id or data.workspace_location_id
    calling: Calling | None = None
    if data.calling is not None:
        calling, calling_problems = _calling_of(data, location_id or workspace.location_id)
        problems += calling_problems
    if problems:
        raise invalid_all(problems)
    wanted_location = location_id or (
        calling.webex.location_id if calling and calling.webex else None
    )
    conflicts = location_change_problems(workspace.location_id, wanted_location)
    if data.supported_devices is not None and data.supported_devices != workspace.supported_devices:
        reason = "supportedDevices: cannot change once configured"
        conflicts.append(Problem(Codes.WORKSPACE_LOCATION_FIXED, reason, "supportedDevices"))
    if conflicts:
        raise DomainError(conflicts, status=409)
    if wanted_location is not None and workspace.location_id is None:
        _location(session, scope, wanted_location, "locationId")
        workspace.location_id = wanted_location
    if data.display_name is not None:
        workspace.display_name = data.display_name.strip()
    if data.floor_id is not None:
        workspace.floor_id = data.floor_id
    workspace.capacity = None if data.capacity is None else int(data.capacity)
    workspace.type = None if data.type in (None, "notSet") else data.type
    workspace.notes = data.notes
    workspace.hotdesking_status = data.hotdesking_status
    if calling is not None:
        was_calling = workspace.package is not None
        if was_calling:
            _release_numbers(session, workspace)
        if calling.webex is None:
            if was_calling:
                metering.close_workspace_assignment(session, workspace_id=workspace.id, at=now)
                workspace.package = None
                _leave_queues(session, workspace, now, scope.actor)
            workspace.calling_type = calling.type
        elif was_calling:
            _take_numbers(session, scope, workspace, calling.webex, now)
            _check_licenses(session, scope, calling.webex)
        else:
            workspace.calling_type = calling.type
            _start_calling(session, scope, workspace, calling.webex, now)
    workspace.updated_at = now
    _audit(
        session,
        scope,
        "workspace.update",
        workspace,
        now,
        before=before,
        after=_snapshot(workspace),
    )
    return workspace


def delete_(session: Session, *, scope: OrgScope, workspace_id: str, now: datetime) -> None:
    """Delete a workspace: its billing stops now, its phone numbers go back to its location
    unassigned, its extensions are freed, its devices are removed with it (each audited, and
    named in the workspace's own audit event)."""
    scope.actor.require(Permission.WORKSPACES_MANAGE)
    workspace = _get(session, scope, workspace_id)
    before = _snapshot(workspace)
    removed = _end(session, workspace, now, scope.actor)
    if removed:
        before["devices"] = removed
    _audit(session, scope, "workspace.delete", workspace, now, before=before)


def _end(
    session: Session, workspace: Workspace, now: datetime, actor: Actor | None = None
) -> list[str]:
    removed = devices_owners.remove_for_workspace(
        session, workspace_id=workspace.id, now=now, actor=actor
    )
    if workspace.package is not None:
        metering.close_workspace_assignment(session, workspace_id=workspace.id, at=now)
        _leave_queues(session, workspace, now, actor)
    _release_numbers(session, workspace)
    session.delete(workspace)
    session.flush()
    return removed


def _leave_queues(
    session: Session, workspace: Workspace, now: datetime, actor: Actor | None
) -> None:
    if workspace.customer_id is not None:
        queues_agents.remove_agent(
            session, customer_id=workspace.customer_id, agent_id=workspace.id, now=now, actor=actor
        )
        hunt_groups_agents.remove_agent(
            session, customer_id=workspace.customer_id, agent_id=workspace.id, now=now, actor=actor
        )


def _attribute_problems(data: WorkspaceWrite) -> list[Problem]:
    return attribute_problems(
        display_name=data.display_name,
        capacity=data.capacity,
        type_=data.type,
        hotdesking_status=data.hotdesking_status,
        supported_devices=data.supported_devices,
        notes=data.notes,
    )


def _calling_of(
    data: WorkspaceWrite, location_id: str | None
) -> tuple[Calling | None, list[Problem]]:
    webex = data.calling.webex_calling if data.calling else None
    return calling_of(
        calling_type=data.calling.type if data.calling else None,
        location_id=location_id,
        webex_location_id=webex.location_id if webex else None,
        extension=webex.extension if webex else None,
        phone_number=webex.phone_number if webex else None,
        licenses=webex.licenses if webex else None,
    )


def _location(session: Session, scope: OrgScope, location_id: str, field_name: str) -> Location:
    """A location of the scope's customer, or 400 naming the field."""
    location = (
        customers.location_of(session, scope.customer.id, location_id) if scope.customer else None
    )
    if location is None:
        reason = f"{field_name}: the organization has no location {location_id}"
        raise invalid_all([Problem(Codes.LOCATION_UNKNOWN, reason, field_name)])
    return location


def _package_row(session: Session, scope: OrgScope) -> tuple[Customer, CustomerPackage]:
    """The customer's Common Area package, ready for one more workspace: on the customer (400),
    the customer provisioned (409), its limit not reached (409; the row stays locked)."""
    customer = scope.customer
    row = customers.package_row(session, customer.id, COMMON_AREA) if customer else None
    if customer is None or row is None or row.status != PackageStatus.PROVISIONED:
        reason = f"calling.type: {COMMON_AREA} is not provisioned on the customer"
        raise invalid_all([Problem(Codes.PACKAGE_NOT_ON_CUSTOMER, reason, "calling.type")])
    not_ready = customers.readiness_problems(customer)
    if not_ready:
        raise DomainError(not_ready, status=409)
    if row.limit is not None:
        customers.lock_package(session, row.id)
        if count_holding(session, customer.id, [COMMON_AREA])[COMMON_AREA] >= row.limit:
            reason = f"calling.type: the customer's limit of {row.limit} {COMMON_AREA} is reached"
            raise DomainError([Problem(Codes.PACKAGE_LIMIT_REACHED, reason, "calling.type")])
    return customer, row


def _check_licenses(session: Session, scope: OrgScope, webex: WebexCalling) -> None:
    row = customers.package_row(session, scope.customer.id, COMMON_AREA) if scope.customer else None
    problems = license_problems(webex.licenses, row.license_id if row else None)
    if problems:
        raise invalid_all(problems)


def _start_calling(
    session: Session, scope: OrgScope, workspace: Workspace, webex: WebexCalling, now: datetime
) -> None:
    """Webex Calling for a workspace: the package checks, its location and numbers, and the
    ledger's interval from now."""
    customer, row = _package_row(session, scope)
    problems = license_problems(webex.licenses, row.license_id)
    if problems:
        raise invalid_all(problems)
    if workspace.location_id is None:
        _location(session, scope, webex.location_id, webex.location_field)
        workspace.location_id = webex.location_id
    _take_numbers(session, scope, workspace, webex, now)
    workspace.package = COMMON_AREA
    metering.open_assignment(
        session,
        partner_org_id=customer.partner_org_id,
        sub_partner_org_id=customer.sub_partner_org_id,
        customer_id=customer.id,
        subscriber_id=None,
        workspace_id=workspace.id,
        user_id=None,
        location_id=workspace.location_id,
        package=COMMON_AREA,
        at=now,
    )


def _take_numbers(
    session: Session, scope: OrgScope, workspace: Workspace, webex: WebexCalling, now: datetime
) -> None:
    """Give the workspace its extension and/or phone number at its location: a number the
    location already has unassigned is taken; a new one is added; one held by anyone, or at
    another location, is a conflict (409 naming it)."""
    assert scope.customer is not None and workspace.location_id is not None
    location = session.get(Location, workspace.location_id)
    numbers = Numbers(webex.extension, webex.phone_number)
    problems = number_problems(
        session, scope.customer.id, numbers, WEBEX, location, number_field="phoneNumber"
    )
    if problems:
        raise DomainError(problems, status=409)
    hold_numbers(
        session,
        customer_id=scope.customer.id,
        location_id=workspace.location_id,
        holder=DirectoryNumber.workspace_id,
        holder_id=workspace.id,
        numbers=numbers,
        now=now,
    )
    session.flush()


def _release_numbers(session: Session, workspace: Workspace) -> None:
    release_numbers_of(session, DirectoryNumber.workspace_id, workspace.id)
    session.flush()


def _snapshot(workspace: Workspace) -> dict[str, Any]:
    return {
        "orgId": workspace.org_id,
        "displayName": workspace.display_name,
        "locationId": workspace.location_id,
        "floorId": workspace.floor_id,
        "capacity": workspace.capacity,
        "type": workspace.type,
        "calling": workspace.calling_type,
        "package": workspace.package,
    }


def _audit(
    session: Session,
    scope: OrgScope,
    action: str,
    workspace: Workspace,
    now: datetime,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=scope.actor,
        action=action,
        target_type="workspace",
        target_id=workspace.id,
        now=now,
        owner_org_id=scope.owner_org_id,
        before=before,
        after=after,
    )


def license_of(session: Session, workspace: Workspace) -> str | None:
    """The Common Area license a calling workspace uses (its customer's package row's)."""
    if workspace.package is None or workspace.customer_id is None:
        return None
    row = customers.package_row(session, workspace.customer_id, workspace.package)
    return row.license_id if row else None


def to_out(workspace: Workspace, license_id: str | None) -> dict[str, Any]:
    """A workspace as the reference's `Workspace` shows it."""
    calling: dict[str, Any] = {"type": workspace.calling_type}
    if workspace.package is not None:
        calling["webexCalling"] = {"licenses": [license_id] if license_id else []}
    return {
        "id": workspace.id,
        "orgId": workspace.org_id,
        "locationId": workspace.location_id,
        "workspaceLocationId": workspace.location_id,
        "floorId": workspace.floor_id,
        "displayName": workspace.display_name,
        "capacity": workspace.capacity,
        "type": workspace.type or "notSet",
        "created": workspace.created_at.isoformat().replace("+00:00", "Z"),
        "calling": calling,
        "notes": workspace.notes,
        "hotdeskingStatus": workspace.hotdesking_status,
        "supportedDevices": workspace.supported_devices,
    }


def count_holding(session: Session, customer_id: str, packages: list[str]) -> dict[str, int]:
    """How many workspaces of a customer hold each of `packages`."""
    rows = session.execute(
        select(Workspace.package, func.count())
        .where(Workspace.customer_id == customer_id, Workspace.package.in_(packages))
        .group_by(Workspace.package)
    )
    result = dict.fromkeys(packages, 0)
    result.update({name: int(n) for name, n in rows if name is not None})
    return result


def remove_all_for_customer(session: Session, *, customer_id: str, now: datetime) -> int:
    """End every workspace of a customer being removed, and release its unassigned numbers."""
    workspaces = list(
        session.scalars(select(Workspace).where(Workspace.customer_id == customer_id))
    )
    for workspace in workspaces:
        _end(session, workspace, now)
    release_unassigned(session, customer_id)
    return len(workspaces)


holders.register(
    holders.Holders(
        noun="workspaces", count_holding=count_holding, remove_all=remove_all_for_customer
    )
)
