"""Opaque identifiers: URL-safe, without padding, never reused, and their kind readable back."""

from __future__ import annotations

import base64
import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tukku.core.ids import id_kind, new_id

URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")
KINDS = st.text(string.ascii_uppercase + "_", min_size=1, max_size=20)


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@given(kind=KINDS)
def test_a_new_id_round_trips_to_its_kind(kind: str) -> None:
    assert id_kind(new_id(kind)) == kind


@pytest.mark.parametrize("kind", ["CUSTOMER", "SUBSCRIBER", "ORGANIZATION", "LOCATION"])
def test_an_id_is_url_safe_without_padding(kind: str) -> None:
    value = new_id(kind)

    assert URL_SAFE.fullmatch(value)
    assert "=" not in value


def test_ids_are_never_reused() -> None:
    ids = [new_id("SUBSCRIBER") for _ in range(2000)]

    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "!!!!",
        "abc",
        "not-an-id",
        b64("hello world"),
        b64("ciscospark://us/CUSTOMER"),
        b64("ciscospark://us/CUSTOMER/a/b"),
        b64("https://us/CUSTOMER/abc"),
        b64("ciscospark:/x/us/CUSTOMER/abc"),
        base64.urlsafe_b64encode(b"\xff\xfe\xfd\xfc").decode(),
    ],
)
def test_garbage_has_no_kind(value: str) -> None:
    assert id_kind(value) is None


@given(value=st.text(max_size=60))
def test_any_text_yields_a_kind_or_nothing_without_raising(value: str) -> None:
    result = id_kind(value)

    assert result is None or isinstance(result, str)


def test_an_id_with_characters_outside_the_url_safe_alphabet_has_no_kind() -> None:
    # new_id never produces "!", so this string is not one of its IDs.
    assert id_kind(new_id("CUSTOMER") + "!!!") is None
