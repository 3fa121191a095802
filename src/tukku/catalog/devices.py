"""The supported device models (PRODUCT.md §11): what each is, who manages it and how many
line ports it has. Data in `data/devices.json`; `/v1/telephony/config/supportedDevices` answers
from it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any


class Management(StrEnum):
    """Who manages a model's devices."""

    PLATFORM = "platform"  # vendor devices the platform provisions
    PLATFORM_THIRD_PARTY = "platform_third_party"  # provisioned too, once enabled per customer
    CUSTOMER = "customer"  # generic SIP devices: the customer configures them with SIP credentials
    PARTNER = "partner"  # an external device-management tool provisions them; tukku only lists


@dataclass(frozen=True)
class DeviceModel:
    """One supported model."""

    model: str
    display_name: str
    family_display_name: str | None
    type: str  # MPP, ATA, GENERIC_SIP, DESK_PHONE
    management: Management
    supported_for: tuple[str, ...]  # PEOPLE, PLACE
    onboarding_method: tuple[str, ...]
    line_ports: int
    line_key_buttons: int
    touch_screen: bool
    kem_module_count: int | None
    kem_module_type: tuple[str, ...]

    @property
    def manufacturer(self) -> str:
        """`CISCO` for the platform's vendor devices, `THIRD_PARTY` for every other."""
        return "CISCO" if self.management is Management.PLATFORM else "THIRD_PARTY"

    @property
    def managed_by(self) -> str:
        """The reference's `managedBy`: CISCO (the platform), CUSTOMER or PARTNER."""
        return {
            Management.PLATFORM: "CISCO",
            Management.PLATFORM_THIRD_PARTY: "CISCO",
            Management.CUSTOMER: "CUSTOMER",
            Management.PARTNER: "PARTNER",
        }[self.management]


@dataclass(frozen=True)
class DeviceCatalog:
    """Every supported model and the upgrade channels."""

    models: tuple[DeviceModel, ...]
    upgrade_channels: tuple[str, ...]

    def find(self, name: str) -> DeviceModel | None:
        """The model named by its `model` or its display name (the reference allows both)."""
        wanted = name.strip()
        for found in self.models:
            if wanted in (found.model, found.display_name):
                return found
        return None

    def by_management(self, management: Management) -> list[DeviceModel]:
        """The models one kind of management covers."""
        return [m for m in self.models if m.management is management]


def _model(entry: dict[str, Any]) -> DeviceModel:
    return DeviceModel(
        model=entry["model"],
        display_name=entry["displayName"],
        family_display_name=entry.get("familyDisplayName"),
        type=entry["type"],
        management=Management(entry["management"]),
        supported_for=tuple(entry["supportedFor"]),
        onboarding_method=tuple(entry["onboardingMethod"]),
        line_ports=int(entry["numberOfLinePorts"]),
        line_key_buttons=int(entry["numberOfLineKeyButtons"]),
        touch_screen=bool(entry["touchScreenPhone"]),
        kem_module_count=entry.get("kemModuleCount"),
        kem_module_type=tuple(entry.get("kemModuleType", ())),
    )


@cache
def device_catalog() -> DeviceCatalog:
    """The packaged device catalog."""
    text = resources.files("tukku.catalog").joinpath("data/devices.json").read_text("utf-8")
    data = json.loads(text)
    return DeviceCatalog(
        models=tuple(_model(e) for e in data["models"]),
        upgrade_channels=tuple(data["upgradeChannels"]),
    )
