"""Use cases of the public People API, read side: the users of a customer organization.

A person is an identity user of the organization (the `personId` a wholesale subscriber
answers with is its user ID); its calling details (location, number, extension) come from its
live subscriber. Every query is scoped by the scope's organization.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from tukku.calling.access import OrgScope
from tukku.calling.people_rules import display_name, phone_numbers
from tukku.calling.people_schemas import PersonOut, PhoneNumberOut
from tukku.core.errors import Codes, NotFound
from tukku.core.pagination import PageRequest
from tukku.core.timefmt import iso
from tukku.identity.models import RoleAssignment, User
from tukku.identity.permissions import Permission
from tukku.subscribers.models import DirectoryNumber, Subscriber

REMOVED = "removed"
_SHOWN_NAME = func.lower(
    func.coalesce(User.display_name, User.first_name + " " + User.last_name, User.email)
)


def person_missing() -> NotFound:
    """The one answer for an unknown person and another organization's."""
    return NotFound("person", Codes.PERSON_NOT_FOUND, field_name="personId")


_OWNER = select(User.org_id).where(User.id == bindparam("user_id"), User.status != REMOVED)


def owner_org(session: Session, person_id: str) -> str | None:
    """The organization a person belongs to, whoever asks (to resolve a request naming it
    without `orgId`; `resolve.scope_of` then checks the caller reaches it)."""
    return session.scalars(_OWNER, {"user_id": person_id}).first()


@dataclass(frozen=True)
class PeopleFilters:
    """Filters of `GET /v1/people`."""

    email: str | None = None
    display_name: str | None = None
    ids: list[str] | None = None
    location_id: str | None = None


def list_people(
    session: Session, *, scope: OrgScope, filters: PeopleFilters, page: PageRequest
) -> list[User]:
    """The organization's people, oldest first (one extra row to detect a next page)."""
    scope.actor.require(Permission.CALLING_READ)
    query = select(User).where(User.org_id == scope.org.id, User.status != REMOVED)
    if filters.email:
        query = query.where(User.email == filters.email.strip().lower())
    if filters.display_name:
        wanted = filters.display_name.strip().lower()
        query = query.where(_SHOWN_NAME.startswith(wanted, autoescape=True))
    if filters.ids is not None:
        query = query.where(User.id.in_(filters.ids))
    if filters.location_id:
        at_location = select(Subscriber.user_id).where(
            Subscriber.location_id == filters.location_id,
            Subscriber.removed_at.is_(None),
            Subscriber.user_id.is_not(None),
        )
        query = query.where(User.id.in_(at_location))
    query = query.order_by(User.created_at, User.id).offset(page.offset).limit(page.limit + 1)
    return list(session.scalars(query))


def get_person(session: Session, *, scope: OrgScope, person_id: str) -> User:
    """One person of the organization; 404 for anyone else."""
    scope.actor.require(Permission.CALLING_READ)
    found = session.scalars(
        select(User).where(
            User.id == person_id, User.org_id == scope.org.id, User.status != REMOVED
        )
    ).first()
    if found is None:
        raise person_missing()
    return found


@dataclass(frozen=True)
class Calling:
    """A person's calling details: where its live subscriber is and what number it holds."""

    location_id: str | None
    phone_number: str | None
    extension: str | None


def calling_of(session: Session, *, scope: OrgScope, users: list[User]) -> dict[str, Calling]:
    """The calling details of these people of the organization, by user ID (people without a
    live calling subscriber are absent)."""
    if not users or scope.customer is None:
        return {}
    rows = session.execute(
        select(
            Subscriber.user_id,
            Subscriber.location_id,
            DirectoryNumber.phone_number,
            DirectoryNumber.extension,
        )
        .outerjoin(DirectoryNumber, DirectoryNumber.subscriber_id == Subscriber.id)
        .where(
            Subscriber.customer_id == scope.customer.id,
            Subscriber.user_id.in_([u.id for u in users]),
            Subscriber.removed_at.is_(None),
        )
        .order_by(Subscriber.created_at, Subscriber.seq)
    )
    found: dict[str, Calling] = {}
    for user_id, location_id, number, extension in rows:
        if user_id is not None:
            found[user_id] = Calling(location_id, number, extension)
    return found


def roles_of(session: Session, *, scope: OrgScope, users: list[User]) -> dict[str, list[str]]:
    """The roles these people hold in the organization, by user ID."""
    if not users:
        return {}
    rows = session.execute(
        select(RoleAssignment.user_id, RoleAssignment.role)
        .where(
            RoleAssignment.org_id == scope.org.id,
            RoleAssignment.user_id.in_([u.id for u in users]),
        )
        .order_by(RoleAssignment.role)
    )
    found: dict[str, list[str]] = {}
    for user_id, role in rows:
        found.setdefault(user_id, []).append(role)
    return found


def to_out(user: User, calling: Calling | None, roles: list[str]) -> PersonOut:
    """The wire form of a person."""
    numbers = phone_numbers(calling.phone_number if calling else None)
    return PersonOut(
        id=user.id,
        emails=[user.email],
        phone_numbers=[PhoneNumberOut.model_validate(n) for n in numbers],
        extension=calling.extension if calling else None,
        location_id=calling.location_id if calling else None,
        display_name=display_name(user.display_name, user.first_name, user.last_name, user.email),
        first_name=user.first_name,
        last_name=user.last_name,
        org_id=user.org_id,
        roles=roles,
        licenses=[],
        created=iso(user.created_at),
        status="active",
        type="person",
        login_enabled="true",
    )


def people_out(session: Session, *, scope: OrgScope, users: list[User]) -> list[PersonOut]:
    """The wire form of these people, with their calling details and roles."""
    calling = calling_of(session, scope=scope, users=users)
    roles = roles_of(session, scope=scope, users=users)
    return [to_out(u, calling.get(u.id), roles.get(u.id, [])) for u in users]
