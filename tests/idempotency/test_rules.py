"""The pure rules of idempotency keys: valid keys, fingerprints, decisions on a stored key."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from tukku.idempotency.rules import (
    Decision,
    KeyState,
    StoredKey,
    decide,
    fingerprint,
    kept_headers,
    valid_key,
    worth_keeping,
)

NOW = datetime(2027, 1, 3, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=24)


@pytest.mark.parametrize(
    "key",
    ["a", "0f8fad5b-d9cb-469f-a165-70867728950e", "x" * 255, "key with spaces", "~!@#$%^&*()"],
)
def test_printable_ascii_keys_up_to_255_characters_are_valid(key: str) -> None:
    assert valid_key(key)


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "tab\there", "clé", "line\nbreak", "\x7f"])
def test_empty_blank_long_and_unprintable_keys_are_not(key: str) -> None:
    assert not valid_key(key)


def test_a_fingerprint_is_the_same_for_the_same_request() -> None:
    assert fingerprint("POST", "/v1/x", "a=1", b"{}") == fingerprint("post", "/v1/x", "a=1", b"{}")
    assert len(fingerprint("POST", "/v1/x", "", b"")) == 64


def test_a_fingerprint_is_a_sha256_of_method_target_and_body_hash() -> None:
    body_hash = hashlib.sha256(b'{"a": 1}').hexdigest()
    expected = hashlib.sha256(f"PUT\n/v1/x?b=2\n{body_hash}".encode()).hexdigest()
    assert fingerprint("PUT", "/v1/x", "b=2", b'{"a": 1}') == expected


@pytest.mark.parametrize(
    "other",
    [
        ("PUT", "/v1/x", "a=1", b"{}"),
        ("POST", "/v1/y", "a=1", b"{}"),
        ("POST", "/v1/x", "a=2", b"{}"),
        ("POST", "/v1/x", "", b"{}"),
        ("POST", "/v1/x", "a=1", b"{ }"),
    ],
)
def test_method_path_query_and_body_each_change_the_fingerprint(
    other: tuple[str, str, str, bytes],
) -> None:
    assert fingerprint(*other) != fingerprint("POST", "/v1/x", "a=1", b"{}")


def _stored(
    state: KeyState, *, locked_until: datetime | None = None, expires_at: datetime = LATER
) -> StoredKey:
    return StoredKey("f1", state, locked_until, expires_at)


def test_the_same_request_gets_the_completed_answer() -> None:
    assert decide(_stored(KeyState.COMPLETED), "f1", NOW) is Decision.REPLAY


def test_another_request_with_the_key_is_refused_whatever_the_state() -> None:
    assert decide(_stored(KeyState.COMPLETED), "f2", NOW) is Decision.MISMATCH
    running = _stored(KeyState.RUNNING, locked_until=NOW + timedelta(seconds=5))
    assert decide(running, "f2", NOW) is Decision.MISMATCH
    lapsed = _stored(KeyState.RUNNING, locked_until=NOW - timedelta(seconds=1))
    assert decide(lapsed, "f2", NOW) is Decision.MISMATCH


def test_a_running_request_holds_the_key_until_its_lock_lapses() -> None:
    until = NOW + timedelta(seconds=60)
    assert decide(_stored(KeyState.RUNNING, locked_until=until), "f1", NOW) is Decision.IN_PROGRESS
    at_lapse = decide(_stored(KeyState.RUNNING, locked_until=until), "f1", until)
    assert at_lapse is Decision.TAKE_OVER


def test_an_expired_key_is_as_good_as_gone_even_for_another_request() -> None:
    expired = _stored(KeyState.COMPLETED, expires_at=NOW)
    assert decide(expired, "f1", NOW) is Decision.TAKE_OVER
    assert decide(expired, "f2", NOW) is Decision.TAKE_OVER


def test_only_the_headers_a_client_acts_on_are_kept() -> None:
    headers = [
        ("Content-Type", "application/json"),
        ("location", "http://x/1"),
        ("Link", '<http://x?offset=1>; rel="next"'),
        ("Retry-After", "5"),
        ("content-length", "2"),
        ("trackingid", "T1"),
    ]
    assert kept_headers(headers) == {
        "content-type": "application/json",
        "location": "http://x/1",
        "link": '<http://x?offset=1>; rel="next"',
        "retry-after": "5",
    }


@pytest.mark.parametrize(
    ("status", "headers", "kept"),
    [
        (400, {}, True),
        (404, {}, True),
        (409, {}, True),
        (409, {"retry-after": "5"}, False),
        (423, {}, False),
        (429, {}, False),
        (500, {}, False),
        (503, {}, False),
    ],
)
def test_a_refusal_is_kept_unless_a_retry_may_do_better(
    status: int, headers: dict[str, str], kept: bool
) -> None:
    assert worth_keeping(status, headers) is kept
