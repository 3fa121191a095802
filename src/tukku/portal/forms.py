"""What several portal pages do with what a browser sends: a page number from a link,
dropping a refused step's changes before a page answers with the form again, and the reasons
it shows next to the fields."""

from __future__ import annotations

from sqlalchemy.orm import Session

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
