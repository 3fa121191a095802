"""What else ends with a subscriber. Domains above subscribers (calling's devices) keep things
of a subscriber's user; subscribers cannot import them, so they register here on import and
every removal of a subscriber (one, or all of a leaving customer's) calls them in its
transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session


class Ending(Protocol):
    """Remove what a customer's user held through its subscriber."""

    def __call__(
        self, session: Session, *, customer_id: str, user_id: str, now: datetime
    ) -> None: ...


_registered: list[Ending] = []


def register(ending: Ending) -> None:
    """Call `ending` whenever a subscriber ends (once per function, however often imported)."""
    if ending not in _registered:
        _registered.append(ending)


def run(session: Session, *, customer_id: str, user_id: str | None, now: datetime) -> None:
    """A subscriber of `customer_id` for `user_id` ended: let every registered domain follow."""
    if user_id is None:
        return
    for ending in _registered:
        ending(session, customer_id=customer_id, user_id=user_id, now=now)
