"""Turning an uploaded logo into what tukku serves: always a PNG of at most 512 pixels a side,
re-drawn from the upload's pixels, so nothing of the uploaded file but its picture survives.

SVG is rasterised with CairoSVG (Kozea), which parses with defusedxml (no entities, no DTD) and,
in its default safe mode, fetches nothing but `data:` URLs: scripts, event handlers and external
references of the upload are never run, fetched or served. PNG and JPEG are decoded with Pillow,
their size checked from the header before any pixel is decoded, and encoded again (dropping
metadata and anything appended to the file).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

import cairosvg
from defusedxml import DefusedXmlException
from PIL import Image, UnidentifiedImageError

from tukku.branding.rules import MAX_LOGO_BYTES, ImageKind, sniff
from tukku.core.errors import Codes, Invalid

SIDE = 512
MAX_SOURCE_SIDE = 4096
# What rendering an untrusted SVG can raise: malformed XML, a DTD or entity (refused), and the
# renderer's own failures on values it cannot use.
SVG_FAILURES = (
    ParseError,
    DefusedXmlException,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    ZeroDivisionError,
    RecursionError,
    OSError,
    UnidentifiedImageError,
)


@dataclass(frozen=True)
class Logo:
    """A logo ready to store: PNG bytes and their SHA-256 (hex), which names it in URLs."""

    png: bytes
    digest: str


def prepare(data: bytes) -> Logo:
    """The logo to store for an upload; `Invalid("logo", ...)` when it is too large, not a PNG,
    JPEG or SVG by its content, or cannot be read as one."""
    if len(data) > MAX_LOGO_BYTES:
        raise Invalid("logo", "the file is larger than 512 KiB", Codes.BRAND_LOGO_TOO_LARGE)
    kind = sniff(data)
    if kind is None:
        raise Invalid("logo", "is not a PNG, JPEG or SVG image", Codes.BRAND_LOGO_TYPE)
    image = _from_svg(data) if kind is ImageKind.SVG else _from_bitmap(data)
    png = _encode(image)
    return Logo(png, hashlib.sha256(png).hexdigest())


def _unreadable(kind: str) -> Invalid:
    return Invalid("logo", f"could not be read as {kind}", Codes.BRAND_LOGO_UNREADABLE)


def _from_bitmap(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as opened:
            if max(opened.size) > MAX_SOURCE_SIDE:
                raise Invalid(
                    "logo",
                    f"the image is larger than {MAX_SOURCE_SIDE} pixels a side",
                    Codes.BRAND_LOGO_TOO_LARGE,
                )
            opened.load()
            image = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise _unreadable("a PNG or JPEG image") from exc
    image.thumbnail((SIDE, SIDE))
    return image


def _from_svg(data: bytes) -> Image.Image:
    try:
        # Drawn into a fixed square (keeping its proportions), whatever size it claims, so a
        # huge declared size costs nothing; the empty margins are cut off below.
        png = cairosvg.svg2png(bytestring=data, output_width=SIDE, output_height=SIDE)
        image = Image.open(io.BytesIO(png), formats=("PNG",)).convert("RGBA")
    except SVG_FAILURES as exc:
        raise _unreadable("an SVG image") from exc
    box = image.getbbox()
    if box is None:
        raise Invalid("logo", "the SVG image draws nothing", Codes.BRAND_LOGO_UNREADABLE)
    return image.crop(box)


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
