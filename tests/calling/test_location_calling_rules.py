"""Rules of a location's calling settings and of a phone's cut-over, tested directly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tukku.calling.devices_rules import CutoverState, cut_over, direction_problem
from tukku.calling.location_calling_rules import Connection, check_connection, check_main_number
from tukku.core.errors import Codes


def test_a_connection_is_a_trunk_or_route_group_with_an_id() -> None:
    assert check_connection("TRUNK", " trunk-1 ") == (Connection("TRUNK", "trunk-1"), [])
    assert check_connection("ROUTE_GROUP", "rg") == (Connection("ROUTE_GROUP", "rg"), [])
    for kind in ("CISCO_PSTN", "CLOUD_CONNECTED_PSTN", "trunk", "", None):
        found, problems = check_connection(kind, "x", prefix="connection.")
        assert found is None
        assert [(p.code, p.field) for p in problems] == [
            (Codes.PSTN_CONNECTION_INVALID, "connection.type")
        ], kind
    for route in (None, "  ", "x" * 129, "a\nb"):
        found, problems = check_connection("TRUNK", route)
        assert found is None
        assert [p.field for p in problems] == ["id"], route
    assert check_connection("TRUNK", "x" * 128)[0] == Connection("TRUNK", "x" * 128)
    assert [p.field for p in check_connection(None, None)[1]] == ["type", "id"]


def test_a_main_number_is_one_of_the_locations_numbers() -> None:
    here = {"+14085550100", "+14085550101"}

    assert check_main_number("+1 (408) 555-0101", here) == ("+14085550101", [])
    for value in ("", "4085550100", "call me", None):
        number, problems = check_main_number(value, here)
        assert number is None
        assert [(p.code, p.field) for p in problems] == [
            (Codes.PHONE_NUMBER_INVALID, "callingLineId.phoneNumber")
        ], value
    number, problems = check_main_number("+14085550199", here)
    assert number is None
    assert [p.code for p in problems] == [Codes.MAIN_NUMBER_NOT_AT_LOCATION]
    assert "+14085550199" in problems[0].description


def test_the_cutover_directions() -> None:
    assert direction_problem("move") is None
    assert direction_problem("rollback") is None
    for wrong in (None, "", "Move", "back"):
        problem = direction_problem(wrong)
        assert problem is not None
        assert (problem.code, problem.field) == (Codes.CUTOVER_DIRECTION_INVALID, "direction")


def test_moving_remembers_the_state_and_rolling_back_restores_it() -> None:
    fresh = CutoverState("deactivated", None)

    moved = cut_over(fresh, "move")

    assert moved == CutoverState("activated", "deactivated")
    assert moved.moved
    assert not fresh.moved
    assert cut_over(moved, "rollback") == fresh
    assert cut_over(CutoverState("activated", None), "move") == CutoverState(
        "activated", "activated"
    )


STATES = st.sampled_from(["activated", "deactivated", "activating"])


@given(
    start=STATES,
    directions=st.lists(st.sampled_from(["move", "rollback"]), max_size=8),
)
def test_a_cutover_sequence_ends_as_its_last_direction_says(
    start: str, directions: list[str]
) -> None:
    state = CutoverState(start, None)
    for direction in directions:
        again = cut_over(state, direction)
        assert cut_over(again, direction) == again  # idempotent
        state = again
    if directions and directions[-1] == "move":
        assert state == CutoverState("activated", start)
    else:
        assert state == CutoverState(start, None)
