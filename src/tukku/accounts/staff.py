"""A partner's (or sub-partner's) own staff: inviting people with partner roles, changing their
roles, removing them.

The rules, the same for the API and the portal:
- Anyone with a partner role but the provisioning administrator sees the staff list
  (`STAFF_READ`); only partner full administrators change it (`STAFF_MANAGE`).
- A user grants only roles within their own: every permission of the roles given must be one
  the granting user holds (so a full administrator may grant every partner role).
- The organization always keeps an active partner full administrator: neither a role change nor
  a removal may take away the last one (409), not even one's own.
- Removing someone takes their roles, revokes their tokens and ends their portal sessions; they
  can no longer sign in. Inviting their e-mail again brings them back with the roles given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from tukku.accounts import access
from tukku.audit import service as audit
from tukku.core.errors import Codes, Conflict, Forbidden, Invalid, NotFound
from tukku.core.settings import Settings
from tukku.core.validation import checked_email
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.models import User
from tukku.identity.permissions import Permission, role_permissions
from tukku.identity.rules import PARTNER_ROLES, Role

LAST_ADMIN = "the organization must keep at least one partner full administrator"


@dataclass(frozen=True)
class StaffMember:
    """A user of the organization and the roles it holds."""

    user: User
    roles: frozenset[str]


@dataclass(frozen=True)
class Invitation:
    """Where an invitation's set-password link points (the configured base URL, never a
    request's `Host`) and how long it works."""

    link_base: str
    lifetime: timedelta


def invitation_from(link_base: str, settings: Settings) -> Invitation:
    """Invitations whose links lead to `link_base` and work `TUKKU_INVITE_LINK_DAYS`."""
    return Invitation(link_base=link_base, lifetime=timedelta(days=settings.invite_link_days))


def list_staff(session: Session, *, actor: Actor, offset: int, limit: int) -> list[StaffMember]:
    """The organization's active users with their roles, oldest first (one more than `limit`,
    to tell whether another page follows)."""
    actor.require(Permission.STAFF_READ)
    users = identity.active_users_of(session, actor.org_id, offset=offset, limit=limit)
    roles = identity.roles_by_user(session, [u.id for u in users])
    return [StaffMember(u, roles[u.id]) for u in users]


def get_staff(session: Session, *, actor: Actor, user_id: str) -> StaffMember:
    """One active user of the organization; 404 for anyone else's, or a removed one."""
    actor.require(Permission.STAFF_READ)
    user = _own_user(session, actor, user_id)
    return StaffMember(user, identity.roles_of(session, user.id))


def invite(
    session: Session,
    *,
    actor: Actor,
    email: str,
    roles: Iterable[str],
    now: datetime,
    invitation: Invitation,
    first_name: str | None = None,
    last_name: str | None = None,
) -> StaffMember:
    """A new user of the organization holding `roles`, mailed an invitation to choose a
    password. An e-mail in use is a conflict (409), unless it is a removed user of this very
    organization, who comes back."""
    actor.require(Permission.STAFF_MANAGE)
    address = checked_email(email, "email")
    wanted = _checked_roles(actor, roles)
    user = identity.find_user_by_email(session, address)
    if user is not None and (user.org_id != actor.org_id or user.status == identity.ACTIVE):
        raise Conflict("email", f"{address} is already in use", Codes.EMAIL_TAKEN)
    if user is None:
        user = identity.create_user(
            session,
            org_id=actor.org_id,
            email=address,
            first_name=_name(first_name),
            last_name=_name(last_name),
            roles=sorted(wanted),
            now=now,
            by=actor.principal,
        )
    else:
        identity.restore_user(session, user=user, now=now, by=actor.principal)
        identity.edit_user(
            session, user=user, first_name=_name(first_name), last_name=_name(last_name)
        )
        for role in sorted(wanted):
            identity.grant_role(session, user=user, role=role, now=now, by=actor.principal)
    send_invitation(session, user=user, now=now, invitation=invitation, actor=actor)
    audit.record(
        session,
        actor=actor,
        action="user.invite",
        target_type="user",
        target_id=user.id,
        now=now,
        after={"email": address, "roles": sorted(wanted)},
    )
    return StaffMember(user, wanted)


def send_invitation(
    session: Session, *, user: User, now: datetime, invitation: Invitation, actor: Actor | None
) -> None:
    """Mail `user` the invitation to its organization with a fresh set-password link; without
    an `actor`, it is the welcome of a new partner's first administrator."""
    org = identity.get_org_unscoped(session, user.org_id)
    inviter = None
    if actor is not None:
        by = identity.get_user_unscoped(session, actor.principal.user_id)
        inviter = _display(by) if by is not None else None
    access.send_invitation(
        session,
        user=user,
        org_name=org.name if org is not None else "your organization",
        invited_by=inviter,
        now=now,
        link_base=invitation.link_base,
        lifetime=invitation.lifetime,
    )


def set_roles(
    session: Session, *, actor: Actor, user_id: str, roles: Iterable[str], now: datetime
) -> StaffMember:
    """Give the user exactly `roles`: those it lacks are granted, the others taken away (with
    the tokens that needed them). Never takes the last full administrator's role (409)."""
    actor.require(Permission.STAFF_MANAGE)
    user = _own_user(session, actor, user_id)
    wanted = _checked_roles(actor, roles)
    held = identity.roles_of(session, user.id)
    admin = Role.PARTNER_FULL_ADMIN.value
    if admin in held and admin not in wanted:
        _keep_an_admin(session, actor, user, "roles")
    for role in sorted(wanted - held):
        identity.grant_role(session, user=user, role=role, now=now, by=actor.principal)
    for role in sorted(held - wanted):
        identity.revoke_role(session, user=user, role=role, now=now, by=actor.principal)
    return StaffMember(user, wanted)


def remove(session: Session, *, actor: Actor, user_id: str, now: datetime) -> None:
    """Take the user out of the organization's service: roles revoked, tokens revoked, portal
    sessions ended. Never the last full administrator (409)."""
    actor.require(Permission.STAFF_MANAGE)
    user = _own_user(session, actor, user_id)
    if Role.PARTNER_FULL_ADMIN.value in identity.roles_of(session, user.id):
        _keep_an_admin(session, actor, user, None)
    identity.remove_user(session, user=user, now=now, by=actor.principal)


def grantable_roles(actor: Actor) -> list[Role]:
    """The partner roles the actor may give (none unless it manages staff)."""
    if not actor.may(Permission.STAFF_MANAGE):
        return []
    return [r for r in Role if r in PARTNER_ROLES and _within(actor, frozenset({r.value}))]


def _checked_roles(actor: Actor, roles: Iterable[str]) -> frozenset[str]:
    wanted = frozenset(roles)
    if not wanted:
        raise Invalid("roles", "give at least one role")
    unknown = sorted(r for r in wanted if r not in PARTNER_ROLES)
    if unknown:
        names = ", ".join(r.value for r in sorted(PARTNER_ROLES))
        raise Invalid("roles", f"{', '.join(unknown)} is not a partner role (one of {names})")
    if not _within(actor, wanted):
        raise Forbidden("you may only grant roles within your own", Codes.FORBIDDEN_ROLE)
    return wanted


def _within(actor: Actor, roles: frozenset[str]) -> bool:
    return role_permissions(roles) <= actor.permissions


def _keep_an_admin(session: Session, actor: Actor, user: User, field: str | None) -> None:
    holders = identity.active_holders(session, actor.org_id, Role.PARTNER_FULL_ADMIN)
    if not set(holders) - {user.id}:
        raise Conflict(field, LAST_ADMIN)


def _own_user(session: Session, actor: Actor, user_id: str) -> User:
    user = identity.get_user_unscoped(session, user_id)
    if user is None or user.org_id != actor.org_id or user.status != identity.ACTIVE:
        raise NotFound("user")
    return user


def _name(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


def _display(user: User) -> str:
    return " ".join(n for n in (user.first_name, user.last_name) if n) or user.email


def standing(user: User) -> str:
    """`invited` until the user has chosen a password, then `active`."""
    return "invited" if user.password_hash is None else "active"
