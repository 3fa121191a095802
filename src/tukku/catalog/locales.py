"""Language and locale resolution for organizations and meeting sites (PRODUCT.md section 4.2)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class LocaleTable:
    """Supported locales per two-letter language, the language defaults and site exceptions."""

    locales: dict[str, tuple[str, ...]]
    defaults: dict[str, str]
    site_unsupported: frozenset[str]
    site_fallback: str

    @property
    def supported(self) -> frozenset[str]:
        """Every supported `ll_CC` locale."""
        return frozenset(loc for group in self.locales.values() for loc in group)


@cache
def locale_table() -> LocaleTable:
    """The packaged locale table."""
    text = resources.files("tukku.catalog").joinpath("data/locales.json").read_text("utf-8")
    data = json.loads(text)
    langs = data["languages"]
    return LocaleTable(
        locales={k: tuple(v["locales"]) for k, v in langs.items()},
        defaults={k: v["default"] for k, v in langs.items()},
        site_unsupported=frozenset(data["meetingSiteUnsupported"]),
        site_fallback=data["meetingSiteFallback"],
    )


def normalize_locale(value: str) -> str | None:
    """`en-us`, `EN_us` → `en_US`; None unless the shape is `ll_CC` or `ll-CC`."""
    text = value.strip().replace("-", "_")
    if not text.isascii():
        return None
    parts = text.split("_")
    if len(parts) != 2 or len(parts[0]) != 2 or len(parts[1]) != 2:
        return None
    if not (parts[0].isalpha() and parts[1].isalpha()):
        return None
    return f"{parts[0].lower()}_{parts[1].upper()}"


def resolve_locale(language: str, country: str, table: LocaleTable | None = None) -> str | None:
    """The organization locale for a requested language and the organization's country.

    A supported `ll_CC` is taken as is. A bare `ll` becomes `ll_<country>` when that is supported,
    else the language's default locale. Anything else is None (the caller answers 400).
    """
    table = table or locale_table()
    text = language.strip()
    if not text.isascii():
        return None
    if len(text) == 2 and text.isalpha():
        lang = text.lower()
        if lang not in table.defaults:
            return None
        candidate = f"{lang}_{country.upper()}"
        return candidate if candidate in table.locales[lang] else table.defaults[lang]
    normalized = normalize_locale(text)
    return normalized if normalized in table.supported else None


def site_locale(locale: str | None, table: LocaleTable | None = None) -> str:
    """A meeting site's locale: the org's, unless missing, invalid or unsupported by sites."""
    table = table or locale_table()
    if locale is None or locale not in table.supported or locale in table.site_unsupported:
        return table.site_fallback
    return locale
