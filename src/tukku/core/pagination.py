"""Offset pagination with RFC 5988 `Link` headers whose `next` URL carries every filter."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from tukku.core.errors import Codes, Invalid

MAX_OFFSET = 1_000_000_000


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a list the client asked for."""

    offset: int
    limit: int


def page_request(offset: str | None, max_: str | None, *, default: int, cap: int) -> PageRequest:
    """Parse `offset`/`max`; `max` above `cap` is clamped (the next link serves the rest)."""
    try:
        start = 0 if offset in (None, "") else int(offset)
    except ValueError:
        raise Invalid("offset", "must be a whole number", Codes.INVALID_QUERY) from None
    try:
        size = default if max_ in (None, "") else int(max_)
    except ValueError:
        raise Invalid("max", "must be a whole number", Codes.INVALID_QUERY) from None
    if not 0 <= start <= MAX_OFFSET:
        raise Invalid("offset", f"must be between 0 and {MAX_OFFSET}", Codes.INVALID_QUERY)
    if size < 1:
        raise Invalid("max", "must be 1 or more", Codes.INVALID_QUERY)
    return PageRequest(offset=start, limit=min(size, cap))


def next_link(base_url: str, path: str, query: list[tuple[str, str]], page: PageRequest) -> str:
    """`<url>; rel="next"` for the page after `page`, keeping every other query parameter.

    Clients follow this URL as is and never re-send their filters, so it must carry all of them.
    """
    kept = [(k, v) for k, v in query if k not in ("offset", "max")]
    kept += [("max", str(page.limit)), ("offset", str(page.offset + page.limit))]
    return f'<{base_url.rstrip("/")}{path}?{urlencode(kept)}>; rel="next"'
