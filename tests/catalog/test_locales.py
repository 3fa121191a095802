"""Organization and meeting-site locales (PRODUCT.md §4.2), against the spec's own table."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tukku.catalog.locales import normalize_locale, resolve_locale, site_locale

# PRODUCT.md §4.2, written out by hand: the oracle of every test below.
LOCALES_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "en": ("en_US", "en_AU", "en_GB", "en_CA"),
    "fr": ("fr_FR", "fr_CA"),
    "cs": ("cs_CZ",),
    "da": ("da_DK",),
    "de": ("de_DE",),
    "hu": ("hu_HU",),
    "id": ("id_ID",),
    "it": ("it_IT",),
    "ja": ("ja_JP",),
    "ko": ("ko_KR",),
    "es": ("es_ES", "es_CO", "es_MX"),
    "nl": ("nl_NL",),
    "nb": ("nb_NO",),
    "pl": ("pl_PL",),
    "pt": ("pt_PT", "pt_BR"),
    "ru": ("ru_RU",),
    "ro": ("ro_RO",),
    "zh": ("zh_CN", "zh_TW"),
    "sv": ("sv_SE",),
    "ar": ("ar_SA",),
    "tr": ("tr_TR",),
}
LANGUAGE_DEFAULT: dict[str, str] = {
    "en": "en_US",
    "fr": "fr_FR",
    "es": "es_ES",
    "pt": "pt_PT",
    "zh": "zh_CN",
} | {lang: locales[0] for lang, locales in LOCALES_BY_LANGUAGE.items() if len(locales) == 1}
SUPPORTED = frozenset(loc for locales in LOCALES_BY_LANGUAGE.values() for loc in locales)
NOT_ON_MEETING_SITES = frozenset({"es_CO", "id_ID", "nb_NO", "pt_PT"})
SITE_FALLBACK = "en_US"

# Organization countries: every country of the table plus some that appear in no locale.
COUNTRIES = sorted(
    {loc[3:] for loc in SUPPORTED} | {"FI", "IN", "AT", "BE", "CH", "AR", "AO", "IE", "NZ", "ZA"}
)
LL_CC = re.compile(r"[a-z]{2}_[A-Z]{2}")

supported_locales = st.sampled_from(sorted(SUPPORTED))
languages = st.sampled_from(sorted(LOCALES_BY_LANGUAGE))
countries = st.sampled_from(COUNTRIES)
unsupported_languages = (
    st.text(string.ascii_lowercase, min_size=2, max_size=2)
    .filter(lambda lang: lang not in LOCALES_BY_LANGUAGE)
    .flatmap(lambda lang: st.sampled_from([lang, lang.upper(), lang.capitalize()]))
)


@st.composite
def any_case(draw: st.DrawFn, text: str) -> str:
    """`text` with each letter in a random case."""
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.swapcase() if flip else c for c, flip in zip(text, flips, strict=True))


@st.composite
def spellings(draw: st.DrawFn, locale: str) -> str:
    """`locale` as a client might send it: any case, `-` or `_`, stray outer spaces."""
    separator = draw(st.sampled_from(["_", "-"]))
    text = draw(any_case(locale.replace("_", separator)))
    return draw(st.sampled_from(["", " "])) + text + draw(st.sampled_from(["", " ", "\n"]))


@given(locale=supported_locales, country=countries, data=st.data())
def test_a_supported_locale_in_any_spelling_resolves_to_itself(
    locale: str, country: str, data: st.DataObject
) -> None:
    spelled = data.draw(spellings(locale))

    assert resolve_locale(spelled, country) == locale


@given(language=languages, country=countries, data=st.data())
def test_a_bare_language_takes_the_country_locale_if_supported_else_the_language_default(
    language: str, country: str, data: st.DataObject
) -> None:
    spelled = data.draw(any_case(language))
    candidate = f"{language}_{country}"
    expected = candidate if candidate in SUPPORTED else LANGUAGE_DEFAULT[language]

    assert resolve_locale(spelled, country) == expected


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [
        ("fr", "CA", "fr_CA"),
        ("fr", "FR", "fr_FR"),
        ("fr", "BE", "fr_FR"),
        ("en", "GB", "en_GB"),
        ("en", "AU", "en_AU"),
        ("en", "IN", "en_US"),
        ("en", "NZ", "en_US"),
        ("es", "MX", "es_MX"),
        ("es", "CO", "es_CO"),
        ("es", "AR", "es_ES"),
        ("pt", "BR", "pt_BR"),
        ("pt", "AO", "pt_PT"),
        ("zh", "TW", "zh_TW"),
        ("zh", "SG", "zh_CN"),
        ("de", "AT", "de_DE"),
        ("nb", "NO", "nb_NO"),
    ],
)
def test_bare_language_examples(language: str, country: str, expected: str) -> None:
    assert resolve_locale(language, country) == expected


def test_an_explicit_locale_wins_over_the_organization_country() -> None:
    assert resolve_locale("en_US", "GB") == "en_US"
    assert resolve_locale("fr-fr", "CA") == "fr_FR"


@given(language=unsupported_languages, country=countries)
def test_an_unsupported_two_letter_language_resolves_to_nothing(
    language: str, country: str
) -> None:
    assert resolve_locale(language, country) is None


@pytest.mark.parametrize(
    "value",
    ["fi_FI", "en_FR", "fr_BE", "de_AT", "pt_AO", "es_AR", "zh_HK", "en_IN", "xx_YY", "el-GR"],
)
def test_a_well_formed_but_unsupported_locale_resolves_to_nothing(value: str) -> None:
    assert resolve_locale(value, "US") is None


@pytest.mark.parametrize(
    "value",
    ["", " ", "e", "eng", "english", "en_", "_US", "en_USA", "en_U", "en__US", "en US", "e1", "12"],
)
def test_a_malformed_language_resolves_to_nothing(value: str) -> None:
    assert resolve_locale(value, "US") is None


@given(language=st.text(max_size=8), country=st.sampled_from([*COUNTRIES, "", "xx", "USA"]))
def test_resolution_yields_nothing_or_a_supported_locale(language: str, country: str) -> None:
    assert resolve_locale(language, country) in SUPPORTED | {None}


def test_non_ascii_look_alikes_are_not_taken_for_languages() -> None:
    # U+212A KELVIN SIGN lower-cases to "k", U+017F LONG S upper-cases to "S": neither string is
    # an ISO 639-1 or ISO 3166 code, so the API must answer 400 (None), not pick a locale.
    assert resolve_locale("\u212ao", "KR") is None
    assert resolve_locale("en_U\u017f", "US") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en-us", "en_US"),
        ("EN_us", "en_US"),
        ("fr-CA", "fr_CA"),
        (" pt_br ", "pt_BR"),
        ("xx-yy", "xx_YY"),
    ],
)
def test_normalize_locale_gives_lower_language_and_upper_country(value: str, expected: str) -> None:
    assert normalize_locale(value) == expected


@given(
    language=st.text(string.ascii_letters, min_size=2, max_size=2),
    country=st.text(string.ascii_letters, min_size=2, max_size=2),
    separator=st.sampled_from(["_", "-"]),
)
def test_normalize_locale_accepts_every_two_plus_two_letter_shape(
    language: str, country: str, separator: str
) -> None:
    result = normalize_locale(f"{language}{separator}{country}")

    assert result == f"{language.lower()}_{country.upper()}"


@pytest.mark.parametrize(
    "value", ["", "en", "en_", "en_US_x", "eng_US", "en_USA", "e1_US", "en.US"]
)
def test_normalize_locale_refuses_other_shapes(value: str) -> None:
    assert normalize_locale(value) is None


@given(value=st.text(max_size=8))
@example("en_\u00dfa")  # "ß".upper() is "SS": the result would be "en_SSA"
def test_normalize_locale_yields_nothing_or_an_ll_cc_shape(value: str) -> None:
    result = normalize_locale(value)

    assert result is None or LL_CC.fullmatch(result)


@pytest.mark.parametrize("locale", sorted(SUPPORTED - NOT_ON_MEETING_SITES))
def test_a_site_takes_the_organization_locale_when_sites_support_it(locale: str) -> None:
    assert site_locale(locale) == locale


@pytest.mark.parametrize("locale", sorted(NOT_ON_MEETING_SITES))
def test_a_site_is_english_for_locales_sites_lack(locale: str) -> None:
    assert site_locale(locale) == SITE_FALLBACK


@pytest.mark.parametrize("locale", [None, "", "fr", "fi_FI", "xx_YY", "fr_BE", "garbage"])
def test_a_site_is_english_when_the_locale_is_missing_invalid_or_unsupported(
    locale: str | None,
) -> None:
    assert site_locale(locale) == SITE_FALLBACK


@given(locale=st.one_of(st.none(), supported_locales, st.text(max_size=6)))
def test_a_site_locale_is_always_one_that_sites_support(locale: str | None) -> None:
    result = site_locale(locale)

    assert result in SUPPORTED - NOT_ON_MEETING_SITES
    assert result == (locale if locale in SUPPORTED - NOT_ON_MEETING_SITES else SITE_FALLBACK)
