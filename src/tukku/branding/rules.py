"""Pure rules of a brand: colour syntax, WCAG contrast, support contacts, and what kind of image
an upload really is (by its bytes, never its name)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from tukku.core.errors import Code, Codes, Problem
from tukku.core.validation import email_problem, normalize_email

HEX_COLOUR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
# WCAG 2.x success criterion 1.4.3 (AA) for normal-size text.
AA_CONTRAST = 4.5
PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{2,30}")
MAX_NAME = 80
MAX_URL = 1024


def parse_colour(value: str) -> str | None:
    """`#rrggbb` (lower case) for a hex colour given as `#rgb`, `#rrggbb` or without `#`;
    None for anything else."""
    found = HEX_COLOUR.fullmatch(value.strip())
    if found is None:
        return None
    digits = found.group(1).lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits}"


def _channel(value: int) -> float:
    """One sRGB channel (0-255) linearised, as WCAG 2 defines relative luminance."""
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a `#rrggbb` colour: 0 for black, 1 for white."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


MODES = ("light", "dark")
# The fields whose colour is read against the mode's background.
FOREGROUNDS = ("Text", "Accent")


def colour_problems(colours: dict[str, str]) -> tuple[dict[str, str], list[Problem]]:
    """Check the six colours of a brand (`lightText`, `lightBackground`, `lightAccent`, and the
    same for `dark`): each a hex colour, and text and accent each readable on the mode's
    background at WCAG AA (4.5:1). Returns the normalised colours and every problem found."""
    parsed: dict[str, str] = {}
    problems: list[Problem] = []
    for mode in MODES:
        for part in ("Text", "Background", "Accent"):
            name = f"{mode}{part}"
            colour = parse_colour(colours.get(name, ""))
            if colour is None:
                problems.append(_problem(name, "must be a colour like #1b1b1b", Codes.BRAND_COLOUR))
            else:
                parsed[name] = colour
        background = parsed.get(f"{mode}Background")
        for part in FOREGROUNDS:
            name = f"{mode}{part}"
            if background is None or name not in parsed:
                continue
            ratio = contrast_ratio(parsed[name], background)
            if ratio < AA_CONTRAST:
                reason = (
                    f"contrast with the {mode} background is {ratio:.2f}:1; at least 4.5:1 "
                    "(WCAG AA) is needed to read it"
                )
                problems.append(_problem(name, reason, Codes.BRAND_CONTRAST))
    return parsed, problems


@dataclass(frozen=True)
class Contacts:
    """A brand's name and support contacts, cleaned (None where not given)."""

    name: str | None
    support_url: str | None
    support_email: str | None
    support_phone: str | None


def contact_problems(
    *, name: str | None, url: str | None, email: str | None, phone: str | None
) -> tuple[Contacts, list[Problem]]:
    """Check the brand's name and support contacts: a URL only over `https://` with a host (and
    no space, quote or angle bracket), an e-mail address that is one (lower-cased), a phone
    number of digits (with `+`, spaces, dashes, brackets). Empty means not set."""
    problems: list[Problem] = []
    name, url, email, phone = (_blank_none(v) for v in (name, url, email, phone))
    if name and len(name) > MAX_NAME:
        problems.append(_problem("name", f"at most {MAX_NAME} characters", Codes.INVALID_FIELD))
    if url:
        parts = urlsplit(url)
        unsafe = any(ord(c) <= 0x20 or c in '<>"' for c in url)
        if parts.scheme != "https" or not parts.hostname or len(url) > MAX_URL or unsafe:
            problems.append(
                _problem("supportUrl", "must be an https:// address", Codes.BRAND_SUPPORT)
            )
    if email:
        normalized = normalize_email(email)
        if normalized is None:
            problems.append(email_problem("supportEmail"))
        email = normalized
    if phone and not PHONE.fullmatch(phone):
        problems.append(_problem("supportPhone", "is not a phone number", Codes.BRAND_SUPPORT))
    return Contacts(name, url, email, phone), problems


def _blank_none(value: str | None) -> str | None:
    return (value or "").strip() or None


def _problem(field_name: str, reason: str, code: Code) -> Problem:
    return Problem(code, f"{field_name}: {reason}", field_name)


class ImageKind(StrEnum):
    """The kinds of logo accepted."""

    PNG = "png"
    JPEG = "jpeg"
    SVG = "svg"


SVG_ROOT = re.compile(rb"<svg[\s>]")
MAX_LOGO_BYTES = 512 * 1024
DIGEST = re.compile(r"[0-9a-f]{64}")


def sniff(data: bytes) -> ImageKind | None:
    """What image `data` is by its first bytes: PNG and JPEG by their signatures, SVG as XML
    text whose first element is `<svg` (after an optional declaration, comments and
    whitespace). None for anything else: a file's name or declared type is never trusted."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ImageKind.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return ImageKind.JPEG
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    while head.startswith((b"<?xml", b"<!--")):
        end = head.find(b"?>" if head.startswith(b"<?") else b"-->")
        if end < 0:
            return None
        head = head[end + (2 if head.startswith(b"<?") else 3) :].lstrip()
    return ImageKind.SVG if SVG_ROOT.match(head) else None
