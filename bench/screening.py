"""Screening benchmark: what a loaded denied-party list costs a customer request.

The customer precheck screens the customer's name (it changes nothing, so no worker interferes).
It is measured on one server without a list, then with a synthetic list the size of the US
Consolidated Screening List (about 15,000 parties with aliases), in the same run.
"""

from __future__ import annotations

import csv
import random
import string
from pathlib import Path

import httpx

from bench.harness import Figures, database, load, partner, server, tukku

PARTIES = 15_000
COUNTRIES = ("US", "GB", "IR", "RU", "CN", "AE", "FI", "DE")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 10)))


def write_list(path: Path, parties: int) -> None:
    """A fictional list in the CSL CSV layout (no real party's data)."""
    rng = random.Random(7)
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["_id", "source", "name", "alt_names", "addresses", "citizenships"])
        for n in range(parties):
            name = " ".join(_word(rng) for _ in range(rng.randint(1, 4))).title()
            aliases = "; ".join(
                " ".join(_word(rng) for _ in range(2)) for _ in range(rng.randint(0, 3))
            )
            country = rng.choice(COUNTRIES)
            address = f"{rng.randint(1, 99)} {_word(rng).title()} Street, {_word(rng)}, {country}"
            writer.writerow([f"b-{n}", "Bench List", name, aliases, address, country])


def precheck_figures(total: int, scratch: Path) -> list[Figures]:
    """Customer prechecks (4 clients) without a list, then with a CSL-sized list."""
    with database("sqlite") as url:
        created = partner(url)
        path = scratch / "bench-list.csv"
        write_list(path, PARTIES)
        with server(url) as base:

            def precheck(client: httpx.Client, i: int) -> httpx.Response:
                return client.post(
                    "/v1/wholesale/customers/validate",
                    json={
                        "address": {
                            "addressLine1": "1 Bench Road",
                            "city": "Leeds",
                            "country": "GB",
                        },
                        "customerInfo": {
                            "name": f"Bench Customer {i} Ltd",
                            "primaryEmail": f"owner{i}@bench.test",
                        },
                    },
                )

            token = created["token"]
            load("warm-up", "sqlite", base, token, precheck, total=100, concurrency=4)
            without = load(
                "customer precheck, no screening list",
                "sqlite",
                base,
                token,
                precheck,
                total=total,
                concurrency=4,
            )
            tukku("screening", "load", str(path), "--database-url", url)
            load("warm-up", "sqlite", base, token, precheck, total=20, concurrency=1)
            with_list = load(
                f"customer precheck, {PARTIES:,} listed",
                "sqlite",
                base,
                token,
                precheck,
                total=total,
                concurrency=4,
            )
    return [without, with_list]
