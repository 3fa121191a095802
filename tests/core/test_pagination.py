"""Offset pagination: `offset`/`max` validation and clamping, and complete `next` links."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tukku.core.errors import Codes, DomainError
from tukku.core.pagination import PageRequest, next_link, page_request

BASE = "https://tukku.test"
PATH = "/v1/wholesale/subscribers"
LINK = re.compile(r'<(?P<url>[^<>]+)>; rel="next"')


def follow(link: str) -> tuple[str, list[tuple[str, str]]]:
    """The URL of a `Link` header value without its query, and the query pairs in order."""
    match = LINK.fullmatch(link)
    assert match, link
    parts = urlsplit(match["url"])
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qsl(
        parts.query, keep_blank_values=True
    )


def test_missing_or_empty_offset_and_max_take_the_defaults() -> None:
    assert page_request(None, None, default=50, cap=100) == PageRequest(offset=0, limit=50)
    assert page_request("", "", default=50, cap=100) == PageRequest(offset=0, limit=50)


@given(offset=st.integers(min_value=0, max_value=10**9), size=st.integers(1, 10**6))
def test_a_valid_request_keeps_its_offset_and_clamps_max_to_the_cap(offset: int, size: int) -> None:
    page = page_request(str(offset), str(size), default=50, cap=100)

    assert page == PageRequest(offset=offset, limit=min(size, 100))


@pytest.mark.parametrize(
    ("offset", "max_", "field"),
    [
        ("-1", None, "offset"),
        ("abc", None, "offset"),
        ("1.5", None, "offset"),
        (None, "0", "max"),
        (None, "-5", "max"),
        (None, "ten", "max"),
        (None, "2.0", "max"),
    ],
)
def test_a_bad_offset_or_max_is_a_400_naming_the_parameter(
    offset: str | None, max_: str | None, field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        page_request(offset, max_, default=50, cap=100)

    assert caught.value.status == 400
    assert [(p.code, p.field) for p in caught.value.problems] == [(Codes.INVALID_QUERY, field)]


def test_the_next_link_keeps_every_filter_and_moves_the_offset() -> None:
    query = [
        ("customerId", "c-1"),
        ("status", "provisioned"),
        ("status", "pending_user_migration"),
        ("offset", "40"),
        ("max", "500"),
        ("sortBy", "created"),
    ]

    link = next_link(BASE, PATH, query, PageRequest(offset=40, limit=20))

    url, pairs = follow(link)
    assert url == BASE + PATH
    assert [p for p in pairs if p[0] not in ("offset", "max")] == [
        ("customerId", "c-1"),
        ("status", "provisioned"),
        ("status", "pending_user_migration"),
        ("sortBy", "created"),
    ]
    assert dict(p for p in pairs if p[0] in ("offset", "max")) == {"offset": "60", "max": "20"}
    assert [k for k, _ in pairs].count("offset") == 1
    assert [k for k, _ in pairs].count("max") == 1


def test_a_trailing_slash_on_the_base_url_does_not_double() -> None:
    link = next_link(BASE + "/", PATH, [], PageRequest(offset=0, limit=10))

    assert follow(link)[0] == BASE + PATH


filters = st.lists(
    st.tuples(
        st.sampled_from(["email", "status", "customerId", "offset", "max", "after", "x y"]),
        st.text(max_size=12),
    ),
    max_size=8,
)


@given(query=filters, offset=st.integers(0, 10**6), limit=st.integers(1, 100))
def test_a_next_link_carries_all_other_parameters_verbatim_whatever_their_characters(
    query: list[tuple[str, str]], offset: int, limit: int
) -> None:
    link = next_link(BASE, PATH, query, PageRequest(offset=offset, limit=limit))

    _, pairs = follow(link)
    assert [p for p in pairs if p[0] not in ("offset", "max")] == [
        p for p in query if p[0] not in ("offset", "max")
    ]
    assert sorted(p for p in pairs if p[0] in ("offset", "max")) == [
        ("max", str(limit)),
        ("offset", str(offset + limit)),
    ]
