"""What the pages of the operator console share: only platform operators open them (anyone
else gets 403 before anything is read), their common context, and their pages of rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Depends

from tukku.core.pagination import PageRequest
from tukku.identity.permissions import Permission, authorize
from tukku.portal.auth import PortalUser, PortalUserDep

T = TypeVar("T")


async def operator(user: PortalUserDep) -> PortalUser:
    """The signed-in user, if it operates the platform; 403 for anyone else."""
    authorize(user.principal, Permission.OPERATE)
    return user


OperatorDep = Annotated[PortalUser, Depends(operator)]


def context(user: PortalUser, nav: str, **more: Any) -> dict[str, Any]:
    """The context every console page starts from."""
    return {"user": user, "csrf": user.csrf, "nav": nav, **more}


def window(number: int, size: int) -> PageRequest:
    """The rows of page `number` (from 1), `size` a page."""
    return PageRequest(offset=(number - 1) * size, limit=size)


def paged(rows: Sequence[T], number: int, size: int, link: Callable[[int], str]) -> dict[str, Any]:
    """A page of `rows` (fetched with one look-ahead row) and the links to its neighbours."""
    return {
        "rows": list(rows[:size]),
        "page": number,
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if len(rows) > size else None,
    }
