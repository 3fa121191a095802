"""State machines: allowed moves pass, any other raises `InvalidState`."""

from __future__ import annotations

from enum import StrEnum

import pytest

from tukku.core.errors import Codes, InvalidState
from tukku.core.states import StateMachine


class Light(StrEnum):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"
    OFF = "off"


LIGHTS = StateMachine(
    "light",
    Light,
    {
        Light.RED: frozenset({Light.GREEN, Light.OFF}),
        Light.GREEN: frozenset({Light.AMBER, Light.OFF}),
        Light.AMBER: frozenset({Light.RED, Light.OFF}),
        Light.OFF: frozenset(),
    },
)


def test_an_allowed_move_gives_the_new_status_as_a_member() -> None:
    assert LIGHTS.moved(Light.RED, "green") is Light.GREEN
    assert LIGHTS.moved("green", Light.AMBER) is Light.AMBER


def test_a_move_the_machine_does_not_make_is_invalid_state_naming_both_ends() -> None:
    with pytest.raises(InvalidState) as raised:
        LIGHTS.moved(Light.RED, Light.AMBER)

    (problem,) = raised.value.problems
    assert problem.code is Codes.CONFLICT
    assert problem.field == "status"
    assert problem.description == "status: a light cannot go from red to amber"


def test_a_terminal_status_leads_nowhere() -> None:
    for light in Light:
        if light is not Light.OFF:
            with pytest.raises(InvalidState):
                LIGHTS.moved(Light.OFF, light)


def test_a_new_row_starts_anywhere_and_the_same_status_is_no_move() -> None:
    assert LIGHTS.moved(None, Light.AMBER) is Light.AMBER
    assert LIGHTS.moved(Light.OFF, Light.OFF) is Light.OFF


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="blue"):
        LIGHTS.moved(Light.RED, "blue")


def test_every_status_must_list_its_moves() -> None:
    with pytest.raises(ValueError, match="every light status"):
        StateMachine("light", Light, {Light.RED: frozenset({Light.GREEN})})
