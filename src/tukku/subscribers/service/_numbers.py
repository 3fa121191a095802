"""Directory numbers: the location a calling subscriber's numbers belong to, conflicts with
numbers already in use, adding and releasing a subscriber's numbers, and a user's new primary
number. Separate because planning, package changes and removal all share them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from tukku.catalog.packages import catalog
from tukku.core.errors import Codes, DomainError, Problem, invalid_all
from tukku.customers import service as customers
from tukku.customers.models import Customer, Location
from tukku.subscribers.models import DirectoryNumber, Subscriber
from tukku.subscribers.rules import Numbers, check_numbers
from tukku.subscribers.service._lookup import active_of_user


def _calling_location(
    session: Session, customer: Customer, location_id: str | None, prefix: str
) -> tuple[Location | None, list[Problem]]:
    """The location a calling subscriber's numbers belong to: the one named, else the
    headquarters; or why there is none (400)."""
    where = f"{prefix}.locationId"
    if location_id:
        location = customers.location_of(session, customer.id, location_id)
        if location is None:
            return None, [Problem(Codes.LOCATION_UNKNOWN, f"{where}: unknown location", where)]
        return location, []
    hq = customers.headquarters(session, customer.id)
    if hq is None:
        reason = f"{where}: the customer has no calling location"
        return None, [Problem(Codes.LOCATION_UNKNOWN, reason, where)]
    return hq, []


_EXTENSION_USED = select(DirectoryNumber.id).where(
    DirectoryNumber.customer_id == bindparam("customer_id"),
    DirectoryNumber.extension == bindparam("extension"),
)
_NUMBER_ROW = select(DirectoryNumber).where(
    DirectoryNumber.phone_number == bindparam("phone_number")
)


def _unassigned(row: DirectoryNumber, customer_id: str) -> bool:
    """A phone number added to one of the customer's locations and held by nobody yet."""
    return row.customer_id == customer_id and (
        row.subscriber_id is None
        and row.workspace_id is None
        and row.queue_id is None
        and row.hunt_group_id is None
    )


def _field(prefix: str | None, name: str) -> str:
    return name if prefix is None else f"{prefix}.{name}"


def number_problems(
    session: Session,
    customer_id: str,
    numbers: Numbers,
    prefix: str | None,
    location: Location | None = None,
    number_field: str = "primaryPhoneNumber",
) -> list[Problem]:
    """Conflicts of an extension (per customer) or number (platform-wide) already held by a
    subscriber, workspace or call queue, each naming its field (`prefix`.extension,
    `prefix`.`number_field`). A number the customer's `location` has unassigned is free for
    it; one at another of its locations is a conflict naming that."""
    problems = []
    if numbers.extension is not None:
        taken = session.scalar(
            _EXTENSION_USED, {"customer_id": customer_id, "extension": numbers.extension}
        )
        if taken is not None:
            where = _field(prefix, "extension")
            reason = f"{where}: {numbers.extension} is already used in this customer"
            problems.append(Problem(Codes.EXTENSION_TAKEN, reason, where))
    if numbers.phone_number is not None:
        row = session.scalars(_NUMBER_ROW, {"phone_number": numbers.phone_number}).first()
        where = _field(prefix, number_field)
        if row is not None and not _unassigned(row, customer_id):
            reason = f"{where}: {numbers.phone_number} is already in use"
            problems.append(Problem(Codes.NUMBER_TAKEN, reason, where))
        elif row is not None and location is not None and row.location_id != location.id:
            reason = f"{where}: {numbers.phone_number} belongs to another location"
            problems.append(Problem(Codes.NUMBER_AT_OTHER_LOCATION, reason, where))
    return problems


def _check_numbers_free(
    session: Session, customer_id: str, numbers: Numbers, prefix: str, location: Location
) -> None:
    conflicts = number_problems(session, customer_id, numbers, prefix, location)
    if conflicts:
        raise DomainError(conflicts, status=409)


def _add_numbers(
    session: Session, subscriber: Subscriber, location: Location, numbers: Numbers, now: datetime
) -> None:
    subscriber.location_id = location.id
    hold_numbers(
        session,
        customer_id=subscriber.customer_id,
        location_id=location.id,
        holder=DirectoryNumber.subscriber_id,
        holder_id=subscriber.id,
        numbers=numbers,
        now=now,
    )


def hold_numbers(
    session: Session,
    *,
    customer_id: str,
    location_id: str,
    holder: InstrumentedAttribute[str | None],
    holder_id: str,
    numbers: Numbers,
    now: datetime,
) -> None:
    """Give a subscriber, workspace, call queue or hunt group (`holder` is its column) its
    extension and/or phone number at its location, taking the phone number from the location's
    unassigned numbers when it is there; `number_problems` has made sure it may."""
    if numbers.phone_number is not None:
        row = session.scalars(_NUMBER_ROW, {"phone_number": numbers.phone_number}).first()
        if row is not None and _unassigned(row, customer_id):
            setattr(row, holder.key, holder_id)
            row.extension = numbers.extension
            return
    number = DirectoryNumber(
        customer_id=customer_id,
        location_id=location_id,
        extension=numbers.extension,
        phone_number=numbers.phone_number,
        created_at=now,
    )
    setattr(number, holder.key, holder_id)
    session.add(number)


def _release_numbers(session: Session, subscriber: Subscriber) -> None:
    release_numbers_of(session, DirectoryNumber.subscriber_id, subscriber.id)
    subscriber.location_id = None


def release_numbers_of(
    session: Session, holder: InstrumentedAttribute[str | None], holder_id: str
) -> None:
    """A subscriber's, workspace's, call queue's or hunt group's (`holder` is its column) phone
    numbers go back to their location unassigned, as the public Webex Calling API keeps them;
    extensions are freed."""
    session.execute(
        delete(DirectoryNumber).where(holder == holder_id, DirectoryNumber.phone_number.is_(None))
    )
    session.execute(
        update(DirectoryNumber)
        .where(holder == holder_id)
        .values({holder: None, DirectoryNumber.extension: None})
        .execution_options(synchronize_session=False)
    )


def release_unassigned(session: Session, customer_id: str) -> None:
    """A leaving customer's unassigned numbers leave the platform with it (free for anyone)."""
    session.execute(
        delete(DirectoryNumber).where(
            DirectoryNumber.customer_id == customer_id,
            DirectoryNumber.subscriber_id.is_(None),
            DirectoryNumber.workspace_id.is_(None),
            DirectoryNumber.queue_id.is_(None),
            DirectoryNumber.hunt_group_id.is_(None),
        )
    )


def set_primary_number(session: Session, *, user_id: str, number: str, now: datetime) -> None:
    """Give a calling subscriber a new primary work number (E.164, unique on the platform)."""
    subscriber = active_of_user(session, user_id)
    if subscriber is None or not catalog()[subscriber.package].calling:
        where = "primaryPhoneNumber"
        raise invalid_all(
            [Problem(Codes.NUMBER_REQUIRED, f"{where}: the user has no calling package", where)]
        )
    numbers, problems = check_numbers(None, number, required=True, prefix="")
    if problems or numbers is None:
        raise invalid_all(problems)
    row = session.scalars(
        select(DirectoryNumber).where(DirectoryNumber.subscriber_id == subscriber.id)
    ).first()
    if row is not None and row.phone_number == numbers.phone_number:
        return
    location = (
        customers.location_of(session, subscriber.customer_id, subscriber.location_id)
        if subscriber.location_id
        else customers.headquarters(session, subscriber.customer_id)
    )
    assert location is not None
    conflicts = number_problems(
        session, subscriber.customer_id, Numbers(None, numbers.phone_number), "", location
    )
    if conflicts:
        raise DomainError(conflicts, status=409)
    if row is not None:
        extension = row.extension
        _release_numbers(session, subscriber)
        numbers = Numbers(extension, numbers.phone_number)
    _add_numbers(session, subscriber, location, numbers, now)
