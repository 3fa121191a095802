"""The pure rules of a brand: WCAG contrast against published values, colours, contacts, and
recognising an image by its bytes."""

from __future__ import annotations

import pytest

from tukku.branding import rules
from tukku.branding.rules import ImageKind


@pytest.mark.parametrize(
    ("foreground", "background", "published"),
    [
        ("#000000", "#ffffff", 21.0),  # the largest contrast there is
        ("#ffffff", "#ffffff", 1.0),
        ("#777777", "#ffffff", 4.48),  # WebAIM's checker: just fails AA
        ("#767676", "#ffffff", 4.54),  # the lightest grey passing AA on white
        ("#595959", "#ffffff", 7.0),  # the lightest grey passing AAA on white
        ("#0000ff", "#ffffff", 8.59),
        ("#ff0000", "#ffffff", 4.0),
    ],
)
def test_contrast_ratio_matches_published_wcag_values(
    foreground: str, background: str, published: float
) -> None:
    assert rules.contrast_ratio(foreground, background) == pytest.approx(published, abs=0.01)
    assert rules.contrast_ratio(background, foreground) == pytest.approx(published, abs=0.01)


@pytest.mark.parametrize(
    ("given", "parsed"),
    [("#1B1B1B", "#1b1b1b"), ("1b1b1b", "#1b1b1b"), ("#fff", "#ffffff"), (" #abc ", "#aabbcc")],
)
def test_colours_are_read_as_hex(given: str, parsed: str) -> None:
    assert rules.parse_colour(given) == parsed


@pytest.mark.parametrize("given", ["", "red", "#12345", "#1234567", "#ggg", "rgb(0,0,0)", "#fff;x"])
def test_anything_but_a_hex_colour_is_refused(given: str) -> None:
    assert rules.parse_colour(given) is None


GOOD = {
    "lightText": "#1b1b1b",
    "lightBackground": "#ffffff",
    "lightAccent": "#0b5cad",
    "darkText": "#f2f4f7",
    "darkBackground": "#1b1f24",
    "darkAccent": "#8cc4ff",
}


def test_readable_colours_pass() -> None:
    colours, problems = rules.colour_problems(GOOD)
    assert problems == []
    assert colours == GOOD


def test_a_just_too_light_grey_text_is_refused_naming_its_field() -> None:
    _, problems = rules.colour_problems(GOOD | {"lightText": "#777"})
    assert [p.field for p in problems] == ["lightText"]
    assert "4.48:1" in problems[0].description
    assert problems[0].code.number == 8131


def test_the_lightest_passing_grey_is_accepted() -> None:
    assert rules.colour_problems(GOOD | {"lightText": "#767676"})[1] == []


def test_dark_mode_accent_is_checked_against_the_dark_background() -> None:
    _, problems = rules.colour_problems(GOOD | {"darkAccent": "#0b5cad"})
    assert [p.field for p in problems] == ["darkAccent"]


def test_every_problem_is_reported_at_once() -> None:
    _, problems = rules.colour_problems(
        GOOD | {"lightBackground": "blue", "darkText": "#1b1f24", "darkAccent": "#1c2025"}
    )
    assert [p.field for p in problems] == ["lightBackground", "darkText", "darkAccent"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "http://help.example"),
        ("url", "javascript:alert(1)"),
        ("url", "https://"),
        ("email", "not an address"),
        ("phone", "call us"),
    ],
)
def test_bad_support_contacts_are_refused(field: str, value: str) -> None:
    given = {"name": None, "url": None, "email": None, "phone": None, field: value}
    _, problems = rules.contact_problems(**given)
    assert [p.field for p in problems] == [
        {"url": "supportUrl", "email": "supportEmail", "phone": "supportPhone"}[field]
    ]


def test_support_contacts_are_cleaned() -> None:
    contacts, problems = rules.contact_problems(
        name=" Pizza Phone ", url="https://help.pizza.test/x", email="Help@Pizza.test", phone=""
    )
    assert problems == []
    assert contacts.name == "Pizza Phone"
    assert contacts.support_url == "https://help.pizza.test/x"
    assert contacts.support_email == "help@pizza.test"
    assert contacts.support_phone is None


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ImageKind.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", ImageKind.JPEG),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', ImageKind.SVG),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- logo -->\n<svg>', ImageKind.SVG),
        (b"GIF89a...", None),
        (b"<html><svg></svg></html>", None),
        (b'<!DOCTYPE svg [<!ENTITY x "y">]><svg>', None),
        (b"%PDF-1.7", None),
        (b"", None),
    ],
    ids=["png", "jpeg", "svg", "svg-with-prolog", "gif", "html", "doctype", "pdf", "empty"],
)
def test_an_image_is_recognised_by_its_bytes(data: bytes, kind: ImageKind | None) -> None:
    assert rules.sniff(data) is kind
