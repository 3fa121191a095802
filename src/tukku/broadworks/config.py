"""The partner's migration configuration (notes §3.1): what the extract cannot say, such as the
customer template, which package each user gets, what to do about missing e-mails, clashing
extensions and phones tukku does not support. Snake_case names, as in the notes; every field is
checked and a problem names its path."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from tukku.broadworks.problems import InputError, Problem, from_validation_error

CustomerPackage = Literal[
    "common_area_calling",
    "webex_calling",
    "webex_meetings",
    "webex_suite",
    "webex_voice",
    "cx_essentials",
    "webex_calling_standard",
    "cisco_calling_plan",
    "attendant_console",
    "cx_premium_agent",
    "cx_standard_agent",
    "cx_voice_ports",
    "cx_ai_assistant",
    "webex_ai_agent",
]
SubscriberPackage = Literal[
    "webex_calling",
    "webex_meetings",
    "webex_suite",
    "webex_voice",
    "cx_essentials",
    "webex_calling_standard",
    "attendant_console",
    "cx_premium_agent",
    "cx_standard_agent",
]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
E164 = Annotated[str, StringConstraints(pattern=r"^\+[1-9][0-9]{6,14}$")]
Domain = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+"


class Strict(BaseModel):
    """Base of the configuration's objects: exact types, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PackageRules(Strict):
    """How a user's effective services (packs expanded, plus single services) pick the one
    subscriber package (notes §2.6). A pack named in `service_packs` always wins."""

    service_packs: dict[str, SubscriberPackage] = Field(
        default_factory=dict, description="Service pack name → package (rule 6)."
    )
    customer_assist: bool = Field(
        default=True, description="Call center agents get cx_essentials (rule 2)."
    )
    call_center_services: list[str] = Field(
        default_factory=lambda: [
            "Call Center - Basic",
            "Call Center - Standard",
            "Call Center - Premium",
        ]
    )
    uc_services: list[str] = Field(
        default_factory=lambda: ["Integrated IMP", "Client License", "UC-One"],
        description="Services (or their prefix, e.g. `Client License`) marking a UC user.",
    )
    voice_package: Literal["webex_voice", "webex_calling_standard"] = "webex_voice"
    uc_package: Literal["webex_calling", "webex_suite"] = "webex_calling"


class LocationSettings(Strict):
    """Settings of one group's location that differ from the defaults."""

    pstn_connection_id: str | None = None
    emergency_location_identifier: str | None = None
    main_number: E164 | None = None


class Config(Strict):
    """The whole partner configuration of one migration."""

    provisioning_id: Annotated[str, StringConstraints(min_length=1)]
    default_packages: list[CustomerPackage] = Field(default_factory=list)
    package_rules: PackageRules = Field(default_factory=PackageRules)
    default_language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}_[a-z]{2}$")] = "en_us"
    customer_primary_email: Email | None = None
    sub_partner_admin_email: Email | None = None
    email_strategy: str = "require"
    extension_conflict_strategy: Literal["fail", "prefix-location", "drop-extension"] = "fail"
    extension_scope: Literal["organization", "location"] = "organization"
    pstn_connection_type: Literal["TRUNK", "ROUTE_GROUP"] = "TRUNK"
    pstn_connection_id: str | None = None
    emergency_location_identifier: str | None = None
    headquarters_group: str | None = None
    locations: dict[str, LocationSettings] = Field(default_factory=dict)
    default_country_code: Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,2}$")] | None = (
        None
    )
    seconds_per_ring: Annotated[int, Field(ge=1, le=30)] = 6
    number_type: Literal["DID", "TOLLFREE"] = "DID"
    device_models: dict[str, Annotated[str, StringConstraints(min_length=1)]] = Field(
        default_factory=dict
    )
    unsupported_device_policy: Literal["skip", "create-unassigned"] = "skip"
    unassigned_device_model: str | None = None

    @field_validator("email_strategy")
    @classmethod
    def _known_email_strategy(cls, value: str) -> str:
        if value in ("require", "skip-user") or re.fullmatch(f"synthesize:{Domain}", value):
            return value
        raise ValueError("must be require, skip-user or synthesize:<domain>")

    @property
    def synthesized_email_domain(self) -> str | None:
        """The domain of made-up e-mail addresses under `synthesize:<domain>`, else None."""
        kind, _, domain = self.email_strategy.partition(":")
        return domain if kind == "synthesize" else None


def parse_config(text: str, kind: Literal["toml", "json"]) -> Config:
    """The configuration in `text` (TOML or JSON); InputError lists every problem by path."""
    try:
        data = tomllib.loads(text) if kind == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem("$", f"not {kind.upper()}: {exc}")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem("$", "must be an object of settings")])
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise InputError(from_validation_error(exc)) from None
    if (
        config.unsupported_device_policy == "create-unassigned"
        and not config.unassigned_device_model
    ):
        raise InputError(
            [
                Problem(
                    "$.unassigned_device_model",
                    "required when unsupported_device_policy is create-unassigned",
                )
            ]
        )
    return config
