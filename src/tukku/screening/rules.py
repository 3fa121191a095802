"""Pure rules of denied-party screening: reading list files, normalising names, fuzzy matching.

Matching (documented in docs/compliance.md):

- Names are normalised: accents and punctuation removed, case folded, common legal forms
  ("Ltd", "GmbH", "LLC", ...) dropped, whitespace collapsed.
- A customer's name is compared with every listed name and alias with rapidfuzz's
  `token_sort_ratio` (0–100, word order ignored).
- The score needed depends on where the listed party is known to be (the countries of its
  addresses, citizenships and nationalities):
  * in the customer's country, or nowhere known: `NAME_THRESHOLD` (90);
  * only in other countries: `FOREIGN_NAME_THRESHOLD` (97), a near-identical name;
  * when one of its addresses in the customer's country also matches the customer's address
    (`ADDRESS_THRESHOLD`, `token_set_ratio` of street and city): `ADDRESS_CONFIRMED_THRESHOLD`
    (80).
- Any listed party reaching its threshold is a possible match: the customer waits for review.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from math import ceil, floor

from rapidfuzz import fuzz, process

NAME_THRESHOLD = 90.0
FOREIGN_NAME_THRESHOLD = 97.0
ADDRESS_CONFIRMED_THRESHOLD = 80.0
ADDRESS_THRESHOLD = 90.0
PENDING_HOURS = 72

LEGAL_FORMS = frozenset(
    [
        "ab",
        "ag",
        "as",
        "asa",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "limited",
        "llc",
        "llp",
        "ltd",
        "nv",
        "oy",
        "oyj",
        "plc",
        "pte",
        "pty",
        "sa",
        "sarl",
        "sas",
        "spa",
        "srl",
    ]
)
COUNTRY_CODE = re.compile(r"[A-Z]{2}")


class CaseStatus(StrEnum):
    """Where a screening case stands. Open cases hold their customer in `pending_rpl_review`."""

    PENDING = "pending"
    ESCALATED = "escalated"
    CLEARED = "cleared"
    APPROVED = "approved"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"


OPEN_CASES = frozenset({CaseStatus.PENDING, CaseStatus.ESCALATED})


def normalize(name: str) -> str:
    """The comparable form of a name or address: ASCII letters and digits, lower case, single
    spaces, legal forms dropped (kept when nothing else is left)."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    undotted = re.sub(r"\b([a-z])\.(?=[a-z]\b\.?)", r"\1", ascii_only)  # "s.p.a." -> "spa."
    words = re.sub(r"[^0-9a-z]+", " ", undotted).split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


@dataclass(frozen=True)
class ListedAddress:
    """One address of a listed party, as printed in the list, and its country if known."""

    text: str
    country: str | None


@dataclass(frozen=True)
class ListedParty:
    """One entry of a screening list."""

    ref: str
    source: str
    name: str
    alt_names: tuple[str, ...] = ()
    addresses: tuple[ListedAddress, ...] = ()
    countries: frozenset[str] = frozenset()
    programs: str = ""


@dataclass(frozen=True)
class Candidate:
    """What is screened: a customer's name and address."""

    name: str
    address_line: str
    city: str
    country: str

    @classmethod
    def of(cls, name: str, line1: str, line2: str | None, city: str, country: str) -> Candidate:
        """A candidate from a name and the parts of a postal address."""
        return cls(name, " ".join(filter(None, (line1, line2))), city, country)


@dataclass(frozen=True)
class Match:
    """A listed party the candidate may be, and why."""

    ref: str
    source: str
    listed_name: str
    matched_name: str
    score: float
    threshold: float
    address_matched: bool

    def to_json(self) -> dict[str, object]:
        """The form kept on a screening case."""
        return {
            "ref": self.ref,
            "source": self.source,
            "listedName": self.listed_name,
            "matchedName": self.matched_name,
            "score": round(self.score, 1),
            "threshold": self.threshold,
            "addressMatched": self.address_matched,
        }


class ListFileError(ValueError):
    """A list file that cannot be loaded; `problems` name the lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:10]))
        self.problems = problems


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _country(text: str) -> str | None:
    last = text.rsplit(",", 1)[-1].strip().upper()
    return last if COUNTRY_CODE.fullmatch(last) else None


def _codes(value: str | None) -> set[str]:
    return {c.upper() for c in _split(value) if COUNTRY_CODE.fullmatch(c.upper())}


def read_list(lines: Iterable[str]) -> Iterator[ListedParty]:
    """The parties of a file in the US Consolidated Screening List CSV layout.

    Columns used (others are ignored): `name` (required), `_id` or `id`, `source`, `alt_names`,
    `addresses` ("street, city, ..., CC" parts separated by "; "), `citizenships` and
    `nationalities` (ISO alpha-2 codes separated by "; "), `programs`. Raises `ListFileError`
    naming every line without a name, and for a file without a `name` column or without rows.
    """
    reader = csv.DictReader(lines)
    if reader.fieldnames is None or "name" not in reader.fieldnames:
        raise ListFileError(["the file has no 'name' column (US CSL CSV layout expected)"])
    problems: list[str] = []
    count = 0
    for row in reader:
        count += 1
        name = (row.get("name") or "").strip()
        if not name:
            problems.append(f"line {reader.line_num}: the name is empty")
            continue
        addresses = tuple(
            ListedAddress(text, _country(text)) for text in _split(row.get("addresses"))
        )
        countries = {a.country for a in addresses if a.country}
        countries |= _codes(row.get("citizenships")) | _codes(row.get("nationalities"))
        if not problems:
            yield ListedParty(
                ref=(row.get("_id") or row.get("id") or f"line-{reader.line_num}").strip(),
                source=(row.get("source") or "").strip(),
                name=name,
                alt_names=tuple(_split(row.get("alt_names"))),
                addresses=addresses,
                countries=frozenset(countries),
                programs=(row.get("programs") or "").strip(),
            )
    if problems:
        raise ListFileError(problems)
    if count == 0:
        raise ListFileError(["the file lists nobody; refusing to replace the list with nothing"])


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def _length_window(length: int, threshold: float) -> tuple[int, int]:
    """The lengths a name may have to score `threshold` against one of `length` characters.

    `ratio` is 200 x (longest common subsequence) / (sum of lengths), and the subsequence is
    no longer than the shorter name, so the other length lies within `length` x t / (200 - t)
    and `length` x (200 - t) / t; rounded outwards, the window never drops a possible match.
    """
    shortest = floor(length * threshold / (200 - threshold))
    return shortest, ceil(length * (200 - threshold) / threshold)


class Screener:
    """A loaded list, indexed for fast fuzzy look-ups of candidates."""

    def __init__(self, parties: Iterable[ListedParty]) -> None:
        self._parties = list(parties)
        names = [
            (_sorted_words(normalize(name)), index, name)
            for index, party in enumerate(self._parties)
            for name in (party.name, *party.alt_names)
        ]
        # By length: a candidate is compared only with names long enough and short enough to
        # reach the lowest threshold at all (see _length_window).
        names.sort(key=lambda entry: len(entry[0]))
        self._names = [entry[0] for entry in names]
        self._lengths = [len(entry[0]) for entry in names]
        self._labels = [(index, name) for _, index, name in names]

    def __len__(self) -> int:
        return len(self._parties)

    def screen(self, candidate: Candidate) -> list[Match]:
        """The listed parties the candidate may be, best first (empty: no possible match)."""
        wanted = _sorted_words(normalize(candidate.name))
        if not wanted:
            return []
        low, high = _length_window(len(wanted), ADDRESS_CONFIRMED_THRESHOLD)
        first = bisect_left(self._lengths, low)
        # token_sort_ratio is ratio over word-sorted strings; the listed side is sorted once.
        found = process.extract(
            wanted,
            self._names[first : bisect_right(self._lengths, high)],
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=ADDRESS_CONFIRMED_THRESHOLD,
            limit=None,
        )
        best: dict[int, Match] = {}
        for _, score, position in found:
            index, matched = self._labels[first + position]
            party = self._parties[index]
            threshold, address_matched = self._threshold(party, candidate)
            if score < threshold:
                continue
            if index not in best or score > best[index].score:
                best[index] = Match(
                    party.ref,
                    party.source,
                    party.name,
                    matched,
                    float(score),
                    threshold,
                    address_matched,
                )
        return sorted(best.values(), key=lambda m: (-m.score, m.ref))

    @staticmethod
    def _threshold(party: ListedParty, candidate: Candidate) -> tuple[float, bool]:
        country = candidate.country.upper()
        if party.countries and country not in party.countries:
            return FOREIGN_NAME_THRESHOLD, False
        street = normalize(f"{candidate.address_line} {candidate.city}")
        for address in party.addresses:
            if (
                address.country == country
                and street
                and fuzz.token_set_ratio(street, normalize(address.text)) >= ADDRESS_THRESHOLD
            ):
                return ADDRESS_CONFIRMED_THRESHOLD, True
        return NAME_THRESHOLD, False
