"""Planned requests are filled from earlier answers: whole values keep their type, embedded
ones become text, and a missing answer is named."""

from __future__ import annotations

import pytest

from tukku.broadworks.placeholders import MissingAnswer, fill

ANSWERS = {
    "customer": {"id": "c1", "orgId": "org-1", "locationId": "loc-hq"},
    "subscriber/alice": {"id": "s1", "personId": "p1"},
}


def test_a_whole_placeholder_takes_the_answers_value() -> None:
    body = {"customerId": "{{customer}}", "agents": [{"id": "{{subscriber/alice#personId}}"}]}

    assert fill(body, ANSWERS) == {"customerId": "c1", "agents": [{"id": "p1"}]}


def test_placeholders_inside_a_path_are_replaced_in_the_text() -> None:
    path = "/v1/telephony/config/locations/{{customer#locationId}}/numbers?orgId={{customer#orgId}}"

    assert fill(path, ANSWERS) == "/v1/telephony/config/locations/loc-hq/numbers?orgId=org-1"


def test_values_without_placeholders_are_unchanged() -> None:
    body = {"n": 4, "on": True, "none": None, "text": "{not one}"}

    assert fill(body, ANSWERS) == body


@pytest.mark.parametrize(
    ("value", "op_id", "field"),
    [("{{location/br}}", "location/br", "id"), ("x {{customer#nope}}", "customer", "nope")],
)
def test_a_missing_answer_names_the_operation_and_field(value: str, op_id: str, field: str) -> None:
    with pytest.raises(MissingAnswer) as raised:
        fill({"a": [value]}, ANSWERS)

    assert (raised.value.op_id, raised.value.field) == (op_id, field)
