"""Signed, expiring, purpose-bound tokens for links that need no bearer token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tukku.core.security import sign, unsign

SECRET = "s3cret-for-tests"
NOW = datetime(2027, 1, 3, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=30)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(data=json_values)
def test_a_token_gives_back_its_data_before_it_expires(data: Any) -> None:
    token = sign(SECRET, "download", data, expires_at=LATER)

    assert unsign(SECRET, "download", token, now=NOW) == data


def test_a_token_is_url_safe() -> None:
    token = sign(SECRET, "download", {"report": "r-1", "path": "a b/c?d"}, expires_at=LATER)

    assert all(c.isalnum() or c in "-_." for c in token)


def test_a_token_works_until_the_last_instant_before_expiry() -> None:
    token = sign(SECRET, "download", "r-1", expires_at=LATER)

    assert unsign(SECRET, "download", token, now=LATER - timedelta(milliseconds=1)) == "r-1"


def test_a_token_is_dead_at_and_after_its_expiry() -> None:
    token = sign(SECRET, "download", "r-1", expires_at=LATER)

    assert unsign(SECRET, "download", token, now=LATER) is None
    assert unsign(SECRET, "download", token, now=LATER + timedelta(days=1)) is None


def test_a_token_for_another_purpose_is_refused() -> None:
    token = sign(SECRET, "consent", "s-1", expires_at=LATER)

    assert unsign(SECRET, "download", token, now=NOW) is None


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = sign("another-secret", "download", "r-1", expires_at=LATER)

    assert unsign(SECRET, "download", token, now=NOW) is None


def test_a_payload_swapped_under_a_valid_signature_is_refused() -> None:
    genuine = sign(SECRET, "download", "r-1", expires_at=LATER)
    forged_payload = sign("attacker", "download", "r-2", expires_at=LATER).rsplit(".", 1)[0]

    forged = forged_payload + "." + genuine.rsplit(".", 1)[1]

    assert unsign(SECRET, "download", forged, now=NOW) is None


@given(position=st.integers(min_value=0, max_value=10**6), replacement=st.sampled_from("AbZ09_-"))
def test_changing_a_character_of_the_payload_or_signature_head_is_refused(
    position: int, replacement: str
) -> None:
    token = sign(SECRET, "download", {"report": "r-1"}, expires_at=LATER)
    payload = token.rsplit(".", 1)[0]
    # Every character but the last of a base64 group carries only significant bits.
    editable = [*range(len(payload) - 1), len(payload) + 1]
    index = editable[position % len(editable)]
    if token[index] == replacement:
        replacement = "x"

    tampered = token[:index] + replacement + token[index + 1 :]

    assert tampered != token
    assert unsign(SECRET, "download", tampered, now=NOW) is None


def test_garbage_is_refused() -> None:
    for token in ["", ".", "abc", "abc.def", "a.b.c"]:
        assert unsign(SECRET, "download", token, now=NOW) is None
