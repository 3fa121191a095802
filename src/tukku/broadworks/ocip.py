"""Raw OCI-P exchanges → a `bw-extract/1` document (docs/migration.md).

BroadWorks answers its provisioning protocol (OCI-P) in XML. An operator who can run OCI-P
requests but no extract tool captures each exchange as two files in one folder,
`NAME.request.xml` and `NAME.response.xml`: the documents sent and received. A document may carry
several commands; the answer's commands follow the request's in order, so each response is read
with the keys of its request (the user, group, device or service instance asked about), as
OCI-P responses do not repeat them.

Only the request and response types of the notes' minimal extract set are read (see `READERS`
and `VERSIONED_READERS`); any other exchange is reported, never guessed at. Tables (`OCITable`)
are read by column heading, never by position. XML is parsed with `defusedxml`: a document with
a DTD, entity declarations or external references is refused before anything in it is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

FORMAT = "bw-extract/1"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
Json = dict[str, Any]


class ConversionError(Exception):
    """The folder cannot be converted: every problem found, each naming its file and element."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Exchange:
    """One OCI-P command and its answer: the request's keys, the response element, and where it
    was read (`file#position`) for messages."""

    request_type: str
    keys: dict[str, str]
    response: Element
    where: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element: Element | None, name: str) -> str | None:
    """The trimmed text of the child `name`, None when absent or empty."""
    found = _child(element, name) if element is not None else None
    text = (found.text or "").strip() if found is not None else ""
    return text or None


def _flag(element: Element, name: str) -> bool | None:
    value = _text(element, name)
    return None if value is None else value.lower() == "true"


def _number(element: Element, name: str) -> int | None:
    value = _text(element, name)
    return int(value) if value is not None and value.isdigit() else None


def table(element: Element, name: str) -> list[dict[str, str | None]]:
    """The rows of the `OCITable` child `name`, each a mapping of column heading → value (None
    when empty): column order is not to be assumed."""
    found = _child(element, name)
    if found is None:
        return []
    headings = [(h.text or "").strip() for h in found if _local(h.tag) == "colHeading"]
    rows = []
    for row in (r for r in found if _local(r.tag) == "row"):
        values = [((c.text or "").strip() or None) for c in row if _local(c.tag) == "col"]
        rows.append(dict(zip(headings, values, strict=False)))
    return rows


def _address(element: Element) -> Json | None:
    found = _child(element, "address")
    if found is None:
        return None
    names = (
        "addressLine1",
        "addressLine2",
        "city",
        "stateOrProvince",
        "zipOrPostalCode",
        "country",
    )
    return {n: v for n in names if (v := _text(found, n)) is not None}


def _parse(path: Path) -> Element:
    data = path.read_bytes()
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ConversionError([f"{path.name}: larger than {MAX_DOCUMENT_BYTES} bytes"])
    try:
        root: Element = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as refused:
        reason = (
            f"refused unsafe XML ({type(refused).__name__}): no DTD, entity or external reference"
        )
        raise ConversionError([f"{path.name}: {reason}"]) from None
    except ParseError as bad:
        raise ConversionError([f"{path.name}: not well-formed XML: {bad}"]) from None
    if _local(root.tag) != "BroadsoftDocument":
        raise ConversionError([f"{path.name}: <{_local(root.tag)}> is not a BroadsoftDocument"])
    return root


def _commands(root: Element) -> list[Element]:
    return [c for c in root if _local(c.tag) == "command"]


def exchanges(folder: Path) -> Iterator[Exchange]:
    """Every command of the folder's `*.request.xml` files with its answer from the matching
    `*.response.xml`, in file-name order."""
    problems: list[str] = []
    requests = sorted(folder.glob("*.request.xml"))
    if not requests:
        raise ConversionError([f"{folder}: no *.request.xml file (see docs/migration.md)"])
    for request_path in requests:
        response_path = request_path.with_name(
            request_path.name.removesuffix(".request.xml") + ".response.xml"
        )
        if not response_path.exists():
            problems.append(f"{request_path.name}: no {response_path.name} beside it")
            continue
        sent = _commands(_parse(request_path))
        answered = _commands(_parse(response_path))
        if len(sent) != len(answered):
            problems.append(
                f"{response_path.name}: {len(answered)} commands answer {len(sent)} requests"
            )
            continue
        for position, (request, response) in enumerate(zip(sent, answered, strict=True), 1):
            where = f"{response_path.name}#command[{position}]"
            kind = response.get(XSI_TYPE, "")
            if _local(kind) == "ErrorResponse" or kind.endswith(":ErrorResponse"):
                summary = _text(response, "summaryEnglish") or _text(response, "summary")
                problems.append(f"{where}: the server answered an error: {summary}")
                continue
            keys = {_local(k.tag): (k.text or "").strip() for k in request if len(k) == 0}
            yield Exchange(_local(request.get(XSI_TYPE, "")), keys, response, where)
    if problems:
        raise ConversionError(problems)


@dataclass
class _Extract:
    """What the exchanges said, gathered before the document is assembled."""

    provider: Json = field(default_factory=dict)
    packs: dict[str, list[str]] = field(default_factory=dict)
    dns: list[str] = field(default_factory=list)
    groups: dict[str, Json] = field(default_factory=dict)
    group_order: list[str] = field(default_factory=list)
    users: dict[str, Json] = field(default_factory=dict)
    user_group: dict[str, str] = field(default_factory=dict)
    assigned: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    hunt_groups: dict[str, Json] = field(default_factory=dict)
    hunt_group_of: dict[str, str] = field(default_factory=dict)
    call_centers: dict[str, Json] = field(default_factory=dict)
    call_center_agents: dict[str, list[Json]] = field(default_factory=dict)
    auto_attendants: dict[str, Json] = field(default_factory=dict)
    feature_of: dict[str, str] = field(default_factory=dict)
    devices: dict[str, Json] = field(default_factory=dict)
    device_group: dict[str, str] = field(default_factory=dict)
    lines: dict[str, list[Json]] = field(default_factory=dict)
    release: str | None = None

    def group(self, group_id: str) -> Json:
        if group_id not in self.groups:
            self.group_order.append(group_id)
            self.groups[group_id] = {"groupId": group_id}
        return self.groups[group_id]


def _provider(out: _Extract, ex: Exchange) -> None:
    r = ex.response
    out.provider = {
        "serviceProviderId": ex.keys.get("serviceProviderId"),
        "serviceProviderName": _text(r, "serviceProviderName"),
        "isEnterprise": _flag(r, "isEnterprise"),
        "defaultDomain": _text(r, "defaultDomain"),
        "serviceProviderExternalId": _text(r, "serviceProviderExternalId"),
        "supportEmail": _text(r, "supportEmail"),
        "address": _address(r),
    }


def _pack(out: _Extract, ex: Exchange) -> None:
    name = _text(ex.response, "servicePackName") or ex.keys.get("servicePackName", "")
    services = [row.get("Service") for row in table(ex.response, "userServiceTable")]
    out.packs[name] = [s for s in services if s]


def _provider_dns(out: _Extract, ex: Exchange) -> None:
    for row in table(ex.response, "dnSummaryTable"):
        if row.get("Phone Numbers"):
            out.dns.append(str(row["Phone Numbers"]))


def _group_list(out: _Extract, ex: Exchange) -> None:
    for row in table(ex.response, "groupTable"):
        if row.get("Group Id"):
            out.group(str(row["Group Id"])).setdefault("groupName", row.get("Group Name"))


def _group(out: _Extract, ex: Exchange) -> None:
    r = ex.response
    group = out.group(ex.keys["groupId"])
    group.update(
        {
            "groupName": _text(r, "groupName"),
            "timeZone": _text(r, "timeZone"),
            "callingLineIdPhoneNumber": _text(r, "callingLineIdPhoneNumber"),
            "address": _address(r),
        }
    )


def _group_dns(out: _Extract, ex: Exchange) -> None:
    group = out.group(ex.keys["groupId"])
    group["dnAssignments"] = [
        {
            "phoneNumber": row.get("Phone Numbers"),
            "activated": (row.get("Activated") or "").lower() == "true",
            "userId": row.get("User Id"),
            "userType": row.get("User Type"),
        }
        for row in table(ex.response, "dnTable")
    ]


def _user(out: _Extract, ex: Exchange) -> None:
    r = ex.response
    user_id = ex.keys["userId"]
    endpoint = _child(r, "accessDeviceEndpoint")
    device = _child(endpoint, "accessDevice") if endpoint is not None else None
    out.users[user_id] = {
        "userId": user_id,
        "firstName": _text(r, "firstName"),
        "lastName": _text(r, "lastName"),
        "phoneNumber": _text(r, "phoneNumber"),
        "extension": _text(r, "extension"),
        "countryCode": _text(r, "countryCode"),
        "emailAddress": _text(r, "emailAddress"),
        "language": _text(r, "language"),
        "timeZone": _text(r, "timeZone"),
        "accessDeviceEndpoint": None
        if endpoint is None
        else {
            "deviceLevel": _text(device, "deviceLevel"),
            "deviceName": _text(device, "deviceName"),
            "linePort": _text(endpoint, "linePort"),
        },
    }
    if (group_id := _text(r, "groupId")) is not None:
        out.user_group[user_id] = group_id


def _user_services(out: _Extract, ex: Exchange) -> None:
    r = ex.response
    packs = [
        str(row["Service Pack Name"])
        for row in table(r, "servicePacksAssignmentTable")
        if row.get("Service Pack Name") and (row.get("Assigned") or "").lower() == "true"
    ]
    services = [
        str(row["Service Name"])
        for row in table(r, "userServicesAssignmentTable")
        if row.get("Service Name") and (row.get("Assigned") or "").lower() == "true"
    ]
    out.assigned[ex.keys["userId"]] = (packs, services)


def _hunt_group_list(out: _Extract, ex: Exchange) -> None:
    for row in table(ex.response, "huntGroupTable"):
        if row.get("Service User Id"):
            out.hunt_group_of[str(row["Service User Id"])] = ex.keys["groupId"]


def _hunt_group(out: _Extract, ex: Exchange) -> None:
    r = ex.response
    profile = _child(r, "serviceInstanceProfile")
    names = ("name", "callingLineIdLastName", "callingLineIdFirstName", "phoneNumber", "extension")
    out.hunt_groups[ex.keys["serviceUserId"]] = {
        "serviceUserId": ex.keys["serviceUserId"],
        "serviceInstanceProfile": {n: _text(profile, n) for n in names},
        "policy": _text(r, "policy"),
        "huntAfterNoAnswer": _flag(r, "huntAfterNoAnswer"),
        "noAnswerNumberOfRings": _number(r, "noAnswerNumberOfRings"),
        "forwardAfterTimeout": _flag(r, "forwardAfterTimeout"),
        "forwardTimeoutSeconds": _number(r, "forwardTimeoutSeconds"),
        "forwardToPhoneNumber": _text(r, "forwardToPhoneNumber"),
        "allowCallWaitingForAgents": _flag(r, "allowCallWaitingForAgents"),
        "enableNotReachableForwarding": _flag(r, "enableNotReachableForwarding"),
        "enableGroupBusy": _flag(r, "enableGroupBusy"),
        "allowMembersToControlGroupBusy": _flag(r, "allowMembersToControlGroupBusy"),
        "agents": [
            {
                "userId": row.get("User Id"),
                "weight": int(w) if (w := row.get("Weight")) and w.isdigit() else None,
            }
            for row in table(r, "agentUserTable")
        ],
    }


def _profile(response: Element) -> Json:
    """A service instance's `serviceInstanceProfile`: its name and numbers."""
    profile = _child(response, "serviceInstanceProfile")
    names = ("name", "callingLineIdLastName", "callingLineIdFirstName", "phoneNumber", "extension")
    return {n: v for n in names if (v := _text(profile, n)) is not None}


def _feature_list(table_name: str) -> Callable[[_Extract, Exchange], None]:
    """A reader of a group's list of call centers or auto attendants: which group each is in."""

    def read(out: _Extract, ex: Exchange) -> None:
        for row in table(ex.response, table_name):
            if row.get("Service User Id"):
                out.feature_of[str(row["Service User Id"])] = ex.keys["groupId"]

    return read


def _call_center(out: _Extract, ex: Exchange) -> None:
    r = ex.response
    found = {
        "serviceUserId": ex.keys["serviceUserId"],
        "serviceInstanceProfile": _profile(r),
        "type": _text(r, "type"),
        "policy": _text(r, "policy"),
        "routingType": _text(r, "routingType"),
        "queueLength": _number(r, "queueLength"),
    }
    out.call_centers[ex.keys["serviceUserId"]] = {k: v for k, v in found.items() if v is not None}


def _call_center_agents(out: _Extract, ex: Exchange) -> None:
    agents = []
    for row in table(ex.response, "agentTable"):
        agent: Json = {"userId": row.get("User Id")}
        for column, name in (("Weight", "weight"), ("Skill Level", "skillLevel")):
            if (value := row.get(column)) and value.isdigit():
                agent[name] = int(value)
        agents.append(agent)
    out.call_center_agents[ex.keys["serviceUserId"]] = agents


def _menu(response: Element, name: str) -> Json | None:
    """An auto attendant menu's keys (`AutoAttendantReadMenu20`); its audio stays behind."""
    menu = _child(response, name)
    if menu is None:
        return None
    keys = []
    for key in (k for k in menu if _local(k.tag) == "keyConfiguration"):
        entry = _child(key, "entry")
        fields = ("description", "action", "phoneNumber", "submenuId")
        keys.append(
            {
                "key": _text(key, "key"),
                "entry": {f: v for f in fields if (v := _text(entry, f)) is not None},
            }
        )
    return {"keyConfiguration": keys}


def _auto_attendant(out: _Extract, ex: Exchange) -> None:
    r = ex.response
    found = {
        "serviceUserId": ex.keys["serviceUserId"],
        "serviceInstanceProfile": _profile(r),
        "type": _text(r, "type"),
        **{m: _menu(r, m) for m in ("businessHoursMenu", "afterHoursMenu", "holidayMenu")},
    }
    out.auto_attendants[ex.keys["serviceUserId"]] = {
        k: v for k, v in found.items() if v is not None
    }


def _device_list(out: _Extract, ex: Exchange) -> None:
    for row in table(ex.response, "accessDeviceTable"):
        if row.get("Device Name"):
            out.device_group[str(row["Device Name"])] = ex.keys["groupId"]


def _device(out: _Extract, ex: Exchange) -> None:
    r = ex.response
    name = ex.keys["deviceName"]
    out.devices[name] = {
        "deviceName": name,
        "deviceType": _text(r, "deviceType"),
        "macAddress": _text(r, "macAddress"),
        "numberOfPorts": _ports(r),
    }
    out.device_group.setdefault(name, ex.keys.get("groupId", ""))


def _ports(device: Element) -> int | None:
    """A device's `numberOfPorts` (an `UnboundedPositiveInt`: a `quantity`, or `unlimited`)."""
    ports = _child(device, "numberOfPorts")
    return None if ports is None else _number(ports, "quantity")


def _device_users(out: _Extract, ex: Exchange) -> None:
    out.lines[ex.keys["deviceName"]] = [
        {
            "linePort": row.get("Line/Port"),
            "userId": row.get("User Id"),
            "primary": (row.get("Primary Line/Port") or "").lower() == "true",
        }
        for row in table(ex.response, "deviceUserTable")
    ]


def _software(out: _Extract, ex: Exchange) -> None:
    out.release = _text(ex.response, "version")


READERS: dict[str, Callable[[_Extract, Exchange], None]] = {
    "ServiceProviderGetRequest22V4": _provider,
    "ServiceProviderServicePackGetDetailListRequest": _pack,
    "ServiceProviderDnGetSummaryListRequest": _provider_dns,
    "GroupGetListInServiceProviderRequest": _group_list,
    "GroupGetRequest22V5": _group,
    "GroupDnGetAssignmentListRequest18": _group_dns,
    "UserGetRequest23V2": _user,
    "UserServiceGetAssignmentListRequest": _user_services,
    "GroupHuntGroupGetInstanceListRequest": _hunt_group_list,
    "GroupHuntGroupGetInstanceRequest20": _hunt_group,
    "GroupCallCenterGetInstanceListRequest": _feature_list("callCenterTable"),
    "GroupCallCenterGetAgentListRequest": _call_center_agents,
    "GroupAutoAttendantGetInstanceListRequest": _feature_list("autoAttendantTable"),
    "GroupAccessDeviceGetListRequest": _device_list,
    "GroupAccessDeviceGetRequest24V3": _device,
    "GroupAccessDeviceGetUserListRequest21sp1": _device_users,
    "SystemSoftwareVersionGetRequest": _software,
}
# Requests asked in several versions (`...Request19sp1`, `...Request22`), read alike: the fields
# read are in every version.
VERSIONED_READERS: dict[str, Callable[[_Extract, Exchange], None]] = {
    "GroupCallCenterGetInstanceRequest": _call_center,
    "GroupAutoAttendantGetInstanceRequest": _auto_attendant,
}
VERSION = re.compile(r"(?P<family>[A-Za-z]+?Request)(?P<version>[0-9]+(sp[0-9]+)?)")


def reader_of(request_type: str) -> Callable[[_Extract, Exchange], None] | None:
    """The reader of a request type: by its name, or by its family for a versioned request."""
    if request_type in READERS:
        return READERS[request_type]
    versioned = VERSION.fullmatch(request_type)
    return VERSIONED_READERS.get(versioned["family"]) if versioned else None


# Requests whose answers the extract does not need, read past without a word.
IGNORED = frozenset(
    {"AuthenticationRequest", "LoginRequest14sp4", "LoginRequest22V5", "LogoutRequest"}
)


def _user_services_of(out: _Extract, user_id: str) -> tuple[list[str], list[str]]:
    """A user's service packs and the services assigned outside them (a pack's services are
    listed as assigned too; the extract keeps them with the pack)."""
    packs, services = out.assigned.get(user_id, ([], []))
    in_packs = {s for p in packs for s in out.packs.get(p, [])}
    return packs, [s for s in services if s not in in_packs]


def _assemble(out: _Extract, extracted_at: datetime) -> Json:
    groups = []
    for group_id in out.group_order:
        group = dict(out.groups[group_id])
        group.setdefault("dnAssignments", [])
        users = []
        for user_id, user in out.users.items():
            if out.user_group.get(user_id) != group_id:
                continue
            packs, services = _user_services_of(out, user_id)
            users.append({**user, "servicePacks": packs, "userServices": services})
        group["users"] = users
        group["huntGroups"] = [
            hg for uid, hg in out.hunt_groups.items() if out.hunt_group_of.get(uid) == group_id
        ]
        call_centers = [
            {**cc, "agents": out.call_center_agents.get(uid, [])}
            for uid, cc in out.call_centers.items()
            if out.feature_of.get(uid) == group_id
        ]
        auto_attendants = [
            aa for uid, aa in out.auto_attendants.items() if out.feature_of.get(uid) == group_id
        ]
        # Only groups that have them list them, as the notes' example does.
        if call_centers:
            group["callCenters"] = call_centers
        if auto_attendants:
            group["autoAttendants"] = auto_attendants
        group["accessDevices"] = [
            {**device, "lines": out.lines.get(name, [])}
            for name, device in out.devices.items()
            if out.device_group.get(name) == group_id
        ]
        groups.append({k: v for k, v in group.items() if v is not None})
    provider = {k: v for k, v in out.provider.items() if v is not None}
    provider["servicePacks"] = [
        {"servicePackName": name, "services": services} for name, services in out.packs.items()
    ]
    provider["dns"] = out.dns
    return {
        "format": FORMAT,
        "source": {
            "platform": "BroadWorks",
            "release": out.release or "unknown",
            "extractedAt": extracted_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "serviceProvider": provider,
        "groups": groups,
    }


def convert_folder(folder: Path) -> Json:
    """The `bw-extract/1` document a folder of OCI-P exchanges describes; ConversionError with
    every problem (an unknown request type, an error answer, a second enterprise, unsafe or
    malformed XML) naming its file and command."""
    out = _Extract()
    problems: list[str] = []
    providers: set[str] = set()
    for ex in exchanges(folder):
        reader = reader_of(ex.request_type)
        if reader is None:
            if ex.request_type not in IGNORED:
                problems.append(f"{ex.where}: {ex.request_type or 'a command'} is not read")
            continue
        if sp := ex.keys.get("serviceProviderId"):
            providers.add(sp)
        try:
            reader(out, ex)
        except KeyError as missing:
            problems.append(f"{ex.where}: its request has no <{missing.args[0]}>")
    if len(providers) > 1:
        listed = ", ".join(sorted(providers))
        problems.append(f"{folder}: one enterprise per extract; these exchanges name {listed}")
    if not out.provider:
        problems.append(f"{folder}: no ServiceProviderGetRequest22V4 exchange")
    if problems:
        raise ConversionError(problems)
    newest = max(p.stat().st_mtime for p in folder.glob("*.response.xml"))
    return _assemble(out, datetime.fromtimestamp(newest, UTC))
