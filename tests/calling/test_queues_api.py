"""Call queues through the API: create, read, update, delete and list with paging; fields named
in every refusal; another tenant's queue or location answers 404; a basic queue upgraded to CX
Essentials keeps its agents and settings, loses weighted routing and never goes back.

The reference OpenAPI files have no call queue operations, so answers are checked against the
models of `wxc_sdk` (the client these routes are built for): every field must parse, and no
field may be one the client does not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from wxc_sdk.telephony.callqueue import CallQueue

from tests.conftest import Partner
from tests.support import (
    drain,
    error_codes,
    next_url,
    provision_customer,
    provision_subscriber,
)
from tukku.core.ids import new_id

CONFIG = "/v1/telephony/config"


def assert_client_knows(body: dict[str, Any]) -> None:
    """`body` parses as wxc_sdk's CallQueue and has no field the client does not model."""

    def walk(model: BaseModel, where: str) -> None:
        assert not model.model_extra, f"{where}: unknown fields {model.model_extra}"
        for name in type(model).model_fields:
            value = getattr(model, name)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, BaseModel):
                    walk(item, f"{where}.{name}")

    walk(CallQueue.model_validate(body), "queue")


@dataclass
class Estate:
    client: TestClient
    partner: Partner
    customer: dict[str, Any]
    location_id: str
    essentials: list[str]  # person IDs holding cx_essentials
    basic: list[str]  # person IDs holding webex_calling

    @property
    def params(self) -> dict[str, str]:
        return {"orgId": self.customer["orgId"]}

    @property
    def queues(self) -> str:
        return f"{CONFIG}/locations/{self.location_id}/queues"

    def create(self, status: int = 201, essentials: bool | None = None, **body: Any) -> Any:
        params = dict(self.params)
        if essentials is not None:
            params["hasCxEssentials"] = str(essentials).lower()
        response = self.client.post(
            self.queues, params=params, json=body, headers=self.partner.headers
        )
        assert response.status_code == status, response.text
        return response

    def get(self, queue_id: str) -> dict[str, Any]:
        response = self.client.get(
            f"{self.queues}/{queue_id}", params=self.params, headers=self.partner.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert_client_knows(body)
        return body

    def put(self, queue_id: str, body: dict[str, Any], **params: str) -> Any:
        return self.client.put(
            f"{self.queues}/{queue_id}",
            params={**self.params, **params},
            json=body,
            headers=self.partner.headers,
        )


def _body(name: str = "Support", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "extension": "7001",
        "callPolicies": {"policy": "CIRCULAR"},
        "queueSettings": {"queueSize": 10},
        "agents": [],
    }
    body.update(overrides)
    return body


@pytest.fixture
def estate(app_client: TestClient, partner: Partner) -> Estate:
    customer = provision_customer(
        app_client,
        partner,
        packages=["webex_calling", "cx_essentials", "webex_meetings", "common_area_calling"],
    )
    locations = app_client.get(
        "/v1/locations", params={"orgId": customer["orgId"]}, headers=partner.headers
    ).json()
    essentials = [
        provision_subscriber(app_client, partner, customer["id"], packages=["cx_essentials"])[
            "personId"
        ]
        for _ in range(2)
    ]
    basic = [provision_subscriber(app_client, partner, customer["id"])["personId"]]
    return Estate(app_client, partner, customer, locations["items"][0]["id"], essentials, basic)


def test_a_basic_queue_is_created_read_updated_and_deleted(estate: Estate) -> None:
    agents = [{"id": estate.basic[0], "weight": "60"}, {"id": estate.essentials[0], "weight": 40}]
    created = estate.create(
        **_body(
            phoneNumber="+1 408-555-0199",
            callPolicies={"policy": "WEIGHTED"},
            agents=agents,
        )
    )
    queue_id = created.json()["id"]
    queue = estate.get(queue_id)
    assert queue["name"] == "Support"
    assert queue["phoneNumber"] == "+14085550199"
    assert queue["extension"] == "7001"
    assert queue["hasCxEssentials"] is False
    assert queue["enabled"] is True
    assert queue["callPolicies"]["policy"] == "WEIGHTED"
    assert queue["queueSettings"]["queueSize"] == 10
    assert [(a["id"], a["weight"], a["type"]) for a in queue["agents"]] == [
        (estate.basic[0], "60", "PEOPLE"),
        (estate.essentials[0], "40", "PEOPLE"),
    ]
    assert [a["hasCxEssentials"] for a in queue["agents"]] == [False, True]
    assert queue["agents"][0]["firstName"] == "Ada"

    changed = estate.put(queue_id, {"name": "Help desk", "enabled": False, "extension": "7002"})
    assert changed.status_code == 204, changed.text
    queue = estate.get(queue_id)
    assert (queue["name"], queue["enabled"], queue["extension"]) == ("Help desk", False, "7002")
    assert len(queue["agents"]) == 2  # agents not given: kept

    gone = estate.client.delete(
        f"{estate.queues}/{queue_id}", params=estate.params, headers=estate.partner.headers
    )
    assert gone.status_code == 204
    again = estate.client.get(
        f"{estate.queues}/{queue_id}", params=estate.params, headers=estate.partner.headers
    )
    assert again.status_code == 404
    assert error_codes(again) == [8040]


def test_refusals_name_the_field(estate: Estate) -> None:
    cases: list[tuple[dict[str, Any], int, str, int]] = [
        ({k: v for k, v in _body().items() if k != "name"}, 400, "name", 1001),
        (_body(extension=None), 400, "phoneNumber", 8049),
        (_body(extension="7x"), 400, "extension", 5011),
        (_body(phoneNumber="call me"), 400, "phoneNumber", 5010),
        (_body(callPolicies={"policy": "RANDOM"}), 400, "callPolicies.policy", 1002),
        (_body(agents=[{"id": "nobody"}]), 404, "agents[0].id", 8042),
        (_body(agents=[{"id": new_id("PEOPLE")}]), 404, "agents[0].id", 8042),
        (_body(agents=[{"id": estate.basic[0]}, {"id": estate.basic[0]}]), 400, "agents", 8050),
        (
            _body(callPolicies={"policy": "WEIGHTED"}, agents=[{"id": estate.basic[0]}]),
            400,
            "agents",
            8052,
        ),
    ]
    for body, status, field, code in cases:
        response = estate.create(status, **body)
        error = response.json()["errors"][0]
        assert (error["errorCode"], error["description"].split(":")[0]) == (code, field), body

    estate.create(**_body())
    taken = estate.create(409, **_body("Other"))
    assert error_codes(taken) == [5005]
    same_name = estate.create(409, **_body(extension="7009"))
    assert error_codes(same_name) == [8048]


def test_an_essentials_queue_takes_only_cx_essentials_agents_and_names_the_others(
    estate: Estate,
) -> None:
    agents = [{"id": p} for p in estate.essentials + estate.basic]
    refused = estate.create(409, essentials=True, **_body(agents=agents))
    assert error_codes(refused) == [8043]
    description = refused.json()["errors"][0]["description"]
    assert estate.basic[0] in description
    assert all(p not in description for p in estate.essentials)

    lobby = _workspace(estate, "Lobby", "4000")
    place = estate.create(409, essentials=True, **_body(agents=[{"id": lobby}]))
    assert error_codes(place) == [8043]
    weighted = estate.create(
        400,
        essentials=True,
        **_body(callPolicies={"policy": "WEIGHTED"}, agents=[{"id": estate.essentials[0]}]),
    )
    assert error_codes(weighted) == [8047]

    created = estate.create(essentials=True, **_body(agents=agents[:2]))
    queue_id = created.json()["id"]
    assert estate.get(queue_id)["hasCxEssentials"] is True
    adding = estate.put(queue_id, {"agents": agents})
    assert adding.status_code == 409
    assert error_codes(adding) == [8043]


def test_the_upgrade_journey(estate: Estate) -> None:
    agents = [
        {"id": estate.essentials[0], "weight": 50},
        {"id": estate.basic[0], "weight": 30},
        {"id": estate.essentials[1], "weight": 20, "joinEnabled": False},
    ]
    body = _body(callPolicies={"policy": "WEIGHTED"}, agents=agents, queueSettings={"queueSize": 7})
    queue_id = estate.create(**body).json()["id"]

    lacking = estate.put(queue_id, {}, hasCxEssentials="true")
    assert lacking.status_code == 409
    assert error_codes(lacking) == [8045]
    assert estate.basic[0] in lacking.json()["errors"][0]["description"]
    assert estate.get(queue_id)["hasCxEssentials"] is False  # nothing half-written

    # drop the agent lacking the package in the same request that upgrades
    kept = [a for a in estate.get(queue_id)["agents"] if a["id"] != estate.basic[0]]
    upgraded = estate.put(
        queue_id,
        {
            "agents": [
                {"id": a["id"], "weight": a["weight"], "joinEnabled": a["joinEnabled"]}
                for a in kept
            ]
        },
        hasCxEssentials="true",
    )
    assert upgraded.status_code == 204, upgraded.text
    queue = estate.get(queue_id)
    assert queue["hasCxEssentials"] is True
    assert queue["callPolicies"]["policy"] == "REGULAR"  # weighted became top-down
    assert queue["queueSettings"]["queueSize"] == 7
    assert [(a["id"], a["joinEnabled"]) for a in queue["agents"]] == [
        (estate.essentials[0], True),
        (estate.essentials[1], False),
    ]

    for downgrade in (
        estate.put(queue_id, {}, hasCxEssentials="false"),
        estate.put(queue_id, {"hasCxEssentials": False}),
    ):
        assert downgrade.status_code == 409
        assert error_codes(downgrade) == [8044]
    assert estate.get(queue_id)["hasCxEssentials"] is True
    back_to_weighted = estate.put(queue_id, {"callPolicies": {"policy": "WEIGHTED"}})
    assert error_codes(back_to_weighted) == [8047]


def _workspace(estate: Estate, name: str, extension: str, org_id: str | None = None) -> str:
    """A workspace with Webex Calling at the estate's location (or in `org_id`'s first)."""
    org = org_id or estate.customer["orgId"]
    location = estate.location_id
    if org_id is not None:
        location = estate.client.get(
            "/v1/locations", params={"orgId": org}, headers=estate.partner.headers
        ).json()["items"][0]["id"]
    body = {
        "displayName": name,
        "locationId": location,
        "calling": {"type": "webexCalling", "webexCalling": {"extension": extension}},
    }
    created = estate.client.post(
        "/v1/workspaces", params={"orgId": org}, json=body, headers=estate.partner.headers
    )
    assert created.status_code == 201, created.text
    workspace_id: str = created.json()["id"]
    return workspace_id


def test_a_queue_with_a_workspace_agent_is_not_upgraded(estate: Estate) -> None:
    lobby = _workspace(estate, "Lobby", "4001")
    body = _body("Mixed", agents=[{"id": estate.essentials[0]}, {"id": lobby}])
    queue_id = estate.create(**body).json()["id"]
    agents = estate.get(queue_id)["agents"]
    assert [(a["type"], a.get("firstName"), a.get("extension")) for a in agents[1:]] == [
        ("PLACE", "Lobby", "4001")
    ]

    refused = estate.put(queue_id, {"hasCxEssentials": True})

    assert refused.status_code == 409
    assert error_codes(refused) == [8046]
    assert lobby in refused.json()["errors"][0]["description"]
    assert estate.get(queue_id)["hasCxEssentials"] is False


def test_an_agent_must_be_a_calling_workspace_of_the_same_customer(
    estate: Estate, app_client: TestClient, partner: Partner
) -> None:
    other = provision_customer(
        app_client, partner, packages=["webex_calling", "common_area_calling"]
    )
    theirs = _workspace(estate, "Their lobby", "4002", org_id=other["orgId"])
    plain = estate.client.post(
        "/v1/workspaces",
        params=estate.params,
        json={"displayName": "No calling", "calling": {"type": "freeCalling"}},
        headers=estate.partner.headers,
    ).json()["id"]
    for agent in (theirs, plain, new_id("PLACES"), new_id("VIRTUAL_LINE")):
        refused = estate.create(404, **_body(agents=[{"id": estate.essentials[0]}, {"id": agent}]))
        assert error_codes(refused) == [8042]
        assert refused.json()["errors"][0]["description"].startswith("agents[1].id")


def test_a_removed_person_or_workspace_leaves_its_queues(estate: Estate) -> None:
    lobby = _workspace(estate, "Lobby", "4003")
    person = estate.basic[0]
    queue_id = estate.create(
        **_body(agents=[{"id": person}, {"id": lobby}, {"id": estate.essentials[0]}])
    ).json()["id"]
    subscriber = estate.client.get(
        "/v1/wholesale/subscribers",
        params={"personId": person},
        headers=estate.partner.headers,
    ).json()["items"][0]

    removed = estate.client.delete(
        f"/v1/wholesale/subscribers/{subscriber['id']}", headers=estate.partner.headers
    )
    assert removed.status_code == 204, removed.text
    drain(estate.client)
    deleted = estate.client.delete(
        f"/v1/workspaces/{lobby}", params=estate.params, headers=estate.partner.headers
    )
    assert deleted.status_code == 204, deleted.text

    assert [a["id"] for a in estate.get(queue_id)["agents"]] == [estate.essentials[0]]
    upgraded = estate.put(queue_id, {"hasCxEssentials": True})
    assert upgraded.status_code == 204, upgraded.text


def test_the_org_list_filters_and_pages_by_start_and_max(estate: Estate) -> None:
    for n in range(5):
        estate.create(**_body(f"Queue {n}", extension=f"71{n}0"))
    estate.create(essentials=True, **_body("Gold", extension="7999"))
    listed: list[dict[str, Any]] = []
    url: str | None = f"{CONFIG}/queues?orgId={estate.customer['orgId']}&max=2"
    pages = 0
    while url:
        response = estate.client.get(url, headers=estate.partner.headers)
        assert response.status_code == 200, response.text
        listed += response.json()["queues"]
        url = next_url(response)
        pages += 1
    assert pages == 3
    assert [q["name"] for q in listed] == [f"Queue {n}" for n in range(5)]
    assert {q["locationId"] for q in listed} == {estate.location_id}
    for item in listed:
        assert_client_knows(item)

    def names(**params: str) -> list[str]:
        response = estate.client.get(
            f"{CONFIG}/queues", params={**estate.params, **params}, headers=estate.partner.headers
        )
        assert response.status_code == 200, response.text
        return [q["name"] for q in response.json()["queues"]]

    assert names(hasCxEssentials="true") == ["Gold"]
    assert names(name="queue 3") == ["Queue 3"]
    assert names(phoneNumber="7120") == ["Queue 2"]
    assert names(locationId=estate.location_id, start="4") == ["Queue 4"]
    bad = estate.client.get(
        f"{CONFIG}/queues", params={**estate.params, "start": "x"}, headers=estate.partner.headers
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["description"].startswith("start:")


def test_another_partners_queue_and_location_answer_404(
    estate: Estate, app_client: TestClient, other_partner: Partner
) -> None:
    queue_id = estate.create(**_body()).json()["id"]
    theirs = provision_customer(app_client, other_partner)
    own_location = app_client.get(
        "/v1/locations", params={"orgId": theirs["orgId"]}, headers=other_partner.headers
    ).json()["items"][0]["id"]
    as_them = {"orgId": theirs["orgId"]}
    attempts = [
        ("GET", f"{estate.queues}/{queue_id}", estate.params, None),
        ("GET", f"{estate.queues}/{queue_id}", as_them, None),
        ("GET", f"{CONFIG}/locations/{own_location}/queues/{queue_id}", as_them, None),
        ("PUT", f"{CONFIG}/locations/{own_location}/queues/{queue_id}", as_them, {"name": "x"}),
        ("DELETE", f"{CONFIG}/locations/{own_location}/queues/{queue_id}", as_them, None),
        ("POST", estate.queues, as_them, _body("Planted", extension="7555")),
        ("POST", estate.queues, estate.params, _body("Planted", extension="7555")),
        ("GET", f"{CONFIG}/queues", estate.params, None),
    ]
    for method, url, params, body in attempts:
        response = app_client.request(
            method, url, params=params, json=body, headers=other_partner.headers
        )
        assert response.status_code == 404, (method, url, params, response.text)
        assert queue_id not in response.text
    # their own organization's list never shows our queue
    listed = app_client.get(f"{CONFIG}/queues", params=as_them, headers=other_partner.headers)
    assert listed.json() == {"queues": []}
    assert estate.get(queue_id)["name"] == "Support"


def test_queue_changes_are_audited(estate: Estate) -> None:
    queue_id = estate.create(**_body(agents=[{"id": estate.essentials[0]}])).json()["id"]
    assert estate.put(queue_id, {}, hasCxEssentials="true").status_code == 204
    events = estate.client.get("/v1/partner/auditEvents", headers=estate.partner.headers).json()
    actions = [e["action"] for e in events["items"] if e.get("targetId") == queue_id]
    assert sorted(actions) == ["call_queue.created", "call_queue.upgraded"]


def test_reading_needs_the_telephony_scope(estate: Estate, app_client: TestClient) -> None:
    response = app_client.get(
        f"{CONFIG}/queues", params=estate.params, headers={"Authorization": "Bearer nonsense"}
    )
    assert response.status_code == 401
