"""Pure rules of identity over organizations' names."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tukku.identity.rules import sip_domain_label


@given(st.text(max_size=80))
def test_a_sip_domain_label_is_a_short_lower_case_alphanumeric_dns_label(name: str) -> None:
    label = sip_domain_label(name)

    assert re.fullmatch(r"[a-z0-9]{1,40}", label)
    assert sip_domain_label(name) == label


@given(st.text(string.ascii_letters + string.digits, min_size=1, max_size=80))
def test_a_sip_domain_label_keeps_the_letters_and_digits_of_an_ascii_name(name: str) -> None:
    assert sip_domain_label(name) == name.lower()[:40]


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Pizza Palace Oy", "pizzapalaceoy"),
        ("Café Ölund & Co.", "cafeolundco"),
        ("Ärrä-Pizza 24/7", "arrapizza247"),
    ],
)
def test_a_sip_domain_label_drops_accents_spaces_and_punctuation(name: str, label: str) -> None:
    assert sip_domain_label(name) == label
