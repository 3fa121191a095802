"""A generated enterprise migrated into a running tukku by the real command, killed (SIGKILL)
after a random number of operations and run again: tukku then holds exactly what the plan says
(nothing missing, nothing twice), and a rollback leaves nothing of it."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import Server
from tukku.broadworks.synthetic import EnterpriseSpec, config_for, synthesize
from tukku.cli.main import app

cli = CliRunner()


def spec(seed: int) -> EnterpriseSpec:
    """A small enterprise with a bit of everything: clashes, missing e-mails, odd phones."""
    return EnterpriseSpec(
        users=24,
        groups=3,
        numbers=40,
        devices=12,
        hunt_groups=2,
        call_centers=2,
        auto_attendants=1,
        missing_email_share=0.1,
        extension_clashes=2,
        unsupported_devices=1,
        prefix=seed,
    )


def migrate(*args: str, token: str) -> tuple[int, dict[str, Any]]:
    """`tukku migrate broadworks ARGS --json` in this process (real HTTP to the server)."""
    result = cli.invoke(app, ["migrate", "broadworks", *args, "--json"], env={"TUKKU_TOKEN": token})
    return result.exit_code, json.loads(result.stdout)


def planned_enterprise(server: Server, tmp_path: Path, seed: int) -> Path:
    shape = spec(seed)
    extract = tmp_path / "enterprise.json"
    extract.write_text(json.dumps(synthesize(shape, seed)))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({**config_for(shape), "provisioning_id": server.provisioning_id}))
    out = tmp_path / "plan"
    code, planned = migrate(
        "plan", str(extract), "--config", str(config), "--out", str(out), token=""
    )
    assert (code, planned["ready"]) == (0, True)
    return out


def done_so_far(state: Path) -> int:
    if not state.exists():
        return 0
    with sqlite3.connect(f"file:{state}?mode=ro", uri=True) as db:
        try:
            row = db.execute("SELECT COUNT(*) FROM operations WHERE status = 'done'").fetchone()
        except sqlite3.OperationalError:  # the tables are not made yet
            return 0
    return int(row[0])


def kill_after(directory: Path, server: Server, operations: int) -> int:
    """Start the real command, SIGKILL it once `operations` are done; its exit status."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tukku",
            "migrate",
            "broadworks",
            "run",
            str(directory),
            "--url",
            server.base_url,
            "--json",
        ],
        env={**os.environ, "TUKKU_TOKEN": server.token},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while done_so_far(directory / "state.sqlite") < operations and process.poll() is None:
        assert time.monotonic() < deadline, "the migration made no progress"
        time.sleep(0.01)
    process.kill()
    return process.wait()


def planned_requests(directory: Path) -> list[dict[str, Any]]:
    plan = json.loads((directory / "plan.json").read_text())
    return [{"kind": op["kind"], **op["request"]} for op in plan["operations"]]


def holdings(http: httpx.Client, external_id: str) -> dict[str, Any]:
    """What tukku holds of one customer, as the public API shows it."""
    (customer,) = http.get("/v1/wholesale/customers", params={"externalId": external_id}).json()[
        "items"
    ]
    org = {"orgId": customer["orgId"]}
    locations = http.get("/v1/locations", params=org).json()["items"]
    numbers = http.get("/v1/telephony/config/numbers", params=org).json()["phoneNumbers"]
    subscribers = http.get(
        "/v1/wholesale/subscribers", params={"customerId": customer["id"], "max": 1000}
    ).json()["items"]
    hunt = http.get("/v1/telephony/config/huntGroups", params=org).json()["huntGroups"]
    queues = http.get("/v1/telephony/config/queues", params=org).json()["queues"]
    devices = http.get("/v1/devices", params=org).json()["items"]
    return {
        "locations": Counter(loc["name"] for loc in locations),
        "numbers": Counter(n["phoneNumber"] for n in numbers if n.get("phoneNumber")),
        "subscribers": Counter(s["email"] for s in subscribers),
        "huntGroups": Counter(h["name"] for h in hunt),
        "queues": Counter(q["name"] for q in queues),
        "devices": Counter(d["mac"].replace(":", "") for d in devices),
    }


def expected(requests: list[dict[str, Any]]) -> dict[str, Any]:
    """The same, as the plan says it should be."""

    def of(kind: str) -> list[dict[str, Any]]:
        return [r["body"] for r in requests if r["kind"] == kind]

    (customer,) = of("customer")
    return {
        "locations": Counter(
            [customer["provisioningParameters"]["calling"]["location"]["name"]]
            + [b["name"] for b in of("location")]
        ),
        "numbers": Counter(n for b in of("numbers") for n in b["phoneNumbers"]),
        "subscribers": Counter(b["email"] for b in of("subscriber")),
        "huntGroups": Counter(b["name"] for b in of("huntGroup")),
        "queues": Counter(b["name"] for b in of("callQueue")),
        "devices": Counter(b["mac"] for b in of("device")),
    }


@pytest.mark.parametrize("seed", [11, 12])
def test_killed_at_a_random_operation_and_resumed_it_holds_the_plan_then_rolls_back(
    server: Server, tmp_path: Path, seed: int
) -> None:
    directory = planned_enterprise(server, tmp_path, seed)
    requests = planned_requests(directory)
    external_id = next(r["body"]["externalId"] for r in requests if r["kind"] == "customer")
    stop_at = random.Random(seed).randint(1, len(requests) // 2)

    assert kill_after(directory, server, stop_at) == -9
    code, status = migrate("status", str(directory), token="")
    done = sum(p["done"] for p in status["phases"])
    in_flight = sum(p["sending"] for p in status["phases"])  # sent, answer not recorded
    assert (code, done >= stop_at, done < len(requests)) == (0, True, True)
    assert in_flight <= 8  # the default --concurrency: no more operations are ever under way
    code, resumed = migrate("run", str(directory), "--url", server.base_url, token=server.token)

    assert (code, resumed["problems"]) == (0, []), resumed["problems"]
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {server.token}"}
    ) as http:
        assert holdings(http, external_id) == expected(requests)
        code, undone = migrate(
            "rollback", str(directory), "--url", server.base_url, "--yes", token=server.token
        )
        assert (code, undone["problems"]) == (0, [])
        left = http.get("/v1/wholesale/customers", params={"externalId": external_id})
        assert left.json()["items"] == []
        for email in expected(requests)["subscribers"]:
            found = http.get("/v1/wholesale/subscribers", params={"email": email})
            assert found.json()["items"] == [], email
