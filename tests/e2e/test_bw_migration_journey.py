"""`tukku migrate broadworks` end to end against a running tukku: the migration notes' example
(§3.2) planned, run, and checked object by object against the expected result (§3.4) through
the public API; run again (nothing changes), phones cut over in batches and back, the final
report, and a rollback that leaves nothing behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from tests.broadworks.conftest import ACME, FIXTURES
from tests.e2e.conftest import Server
from tukku.cli.main import app

cli = CliRunner()


def migrate(*args: str, token: str) -> tuple[int, dict[str, Any]]:
    """`tukku migrate broadworks ARGS --json` in this process (real HTTP to the server)."""
    result = cli.invoke(app, ["migrate", "broadworks", *args, "--json"], env={"TUKKU_TOKEN": token})
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def planned(server: Server, tmp_path: Path) -> Path:
    """The example planned with the server partner's template."""
    config = tmp_path / "acme.toml"
    config.write_text(
        (FIXTURES / "acme.toml").read_text().replace("tmpl-acme-001", server.provisioning_id)
    )
    out = tmp_path / "acme-plan"
    code, _ = migrate("plan", str(ACME), "--config", str(config), "--out", str(out), token="")
    assert code == 3  # carol has no e-mail under `require`: blocked, as §3.4 says
    return out


def api(server: Server) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {server.token}"}
    )


def test_the_notes_example_moves_as_its_expected_result_says(server: Server, planned: Path) -> None:
    code, checked = migrate(
        "run", str(planned), "--url", server.base_url, "--dry-run", token=server.token
    )
    assert (code, checked["problems"]) == (0, [])
    with api(server) as http:  # prechecks only: nothing made
        found = http.get("/v1/wholesale/customers", params={"externalId": "CRM-100234"})
        assert found.json()["items"] == []

    code, ran = migrate(
        "run", str(planned), "--url", server.base_url, "--allow-blocked", token=server.token
    )
    assert (code, ran["problems"]) == (0, [])
    code, status = migrate("status", str(planned), token="")
    assert code == 0
    assert {p["phase"]: (p["total"], p["done"]) for p in status["phases"]} == {
        "customer": (1, 1),
        "locations": (2, 2),
        "numbers": (7, 7),
        "users": (4, 4),
        "features": (1, 1),
        "devices": (2, 2),
    }

    with api(server) as http:
        customers = http.get("/v1/wholesale/customers", params={"externalId": "CRM-100234"})
        (customer,) = customers.json()["items"]
        assert customer["status"] == "provisioned"
        assert sorted(customer["packages"]) == ["cx_essentials", "webex_calling", "webex_voice"]
        org = {"orgId": customer["orgId"]}
        locations = {
            loc["name"]: loc["id"] for loc in http.get("/v1/locations", params=org).json()["items"]
        }
        assert set(locations) == {"Acme HQ", "Acme Boston"}
        numbers = http.get("/v1/telephony/config/numbers", params=org).json()["phoneNumbers"]
        at = {n["phoneNumber"]: n["location"]["name"] for n in numbers}
        assert at == {
            "+12025550100": "Acme HQ",
            "+12025550101": "Acme HQ",
            "+12025550102": "Acme HQ",
            "+12025550103": "Acme HQ",
            "+16175550120": "Acme Boston",
            "+16175550121": "Acme Boston",
        }
        hq = http.get(f"/v1/telephony/config/locations/{locations['Acme HQ']}", params=org)
        assert hq.json()["callingLineId"]["phoneNumber"] == "+12025550100"
        assert hq.json()["connection"]["id"] == "trunk-nyc-01"

        subscribers = http.get(
            "/v1/wholesale/subscribers", params={"customerId": customer["id"]}
        ).json()["items"]
        packages = {s["email"]: s["package"] for s in subscribers}
        assert packages == {
            "alice.ng@acme.example": "webex_calling",
            "bob.ortiz@acme.example": "webex_voice",
            "dave.kim@acme.example": "webex_calling",
            "erin.lopez@acme.example": "webex_voice",
        }
        person = {s["email"].split(".")[0]: s["personId"] for s in subscribers}

        (group,) = http.get("/v1/telephony/config/huntGroups", params=org).json()["huntGroups"]
        details = http.get(
            f"/v1/telephony/config/locations/{locations['Acme HQ']}/huntGroups/{group['id']}",
            params=org,
        ).json()
        assert (details["name"], details["phoneNumber"], details["extension"]) == (
            "Front Desk",
            "+12025550100",
            "100",
        )
        no_answer = details["callPolicies"]["noAnswer"]
        assert details["callPolicies"]["policy"] == "CIRCULAR"
        assert (no_answer["nextAgentRings"], no_answer["numberOfRings"]) == (4, 5)
        assert no_answer["destination"] == "+12025550103"
        assert {a["id"] for a in details["agents"]} == {person["alice"], person["bob"]}

        devices = http.get("/v1/devices", params=org).json()["items"]
        owners = {d["mac"].replace(":", ""): d.get("personId") for d in devices}
        assert owners == {"A0B2C3D40001": person["alice"], "A0B2C3D40002": person["bob"]}

        code, again = migrate(
            "run", str(planned), "--url", server.base_url, "--allow-blocked", token=server.token
        )
        assert (code, again["requests"]) == (0, 0)
        assert len(http.get("/v1/devices", params=org).json()["items"]) == 2

        def phone_state(who: str) -> str:
            (phone,) = http.get(
                f"/v1/telephony/config/people/{person[who]}/devices", params=org
            ).json()["devices"]
            return str(phone["activationState"])

        before = phone_state("alice")
        assert before != "ACTIVATED"
        move = ("devices", str(planned), "--url", server.base_url)
        code, first = migrate(*move, "--move", "--batch", "1", token=server.token)
        assert (code, first["batch"], first["moved"]) == (0, 1, 1)
        assert (phone_state("alice"), phone_state("bob")) == ("ACTIVATED", before)
        code, rest = migrate(*move, "--move", token=server.token)
        assert (code, rest["batch"], rest["moved"]) == (0, 2, 2)
        assert phone_state("bob") == "ACTIVATED"
        code, back = migrate(*move, "--rollback", "--batch", "1", token=server.token)
        assert (code, back["moved"], back["returned"]) == (0, 1, 1)
        assert (phone_state("alice"), phone_state("bob")) == (before, "ACTIVATED")

        code, _ = migrate("report", str(planned), token="")
        assert code == 0
        final = json.loads((planned / "final-report.json").read_text())
        users = {u["user_id"]: u["status"] for u in final["users"]}
        assert users == {
            "alice@acme.example": "done",
            "bob@acme.example": "done",
            "dave@acme.example": "done",
            "erin@acme.example": "done",
            "carol@acme.example": "blocked",
        }
        assert "br-legacy-01" in (planned / "final-report.md").read_text()

        code, undone = migrate(
            "rollback", str(planned), "--url", server.base_url, "--yes", token=server.token
        )
        assert (code, undone["problems"]) == (0, []), undone
        left = http.get("/v1/wholesale/customers", params={"externalId": "CRM-100234"})
        assert left.json()["items"] == []
        assert (
            http.get("/v1/wholesale/subscribers", params={"customerId": customer["id"]}).json()[
                "items"
            ]
            == []
        )
