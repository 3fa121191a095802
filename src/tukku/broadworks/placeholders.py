"""Filling a planned request with what earlier operations answered: `{{op}}` is that operation's
`id`, `{{op#field}}` another field of its answer. A value that is only a placeholder takes the
answer's value whole; one inside a longer string is replaced in the text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = re.compile(r"\{\{([^}#]+)(?:#([A-Za-z]+))?\}\}")


class MissingAnswer(LookupError):
    """An operation's request needs a value an earlier operation has not answered (yet)."""

    def __init__(self, op_id: str, field: str) -> None:
        super().__init__(f"{op_id} has no {field} yet")
        self.op_id = op_id
        self.field = field


def _lookup(answers: Mapping[str, Mapping[str, Any]], match: re.Match[str]) -> Any:
    op_id, field = match.group(1), match.group(2) or "id"
    value = answers.get(op_id, {}).get(field)
    if value is None:
        raise MissingAnswer(op_id, field)
    return value


def fill(value: Any, answers: Mapping[str, Mapping[str, Any]]) -> Any:
    """`value` (a path, or a JSON body) with every placeholder replaced from `answers` (by
    operation id); MissingAnswer names the first one that cannot be."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole:
            return _lookup(answers, whole)
        return PLACEHOLDER.sub(lambda m: str(_lookup(answers, m)), value)
    if isinstance(value, list):
        return [fill(item, answers) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, answers) for key, item in value.items()}
    return value
