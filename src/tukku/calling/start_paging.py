"""Paging as the Webex calling and workspace APIs do it: `start` (offset) and `max`, and a
`Link: rel="next"` header whose URL carries every filter and the next `start`."""

from __future__ import annotations

from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import Query, Request, Response

from tukku.core.errors import Codes, Invalid
from tukku.core.http import base_url
from tukku.core.pagination import MAX_OFFSET, PageRequest

T = TypeVar("T")
StartParam = Annotated[str | None, Query(alias="start", description="Offset. Default is 0.")]
MaxParam = Annotated[str | None, Query(alias="max", description="Page size.")]


def start_page(start: str | None, max_: str | None, *, default: int, cap: int) -> PageRequest:
    """Parse `start`/`max` (400 naming either); `max` above `cap` is clamped."""
    try:
        offset = 0 if start in (None, "") else int(float(start))
    except ValueError:
        raise Invalid("start", "must be a whole number", Codes.INVALID_QUERY) from None
    try:
        size = default if max_ in (None, "") else int(float(max_))
    except ValueError:
        raise Invalid("max", "must be a whole number", Codes.INVALID_QUERY) from None
    if not 0 <= offset <= MAX_OFFSET:
        raise Invalid("start", f"must be between 0 and {MAX_OFFSET}", Codes.INVALID_QUERY)
    if size < 1:
        raise Invalid("max", "must be 1 or more", Codes.INVALID_QUERY)
    return PageRequest(offset=offset, limit=min(size, cap))


def trim_start_page(
    request: Request, response: Response, rows: list[T], page: PageRequest
) -> list[T]:
    """Cut the look-ahead row off a page; if there was one, link the next page."""
    if len(rows) <= page.limit:
        return rows
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("start", "max")]
    kept += [("max", str(page.limit)), ("start", str(page.offset + page.limit))]
    url = f"{base_url(request).rstrip('/')}{request.url.path}?{urlencode(kept)}"
    response.headers["Link"] = f'<{url}>; rel="next"'
    return rows[: page.limit]
