"""Opaque identifiers: URL-safe, without padding, never reused, in the style of the original."""

from __future__ import annotations

import base64
import re
import string
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tukku.core.ids import derived_id, id_uuid, new_id

URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")
KINDS = st.text(string.ascii_uppercase + "_", min_size=1, max_size=20)


def decode(value: str) -> str:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()


@given(kind=KINDS)
def test_a_new_id_is_a_ciscospark_uri_of_its_kind_and_a_uuid(kind: str) -> None:
    scheme, empty, region, decoded_kind, tail = decode(new_id(kind)).split("/")

    assert (scheme, empty, region, decoded_kind) == ("ciscospark:", "", "us", kind)
    assert str(uuid.UUID(tail)) == tail


@pytest.mark.parametrize("kind", ["CUSTOMER", "SUBSCRIBER", "ORGANIZATION", "LOCATION"])
def test_an_id_is_url_safe_without_padding(kind: str) -> None:
    value = new_id(kind)

    assert URL_SAFE.fullmatch(value)
    assert "=" not in value


def test_ids_are_never_reused() -> None:
    ids = [new_id("SUBSCRIBER") for _ in range(2000)]

    assert len(set(ids)) == len(ids)


def test_id_uuid_reads_the_uuid_back() -> None:
    value = new_id("ORGANIZATION")

    assert id_uuid(value) == decode(value).rsplit("/", 1)[1]


def test_license_ids_carry_the_org_uuid_and_sku_like_the_original() -> None:
    org = new_id("ORGANIZATION")

    license_id = derived_id("LICENSE", f"{id_uuid(org)}:TK-WHL-CALLING_abc")

    assert decode(license_id) == f"ciscospark://us/LICENSE/{id_uuid(org)}:TK-WHL-CALLING_abc"
    assert URL_SAFE.fullmatch(license_id)
