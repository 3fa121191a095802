"""Recording changes (in the same transaction as the change) and reading them back, scoped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tukku.audit.models import AuditEvent
from tukku.audit.schemas import AuditEventOut
from tukku.core.db import table_of
from tukku.core.logging import request_source_var, tracking_id_var
from tukku.core.pagination import PageRequest
from tukku.core.timefmt import iso
from tukku.identity import events as identity_events
from tukku.identity.actor import Actor
from tukku.identity.models import Organization
from tukku.identity.permissions import Permission, authorize
from tukku.identity.principal import Principal
from tukku.identity.rules import OrgKind


def snapshot(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a row as JSON values (what `before`/`after` show), keyed in
    camelCase like the rest of the API."""
    return {to_camel(name): _json(getattr(row, name)) for name in fields}


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


CHANGES = "tukku.audit.changes"
"""`session.info` key of the changes a unit of work has audited so far (a list of `Change`), for
listeners of its commit above this layer (webhooks' outbox) to learn what changed."""


@dataclass(frozen=True)
class Change:
    """What one audit event says changed, noted on the session for commit listeners."""

    action: str
    target_type: str
    target_id: str
    partner_org_id: str | None
    owner_org_id: str | None
    after: dict[str, Any] | None
    at: datetime


def record(
    session: Session,
    *,
    action: str,
    target_type: str,
    target_id: str,
    now: datetime,
    actor: Actor | None = None,
    principal: Principal | None = None,
    partner_org_id: str | None = None,
    owner_org_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Write one audit event in the caller's transaction (so it exists exactly if the change
    does). Without an actor or principal, the platform itself made the change."""
    who = actor.principal if actor else principal
    on_behalf = actor.org_id if actor and actor.org_id != actor.principal.org_id else None
    source = request_source_var.get()
    partner_org_id = partner_org_id or (actor.partner_org_id if actor else None)
    owner_org_id = owner_org_id or (actor.org_id if actor else None)
    session.info.setdefault(CHANGES, []).append(
        Change(action, target_type, target_id, partner_org_id, owner_org_id, after, now)
    )
    session.execute(
        _INSERT,
        {
            "occurred_at": now,
            "actor_user_id": who.user_id if who else None,
            "actor_org_id": who.org_id if who else None,
            "on_behalf_of_org_id": on_behalf,
            "partner_org_id": partner_org_id,
            "owner_org_id": owner_org_id,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "before": before,
            "after": after,
            "tracking_id": tracking_id_var.get(),
            "source_address": source.address if source else None,
            "user_agent": source.user_agent if source else None,
        },
    )


# Built once: a Core INSERT run with a row of parameters costs a fraction of building one.
_INSERT = insert(table_of(AuditEvent))


def _record_security_events(session: Session, events: list[identity_events.SecurityEvent]) -> None:
    """Write identity's security events. A partner's or sub-partner's own users' events show in
    its partner's log; every other organization's (customers, operators) in the operators' log."""
    for item in events:
        org = session.get(Organization, item.org_id)
        partner = None
        if org is not None and org.kind == OrgKind.PARTNER:
            partner = org.id
        elif org is not None and org.kind == OrgKind.SUB_PARTNER:
            partner = org.parent_id
        record(
            session,
            action=item.action,
            target_type=item.target_type,
            target_id=item.target_id,
            now=item.at,
            principal=item.by,
            partner_org_id=partner,
            owner_org_id=item.org_id,
            before=item.before,
            after=item.after,
        )


identity_events.write_with(_record_security_events)


@dataclass(frozen=True)
class AuditFilters:
    """What to look for; every filter matches exactly, times bound `occurred` inclusively."""

    action: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    actor_user_id: str | None = None
    tracking_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(query: Any, filters: AuditFilters, page: PageRequest) -> Any:
    for column, value in (
        (AuditEvent.action, filters.action),
        (AuditEvent.target_type, filters.target_type),
        (AuditEvent.target_id, filters.target_id),
        (AuditEvent.actor_user_id, filters.actor_user_id),
        (AuditEvent.tracking_id, filters.tracking_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.since is not None:
        query = query.where(AuditEvent.occurred_at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.occurred_at <= filters.until)
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    return query.offset(page.offset).limit(page.limit + 1)


def list_for_partner(
    session: Session, *, actor: Actor, filters: AuditFilters, page: PageRequest
) -> list[AuditEvent]:
    """A partner's events (its sub-partners' included), or a sub-partner's own, newest first."""
    actor.require(Permission.AUDIT_READ)
    if actor.is_parent:
        query = select(AuditEvent).where(AuditEvent.partner_org_id == actor.partner_org_id)
    else:
        query = select(AuditEvent).where(AuditEvent.owner_org_id == actor.org_id)
    return list(session.scalars(_filtered(query, filters, page)))


def list_platform_wide(
    session: Session, *, principal: Principal, filters: AuditFilters, page: PageRequest
) -> list[AuditEvent]:
    """Every event on the platform, newest first: for operators only."""
    authorize(principal, Permission.OPERATE)
    return list(session.scalars(_filtered(select(AuditEvent), filters, page)))


def own_people(session: Session, actor: Actor) -> frozenset[str]:
    """The organizations whose users' request sources (address, User-Agent) a partner's audit
    log shows: the caller's own and, for a parent, its sub-partners'. Operators' and customers'
    stay private."""
    caller = actor.principal.org_id
    children = select(Organization.id).where(
        Organization.parent_id == caller, Organization.kind == OrgKind.SUB_PARTNER
    )
    return frozenset([caller, *session.scalars(children)])


def to_out(event: AuditEvent, *, with_source: bool = True) -> AuditEventOut:
    """The wire form of an event; without `with_source`, where it came from is left out."""
    return AuditEventOut(
        id=event.id,
        occurred=iso(event.occurred_at),
        actor_user_id=event.actor_user_id,
        actor_org_id=event.actor_org_id,
        on_behalf_of_org_id=event.on_behalf_of_org_id,
        partner_org_id=event.partner_org_id,
        owner_org_id=event.owner_org_id,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        before=event.before,
        after=event.after,
        tracking_id=event.tracking_id,
        source_address=event.source_address if with_source else None,
        user_agent=event.user_agent if with_source else None,
    )
