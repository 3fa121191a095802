"""Directory numbers: the location a calling subscriber's numbers belong to, conflicts with
numbers already in use, adding and releasing a subscriber's numbers, and a user's new primary
number. Separate because planning, package changes and removal all share them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

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
_NUMBER_USED = select(DirectoryNumber.id).where(
    DirectoryNumber.phone_number == bindparam("phone_number")
)


def number_problems(
    session: Session, customer_id: str, numbers: Numbers, prefix: str
) -> list[Problem]:
    """Conflicts of an extension (per customer) or number (platform-wide) already in use."""
    problems = []
    if numbers.extension is not None:
        taken = session.scalar(
            _EXTENSION_USED, {"customer_id": customer_id, "extension": numbers.extension}
        )
        if taken is not None:
            where = f"{prefix}.extension"
            reason = f"{where}: {numbers.extension} is already used in this customer"
            problems.append(Problem(Codes.EXTENSION_TAKEN, reason, where))
    if numbers.phone_number is not None:
        taken = session.scalar(_NUMBER_USED, {"phone_number": numbers.phone_number})
        if taken is not None:
            where = f"{prefix}.primaryPhoneNumber"
            reason = f"{where}: {numbers.phone_number} is already in use"
            problems.append(Problem(Codes.NUMBER_TAKEN, reason, where))
    return problems


def _check_numbers_free(session: Session, customer_id: str, numbers: Numbers, prefix: str) -> None:
    conflicts = number_problems(session, customer_id, numbers, prefix)
    if conflicts:
        raise DomainError(conflicts, status=409)


def _add_numbers(
    session: Session, subscriber: Subscriber, location: Location, numbers: Numbers, now: datetime
) -> None:
    session.add(
        DirectoryNumber(
            customer_id=subscriber.customer_id,
            subscriber_id=subscriber.id,
            location_id=location.id,
            extension=numbers.extension,
            phone_number=numbers.phone_number,
            created_at=now,
        )
    )
    subscriber.location_id = location.id


def _release_numbers(session: Session, subscriber: Subscriber) -> None:
    session.execute(delete(DirectoryNumber).where(DirectoryNumber.subscriber_id == subscriber.id))
    subscriber.location_id = None


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
    conflicts = number_problems(
        session, subscriber.customer_id, Numbers(None, numbers.phone_number), ""
    )
    if conflicts:
        raise DomainError(conflicts, status=409)
    if row is None:
        location = customers.headquarters(session, subscriber.customer_id)
        assert location is not None
        _add_numbers(session, subscriber, location, numbers, now)
    else:
        row.phone_number = numbers.phone_number
