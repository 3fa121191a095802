"""The one Jinja2 environment of every page, with autoescaping on, and its filters."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from tukku.web.brand import DEFAULT

STATIC_DIR = Path(__file__).parent / "static"
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def when(moment: datetime | None) -> Markup:
    """A time as `<time>`: UTC to the minute, which portal.js shows in the viewer's own time
    zone, keeping UTC on hover; the exact instant is in `datetime`."""
    if moment is None:
        return Markup("")
    utc = moment.astimezone(UTC)
    exact = utc.isoformat(timespec="seconds").replace("+00:00", "Z")
    shown = utc.strftime("%Y-%m-%d %H:%M UTC")
    # Markup.format escapes its arguments.
    return Markup('<time datetime="{0}" title="{1}">{1}</time>').format(exact, shown)


templates.env.filters["when"] = when
templates.env.globals["default_brand"] = DEFAULT
