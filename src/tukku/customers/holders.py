"""Whatever holds a customer's packages (subscribers today, workspaces next), as customers see it.

Customers sit below the domains that assign their packages, so they cannot import them; each of
those domains registers here when it is imported, and customers ask all of them: whether a package
may be removed, and to end every holder when the customer leaves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session


class CountHolding(Protocol):
    """How many active holders of a customer hold each of `packages` (every name answered)."""

    def __call__(
        self, session: Session, customer_id: str, packages: list[str]
    ) -> dict[str, int]: ...


class RemoveAll(Protocol):
    """End every holder of a customer whose wholesale services are being removed."""

    def __call__(self, session: Session, *, customer_id: str, now: datetime) -> int: ...


@dataclass(frozen=True)
class Holders:
    """One kind of package holder: its name in messages and its two operations."""

    noun: str
    count_holding: CountHolding
    remove_all: RemoveAll


_registered: dict[str, Holders] = {}


def register(holders: Holders) -> None:
    """Make customers consult `holders` (called once by the holding domain on import)."""
    _registered[holders.noun] = holders


def _all() -> Sequence[Holders]:
    if not _registered:
        raise RuntimeError("no package holders are registered; import tukku.subscribers.service")
    return list(_registered.values())


def in_use(session: Session, customer_id: str, packages: list[str]) -> dict[str, str]:
    """For each of `packages` still held, what holds it (e.g. "3 subscribers")."""
    held: dict[str, list[str]] = {}
    for kind in _all():
        for name, count in kind.count_holding(session, customer_id, packages).items():
            if count:
                held.setdefault(name, []).append(f"{count} {kind.noun}")
    return {name: ", ".join(parts) for name, parts in held.items()}


def remove_all(session: Session, *, customer_id: str, now: datetime) -> None:
    """End every holder of every kind (the customer is being removed)."""
    for kind in _all():
        kind.remove_all(session, customer_id=customer_id, now=now)
