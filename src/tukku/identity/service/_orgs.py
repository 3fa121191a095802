"""Organizations: creating, finding and locking them, and the flags operators set on them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.core.errors import NotFound
from tukku.core.ids import new_id
from tukku.identity.models import Organization
from tukku.identity.rules import OrgKind


def create_organization(
    session: Session, *, kind: OrgKind, name: str, now: datetime, parent_id: str | None = None
) -> Organization:
    """A new organization of `kind` (operator, partner, sub_partner, customer, standalone)."""
    org = Organization(
        id=new_id("ORGANIZATION"), kind=kind, name=name, parent_id=parent_id, created_at=now
    )
    session.add(org)
    session.flush()
    return org


def get_org(session: Session, org_id: str) -> Organization | None:
    """The organization with this ID, if any."""
    return session.get(Organization, org_id)


def found_org(session: Session, org_id: str) -> Organization:
    """The organization with this ID (for the package's verbs); NotFound if there is none."""
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("organization")
    return org


def lock_org(session: Session, org_id: str) -> None:
    """Lock an organization's row until the transaction ends (serialises decisions about it).

    FOR NO KEY UPDATE: rows inserted meanwhile that refer to the organization (users) hold key
    share locks on it, which this lock must not wait for, or two such inserters deadlock.
    """
    session.execute(
        select(Organization.id).where(Organization.id == org_id).with_for_update(key_share=True)
    )


def org_flags() -> Any:
    """Organizations' IDs with their `internal` flag (the platform's own test organizations)."""
    return select(Organization.id.label("org_id"), Organization.internal).subquery("org_flags")


def set_internal(session: Session, org_id: str, internal: bool) -> Organization:
    """Mark an organization as one of the platform's internal test organizations (or not)."""
    org = found_org(session, org_id)
    org.internal = internal
    return org
