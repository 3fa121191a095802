"""What several portal pages do with what a browser sends: a page number from a link,
dropping a refused step's changes before a page answers with the form again, the reasons it
shows next to the fields, and forms of many user rows (the set-up wizard's, the customer
portal's)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tukku.core.errors import Problem


def page_number(value: str | None) -> int:
    """A page number from the query: a whole number from 1; anything else is the first page
    (a page never answers 400 for a hand-edited link)."""
    return int(value) if value and value.isdigit() and int(value) >= 1 else 1


def undo(session: Session) -> None:
    """Drop whatever a refused step changed. A page that shows the form again answers normally,
    so its unit of work commits: nothing half-done may be left in it."""
    session.rollback()


def field_errors(problems: list[Problem]) -> dict[str, str]:
    """What a refused form shows next to each field (a problem of no field goes on top), without
    the field's name, which the page shows already."""
    return {p.field or "form": p.description.removeprefix(f"{p.field}: ") for p in problems}


async def posted_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, read here because its number of rows varies (and files may come with
    it); its uploaded files are closed once the page has answered."""
    form = await request.form()
    try:
        yield form
    finally:
        await form.close()


PostedForm = Annotated[FormData, Depends(posted_form)]


@dataclass
class UserRow:
    """One user's row of a many-rows form: what was typed, and what happened to it."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    outcome: str = ""

    @property
    def blank(self) -> bool:
        """Nothing typed in it (a row for later)."""
        return not any(self.values[f].strip() for f in ("firstName", "lastName", "email"))


RowT = TypeVar("RowT", bound=UserRow)


def user_rows(
    form: FormData | None, count: int, fields: Sequence[str], kind: type[RowT]
) -> list[RowT]:
    """`count` rows of `fields`, named `r<i>-<field>` in the form (empty without one)."""

    def value(i: int, name: str) -> str:
        return str(form.get(f"r{i}-{name}", "")) if form else ""

    return [kind({name: value(i, name) for name in fields}) for i in range(count)]
