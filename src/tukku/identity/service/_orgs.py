"""Organizations: creating, finding and locking them, the flags operators set on them, and the
settings their administrators choose."""

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


def get_org_unscoped(session: Session, org_id: str) -> Organization | None:
    """The organization with this ID, if any, whoever asks: callers scope it themselves (an
    operator route, a job, a principal's own organization)."""
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


# The settings below are the organization's administrators' to choose; their use cases check the
# values and record the change in the audit log. No principal carries them: no cache to clear.


def rename_org(session: Session, *, org_id: str, name: str) -> None:
    """Give the organization another name (surrounding blanks dropped)."""
    found_org(session, org_id).name = name.strip()


def set_verified_domains(session: Session, *, org_id: str, domains: list[str]) -> None:
    """Replace the domains the organization has verified as its own."""
    found_org(session, org_id).verified_domains = list(domains)


def set_email_settings(
    session: Session, *, org_id: str, block_admin_invite_emails: bool, email_locale: str | None
) -> None:
    """Whether administrators' invitation e-mails are blocked, and the locale of its e-mails."""
    org = found_org(session, org_id)
    org.block_admin_invite_emails = block_admin_invite_emails
    org.email_locale = email_locale


def set_sign_in(
    session: Session, *, org_id: str, auth_mode: str, idp_entity_id: str | None
) -> None:
    """How the organization's users sign in: `auth_mode`, at the identity provider named by
    `idp_entity_id` (None for Webex's own sign-in)."""
    org = found_org(session, org_id)
    org.auth_mode = auth_mode
    org.idp_entity_id = idp_entity_id
