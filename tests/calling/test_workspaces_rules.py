"""Workspace rules, directly."""

from __future__ import annotations

from tukku.calling.workspaces_rules import (
    Calling,
    attribute_problems,
    calling_of,
    defaults_match,
    license_problems,
    location_change_problems,
)


def _calling(**given: object) -> tuple[Calling | None, list[tuple[int, str | None]]]:
    base: dict[str, object] = dict.fromkeys(
        (
            "calling_type",
            "location_id",
            "webex_location_id",
            "extension",
            "phone_number",
            "licenses",
        )
    )
    base.update(given)
    calling, problems = calling_of(**base)  # type: ignore[arg-type]
    return calling, [(p.code.number, p.field) for p in problems]


def test_attributes_come_from_the_references_lists() -> None:
    assert (
        attribute_problems(
            display_name="Lobby",
            capacity=4,
            type_="focus",
            hotdesking_status="on",
            supported_devices="phones",
            notes=None,
        )
        == []
    )
    problems = attribute_problems(
        display_name=" ",
        capacity=2.5,
        type_="kitchen",
        hotdesking_status="maybe",
        supported_devices="fax",
        notes="x" * 1025,
    )
    assert [p.field for p in problems] == [
        "displayName",
        "capacity",
        "type",
        "hotdeskingStatus",
        "supportedDevices",
        "notes",
    ]


def test_calling_defaults_to_free_and_refuses_what_is_not_offered() -> None:
    calling, problems = _calling()
    assert problems == []
    assert calling is not None
    assert calling.type == "freeCalling"
    assert _calling(calling_type="hybridCalling")[1] == [(8023, "calling.type")]
    assert _calling(calling_type="pigeons")[1] == [(1002, "calling.type")]


def test_webex_calling_needs_a_location_and_an_extension_or_number() -> None:
    assert _calling(calling_type="webexCalling")[1] == [
        (5007, "calling.webexCalling.locationId"),
        (5004, "calling.webexCalling.phoneNumber"),
    ]
    calling, problems = _calling(
        calling_type="webexCalling", webex_location_id="L1", phone_number="+1 408 555 0100"
    )
    assert problems == []
    assert calling is not None
    webex = calling.webex
    assert webex is not None
    assert (webex.location_id, webex.phone_number, webex.extension) == ("L1", "+14085550100", None)
    mismatch = _calling(
        calling_type="webexCalling", location_id="L1", webex_location_id="L2", extension="12"
    )
    assert mismatch[1] == [(1002, "calling.webexCalling.locationId")]
    bad = _calling(calling_type="webexCalling", location_id="L1", extension="1", phone_number="12")
    assert bad[1] == [
        (5011, "calling.webexCalling.extension"),
        (5010, "calling.webexCalling.phoneNumber"),
    ]


def test_a_location_once_set_stays() -> None:
    assert location_change_problems(None, "L1") == []
    assert location_change_problems("L1", None) == []
    assert location_change_problems("L1", "L1") == []
    assert [p.code.number for p in location_change_problems("L1", "L2")] == [8024]


def test_licenses_named_must_include_the_customers_common_area_license() -> None:
    assert license_problems(None, "LIC") == []
    assert license_problems(["X", "LIC"], "LIC") == []
    assert [p.field for p in license_problems(["X"], "LIC")] == ["calling.webexCalling.licenses"]


def test_filters_on_attributes_kept_at_their_defaults() -> None:
    assert defaults_match({"calendar": None, "devicePlatform": "cisco"})
    assert not defaults_match({"calendar": "google"})
