"""The package and add-on catalog and its rules: dependencies, calling, downgrades; and the
one-time services (Setup Assist) priced and billed beside them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Package:
    """One sellable package or add-on."""

    name: str
    kind: str
    display_name: str
    sku: str
    description: str
    calling: bool
    subscriber: bool
    workspace: bool
    requires_any_of: tuple[str, ...]
    capabilities: frozenset[str]

    @property
    def service_name(self) -> str:
        """The name billing reports use (`WEBEX_CALLING`)."""
        return self.name.upper()

    @property
    def customer_level(self) -> bool:
        """An add-on the customer itself holds (no subscriber or workspace takes it): billed
        for the customer, one a day, while it is provisioned on the customer."""
        return self.kind == "add_on" and not self.subscriber and not self.workspace


@dataclass(frozen=True)
class Service:
    """A one-time service billed per order (`unit` "order") or per seat (`unit` "seat"): never
    held by anyone, so never a package a customer or subscriber can take."""

    name: str
    display_name: str
    sku: str
    description: str
    unit: str

    @property
    def service_name(self) -> str:
        """The name billing reports use (`SETUP_ASSIST_EXPRESS`)."""
        return self.name.upper()


@dataclass(frozen=True)
class PackageProblem:
    """Why a package list is not acceptable."""

    kind: str  # unknown | duplicate | dependency
    package: str
    detail: str


class Catalog:
    """All packages by name, in catalog order."""

    def __init__(self, packages: list[Package], services: list[Service] | None = None) -> None:
        self._by_name = {p.name: p for p in packages}
        self.packages = packages
        self.services = services or []
        self._services = {s.name: s for s in self.services}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Catalog:
        """Build a catalog from the JSON layout of `catalog/data/packages.json`."""
        return cls(
            [
                Package(
                    name=p["name"],
                    kind=p["kind"],
                    display_name=p["displayName"],
                    sku=p["sku"],
                    description=p["description"],
                    calling=bool(p["calling"]),
                    subscriber=bool(p["subscriber"]),
                    workspace=bool(p.get("workspace", False)),
                    requires_any_of=tuple(p.get("requiresAnyOf", ())),
                    capabilities=frozenset(p.get("capabilities", ())),
                )
                for p in data["packages"]
            ],
            [
                Service(
                    name=s["name"],
                    display_name=s["displayName"],
                    sku=s["sku"],
                    description=s["description"],
                    unit=s["unit"],
                )
                for s in data.get("services", ())
            ],
        )

    def get(self, name: str) -> Package | None:
        """The package called `name`, if the catalog has it."""
        return self._by_name.get(name)

    def __getitem__(self, name: str) -> Package:
        return self._by_name[name]

    def service(self, name: str) -> Service:
        """The one-time service called `name` (KeyError if the catalog lacks it)."""
        return self._services[name]

    def priced(self) -> list[Package | Service]:
        """Everything a price book prices: packages and add-ons, then one-time services."""
        return [*self.packages, *self.services]

    def description_of(self, name: str) -> str | None:
        """The description of a package or service, for reports and invoices."""
        found = self._by_name.get(name) or self._services.get(name)
        return found.description if found else None

    def is_one_time(self, name: str) -> bool:
        """Whether `name` is a one-time service (priced per unit, not per month)."""
        return name in self._services

    def names(self) -> list[str]:
        """Every package name in catalog order."""
        return [p.name for p in self.packages]

    def check_customer_packages(self, names: list[str]) -> list[PackageProblem]:
        """Everything wrong with a customer's complete package list (empty list: acceptable)."""
        problems: list[PackageProblem] = []
        seen: set[str] = set()
        for name in names:
            if name in seen:
                problems.append(PackageProblem("duplicate", name, f"{name} is listed twice"))
            seen.add(name)
            if name not in self._by_name:
                problems.append(PackageProblem("unknown", name, f"{name} is not a known package"))
        for name in dict.fromkeys(names):
            package = self._by_name.get(name)
            if package and package.requires_any_of and not seen & set(package.requires_any_of):
                needs = ", ".join(package.requires_any_of)
                detail = f"{name} needs one of {needs} in the same list"
                problems.append(PackageProblem("dependency", name, detail))
        return problems

    def any_calling(self, names: list[str]) -> bool:
        """Whether a customer with these packages needs a calling location and PSTN."""
        return any(self._by_name[n].calling for n in names if n in self._by_name)

    def has_capability(self, names: list[str], capability: str) -> bool:
        """Whether any of these packages brings `capability`."""
        return any(capability in self._by_name[n].capabilities for n in names if n in self._by_name)

    def is_downgrade(self, current: str, new: str) -> bool:
        """A downgrade is a move to a package lacking a capability of the current one."""
        return not self._by_name[current].capabilities <= self._by_name[new].capabilities


def _load_json(path: Path | None) -> dict[str, Any]:
    if path is not None:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    text = resources.files("tukku.catalog").joinpath("data/packages.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def catalog() -> Catalog:
    """The process's catalog: `TUKKU_CATALOG_FILE` if set, else the packaged default."""
    override = os.environ.get("TUKKU_CATALOG_FILE")
    return Catalog.from_json(_load_json(Path(override) if override else None))
