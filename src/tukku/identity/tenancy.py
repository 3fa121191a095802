"""The one place that turns an actor into the WHERE clause scoping every tenant query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select

from tukku.identity.models import Organization
from tukku.identity.principal import Actor
from tukku.identity.rules import OrgKind


def owned_by(owner_column: Any, actor: Actor) -> ColumnElement[bool]:
    """Rows owned by the actor's organization itself (a partner's plain list)."""
    result: ColumnElement[bool] = owner_column == actor.org_id
    return result


def visible_to(owner_column: Any, actor: Actor) -> ColumnElement[bool]:
    """Rows the actor may read or manage: its own, plus its sub-partners' when it is their parent.

    A sub-partner, or a parent acting on behalf of one, sees only that sub-partner's rows.
    """
    if actor.org_id != actor.partner_org_id:
        return owned_by(owner_column, actor)
    children = select(Organization.id).where(
        Organization.parent_id == actor.org_id, Organization.kind == OrgKind.SUB_PARTNER
    )
    return or_(owner_column == actor.org_id, owner_column.in_(children))
