"""The Locations and People API rules on their own: what a location and a floor must hold, when
a location may go, the `id` filter and how a person is named."""

from __future__ import annotations

import pytest

from tukku.calling.locations_rules import (
    CREATE_REQUIRED,
    LocationDraft,
    check_floor,
    check_location,
    coordinate,
    deletion_problem,
    name_clash,
)
from tukku.calling.people_rules import display_name, person_ids, phone_numbers
from tukku.core.errors import Codes, DomainError

GOOD = LocationDraft(
    name="Denver",
    time_zone="America/Denver",
    preferred_language="en_us",
    announcement_language="fr_fr",
    address1="1 Main St",
    city="Denver",
    state="CO",
    postal_code="80202",
    country="us",
)


def fields(problems: list) -> list[str | None]:  # type: ignore[type-arg]
    return [p.field for p in problems]


def test_a_complete_location_is_stored_with_canonical_values() -> None:
    checked, problems = check_location(GOOD, required=CREATE_REQUIRED)
    assert problems == []
    assert checked is not None
    assert checked.location.address.country == "US"
    assert checked.location.language == "en_US"
    assert checked.details.announcement_language == "fr_FR"


def test_every_required_field_missing_is_named() -> None:
    checked, problems = check_location(LocationDraft(), required=CREATE_REQUIRED)
    assert checked is None
    assert fields(problems) == list(CREATE_REQUIRED)
    assert {p.code for p in problems} == {Codes.MISSING_FIELD}


def test_an_update_requires_only_what_the_location_had() -> None:
    older = LocationDraft(**{**GOOD.__dict__, "state": None, "announcement_language": None})
    checked, problems = check_location(older, required=("name", "address.city"))
    assert problems == []
    assert checked is not None
    assert checked.details.announcement_language is None


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"time_zone": "Mars/Base"}, "timeZone", Codes.TIMEZONE_INVALID),
        ({"preferred_language": "klingon"}, "preferredLanguage", Codes.LANGUAGE_INVALID),
        ({"announcement_language": "xx_XX"}, "announcementLanguage", Codes.LANGUAGE_INVALID),
        ({"country": "XX"}, "address.country", Codes.COUNTRY_INVALID),
        ({"country": "ß"}, "address.country", Codes.COUNTRY_INVALID),
        ({"address1": "a" * 51}, "address.address1", Codes.ADDRESS_INVALID),
        ({"address2": "a" * 51}, "address.address2", Codes.ADDRESS_INVALID),
        ({"name": "n" * 81}, "name", Codes.INVALID_FIELD),
        ({"latitude": "90.5"}, "latitude", Codes.COORDINATE_INVALID),
        ({"longitude": "-181"}, "longitude", Codes.COORDINATE_INVALID),
        ({"longitude": "nan"}, "longitude", Codes.COORDINATE_INVALID),
        ({"notes": "n" * 1025}, "notes", Codes.INVALID_FIELD),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(change: dict, field: str, code: object) -> None:  # type: ignore[type-arg]
    checked, problems = check_location(
        LocationDraft(**{**GOOD.__dict__, **change}), required=CREATE_REQUIRED
    )
    assert checked is None
    assert [(p.field, p.code) for p in problems] == [(field, code)]


def test_coordinates_keep_their_text_and_numbers_become_text() -> None:
    assert coordinate(" 12.5 ") == "12.5"
    assert coordinate(-104.99) == "-104.99"
    assert coordinate(None) is None
    checked, _ = check_location(
        LocationDraft(**{**GOOD.__dict__, "latitude": "-90", "longitude": "180"}),
        required=CREATE_REQUIRED,
    )
    assert checked is not None
    assert (checked.details.latitude, checked.details.longitude) == ("-90", "180")


def test_names_differ_without_case_or_spaces() -> None:
    clash = name_clash(["Head Office"], "  head OFFICE ")
    assert clash is not None
    assert clash.code is Codes.LOCATION_NAME_TAKEN
    assert name_clash(["Head Office"], "Head Office 2") is None


def test_a_location_goes_only_when_empty_and_not_the_headquarters() -> None:
    hq = deletion_problem(headquarters=True, held={"user": 0})
    assert hq is not None
    assert hq.code is Codes.HEADQUARTERS_KEPT
    busy = deletion_problem(headquarters=False, held={"user": 2, "number": 1, "workspace": 0})
    assert busy is not None
    assert busy.code is Codes.LOCATION_IN_USE
    assert "2 users and 1 number;" in busy.description
    many = deletion_problem(headquarters=False, held={"user": 1, "workspace": 2, "call queue": 1})
    assert many is not None
    assert "1 user, 2 workspaces and 1 call queue;" in many.description
    assert deletion_problem(headquarters=False, held={"user": 0, "number": 0}) is None


@pytest.mark.parametrize(
    ("number", "name", "expected"),
    [(-1, "Basement", (-1, "Basement")), (2.0, "  ", (2, None)), ("3", None, (3, None))],
)
def test_a_floor_has_a_whole_number(number: object, name: str | None, expected: tuple) -> None:  # type: ignore[type-arg]
    assert check_floor(number, name) == (expected, [])  # type: ignore[arg-type]


@pytest.mark.parametrize("number", [None, 1.5, "one", True, 1000, -1000])
def test_a_floor_number_that_is_missing_or_not_whole_is_refused(number: object) -> None:
    checked, problems = check_floor(number, None)  # type: ignore[arg-type]
    assert checked is None
    assert fields(problems) == ["floorNumber"]


def test_the_id_filter_takes_up_to_85_ids() -> None:
    assert person_ids(None) is None
    assert person_ids("a, b,,a") == ["a", "b"]
    with pytest.raises(DomainError):
        person_ids(" , ")
    with pytest.raises(DomainError):
        person_ids(",".join(str(n) for n in range(86)))
    assert len(person_ids(",".join(str(n) for n in range(85))) or []) == 85


def test_a_person_is_named_by_display_name_then_names_then_email() -> None:
    assert display_name("Boss", "Ada", "L", "a@x.test") == "Boss"
    assert display_name(None, "Ada", None, "a@x.test") == "Ada"
    assert display_name(" ", None, None, "a@x.test") == "a@x.test"
    assert phone_numbers(None) == []
    assert phone_numbers("+358401234567") == [
        {"type": "work", "value": "+358401234567", "primary": True}
    ]
