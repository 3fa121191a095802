"""Wire time formats: ISO 8601 UTC with milliseconds and `Z`; epoch-ms or ISO list filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tukku.core.timefmt import iso, iso_or_none, parse_instant

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HELSINKI_SUMMER = timezone(timedelta(hours=3))
instants = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)


def test_iso_is_utc_with_milliseconds_and_z() -> None:
    value = datetime(2021, 8, 6, 2, 3, 0, 62_000, tzinfo=UTC)

    assert iso(value) == "2021-08-06T02:03:00.062Z"


def test_iso_converts_other_offsets_to_utc() -> None:
    value = datetime(2021, 8, 6, 5, 3, 0, tzinfo=HELSINKI_SUMMER)

    assert iso(value) == "2021-08-06T02:03:00.000Z"


def test_iso_or_none_passes_none_through() -> None:
    assert iso_or_none(None) is None
    assert iso_or_none(EPOCH) == "1970-01-01T00:00:00.000Z"


@given(instants)
def test_iso_always_has_the_wire_shape_and_parses_back_to_the_millisecond(
    value: datetime,
) -> None:
    text = iso(value)

    assert len(text) == 24
    assert text.endswith("Z")
    assert text[19] == "."
    assert abs(parse_instant(text) - value) < timedelta(milliseconds=1)


@given(st.integers(min_value=-(10**12), max_value=7 * 10**12))
def test_epoch_milliseconds_parse_to_that_instant(millis: int) -> None:
    assert parse_instant(str(millis)) == EPOCH + timedelta(milliseconds=millis)


@pytest.mark.parametrize(
    "text",
    [
        "1628215380062",
        " 1628215380062 ",
        "2021-08-06T02:03:00.062Z",
        "2021-08-06T02:03:00.062z",
        "2021-08-06T02:03:00.062",
        "2021-08-06T02:03:00.062+00:00",
        "2021-08-06T05:03:00.062+03:00",
        "2021-08-05T21:03:00.062-05:00",
    ],
)
def test_epoch_ms_and_iso_with_or_without_zone_name_the_same_instant(text: str) -> None:
    parsed = parse_instant(text)

    assert parsed == datetime(2021, 8, 6, 2, 3, 0, 62_000, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text", ["", " ", "yesterday", "2021-13-01", "2021-08-06T25:00:00", "12:00", "1e12", "--5", "-"]
)
def test_garbage_is_refused_with_value_error(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the documented contract is a bare ValueError
        parse_instant(text)


@pytest.mark.parametrize(
    "text",
    [
        "99999999999999999999",
        "-99999999999999999999",
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00+01:00",
    ],
)
def test_an_instant_out_of_range_is_refused_with_value_error(text: str) -> None:
    # Callers turn ValueError into a 400; any other exception becomes a 500.
    with pytest.raises(ValueError):  # noqa: PT011 - the documented contract is a bare ValueError
        parse_instant(text)
