"""State machines: the statuses of a kind of row and the moves allowed between them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from tukku.core.errors import InvalidState

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class StateMachine(Generic[S]):
    """The moves between the statuses of a `what` (every status is a key, terminal ones map to
    nothing). Models check every assignment of their status with `moved`, so no code path can
    make a move the machine does not allow."""

    what: str
    statuses: type[S]
    moves: Mapping[S, frozenset[S]]

    def __post_init__(self) -> None:
        if set(self.moves) != set(self.statuses):
            raise ValueError(f"every {self.what} status needs its moves, even none")

    def allows(self, current: S, new: S) -> bool:
        """Whether the machine moves `current` → `new`."""
        return new in self.moves[current]

    def moved(self, current: S | str | None, new: S | str) -> S:
        """`new`, as a status, once allowed after `current`; raises `InvalidState` (409) for a
        move the machine does not make. A new row (`current` None) may start anywhere; setting
        the status it has already is no move."""
        target = self.statuses(new)
        if current is None or target == current:
            return target
        source = self.statuses(current)
        if not self.allows(source, target):
            reason = f"a {self.what} cannot go from {source.value} to {target.value}"
            raise InvalidState("status", reason)
        return target
