"""What each kind of planned operation means against the API: how to find the object it makes
(so a re-run never creates it twice), how to create it, when it is settled, and how to undo it.

The planned request is the create; the rest follows the wire contract: customers are found by
`externalId`, subscribers by e-mail, devices by MAC, locations, hunt groups and queues by exact
name, numbers by listing the location's numbers; settings (`PUT`) are simply set again."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from tukku.broadworks.client import ApiClient, ApiError

UNSETTLED = frozenset({"provisioning", "updating"})
HELD = frozenset({"pending_rpl_review"})
SETTLED_WITH_WARNINGS = frozenset({"provisioned_with_errors"})
PUT_KINDS = frozenset({"location.pstn", "location.mainNumber"})
NOTHING_TO_UNDO = PUT_KINDS | {"location.enableCalling"}
NUMBERS_PAGE = 2000


@dataclass(frozen=True)
class Call:
    """A planned request with its placeholders filled."""

    kind: str
    method: str
    path: str
    body: dict[str, Any]

    @property
    def route(self) -> str:
        """The path without its query."""
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, str]:
        """The query's parameters (the partner's `orgId`)."""
        return dict(parse_qsl(urlsplit(self.path).query))

    def at(self, suffix: str = "", **params: str) -> str:
        """A path beside this one (`suffix` appended) with the same query plus `params`."""
        query = urlencode({**self.query, **params})
        return f"{self.route}{suffix}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Settled:
    """Where an operation ended: its answer, whether it must be waited for on the next run,
    and a note for the report (a warning, a state the user will notice)."""

    answer: dict[str, Any]
    waiting: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Polling:
    """How long and how often to poll an asynchronous operation."""

    timeout: float = 600.0
    first: float = 0.2
    most: float = 5.0


def _named(items: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((item for item in items if item.get("name") == name), None)


async def find(client: ApiClient, call: Call) -> dict[str, Any] | None:
    """The object this operation makes, if it exists already (None: create it)."""
    kind, body = call.kind, call.body
    if kind == "customer":
        found = await client.json(
            "GET", "/v1/wholesale/customers?" + urlencode({"externalId": body["externalId"]})
        )
        items = found.get("items", [])
        return {"id": items[0]["id"]} if items else None
    if kind == "subscriber":
        query = urlencode({"customerId": body["customerId"], "email": body["email"]})
        found = await client.json("GET", f"/v1/wholesale/subscribers?{query}")
        items = found.get("items", [])
        return _subscriber(items[0]) if items else None
    if kind == "location":
        found = await client.json("GET", call.at(name=body["name"]))
        return _named(found.get("items", []), body["name"])
    if kind == "location.enableCalling":
        route = f"/v1/telephony/config/locations/{body['id']}"
        response = await client.request(
            "GET", Call(kind, "GET", route, {}).at(**call.query), allow=frozenset({404})
        )
        return {"id": body["id"]} if response.status_code != 404 else None
    if kind in ("huntGroup", "callQueue"):
        location_id = call.route.split("/")[-2]
        collection = "huntGroups" if kind == "huntGroup" else "queues"
        route = f"/v1/telephony/config/{collection}"
        query = urlencode({**call.query, "locationId": location_id, "name": body["name"]})
        found = await client.json("GET", f"{route}?{query}")
        return _named(found.get(collection, []), body["name"])
    if kind == "device":
        found = await client.json(
            "GET", f"/v1/devices?{urlencode({**call.query, 'mac': body['mac']})}"
        )
        items = found.get("items", [])
        return {"id": items[0]["id"]} if items else None
    return None


def _subscriber(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item.get(key) for key in ("id", "personId", "status", "email")}


async def numbers_missing(client: ApiClient, call: Call) -> list[str]:
    """The numbers of a numbers operation that its location does not have yet."""
    location_id = call.route.split("/")[-2]
    present: set[str] = set()
    start = 0
    while True:
        query = {
            **call.query,
            "locationId": location_id,
            "start": str(start),
            "max": str(NUMBERS_PAGE),
        }
        page = await client.json("GET", f"/v1/telephony/config/numbers?{urlencode(query)}")
        rows = page.get("phoneNumbers", [])
        present |= {row["phoneNumber"] for row in rows if row.get("phoneNumber")}
        if len(rows) < NUMBERS_PAGE:
            break
        start += NUMBERS_PAGE
    return [n for n in call.body["phoneNumbers"] if n not in present]


async def create(client: ApiClient, call: Call) -> dict[str, Any]:
    """Send the planned request; the answer's fields later operations need."""
    response = await client.request(call.method, call.path, call.body)
    data: dict[str, Any] = response.json() if response.content else {}
    if call.kind == "customer":
        location = response.headers.get("Location") or str(data.get("url", ""))
        return {"id": location.rstrip("/").rsplit("/", 1)[-1]}
    if call.kind == "subscriber":
        return _subscriber(data)
    if call.kind == "numbers":
        return {"added": len(call.body["phoneNumbers"])}
    if call.kind in PUT_KINDS:
        return {}
    return {"id": data.get("id", call.body.get("id"))}


async def settle(
    client: ApiClient, call: Call, answer: dict[str, Any], polling: Polling
) -> Settled:
    """Wait for what is asynchronous (a customer's provisioning) and gather the fields later
    operations refer to (the customer's organization and first location)."""
    if call.kind == "subscriber":
        note = None
        if answer.get("status") == "pending_user_migration":
            note = "pending_user_migration: the user must accept the consent e-mail"
        return Settled(answer, note=note)
    if call.kind != "customer":
        return Settled(answer)
    customer = await _poll_customer(client, answer["id"], polling)
    status = customer.get("status")
    details = "; ".join(
        f"{e.get('errorCode')}: {e.get('description')}" for e in customer.get("errors") or []
    )
    if status == "error":
        raise ApiError(
            "GET",
            f"/v1/wholesale/customers/{answer['id']}",
            None,
            f"customer provisioning ended in error: {details}",
        )
    out = {"id": answer["id"], "orgId": customer.get("orgId"), "status": status}
    if status in UNSETTLED or status in HELD:
        return Settled(out, waiting=True, note=f"customer is {status}: run again later")
    name = call.body["provisioningParameters"]["calling"]["location"]["name"]
    query = urlencode({"orgId": out["orgId"], "name": name})
    locations = (await client.json("GET", f"/v1/locations?{query}")).get("items", [])
    hq = _named(locations, name) or (locations[0] if locations else None)
    out["locationId"] = hq["id"] if hq else None
    note = f"{status}: {details}" if status in SETTLED_WITH_WARNINGS else None
    return Settled(out, note=note)


async def _poll_customer(client: ApiClient, customer_id: str, polling: Polling) -> dict[str, Any]:
    deadline = time.monotonic() + polling.timeout
    pause = polling.first
    while True:
        customer = await client.json("GET", f"/v1/wholesale/customers/{customer_id}")
        if customer.get("status") not in UNSETTLED or time.monotonic() > deadline:
            return customer
        await asyncio.sleep(pause)
        pause = min(pause * 1.5, polling.most)


async def undo(client: ApiClient, call: Call, resource_id: str | None, polling: Polling) -> None:
    """Delete what the operation made (settings go with their location)."""
    if call.kind in NOTHING_TO_UNDO:
        return
    if call.kind == "numbers":
        await client.request("DELETE", call.path, call.body, allow=frozenset({404}))
        return
    if resource_id is None:
        return
    path = call.at(f"/{resource_id}")
    await client.request("DELETE", path, allow=frozenset({404}))
    if call.kind == "customer":
        deadline = time.monotonic() + polling.timeout
        pause = polling.first
        while time.monotonic() < deadline:
            gone = await client.request("GET", path, allow=frozenset({404}))
            if gone.status_code == 404:
                return
            await asyncio.sleep(pause)
            pause = min(pause * 1.5, polling.most)
        raise ApiError("DELETE", path, None, "the customer was not removed in time")
