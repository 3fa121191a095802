"""Countries, data regions and default meeting call-in numbers (PRODUCT.md section 4.1)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Region:
    """A data region and the country whose numbers serve as its fallback."""

    name: str
    default_country: str
    country_code: str


@dataclass(frozen=True)
class Geography:
    """Countries with their regions, and the telephony domain's call-in numbers."""

    countries: dict[str, str]
    regions: dict[str, Region]
    call_in_numbers: dict[str, tuple[str, ...]]
    names: dict[str, str]

    def country_code(self, value: str) -> str | None:
        """`value` as an upper-case ISO 3166-1 alpha-2 code, or None if it is not one.

        Only ASCII counts: `ß`.upper() is `SS`, which must not pass for South Sudan.
        """
        code = value.strip()
        if not code.isascii():
            return None
        code = code.upper()
        return code if code in self.countries else None

    def name_of(self, country: str) -> str:
        """The English name of a country code (the code itself if the catalog has no name)."""
        return self.names.get(country, country)

    def region_of(self, country: str) -> Region:
        """The data region serving an organization in `country`."""
        return self.regions[self.countries[country]]

    def default_call_in_numbers(self, country: str) -> tuple[str, ...]:
        """The telephony domain's numbers for `country`, else those of its region's default."""
        own = self.call_in_numbers.get(country)
        if own:
            return own
        return self.call_in_numbers.get(self.region_of(country).default_country, ())


def _read(name: str) -> Any:
    return json.loads(resources.files("tukku.catalog").joinpath(f"data/{name}").read_text("utf-8"))


@cache
def geography() -> Geography:
    """The packaged geography."""
    entries = _read("countries.json")
    countries = {code: entry["region"] for code, entry in entries.items()}
    names = {code: entry["name"] for code, entry in entries.items()}
    telephony = _read("telephony.json")
    regions = {
        name: Region(name, r["defaultCountry"], r["countryCode"])
        for name, r in telephony["regions"].items()
    }
    numbers = {k: tuple(v) for k, v in telephony["callInNumbers"].items()}
    return Geography(countries=countries, regions=regions, call_in_numbers=numbers, names=names)
