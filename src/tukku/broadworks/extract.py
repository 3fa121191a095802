"""The `bw-extract/1` input: one BroadWorks enterprise, normalised to JSON that keeps OCI-P's
element names (camelCase, as in the XSDs) so each value traces back to BroadWorks. Strict: a
field it does not define, or a value of the wrong type, is a problem, never silently dropped."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic.alias_generators import to_camel

from tukku.broadworks.numbers import expand, to_e164
from tukku.broadworks.problems import InputError, Problem, from_validation_error

FORMAT = "bw-extract/1"
SCHEMA_ID = "urn:tukku:schema:bw-extract-1"

Id30 = Annotated[str, StringConstraints(min_length=1, max_length=30)]
UserId = Annotated[str, StringConstraints(min_length=1, max_length=161)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Dn = Annotated[
    str,
    StringConstraints(pattern=r"^\+?[0-9][0-9 .()-]{0,22}$"),
    Field(description="A directory number: national (`2025550101`) or `+cc-number`."),
]
DnOrRange = Annotated[
    str,
    StringConstraints(pattern=r"^\+?[0-9][0-9.()-]{0,22}( - \+?[0-9][0-9.()-]{0,22})?$"),
    Field(description="A directory number, or a range `+1-2025550100 - +1-2025550109`."),
]
Extension = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{2,20}$"), Field(description="2 to 20 digits.")
]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
Mac = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-Fa-f]{12}$"),
    Field(description="12 hexadecimal digits, no separators (as BroadWorks stores it)."),
]
UserType = Literal[
    "Normal",
    "Auto Attendant",
    "BroadWorks Anywhere",
    "Call Center",
    "Collaborate Bridge",
    "Find-me/Follow-me",
    "Flexible Seating Host",
    "Group Paging",
    "Hunt Group",
    "Instant Group Call",
    "Meet-Me Conferencing",
    "Music On Hold",
    "Route Point",
    "Voice Messaging",
    "VoiceXML",
]
HuntPolicy = Literal["Circular", "Regular", "Simultaneous", "Uniform", "Weighted"]
AutoAttendantAction = Literal[
    "Transfer With Prompt",
    "Transfer Without Prompt",
    "Transfer To Operator",
    "Name Dialing",
    "Extension Dialing",
    "Repeat Menu",
    "Exit",
    "Transfer To Mailbox",
    "Transfer To Submenu",
    "Return to Previous Menu",
    "Play Announcement",
]


class Strict(BaseModel):
    """Base of the format's objects: camelCase names, exact types, no unknown fields."""

    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", strict=True, frozen=True)


class Source(Strict):
    """Where and when the extract was taken; `partial` marks one whose requests did not all
    succeed (a partial extract is refused rather than silently migrated)."""

    platform: Literal["BroadWorks", "BroadCloud", "Webex for BroadWorks"]
    release: str | None = None
    extracted_at: datetime
    partial: bool = False


class StreetAddress(Strict):
    """OCI-P `StreetAddress`."""

    address_line1: Text
    address_line2: str | None = None
    city: Text
    state_or_province: str | None = None
    zip_or_postal_code: str | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = Field(
        description="ISO 3166 alpha-2, e.g. US."
    )


class ServicePack(Strict):
    """A named bundle of user services defined for the enterprise."""

    service_pack_name: Text
    services: list[Text] = Field(default_factory=list)


class ServiceProvider(Strict):
    """The enterprise (`ServiceProviderGetResponse22V4` plus its packs and DNs)."""

    service_provider_id: Id30
    service_provider_name: Text
    is_enterprise: bool
    default_domain: str | None = None
    service_provider_external_id: str | None = None
    support_email: Email | None = None
    address: StreetAddress
    service_packs: list[ServicePack] = Field(default_factory=list)
    dns: list[DnOrRange] = Field(default_factory=list)


class DnAssignment(Strict):
    """A row of `GroupDnGetAssignmentListResponse18`: a DN (or range) and who uses it."""

    phone_number: DnOrRange
    activated: bool
    user_id: UserId | None = None
    user_type: UserType | None = None


class DeviceEndpoint(Strict):
    """A user's `accessDeviceEndpoint`: the device and line/port the user registers on."""

    device_level: Literal["System", "Service Provider", "Group"]
    device_name: Text
    line_port: Text


class User(Strict):
    """A user (`UserGetResponse23V2` plus its service assignments)."""

    user_id: UserId
    first_name: Text
    last_name: Text
    phone_number: Dn | None = None
    extension: Extension | None = None
    country_code: Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,2}$")]
    national_prefix: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}$")] | None = None
    email_address: Email | None = None
    language: str | None = None
    time_zone: str | None = None
    service_packs: list[Text] = Field(default_factory=list)
    user_services: list[Text] = Field(default_factory=list)
    access_device_endpoint: DeviceEndpoint | None = None
    user_external_id: str | None = None


class ServiceInstanceProfile(Strict):
    """A service instance's (virtual user's) name and numbers."""

    name: Text
    calling_line_id_last_name: str | None = None
    calling_line_id_first_name: str | None = None
    phone_number: Dn | None = None
    extension: Extension | None = None


class HuntAgent(Strict):
    """A row of a hunt group's `agentUserTable`."""

    user_id: UserId
    weight: Annotated[int, Field(ge=0, le=100)] | None = None


class HuntGroup(Strict):
    """`GroupHuntGroupGetInstanceResponse20`."""

    service_user_id: UserId
    service_instance_profile: ServiceInstanceProfile
    policy: HuntPolicy
    hunt_after_no_answer: bool = False
    no_answer_number_of_rings: Annotated[int, Field(ge=1, le=20)] = 5
    forward_after_timeout: bool = False
    forward_timeout_seconds: Annotated[int, Field(ge=0, le=7200)] = 0
    forward_to_phone_number: Dn | None = None
    allow_call_waiting_for_agents: bool = False
    enable_not_reachable_forwarding: bool = False
    not_reachable_forward_to_phone_number: Dn | None = None
    enable_group_busy: bool = False
    allow_members_to_control_group_busy: bool = False
    agents: list[HuntAgent] = Field(default_factory=list)


class CallCenterAgent(Strict):
    """A row of `GroupCallCenterGetAgentListResponse`."""

    user_id: UserId
    weight: Annotated[int, Field(ge=0, le=100)] | None = None
    skill_level: Annotated[int, Field(ge=1, le=20)] | None = None


class CallCenter(Strict):
    """`GroupCallCenterGetInstanceResponse22`, trimmed to what a call queue can take."""

    service_user_id: UserId
    service_instance_profile: ServiceInstanceProfile
    type: Literal["Basic", "Standard", "Premium"]
    policy: HuntPolicy
    routing_type: Literal["Priority Based", "Skill Based"] = "Priority Based"
    queue_length: Annotated[int, Field(ge=0, le=525)] = 3
    agents: list[CallCenterAgent] = Field(default_factory=list)


class MenuEntry(Strict):
    """What a key of an auto attendant menu does."""

    description: str | None = None
    action: AutoAttendantAction
    phone_number: Dn | None = None
    submenu_id: str | None = None


class KeyConfiguration(Strict):
    """One key of an auto attendant menu."""

    key: Literal["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"]
    entry: MenuEntry


class Menu(Strict):
    """An auto attendant menu (business hours, after hours, holiday, or a submenu)."""

    key_configuration: list[KeyConfiguration] = Field(default_factory=list, max_length=12)


class Submenu(Menu):
    """A Standard auto attendant's submenu."""

    submenu_id: Text


class AutoAttendant(Strict):
    """`GroupAutoAttendantGetInstanceResponse24`, trimmed to its menus."""

    service_user_id: UserId
    service_instance_profile: ServiceInstanceProfile
    type: Literal["Basic", "Standard"]
    business_hours_menu: Menu | None = None
    after_hours_menu: Menu | None = None
    holiday_menu: Menu | None = None
    submenus: list[Submenu] = Field(default_factory=list)


class DeviceLine(Strict):
    """A row of `GroupAccessDeviceGetUserListResponse21sp1`."""

    line_port: Text
    user_id: UserId
    primary: bool


class AccessDevice(Strict):
    """`GroupAccessDeviceGetResponse24V3` and its lines."""

    device_name: Text
    device_type: Text
    mac_address: Mac | None = None
    number_of_ports: Annotated[int, Field(ge=1)] | None = None
    lines: list[DeviceLine] = Field(default_factory=list)


class Group(Strict):
    """A group (`GroupGetResponse22V5`) and everything in it: it becomes a location."""

    group_id: Id30
    group_name: Text
    time_zone: Text
    calling_line_id_phone_number: Dn | None = None
    group_external_id: str | None = None
    address: StreetAddress
    dn_assignments: list[DnAssignment] = Field(default_factory=list)
    users: list[User] = Field(default_factory=list)
    hunt_groups: list[HuntGroup] = Field(default_factory=list)
    call_centers: list[CallCenter] = Field(default_factory=list)
    auto_attendants: list[AutoAttendant] = Field(default_factory=list)
    access_devices: list[AccessDevice] = Field(default_factory=list)


class Extract(Strict):
    """One enterprise extracted from BroadWorks: the whole `bw-extract/1` document."""

    format: Literal["bw-extract/1"]
    source: Source
    service_provider: ServiceProvider
    groups: list[Group] = Field(min_length=1)


def json_schema() -> dict[str, Any]:
    """The format's JSON Schema, generated from the model (docs/bw-extract-1.schema.json)."""
    schema = Extract.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "bw-extract/1: one BroadWorks enterprise for `tukku migrate broadworks`",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def json_schema_text() -> str:
    """The JSON Schema as the published file holds it."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def parse_extract(text: str) -> Extract:
    """The extract in `text`, checked whole: InputError lists every problem with its JSON path."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem("$", f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
        ) from None
    count = _enterprise_count(data)
    if count != 1:
        raise InputError(
            [
                Problem(
                    "$",
                    f"one enterprise per file: this file holds {count}; write each enterprise "
                    "to a file of its own and migrate them one by one",
                )
            ]
        )
    try:
        extract = Extract.model_validate_json(text)
    except ValidationError as exc:
        raise InputError(from_validation_error(exc)) from None
    problems = check_references(extract)
    if problems:
        raise InputError(problems)
    return extract


def _enterprise_count(data: object) -> int:
    """How many enterprises a document holds: a list of extracts, or several service providers."""
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict) and isinstance(data.get("serviceProviders"), list):
        return len(data["serviceProviders"])
    return 1


def group_country_code(group: Group) -> str | None:
    """The country of a group's national numbers: its users' `countryCode`, when they agree."""
    codes = {user.country_code for user in group.users}
    return codes.pop() if len(codes) == 1 else None


def check_references(extract: Extract) -> list[Problem]:
    """What the schema cannot see: duplicates, references to absent users, packs and devices,
    numbers that cannot be E.164, bad ranges, a partial extract."""
    problems: list[Problem] = []
    if extract.source.partial:
        problems.append(
            Problem(
                "$.source.partial",
                "the extract is partial (some BroadWorks requests failed): extract again",
            )
        )
    if not extract.service_provider.is_enterprise:
        problems.append(
            Problem("$.serviceProvider.isEnterprise", "must be true: one enterprise per file")
        )
    packs = {p.service_pack_name for p in extract.service_provider.service_packs}
    users = {u.user_id for g in extract.groups for u in g.users}
    countries = {u.country_code for g in extract.groups for u in g.users}
    sp_country = countries.pop() if len(countries) == 1 else None
    for i, dn in enumerate(extract.service_provider.dns):
        problems += _number_problems(f"$.serviceProvider.dns[{i}]", dn, sp_country)
    problems += _duplicates(
        "group", [(f"$.groups[{i}].groupId", g.group_id) for i, g in enumerate(extract.groups)]
    )
    problems += _duplicates(
        "user",
        [
            (f"$.groups[{i}].users[{j}].userId", u.user_id)
            for i, g in enumerate(extract.groups)
            for j, u in enumerate(g.users)
        ],
    )
    problems += _duplicates(
        "MAC address",
        [
            (f"$.groups[{i}].accessDevices[{j}].macAddress", d.mac_address.upper())
            for i, g in enumerate(extract.groups)
            for j, d in enumerate(g.access_devices)
            if d.mac_address
        ],
    )
    for i, group in enumerate(extract.groups):
        problems += _group_problems(f"$.groups[{i}]", group, packs, users)
    return problems


def _group_problems(where: str, group: Group, packs: set[str], users: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    country = group_country_code(group)
    devices = {d.device_name for d in group.access_devices}
    if group.calling_line_id_phone_number:
        problems += _number_problems(
            f"{where}.callingLineIdPhoneNumber", group.calling_line_id_phone_number, country
        )
    for j, row in enumerate(group.dn_assignments):
        problems += _number_problems(
            f"{where}.dnAssignments[{j}].phoneNumber", row.phone_number, country
        )
    for j, user in enumerate(group.users):
        at = f"{where}.users[{j}]"
        if user.phone_number:
            try:
                to_e164(user.phone_number, user.country_code, user.national_prefix)
            except ValueError as exc:
                problems.append(Problem(f"{at}.phoneNumber", str(exc)))
        for k, pack in enumerate(user.service_packs):
            if pack not in packs:
                problems.append(
                    Problem(
                        f"{at}.servicePacks[{k}]", f"no service pack {pack!r} in serviceProvider"
                    )
                )
        endpoint = user.access_device_endpoint
        if endpoint and endpoint.device_level == "Group" and endpoint.device_name not in devices:
            problems.append(
                Problem(
                    f"{at}.accessDeviceEndpoint.deviceName",
                    f"no device {endpoint.device_name!r} in this group's accessDevices",
                )
            )
    features: list[tuple[str, HuntGroup | CallCenter | AutoAttendant]] = [
        *((f"{where}.huntGroups[{k}]", h) for k, h in enumerate(group.hunt_groups)),
        *((f"{where}.callCenters[{k}]", c) for k, c in enumerate(group.call_centers)),
        *((f"{where}.autoAttendants[{k}]", a) for k, a in enumerate(group.auto_attendants)),
    ]
    for at, feature in features:
        profile = feature.service_instance_profile
        if profile.phone_number:
            problems += _number_problems(
                f"{at}.serviceInstanceProfile.phoneNumber", profile.phone_number, country
            )
        if isinstance(feature, HuntGroup):
            for name in ("forward_to_phone_number", "not_reachable_forward_to_phone_number"):
                value = getattr(feature, name)
                if value:
                    problems += _number_problems(f"{at}.{to_camel(name)}", value, country)
        if not isinstance(feature, AutoAttendant):
            agent_ids = [a.user_id for a in feature.agents]
            problems += [
                Problem(f"{at}.agents[{m}].userId", f"no user {user_id!r} in the extract")
                for m, user_id in enumerate(agent_ids)
                if user_id not in users
            ]
    for j, device in enumerate(group.access_devices):
        for m, line in enumerate(device.lines):
            if line.user_id not in users:
                problems.append(
                    Problem(
                        f"{where}.accessDevices[{j}].lines[{m}].userId",
                        f"no user {line.user_id!r} in the extract",
                    )
                )
    return problems


def _number_problems(path: str, value: str, country: str | None) -> list[Problem]:
    try:
        expand(value, country)
    except ValueError as exc:
        return [Problem(path, str(exc))]
    return []


def _duplicates(what: str, items: list[tuple[str, str]]) -> list[Problem]:
    counts = Counter(value for _, value in items)
    first: dict[str, str] = {}
    problems = []
    for path, value in items:
        if counts[value] > 1 and value in first:
            problems.append(Problem(path, f"duplicate {what} {value!r} (first at {first[value]})"))
        first.setdefault(value, path)
    return problems
