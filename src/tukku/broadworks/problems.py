"""Problems in an input file, each named by its JSON path (`$.groups[1].users[3].phoneNumber`), so
an operator can find and fix every one in a single pass."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, where it is and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InputError(Exception):
    """An input file that cannot be used, with every problem found in it."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


def json_path(location: Iterable[str | int]) -> str:
    """A pydantic error location as a JSON path: ("groups", 1, "users") → `$.groups[1].users`."""
    path = "$"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


# pydantic's messages, in words an operator reading a migration file understands.
_MESSAGES = {
    "extra_forbidden": "unknown field (bw-extract/1 refuses fields it does not define)",
    "missing": "required field is missing",
}


def from_validation_error(
    error: ValidationError, prefix: Sequence[str | int] = ()
) -> list[Problem]:
    """Every error pydantic found, as problems with JSON paths (prefix: where the data sits)."""
    problems = []
    for item in error.errors(include_url=False):
        location = [*prefix, *(p for p in item["loc"] if not _is_union_tag(p))]
        message = _MESSAGES.get(item["type"], item["msg"])
        if item["type"] not in _MESSAGES and "input" in item and item["type"] != "model_type":
            message += f" (got {_shown(item['input'])})"
        problems.append(Problem(json_path(location), message))
    return problems


def _is_union_tag(part: object) -> bool:
    """pydantic adds a union member's type name (e.g. `function-after[...]`) to a location."""
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "bool", "none"})


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
