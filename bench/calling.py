"""A customer's calling set-up through the public Webex APIs (issue 11): 100 workspaces with
Webex Calling, then 1,000 devices by MAC (× BENCH_SCALE), created for one customer by wrk at 16
connections, each as creations per second next to `GET /healthz` measured on the same server
just before them.

One `tukku serve` in production mode, with its worker, on a fresh database, and one provisioned
customer with `webex_calling` and `common_area_calling`. A device owner (person or workspace)
holds at most five devices, so the devices go round-robin to the new workspaces and to as many
`webex_calling` subscribers (created beforehand, not measured) as the rest needs. Each creation
is probed once before it is measured (its exact status, which also warms it up); afterwards the
workspaces and devices are counted through the API, so the figure holds only creations that
were stored.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bench.harness import Figures, database, drain, partner, server
from bench.loadgen import wrk, wrk_counted
from bench.provisioning import CUSTOMERS, provisioned_customer
from tukku.calling.devices_rules import MAX_DEVICES_PER_OWNER
from tukku.core.db import Database

WORKSPACES = 100  # at BENCH_SCALE=1
DEVICES = 1_000
CONNECTIONS = 16
PACKAGES = ("webex_calling", "common_area_calling")
MODEL = "DMS Cisco 8851"  # platform-managed, for people and workspaces, added by MAC
MAC_TAG = 0x42  # the MACs' second byte: 02:42:<n as 4 bytes>
WORKSPACE_EXTENSIONS = 400_000  # workspace n has extension 400000 + n
PERSON_EXTENSIONS = 300_000
ROOM = "Bench room "
WORKSPACES_PATH = "/v1/workspaces"
DEVICES_PATH = "/v1/devices"

HEALTHZ = "GET /healthz (calling)"
BASE = "/healthz"


def workspaces_name(count: int) -> str:
    """The label of the workspaces' figure."""
    return f"{count:,} workspaces with calling"


def devices_name(count: int, owners: int) -> str:
    """The label of the devices' figure."""
    return f"{count:,} devices by MAC, {owners} owners"


def _ok(response: httpx.Response, status: int) -> Any:
    """The JSON body of `response`; raises unless its status is `status`."""
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.request.url}: expected {status}, "
            f"got {response.status_code} {response.text[:300]}"
        )
    return response.json()


def _listed(client: httpx.Client, path: str, org_id: str) -> list[dict[str, Any]]:
    """Every item of the organization's `Link`-paged list at `path`."""
    items: list[dict[str, Any]] = []
    response = client.get(path, params={"orgId": org_id, "max": 1000})
    while True:
        items += _ok(response, 200)["items"]
        following = response.links.get("next", {}).get("url")
        if not following:
            return items
        response = client.get(following)


def _rooms(client: httpx.Client, org_id: str) -> list[str]:
    """The IDs of the benchmark's workspaces with Webex Calling, as the API lists them."""
    return [
        w["id"]
        for w in _listed(client, WORKSPACES_PATH, org_id)
        if w["displayName"].startswith(ROOM) and w["calling"]["type"] == "webexCalling"
    ]


def _persons(client: httpx.Client, customer_id: str, count: int) -> list[str]:
    """`count` new `webex_calling` subscribers of the customer; their person IDs."""
    persons = []
    for n in range(count):
        body = {
            "customerId": customer_id,
            "email": f"desk{n}@bench.test",
            "packages": ["webex_calling"],
            "provisioningParameters": {
                "firstName": "Bench",
                "lastName": f"Desk{n}",
                "extension": str(PERSON_EXTENSIONS + n),
            },
        }
        persons.append(_ok(client.post("/v1/wholesale/subscribers", json=body), 200)["personId"])
    return persons


def _probe(client: httpx.Client, org_id: str, location: str) -> None:
    """One workspace with calling and one device on it, numbered 0 (wrk numbers the measured
    ones from 2), each answered exactly as the reference answers: 201 and 200."""
    webex = {"locationId": location, "extension": str(WORKSPACE_EXTENSIONS)}
    body = {
        "displayName": "Bench probe",
        "locationId": location,
        "calling": {"type": "webexCalling", "webexCalling": webex},
    }
    probe = _ok(client.post(WORKSPACES_PATH, params={"orgId": org_id}, json=body), 201)
    device = {"mac": f"02{MAC_TAG:02X}{0:08X}", "model": MODEL, "workspaceId": probe["id"]}
    _ok(client.post(DEVICES_PATH, params={"orgId": org_id}, json=device), 200)


def calling_figures(
    backend: str, seconds: float, workspaces: int, devices: int
) -> tuple[Figures, Figures, Figures]:
    """`GET /healthz` for `seconds` after a warm-up, then `workspaces` workspaces with calling
    and `devices` devices created through the API, all at 16 connections, on `backend`."""
    with database(backend) as url:
        created = partner(url)
        token = created["token"]
        db = Database(url)
        with (
            server(url) as base,
            httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
            ) as client,
            tempfile.TemporaryDirectory() as scratch,
        ):
            customer_id = provisioned_customer(base, created, PACKAGES)
            org_id = _ok(client.get(f"{CUSTOMERS}/{customer_id}"), 200)["orgId"]
            locations = _ok(client.get("/v1/locations", params={"orgId": org_id}), 200)
            location = locations["items"][0]["id"]
            owners_needed = math.ceil(devices / MAX_DEVICES_PER_OWNER)
            persons = _persons(client, customer_id, max(0, owners_needed - workspaces))
            _probe(client, org_id, location)
            drain(db)

            healthz = [
                wrk(name, backend, base + "/healthz", connections=CONNECTIONS, seconds=duration)
                for name, duration in (("warm-up", max(1.0, seconds / 5)), (HEALTHZ, seconds))
            ][-1]

            org = quote(org_id, safe="")
            rooms = wrk_counted(
                workspaces_name(workspaces),
                backend,
                base + WORKSPACES_PATH,
                connections=CONNECTIONS,
                total=workspaces,
                token=token,
                script="post_workspace.lua",
                args=(
                    f"{WORKSPACES_PATH}?orgId={org}",
                    location,
                    str(WORKSPACE_EXTENSIONS),
                ),
            )
            drain(db)
            made = _rooms(client, org_id)
            if len(made) != workspaces:
                raise RuntimeError(f"{workspaces} workspaces answered 201, {len(made)} listed")

            owners = Path(scratch) / "owners.txt"
            lines = [f"workspaceId {w}" for w in made] + [f"personId {p}" for p in persons]
            owners.write_text("".join(f"{line}\n" for line in lines))
            before = len(_listed(client, DEVICES_PATH, org_id))
            phones = wrk_counted(
                devices_name(devices, len(lines)),
                backend,
                base + DEVICES_PATH,
                connections=CONNECTIONS,
                total=devices,
                token=token,
                script="post_device.lua",
                args=(f"{DEVICES_PATH}?orgId={org}", MODEL, str(owners), str(MAC_TAG)),
            )
            drain(db)
            stored = len(_listed(client, DEVICES_PATH, org_id)) - before
            if stored != devices:
                raise RuntimeError(f"{devices} devices answered 200, {stored} listed")
        db.dispose()
    return healthz, rooms, phones


def summary(backend: str, healthz: Figures, rooms: Figures, phones: Figures) -> str:
    """One line: every creation of the run per second, and its ratio to `/healthz`."""
    created = rooms.requests + phones.requests
    seconds = rooms.seconds + phones.seconds
    rate = created / seconds
    return (
        f"calling set-up on {backend}: {created:,} creations ({rooms.requests:,} workspaces, "
        f"{phones.requests:,} devices) in {seconds:.1f} s, {rate:.1f} a second, "
        f"{rate / healthz.per_second:.3f}× GET /healthz ({healthz.per_second:.0f} req/s)"
    )
