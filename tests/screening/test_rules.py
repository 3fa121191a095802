"""Pure rules of denied-party screening (PRODUCT 4.4): name normalisation, reading list files in
the US Consolidated Screening List CSV layout, and fuzzy, country-aware matching.

Every score a test relies on is computed here with rapidfuzz on strings normalised by hand, so the
pairs are known to sit on the intended side of each documented threshold (90 in the customer's
country or nowhere known, 97 for parties only known elsewhere, 80 when the listed address in the
customer's country matches too). All names and addresses are fictional.
"""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rapidfuzz import fuzz

from tukku.screening.rules import (
    Candidate,
    ListedAddress,
    ListedParty,
    ListFileError,
    Screener,
    normalize,
    read_list,
)

CSL_HEADER = [
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
]


def csl(*rows: dict[str, str], header: list[str] | None = None) -> str:
    """A list file in the CSL layout with `rows` (unnamed columns left empty)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or CSL_HEADER, restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def parse(text: str) -> list[ListedParty]:
    return list(read_list(text.splitlines(keepends=True)))


# -- normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zyxwv Trading", "zyxwv trading"),
        ("ZYXWV   trading", "zyxwv trading"),
        ("Zyxwv Trading Co., Ltd.", "zyxwv trading"),
        ("Zyxwv-Trading GmbH", "zyxwv trading"),
        ("Ékö Ståhl Oy", "eko stahl"),
        ("Čeština & Ñandú", "cestina nandu"),
        ("Große Straße AG", "grosse strasse"),
        ("  Qorvex (Shipping), Inc!  ", "qorvex shipping"),
        ("Blorp 24/7 Pty Ltd", "blorp 24 7"),
        # nothing but legal forms: they are kept, or the name would vanish
        ("Limited Co.", "limited co"),
        ("OY", "oy"),
        ("", ""),
        ("---", ""),
    ],
)
def test_normalisation_folds_accents_case_punctuation_and_legal_forms(
    raw: str, expected: str
) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zyxwv Trading S.A.", "zyxwv trading"),
        ("Zyxwv Trading B.V.", "zyxwv trading"),
        ("Zyxwv Trading N.V.", "zyxwv trading"),
        ("Zyxwv Trading S.p.A.", "zyxwv trading"),
    ],
)
def test_legal_forms_written_with_dots_are_dropped_too(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


# -- reading CSL files --------------------------------------------------------------------------

FULL_ROW = {
    "_id": "e-1001",
    "source": "Entity List (EL) - Bureau of Industry and Security",
    "type": "Entity",
    "programs": "EAR; SDGT",
    "name": "Zyxwv Trading Co",
    "addresses": "12 Harbour Road, Portville, XX, 12345, FI; 3 Quay Street, Dockton, SE",
    "alt_names": "Zyxwv Handel; ZTC Export",
    "citizenships": "EE",
    "nationalities": "LV",
    "remarks": "fictional entry for tests",
}


def test_a_csl_row_gives_name_aliases_addresses_countries_and_programs() -> None:
    (party,) = parse(csl(FULL_ROW))

    assert party == ListedParty(
        ref="e-1001",
        source="Entity List (EL) - Bureau of Industry and Security",
        name="Zyxwv Trading Co",
        alt_names=("Zyxwv Handel", "ZTC Export"),
        addresses=(
            ListedAddress("12 Harbour Road, Portville, XX, 12345, FI", "FI"),
            ListedAddress("3 Quay Street, Dockton, SE", "SE"),
        ),
        # the last part of each address, the citizenships and the nationalities ("XX" is the
        # state inside the first address, not its country)
        countries=frozenset({"FI", "SE", "EE", "LV"}),
        programs="EAR; SDGT",
    )


def test_an_address_without_a_trailing_country_code_has_no_country() -> None:
    row = {"_id": "e-2", "name": "Blorptech", "addresses": "7 Mill Lane, Othertown"}

    (party,) = parse(csl(row))

    assert party.addresses == (ListedAddress("7 Mill Lane, Othertown", None),)
    assert party.countries == frozenset()


def test_rows_are_read_in_file_order_with_every_listed_party() -> None:
    rows = [{"_id": f"e-{n}", "name": f"Fictional Party {n}"} for n in range(1, 6)]

    parties = parse(csl(*rows))

    assert [(p.ref, p.name) for p in parties] == [
        (f"e-{n}", f"Fictional Party {n}") for n in range(1, 6)
    ]
    assert all(p.alt_names == () and p.addresses == () for p in parties)


def test_a_file_with_only_a_name_column_is_enough() -> None:
    # every column but `name` is optional in the documented layout
    parties = parse("name\nZyxwv Trading\nQorvex Shipping\n")

    assert [p.name for p in parties] == ["Zyxwv Trading", "Qorvex Shipping"]
    assert all(p.countries == frozenset() for p in parties)


def test_the_layout_shown_in_the_docs_loads() -> None:
    text = (
        "_id,source,name,addresses,alt_names,citizenships,programs\n"
        "t-1,Example List,Zyxwv Trading Company,"
        '"12 Harbour Road, Portville, GB",Zyxwv Shipping,,EX-1\n'
        't-2,Example List,Qwertz Holdings Ltd,"1 Main St, Springfield, US",,US,EX-2\n'
    )

    first, second = parse(text)

    assert (first.ref, first.name, first.alt_names, first.countries) == (
        "t-1",
        "Zyxwv Trading Company",
        ("Zyxwv Shipping",),
        frozenset({"GB"}),
    )
    assert (second.ref, second.countries, second.programs) == ("t-2", frozenset({"US"}), "EX-2")


def test_the_reference_may_come_from_an_id_column() -> None:
    (party,) = parse("id,name,addresses\nref-9,Zyxwv Trading,\n")

    assert party.ref == "ref-9"


def test_a_file_without_a_name_column_is_refused() -> None:
    text = "_id,source,title\ne-1,EL,Zyxwv Trading\n"

    with pytest.raises(ListFileError) as refused:
        parse(text)

    assert "name" in str(refused.value)


def test_rows_without_a_name_are_reported_by_line_and_the_file_is_refused() -> None:
    text = csl(
        {"_id": "e-1", "name": "Zyxwv Trading"},  # line 2
        {"_id": "e-2", "name": "   "},  # line 3
        {"_id": "e-3", "name": "Qorvex Shipping"},  # line 4
        {"_id": "e-4", "name": ""},  # line 5
    )

    with pytest.raises(ListFileError) as refused:
        parse(text)

    problems = refused.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("line 3")
    assert problems[1].startswith("line 5")


@pytest.mark.parametrize("text", ["", csl()], ids=["empty file", "header only"])
def test_a_file_listing_nobody_is_refused(text: str) -> None:
    with pytest.raises(ListFileError):
        parse(text)


# -- matching -----------------------------------------------------------------------------------


def party(
    name: str,
    *,
    ref: str = "e-1",
    alt_names: tuple[str, ...] = (),
    addresses: tuple[ListedAddress, ...] = (),
    countries: frozenset[str] | None = None,
) -> ListedParty:
    known = countries if countries is not None else {a.country for a in addresses if a.country}
    return ListedParty(
        ref=ref,
        source="test list",
        name=name,
        alt_names=alt_names,
        addresses=addresses,
        countries=frozenset(known),
    )


def customer(
    name: str, country: str = "FI", line: str = "5 Birch Way", city: str = "Lakeside"
) -> Candidate:
    return Candidate(name=name, address_line=line, city=city, country=country)


def refs(screener: Screener, candidate: Candidate) -> list[str]:
    return [m.ref for m in screener.screen(candidate)]


@pytest.mark.parametrize(
    "name",
    [
        "Zyxwv Trading Co., Ltd.",  # exactly as listed
        "zyxwv trading co ltd",  # case and punctuation
        "Trading Zyxwv",  # word order
        "Zyxwv Trading GmbH",  # another legal form
        "Zyxwv Trading",  # no legal form
        "Zÿxwv Trâding Oy",  # accents
    ],
)
def test_the_listed_name_matches_in_any_spelling_of_it(name: str) -> None:
    screener = Screener([party("Zyxwv Trading Co., Ltd.")])

    (match,) = screener.screen(customer(name))

    assert (match.ref, match.listed_name, match.matched_name) == (
        "e-1",
        "Zyxwv Trading Co., Ltd.",
        "Zyxwv Trading Co., Ltd.",
    )
    assert match.score == 100
    assert match.threshold == 90
    assert match.address_matched is False


def test_a_dotted_legal_form_does_not_hide_a_listed_party() -> None:
    screener = Screener([party("Zyxwv Trading SA", countries=frozenset({"FI"}))])

    assert refs(screener, customer("Zyxwv Trading S.A.", country="FI")) == ["e-1"]


def test_an_alias_matches_and_the_match_names_it() -> None:
    screener = Screener([party("Zyxwv Trading", alt_names=("Northern Quill Export", "NQE"))])

    (match,) = screener.screen(customer("Northern Quill Export Ltd"))

    assert match.listed_name == "Zyxwv Trading"
    assert match.matched_name == "Northern Quill Export"
    assert match.score == 100


def test_a_party_matching_by_name_and_alias_is_one_match_with_the_best_score() -> None:
    screener = Screener([party("Zyxwv Trading", alt_names=("Zyxwv Tradng",))])

    (match,) = screener.screen(customer("Zyxwv Trading"))

    assert match.matched_name == "Zyxwv Trading"
    assert match.score == 100


@pytest.mark.parametrize(
    "name", ["Northwind Bakery", "Trading Post Cafe", "Zyx", "Acme Widgets Oy", "Ltd"]
)
def test_clearly_different_names_do_not_match(name: str) -> None:
    screener = Screener([party("Zyxwv Trading Co"), party("Qorvex Shipping Agency", ref="e-2")])

    assert screener.screen(customer(name)) == []


def test_an_empty_list_matches_nobody() -> None:
    assert Screener([]).screen(customer("Zyxwv Trading")) == []
    assert len(Screener([])) == 0


def test_several_matching_parties_come_best_first() -> None:
    screener = Screener(
        [
            party("Zyxwv Tradng", ref="e-near"),
            party("Zyxwv Trading", ref="e-exact"),
            party("Qorvex Shipping", ref="e-other"),
        ]
    )

    assert refs(screener, customer("Zyxwv Trading")) == ["e-exact", "e-near"]


# Each row: listed name, candidate name, both normalised by hand, and the side of the threshold.
SAME_COUNTRY_PAIRS = [
    ("Zyxwv Trad Ltd", "Zyxwv Trax", "zyxwv trad", "zyxwv trax", True),  # exactly 90
    ("Zyxwv Trading Co", "Zyxwv Tradng", "zyxwv trading", "zyxwv tradng", True),  # 96.0
    ("Zyxwv Trading Co", "Zyxwv Treding", "zyxwv trading", "zyxwv treding", True),  # 92.3
    ("Zyxwv Trading Co", "Zyxwv Trad", "zyxwv trading", "zyxwv trad", False),  # 87.0
    ("Zyxwv Trad Ltd", "Zyxwv Txa", "zyxwv trad", "zyxwv txa", False),  # 84.2
    ("Zyxwv Trading Co", "Zyxwv Tredang", "zyxwv trading", "zyxwv tredang", False),  # 84.6
]


@pytest.mark.parametrize(
    "where",
    [
        pytest.param({"countries": frozenset({"FI"})}, id="listed in the customer's country"),
        pytest.param({"countries": frozenset({"FI", "XX"})}, id="listed there and elsewhere"),
        pytest.param({"countries": frozenset()}, id="listed nowhere known"),
    ],
)
@pytest.mark.parametrize(
    ("listed", "name", "listed_norm", "name_norm", "matches"), SAME_COUNTRY_PAIRS
)
def test_in_the_customer_country_or_nowhere_known_a_score_of_90_matches(
    where: dict[str, frozenset[str]],
    listed: str,
    name: str,
    listed_norm: str,
    name_norm: str,
    matches: bool,
) -> None:
    score = fuzz.token_sort_ratio(listed_norm, name_norm)
    assert (score >= 90) is matches  # the pair sits on the intended side
    assert score >= 80  # and even the misses are near ones
    screener = Screener([party(listed, **where)])

    found = screener.screen(customer(name, country="FI"))

    assert bool(found) is matches
    if matches:
        assert found[0].score == pytest.approx(score)
        assert found[0].threshold == 90


FOREIGN_PAIRS = [
    # identical once normalised
    (
        "Qorvex Shipping Agency LLC",
        "QORVEX SHIPPING AGENCY",
        "qorvex shipping agency",
        "qorvex shipping agency",
        True,
    ),
    # one letter missing: 98.9
    (
        "Qorvex Shipping and Maritime Logistics Agency",
        "Qorvex Shipping and Maritime Logistics Agncy",
        "qorvex shipping and maritime logistics agency",
        "qorvex shipping and maritime logistics agncy",
        True,
    ),
    # one letter missing, one changed: 96.6, a close name but not near-identical
    (
        "Qorvex Shipping and Maritime Logistics Agency",
        "Qorvex Shiping and Maritime Logistics Agenxy",
        "qorvex shipping and maritime logistics agency",
        "qorvex shiping and maritime logistics agenxy",
        False,
    ),
    ("Zyxwv Trading Co", "Zyxwv Tradng", "zyxwv trading", "zyxwv tradng", False),  # 96.0
    ("Zyxwv Trad Ltd", "Zyxwv Trax", "zyxwv trad", "zyxwv trax", False),  # 90.0
]


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(
            {"addresses": (ListedAddress("3 Quay Street, Dockton, SE", "SE"),)},
            id="address elsewhere",
        ),
        pytest.param({"countries": frozenset({"XX", "SE"})}, id="citizenships elsewhere"),
    ],
)
@pytest.mark.parametrize(("listed", "name", "listed_norm", "name_norm", "matches"), FOREIGN_PAIRS)
def test_a_party_known_only_in_other_countries_needs_a_score_of_97(
    where: dict[str, object],
    listed: str,
    name: str,
    listed_norm: str,
    name_norm: str,
    matches: bool,
) -> None:
    score = fuzz.token_sort_ratio(listed_norm, name_norm)
    assert (score >= 97) is matches
    assert score >= 90  # every one of these would match in the customer's own country
    screener = Screener([party(listed, **where)])  # type: ignore[arg-type]

    found = screener.screen(customer(name, country="FI"))

    assert bool(found) is matches
    if matches:
        assert found[0].threshold == 97


def test_the_same_near_name_matches_at_home_but_not_abroad() -> None:
    near = "Zyxwv Tradng"  # 96.0 against "zyxwv trading"
    home = Screener([party("Zyxwv Trading", countries=frozenset({"FI"}))])
    abroad = Screener([party("Zyxwv Trading", countries=frozenset({"SE"}))])

    assert refs(home, customer(near, country="FI")) == ["e-1"]
    assert refs(abroad, customer(near, country="FI")) == []
    assert refs(abroad, customer(near, country="SE")) == ["e-1"]


LISTED_AT = ListedAddress("12 Harbour Road, Portville, XX, 12345, FI", "FI")
ADDRESS_PAIRS = [
    ("Zyxwv Trad Ltd", "Zyxwv Txax", "zyxwv trad", "zyxwv txax", True),  # exactly 80
    ("Zyxwv Trading Co", "Zyxwv Trade", "zyxwv trading", "zyxwv trade", True),  # 83.3
    ("Zyxwv Trading Co", "Zyxwv Trad", "zyxwv trading", "zyxwv trad", True),  # 87.0
    ("Zyxwv Trading Co", "Zyxwv Traders", "zyxwv trading", "zyxwv traders", False),  # 76.9
    ("Zyxwv Trad Ltd", "Zyxwv Xxax", "zyxwv trad", "zyxwv xxax", False),  # 70.0
]


@pytest.mark.parametrize(("listed", "name", "listed_norm", "name_norm", "matches"), ADDRESS_PAIRS)
def test_a_matching_listed_address_in_the_customer_country_lowers_the_bar_to_80(
    listed: str, name: str, listed_norm: str, name_norm: str, matches: bool
) -> None:
    score = fuzz.token_sort_ratio(listed_norm, name_norm)
    assert (score >= 80) is matches
    assert score < 90  # none of these would match on the name alone
    street = fuzz.token_set_ratio(
        "12 harbour road portville", "12 harbour road portville xx 12345 fi"
    )
    assert street >= 90
    screener = Screener([party(listed, addresses=(LISTED_AT,))])

    at_the_address = screener.screen(customer(name, line="12 Harbour Road", city="Portville"))
    elsewhere = screener.screen(customer(name, line="99 Mill Lane", city="Othertown"))

    assert bool(at_the_address) is matches
    if matches:
        assert at_the_address[0].threshold == 80
        assert at_the_address[0].address_matched is True
    assert elsewhere == []


def test_a_different_street_is_no_address_confirmation() -> None:
    other = fuzz.token_set_ratio("99 mill lane othertown", "12 harbour road portville xx 12345 fi")
    assert other < 90
    screener = Screener([party("Zyxwv Trading", addresses=(LISTED_AT,))])

    (exact,) = screener.screen(customer("Zyxwv Trading", line="99 Mill Lane", city="Othertown"))

    assert exact.address_matched is False
    assert exact.threshold == 90


def test_the_same_street_in_another_country_confirms_nothing() -> None:
    swedish = ListedAddress("12 Harbour Road, Portville, SE", "SE")
    screener = Screener([party("Zyxwv Trading", addresses=(swedish,))])
    near = "Zyxwv Trade"  # 83.3: enough only with a confirmed address

    assert screener.screen(customer(near, "FI", "12 Harbour Road", "Portville")) == []
    assert refs(screener, customer(near, "SE", "12 Harbour Road", "Portville")) == ["e-1"]


def test_parties_read_from_a_file_are_screened_by_name_alias_and_address() -> None:
    (listed,) = parse(csl(FULL_ROW))
    screener = Screener([listed])

    by_alias = screener.screen(customer("ZTC Export", country="EE"))
    by_address = screener.screen(customer("Zyxwv Trade", "FI", "12 Harbour Road", "Portville"))

    assert [m.matched_name for m in by_alias] == ["ZTC Export"]
    assert [(m.ref, m.address_matched) for m in by_address] == [("e-1001", True)]
    # known in FI, SE, EE and LV only: a near name in Norway needs 97
    assert screener.screen(customer("Zyxwv Tradng", country="NO")) == []


# -- property -----------------------------------------------------------------------------------

words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10), min_size=1, max_size=4
)
ACCENTS = ["\u0301", "\u0300", "\u0308", "\u0302", "\u030c", "\u0303", "\u030a"]


@st.composite
def respellings(draw: st.DrawFn, name_words: list[str]) -> str:
    """`name_words` written with random case, accents and punctuation around the words."""
    written = []
    for word in name_words:
        letters = []
        for letter in word:
            letter = letter.upper() if draw(st.booleans()) else letter
            if draw(st.booleans()):
                letter = unicodedata.normalize("NFC", letter + draw(st.sampled_from(ACCENTS)))
            letters.append(letter)
        before = draw(st.sampled_from(["", "(", '"', "'", "-"]))
        after = draw(st.sampled_from(["", ",", ".", ")", "!", " &", " -", "'"]))
        written.append(before + "".join(letters) + after)
    return " ".join(written)


@given(data=st.data(), name_words=words, where=st.sampled_from(["home", "abroad", "unknown"]))
def test_a_listed_name_always_matches_itself_however_it_is_written(
    data: st.DataObject, name_words: list[str], where: str
) -> None:
    countries = {"home": {"FI"}, "abroad": {"XX"}, "unknown": set()}[where]
    listed = " ".join(name_words)
    screener = Screener([party(listed, countries=frozenset(countries))])
    written = data.draw(respellings(name_words))

    found = screener.screen(customer(written, country="FI"))

    assert [m.ref for m in found] == ["e-1"], (listed, written)
    assert found[0].score == 100


name_words = st.lists(
    st.text(alphabet="abcdefghij", min_size=1, max_size=12), min_size=1, max_size=6
).map(" ".join)


@given(
    listed=st.lists(st.tuples(name_words, st.booleans()), min_size=1, max_size=25),
    pick=st.integers(min_value=0),
    cut=st.integers(min_value=0, max_value=8),
    extra=st.text(alphabet="abcdefghij ", max_size=8),
)
# at the edges: 8 letters of a 12-letter name, and 12 letters of an 8-letter one, score 80
@example(listed=[("abcdefghijkl", True)], pick=0, cut=4, extra="")
@example(listed=[("abcdefgh", True)], pick=0, cut=0, extra="ijkl")
def test_screening_finds_exactly_the_parties_a_full_scan_finds(
    listed: list[tuple[str, bool]], pick: int, cut: int, extra: str
) -> None:
    """Names of every length, some parties at the customer's own address (threshold 80), the
    others with no known country (90); the customer is a listed name with a few letters cut
    and others added. Whatever the screener skips for speed, it finds what comparing the
    customer with every listed name finds."""
    here = ListedAddress("5 Birch Way, Lakeside", "FI")
    parties = [
        party(name, ref=f"e-{n}", addresses=(here,) if at_home else (), countries=frozenset())
        for n, (name, at_home) in enumerate(listed)
    ]
    chosen = listed[pick % len(listed)][0]
    written = chosen[: max(1, len(chosen) - cut)] + extra
    wanted = normalize(written)

    expected = {
        p.ref
        for p in parties
        if fuzz.token_sort_ratio(wanted, normalize(p.name)) >= (80 if p.addresses else 90)
    }

    assert set(refs(Screener(parties), customer(written))) == expected
