"""Countries, data regions and default meeting call-in numbers (PRODUCT.md §4.1)."""

from __future__ import annotations

import itertools
import re
import string

import pytest

from tukku.catalog.regions import Geography, geography

# ISO 3166-1 alpha-2, the officially assigned codes, written out by hand.
ISO_3166_ALPHA_2 = frozenset(
    re.findall(
        r"[A-Z]{2}",
        """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """,
    )
)
# PRODUCT.md §4.1: each region's default country and its country calling code.
REGION_DEFAULTS = {
    "AMER": ("US", "+1"),
    "APAC": ("SG", "+65"),
    "ANZ": ("AU", "+61"),
    "EMEA": ("GB", "+44"),
    "EURO": ("DE", "+49"),
}


@pytest.fixture(scope="module")
def geo() -> Geography:
    return geography()


def test_a_country_is_exactly_an_assigned_iso_alpha_2_code(geo: Geography) -> None:
    for code in map("".join, itertools.product(string.ascii_uppercase, repeat=2)):
        expected = code if code in ISO_3166_ALPHA_2 else None
        assert geo.country_code(code) == expected, code
        assert geo.country_code(code.lower()) == expected, code


@pytest.mark.parametrize("code", ["US", "FI", "GB", "DE", "SG", "AU", "ZA", "MX"])
def test_common_countries_are_valid(geo: Geography, code: str) -> None:
    assert geo.country_code(f" {code.lower()} ") == code


@pytest.mark.parametrize(
    "code", ["USA", "FIN", "XX", "UK", "EU", "", "U", "U1", "12", "ß", "\ufb01", "\u017ft"]
)
def test_things_that_are_not_alpha_2_codes_are_refused(geo: Geography, code: str) -> None:
    assert geo.country_code(code) is None


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("US", "AMER"),
        ("CA", "AMER"),
        ("SG", "APAC"),
        ("AU", "ANZ"),
        ("NZ", "ANZ"),
        ("GB", "EMEA"),
        ("DE", "EURO"),
        ("FR", "EURO"),
    ],
)
def test_a_country_selects_its_data_region(geo: Geography, country: str, region: str) -> None:
    assert geo.region_of(country).name == region


def test_every_country_is_served_by_one_of_the_five_regions(geo: Geography) -> None:
    for code in ISO_3166_ALPHA_2:
        assert geo.region_of(code).name in REGION_DEFAULTS, code


@pytest.mark.parametrize(("region", "default"), REGION_DEFAULTS.items())
def test_each_region_has_the_default_country_and_code_of_the_spec(
    geo: Geography, region: str, default: tuple[str, str]
) -> None:
    country, code = default
    served = geo.region_of(country)

    assert served.name == region
    assert (served.default_country, served.country_code) == (country, code)


@pytest.mark.parametrize(("country", "code"), REGION_DEFAULTS.values())
def test_a_region_default_country_has_its_own_call_in_numbers(
    geo: Geography, country: str, code: str
) -> None:
    numbers = geo.default_call_in_numbers(country)

    assert numbers
    assert all(n.startswith(code) for n in numbers)


@pytest.mark.parametrize(("country", "prefix"), [("FR", "+33"), ("CA", "+1"), ("NZ", "+64")])
def test_a_country_with_its_own_numbers_gets_them(
    geo: Geography, country: str, prefix: str
) -> None:
    region_default = REGION_DEFAULTS[geo.region_of(country).name][0]
    numbers = geo.default_call_in_numbers(country)

    assert numbers
    assert numbers[0].startswith(prefix)
    assert numbers != geo.default_call_in_numbers(region_default)


@pytest.mark.parametrize(
    ("country", "region_default", "code"),
    [("MX", "US", "+1"), ("ZA", "GB", "+44"), ("FI", "DE", "+49"), ("TH", "SG", "+65")],
)
def test_a_country_without_numbers_gets_its_region_default_countrys(
    geo: Geography, country: str, region_default: str, code: str
) -> None:
    numbers = geo.default_call_in_numbers(country)

    assert numbers == geo.default_call_in_numbers(region_default)
    assert numbers[0].startswith(code)


def test_every_country_gets_call_in_numbers_by_the_fallback_rule(geo: Geography) -> None:
    for code in ISO_3166_ALPHA_2:
        own = geo.call_in_numbers.get(code)
        fallback = geo.call_in_numbers[REGION_DEFAULTS[geo.region_of(code).name][0]]
        assert geo.default_call_in_numbers(code) == (own or fallback), code
