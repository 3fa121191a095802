"""The HTML part of a message: its plain text laid out under the brand's logo or name, with the
brand's colours and support contacts. Rendered by a Jinja2 environment of its own (autoescape
on, no FastAPI, so `tukku worker` loads none), from `web/templates/mail/`."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

import tukku.web
from tukku.web.brand import Brand

_ENV = Environment(
    loader=FileSystemLoader(Path(tukku.web.__file__).parent / "templates"),
    autoescape=select_autoescape(("html",), default=True),
    auto_reload=False,
)
# A link in a message's text: only http(s), up to the first space or closing bracket.
_URL = re.compile(r"https?://[^\s<>()\"']+")


def _linked(line: str, colour: str) -> Markup:
    """One line of text, escaped, its http(s) URLs made links."""
    out = Markup("")
    last = 0
    for found in _URL.finditer(line):
        url = found.group(0).rstrip(".,;:!?")
        out += escape(line[last : found.start()])
        out += Markup('<a href="{0}" style="color:{1}">{0}</a>').format(url, colour)
        last = found.start() + len(url)
    return out + escape(line[last:])


def paragraphs(body: str, colour: str) -> list[Markup]:
    """The text's paragraphs (split at blank lines), lines kept, links made clickable."""
    blocks = [b for b in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()) if b.strip()]
    return [Markup("<br>\n").join(_linked(line, colour) for line in b.split("\n")) for b in blocks]


def render(*, subject: str, body: str, brand: Brand, base_url: str | None) -> str:
    """The message as an HTML document. The logo is linked by absolute URL from the configured
    public base URL (never a request's host); without one, the brand's name stands in."""
    logo = f"{base_url.rstrip('/')}{brand.logo_path}" if base_url and brand.logo_path else None
    template = _ENV.get_template("mail/message.html")
    return template.render(
        subject=subject,
        paragraphs=paragraphs(body, brand.light.accent),
        brand=brand,
        logo_url=logo,
    )


def text_footer(brand: Brand) -> str:
    """The support contacts under the plain text ("" when the brand has none)."""
    contacts = [c for c in (brand.support_url, brand.support_email, brand.support_phone) if c]
    return f"\n\n--\n{brand.name} support: {' | '.join(contacts)}\n" if contacts else "\n"
