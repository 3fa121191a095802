"""Who holds which role: the questions other use cases ask before they act (no changes here)."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from tukku.identity.models import RoleAssignment, User
from tukku.identity.rules import Role, Scope, grantable_scopes

_ROLES_OF = select(RoleAssignment.role).where(RoleAssignment.user_id == bindparam("user_id"))
_ORG_ROLE_HOLDER = (
    select(RoleAssignment.user_id)
    .where(RoleAssignment.org_id == bindparam("org_id"), RoleAssignment.role == bindparam("role"))
    .limit(1)
)


def roles_of(session: Session, user_id: str) -> frozenset[str]:
    """The roles a user holds."""
    return frozenset(session.scalars(_ROLES_OF, {"user_id": user_id}))


def roles_by_user(session: Session, user_ids: list[str]) -> dict[str, frozenset[str]]:
    """The roles each of `user_ids` holds (an empty set for a user holding none)."""
    held: dict[str, set[str]] = {user_id: set() for user_id in user_ids}
    rows = session.execute(
        select(RoleAssignment.user_id, RoleAssignment.role).where(
            RoleAssignment.user_id.in_(user_ids)
        )
    )
    for user_id, role in rows:
        held[user_id].add(role)
    return {user_id: frozenset(roles) for user_id, roles in held.items()}


def active_holders(session: Session, org_id: str, role: str) -> list[str]:
    """The IDs of the organization's active users holding `role`."""
    return list(
        session.scalars(
            select(User.id)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                User.org_id == org_id,
                User.status == "active",
                RoleAssignment.org_id == org_id,
                RoleAssignment.role == role,
            )
        )
    )


def org_has_role(session: Session, org_id: str, role: str) -> bool:
    """Whether anyone in the organization holds `role`."""
    return session.scalar(_ORG_ROLE_HOLDER, {"org_id": org_id, "role": role}) is not None


def grantable_for(session: Session, user: User) -> frozenset[Scope]:
    """Every scope a token of this user may carry."""
    return grantable_scopes(roles_of(session, user.id))


def first_admin(session: Session, org_id: str) -> User | None:
    """The earliest user of an organization holding an administrator role."""
    admin_roles = {
        Role.OPERATOR,
        Role.PARTNER_FULL_ADMIN,
        Role.WHOLESALE_ADMIN,
        Role.CUSTOMER_FULL_ADMIN,
    }
    return session.scalars(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(User.org_id == org_id, RoleAssignment.role.in_([r.value for r in admin_roles]))
        .order_by(User.created_at, User.id)
        .limit(1)
    ).first()


def admins_of(session: Session, org_id: str) -> list[User]:
    """The users administering an organization (customer full administrators), oldest first."""
    return list(
        session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                User.org_id == org_id,
                RoleAssignment.role.in_([Role.CUSTOMER_FULL_ADMIN.value]),
            )
            .order_by(User.created_at, User.id)
        )
    )
