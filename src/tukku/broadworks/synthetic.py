"""Made-up BroadWorks enterprises of any size, for load tests, demos and property tests of the
migration (issue 13): `synthesize` writes a `bw-extract/1` document and `config_for` the partner
configuration that goes with it. Deterministic (one seed, one document) and free of I/O.

What varies with the seed is what real enterprises vary in: names, which users lack an e-mail,
who clashes with whom, packs, phone types, hunt policies, agents. What the spec fixes is the
shape: counts, how many of each awkward case. The `prefix` keeps several enterprises apart: two
enterprises with different prefixes share no id, e-mail, number, MAC or external id, so they can
all be moved into one tukku."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

from tukku.broadworks.numbers import MAX_RANGE

MAX_PREFIX = 799
"""Prefixes 0..799: the prefix picks the enterprise's area code (200 + prefix)."""
MAX_USERS = 1_000_000
"""Extensions are `width` digits and stay within 10 once a location prefix is put in front."""

PACKS: dict[str, list[str]] = {
    "Pack-Voice": [
        "Voice Messaging User",
        "Call Forwarding Always",
        "Call Forwarding Busy",
        "Call Waiting",
        "Three-Way Call",
    ],
    "Pack-UC": [
        "Voice Messaging User",
        "Integrated IMP",
        "Client License 17",
        "Shared Call Appearance 5",
    ],
    "Pack-Agent": ["Voice Messaging User", "Call Center - Standard"],
    "Pack-Exec": ["Voice Messaging User", "Integrated IMP", "Executive"],
}
"""The enterprise's service packs; most users get Pack-Voice."""
PACK_WEIGHTS = {"Pack-Voice": 5, "Pack-UC": 3, "Pack-Agent": 1, "Pack-Exec": 1}
MAPPED_PACKS = {"Pack-Exec": "webex_suite"}
"""Packs the partner configuration maps to a package by name (the other packs go by services)."""

SUPPORTED_PHONES = {
    "Cisco MPP 8845": "DMS Cisco 8845",
    "Cisco MPP 6871": "DMS Cisco 6871",
    "Cisco MPP 7841": "DMS Cisco 7841",
}
"""BroadWorks device types the configuration maps to a tukku model."""
UNSUPPORTED_PHONES = ("Polycom VVX 410", "Generic SIP Phone", "Yealink T46S")
"""Device types the configuration leaves out, so the plan applies the unsupported policy."""

FIRST_NAMES = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Farah",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lena",
    "Milo",
    "Nia",
    "Omar",
    "Pia",
    "Quinn",
    "Rui",
    "Sofia",
    "Tomas",
    "Uma",
    "Vera",
    "Wen",
    "Xavi",
    "Yara",
    "Zane",
]
LAST_NAMES = [
    "Abara",
    "Berg",
    "Costa",
    "Dahl",
    "Ekwueme",
    "Fuentes",
    "Gill",
    "Haddad",
    "Ito",
    "Jansen",
    "Kowalski",
    "Lind",
    "Moreau",
    "Novak",
    "Okafor",
    "Park",
    "Quist",
    "Rossi",
    "Sato",
    "Tran",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zeller",
]
SITES = (
    ("New York", "NY", "10001", "America/New_York"),
    ("Boston", "MA", "02110", "America/New_York"),
    ("Chicago", "IL", "60601", "America/Chicago"),
    ("Denver", "CO", "80202", "America/Denver"),
    ("Seattle", "WA", "98101", "America/Los_Angeles"),
    ("Austin", "TX", "78701", "America/Chicago"),
)
POLICIES = ("Circular", "Regular", "Simultaneous", "Uniform", "Weighted")


@dataclass(frozen=True)
class EnterpriseSpec:
    """The shape of a made-up enterprise. Numbers are spread over the groups, feature numbers
    first, then users in order; users the numbers do not reach are extension-only, and numbers
    nobody uses are listed as ranges of at most `range_size`. Devices go to users with a phone
    service; `unsupported_devices` of them have a type the configuration does not map.
    `extension_clashes` users outside the first group each reuse the extension of a different
    first-group user."""

    users: int = 20
    groups: int = 2
    numbers: int = 30
    devices: int = 10
    hunt_groups: int = 1
    call_centers: int = 1
    auto_attendants: int = 1
    meetings_only: int = 0
    missing_email_share: float = 0.0
    extension_clashes: int = 0
    unsupported_devices: int = 0
    national_share: float = 0.5
    range_size: int = 100
    prefix: int = 0

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems))

    def problems(self) -> list[str]:
        """Why this spec cannot be generated (empty when it can), field by field."""
        out = []
        if self.groups < 1:
            out.append("groups: at least 1")
        if not 0 <= self.users <= MAX_USERS:
            out.append(f"users: 0 to {MAX_USERS}")
        counts = ("numbers", "devices", "hunt_groups", "call_centers", "auto_attendants")
        out += [f"{name}: not negative" for name in counts if getattr(self, name) < 0]
        if not 0 <= self.meetings_only <= self.users:
            out.append("meetings_only: 0 to users")
        if not 0 <= self.devices <= self.phone_users:
            out.append("devices: 0 to the users with a phone service (users - meetings_only)")
        if not 0 <= self.unsupported_devices <= self.devices:
            out.append("unsupported_devices: 0 to devices")
        for name in ("missing_email_share", "national_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                out.append(f"{name}: 0.0 to 1.0")
        if not 0 <= self.extension_clashes <= self.clash_room:
            out.append(
                "extension_clashes: 0 to the phone users outside the first group, and no "
                f"more than in it ({self.clash_room} here)"
            )
        if not 1 <= self.range_size <= MAX_RANGE:
            out.append(f"range_size: 1 to {MAX_RANGE}")
        if not 0 <= self.prefix <= MAX_PREFIX:
            out.append(f"prefix: 0 to {MAX_PREFIX}")
        if self.numbers > 8_000_000:
            out.append("numbers: at most 8,000,000 (the prefix's area code)")
        return out

    @property
    def phone_users(self) -> int:
        """Users with a phone service (an extension), the meetings-only ones left out."""
        return self.users - self.meetings_only

    @property
    def clash_room(self) -> int:
        """How many users can clash: phone users outside the first group, each with an
        extension of its own first-group user (so a location prefix makes each unique again)."""
        first = len(range(0, max(self.phone_users, 0), max(self.groups, 1)))
        return min(first, self.phone_users - first)

    @property
    def domain(self) -> str:
        """The enterprise's domain: user ids and e-mail addresses end in it."""
        return f"ent{self.prefix}.example"

    @property
    def service_provider_id(self) -> str:
        """The enterprise's id."""
        return f"syn{self.prefix}"


def extension_width(spec: EnterpriseSpec) -> int:
    """How many digits extensions have: one more than the count of users and features, so user
    extensions (starting 1) and feature extensions (starting 9) never meet."""
    features = spec.hunt_groups + spec.call_centers + spec.auto_attendants
    return max(4, len(str(spec.users + features)) + 1)


def number_of(spec: EnterpriseSpec, index: int) -> str:
    """The enterprise's `index`th number, as its ten national digits (area code 200 + prefix,
    exchanges from 200 up): numbers of one enterprise are consecutive."""
    return str((200 + spec.prefix) * 10_000_000 + 2_000_000 + index)


def _e164_written(national: str) -> str:
    return f"+1-{national}"


class _Writer:
    """Builds one document; each method writes one part of it."""

    def __init__(self, spec: EnterpriseSpec, seed: int) -> None:
        self.spec = spec
        self.rng = random.Random(seed)
        self.width = extension_width(spec)
        self.groups: list[dict[str, Any]] = []
        self.next_feature = 0

    def national(self) -> bool:
        return self.rng.random() < self.spec.national_share

    def written(self, national: str, group: dict[str, Any]) -> str:
        """A number as BroadWorks shows it: national digits or `+1-` digits, by the share. A
        group without users has no country code for national numbers: always `+1-` there."""
        return national if group["users"] and self.national() else _e164_written(national)

    def group_ids(self) -> list[str]:
        return [f"{self.spec.service_provider_id}_g{k:02d}" for k in range(self.spec.groups)]

    def make_groups(self) -> None:
        for k, group_id in enumerate(self.group_ids()):
            city, state, postal, zone = SITES[k % len(SITES)]
            self.groups.append(
                {
                    "groupId": group_id,
                    "groupName": f"Site {k + 1} {city}",
                    "timeZone": zone,
                    "groupExternalId": f"SYN-{self.spec.prefix}-G{k}",
                    "address": {
                        "addressLine1": f"{100 + k} Main St",
                        "city": city,
                        "stateOrProvince": state,
                        "zipOrPostalCode": postal,
                        "country": "US",
                    },
                    "dnAssignments": [],
                    "users": [],
                    "huntGroups": [],
                    "callCenters": [],
                    "autoAttendants": [],
                    "accessDevices": [],
                }
            )

    def make_users(self) -> None:
        spec = self.spec
        missing = set(
            self.rng.sample(range(spec.users), round(spec.users * spec.missing_email_share))
        )
        for i in range(spec.users):
            phone = i < spec.phone_users
            group = self.groups[i % spec.groups] if phone else self.groups[0]
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            user: dict[str, Any] = {
                "userId": f"u{i:06d}@{spec.domain}",
                "firstName": first,
                "lastName": last,
                "countryCode": "1",
                "language": "English",
                "timeZone": group["timeZone"],
                "userExternalId": f"SYN-{spec.prefix}-U{i}",
                "servicePacks": [],
                "userServices": [],
            }
            if i not in missing:
                user["emailAddress"] = f"{first.lower()}.{last.lower()}.{i}@{spec.domain}"
            if phone:
                user["extension"] = str(10 ** (self.width - 1) + i)
                packs, weights = zip(*PACK_WEIGHTS.items(), strict=True)
                user["servicePacks"] = [self.rng.choices(packs, weights)[0]]
            group["users"].append(user)

    def make_clashes(self) -> None:
        """Users outside the first group take the extension of a first-group user, no two
        the same one."""
        first = [u for u in self.groups[0]["users"] if "extension" in u]
        others = [u for g in self.groups[1:] for u in g["users"] if "extension" in u]
        count = self.spec.extension_clashes
        for user, taken in zip(
            self.rng.sample(others, count), self.rng.sample(first, count), strict=True
        ):
            user["extension"] = taken["extension"]

    def feature_extension(self) -> str:
        self.next_feature += 1
        return str(9 * 10 ** (self.width - 1) + self.next_feature)

    def profile(self, name: str) -> dict[str, Any]:
        return {"name": name, "extension": self.feature_extension()}

    def make_features(self) -> None:
        spec = self.spec
        for n in range(spec.hunt_groups):
            group = self.groups[n % spec.groups]
            agents = self.agents(group, 4)
            policy = self.rng.choice(POLICIES)
            group["huntGroups"].append(
                {
                    "serviceUserId": f"hg{n}@{spec.domain}",
                    "serviceInstanceProfile": self.profile(f"Hunt Group {n + 1}"),
                    "policy": policy,
                    "huntAfterNoAnswer": self.rng.random() < 0.5,
                    "noAnswerNumberOfRings": self.rng.randint(2, 8),
                    "forwardAfterTimeout": False,
                    "agents": [
                        {"userId": a, "weight": self.rng.randint(0, 100)}
                        if policy == "Weighted"
                        else {"userId": a}
                        for a in agents
                    ],
                }
            )
        for n in range(spec.call_centers):
            group = self.groups[n % spec.groups]
            group["callCenters"].append(
                {
                    "serviceUserId": f"cc{n}@{spec.domain}",
                    "serviceInstanceProfile": self.profile(f"Call Center {n + 1}"),
                    "type": self.rng.choice(("Basic", "Standard", "Premium")),
                    "policy": self.rng.choice(POLICIES),
                    "routingType": self.rng.choice(("Priority Based", "Skill Based")),
                    "queueLength": self.rng.randint(0, 300),
                    "agents": [
                        {"userId": a, "skillLevel": self.rng.randint(1, 20)}
                        for a in self.agents(group, 6)
                    ],
                }
            )
        for n in range(spec.auto_attendants):
            group = self.groups[n % spec.groups]
            standard = self.rng.random() < 0.5
            keys: list[dict[str, Any]] = [
                {"key": "0", "entry": {"action": "Transfer To Operator"}},
                {"key": "9", "entry": {"action": "Name Dialing"}},
            ]
            aa: dict[str, Any] = {
                "serviceUserId": f"aa{n}@{spec.domain}",
                "serviceInstanceProfile": self.profile(f"Auto Attendant {n + 1}"),
                "type": "Standard" if standard else "Basic",
                "businessHoursMenu": {"keyConfiguration": keys},
                "afterHoursMenu": {
                    "keyConfiguration": [{"key": "#", "entry": {"action": "Repeat Menu"}}]
                },
            }
            if standard:
                keys.append(
                    {"key": "1", "entry": {"action": "Transfer To Submenu", "submenuId": "sales"}}
                )
                aa["submenus"] = [
                    {
                        "submenuId": "sales",
                        "keyConfiguration": [
                            {"key": "*", "entry": {"action": "Return to Previous Menu"}}
                        ],
                    }
                ]
            group["autoAttendants"].append(aa)

    def agents(self, group: dict[str, Any], most: int) -> list[str]:
        phones = [u["userId"] for u in group["users"] if "extension" in u]
        return self.rng.sample(phones, min(most, len(phones)))

    def make_numbers(self) -> list[str]:
        """Each group's share of the numbers: feature numbers, user numbers, then spare ranges.
        Returns the service provider's DNs (its whole block, as ranges)."""
        spec = self.spec
        start = 0
        for k, group in enumerate(self.groups):
            count = spec.numbers // spec.groups + (k < spec.numbers % spec.groups)
            block = [number_of(spec, start + n) for n in range(count)]
            start += count
            owners: list[tuple[dict[str, Any], str, str]] = [
                *(
                    (f["serviceInstanceProfile"], f["serviceUserId"], "Hunt Group")
                    for f in group["huntGroups"]
                ),
                *(
                    (f["serviceInstanceProfile"], f["serviceUserId"], "Call Center")
                    for f in group["callCenters"]
                ),
                *(
                    (f["serviceInstanceProfile"], f["serviceUserId"], "Auto Attendant")
                    for f in group["autoAttendants"]
                ),
                *((u, u["userId"], "Normal") for u in group["users"] if "extension" in u),
            ]
            for (holder, owner, kind), number in zip(owners, block, strict=False):
                holder["phoneNumber"] = self.written(number, group)
                row = {"phoneNumber": self.written(number, group), "activated": True}
                group["dnAssignments"].append({**row, "userId": owner, "userType": kind})
            spare = block[len(owners) :]
            for at in range(0, len(spare), spec.range_size):
                chunk = spare[at : at + spec.range_size]
                listed = (
                    self.written(chunk[0], group)
                    if len(chunk) == 1
                    else f"{_e164_written(chunk[0])} - {_e164_written(chunk[-1])}"
                )
                group["dnAssignments"].append({"phoneNumber": listed, "activated": False})
        return [
            f"{_e164_written(number_of(spec, at))} - "
            f"{_e164_written(number_of(spec, min(at + MAX_RANGE, spec.numbers) - 1))}"
            for at in range(0, spec.numbers, MAX_RANGE)
        ]

    def make_devices(self) -> None:
        spec = self.spec
        phones = [(g, u) for g in self.groups for u in g["users"] if "extension" in u]
        owners = self.rng.sample(phones, spec.devices)
        unsupported = set(self.rng.sample(range(spec.devices), spec.unsupported_devices))
        for n, (group, user) in enumerate(owners):
            kind = (
                self.rng.choice(UNSUPPORTED_PHONES)
                if n in unsupported
                else self.rng.choice(list(SUPPORTED_PHONES))
            )
            name = f"dev{n:06d}"
            line = f"{user['userId'].split('@')[0]}@{spec.domain}"
            group["accessDevices"].append(
                {
                    "deviceName": name,
                    "deviceType": kind,
                    "macAddress": f"0A{spec.prefix:04X}{n:06X}",
                    "numberOfPorts": 1,
                    "lines": [{"linePort": line, "userId": user["userId"], "primary": True}],
                }
            )
            user["accessDeviceEndpoint"] = {
                "deviceLevel": "Group",
                "deviceName": name,
                "linePort": line,
            }


def synthesize(spec: EnterpriseSpec, seed: int) -> dict[str, Any]:
    """A `bw-extract/1` document of an enterprise shaped by `spec` (parse_extract accepts it);
    the same spec and seed always give the same document."""
    writer = _Writer(spec, seed)
    writer.make_groups()
    writer.make_users()
    writer.make_clashes()
    writer.make_features()
    dns = writer.make_numbers()
    writer.make_devices()
    first = writer.groups[0]
    if first["dnAssignments"] and "userId" in first["dnAssignments"][0]:
        first["callingLineIdPhoneNumber"] = first["dnAssignments"][0]["phoneNumber"]
    return {
        "format": "bw-extract/1",
        "source": {
            "platform": "BroadWorks",
            "release": "R24",
            "extractedAt": "2025-03-01T10:00:00Z",
        },
        "serviceProvider": {
            "serviceProviderId": spec.service_provider_id,
            "serviceProviderName": f"Synthetic Enterprise {spec.prefix}",
            "isEnterprise": True,
            "defaultDomain": spec.domain,
            "serviceProviderExternalId": f"SYN-{spec.prefix}",
            "supportEmail": f"it@{spec.domain}",
            "address": first["address"],
            "servicePacks": [
                {"servicePackName": name, "services": services} for name, services in PACKS.items()
            ],
            "dns": dns,
        },
        "groups": writer.groups,
    }


def config_for(spec: EnterpriseSpec) -> dict[str, Any]:
    """A partner configuration (TOML- and JSON-able) under which the enterprise plans without a
    blocker: e-mails made up where missing, clashing extensions prefixed with the location's
    number, its phone types mapped, unsupported phones skipped. Change a key to try another
    strategy."""
    return {
        "provisioning_id": f"tmpl-syn-{spec.prefix}",
        "default_language": "en_us",
        "email_strategy": f"synthesize:mail.{spec.domain}",
        "extension_conflict_strategy": "prefix-location",
        "extension_scope": "organization",
        "pstn_connection_id": f"trunk-syn-{spec.prefix}",
        "emergency_location_identifier": f"ELIN-SYN-{spec.prefix}",
        "default_country_code": "1",
        "unsupported_device_policy": "skip",
        "unassigned_device_model": SUPPORTED_PHONES["Cisco MPP 8845"],
        "package_rules": {"service_packs": dict(MAPPED_PACKS)},
        "device_models": dict(SUPPORTED_PHONES),
    }


def config_toml(config: dict[str, Any]) -> str:
    """A configuration like `config_for`'s as TOML (the partner's usual format): top-level
    strings, numbers and booleans, then one table per nested mapping."""
    lines = [
        f"{key} = {_toml_value(value)}" for key, value in config.items() if not _is_table(value)
    ]
    for key, table in config.items():
        if _is_table(table):
            lines += _toml_table([key], table)
    return "\n".join(lines) + "\n"


def _is_table(value: object) -> bool:
    return isinstance(value, dict)


def _toml_table(path: list[str], table: dict[str, Any]) -> list[str]:
    lines = ["", f"[{'.'.join(_toml_key(p) for p in path)}]"]
    lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items() if not _is_table(v)]
    for key, value in table.items():
        if _is_table(value):
            lines += _toml_table([*path, key], value)
    return lines


def _toml_key(key: str) -> str:
    return (
        key
        if key.replace("_", "").replace("-", "").isalnum() and key.isascii()
        else json.dumps(key)
    )


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {type(value).__name__}")
