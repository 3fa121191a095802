"""Hunt groups through the API: create, read, update, delete and list with paging; fields named
in every refusal; numbers held while the hunt group has them and back at the location after;
a removed person or workspace leaves its hunt groups; another tenant's hunt group or location
answers 404.

The reference OpenAPI files have no hunt group operations, so answers are checked against the
models of `wxc_sdk` (the client these routes are built for): every field must parse, and no
field may be one the client does not know; one hunt group is created with the body the client
itself builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from wxc_sdk.telephony.huntgroup import HGCallPolicies, HuntGroup

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
    """`body` parses as wxc_sdk's HuntGroup and has no field the client does not model."""

    def walk(model: BaseModel, where: str) -> None:
        assert not model.model_extra, f"{where}: unknown fields {model.model_extra}"
        for name in type(model).model_fields:
            value = getattr(model, name)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, BaseModel):
                    walk(item, f"{where}.{name}")

    walk(HuntGroup.model_validate(body), "hunt group")


@dataclass
class Estate:
    client: TestClient
    partner: Partner
    customer: dict[str, Any]
    location_id: str
    people: list[str]  # person IDs holding webex_calling

    @property
    def params(self) -> dict[str, str]:
        return {"orgId": self.customer["orgId"]}

    @property
    def groups(self) -> str:
        return f"{CONFIG}/locations/{self.location_id}/huntGroups"

    def create(self, status: int = 201, **body: Any) -> Any:
        response = self.client.post(
            self.groups, params=self.params, json=body, headers=self.partner.headers
        )
        assert response.status_code == status, response.text
        return response

    def get(self, group_id: str) -> dict[str, Any]:
        response = self.client.get(
            f"{self.groups}/{group_id}", params=self.params, headers=self.partner.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert_client_knows(body)
        return body

    def put(self, group_id: str, body: dict[str, Any]) -> Any:
        return self.client.put(
            f"{self.groups}/{group_id}",
            params=self.params,
            json=body,
            headers=self.partner.headers,
        )

    def delete(self, group_id: str) -> Any:
        return self.client.delete(
            f"{self.groups}/{group_id}", params=self.params, headers=self.partner.headers
        )

    def numbers(self, **filters: str) -> list[dict[str, Any]]:
        response = self.client.get(
            f"{CONFIG}/numbers", params={**self.params, **filters}, headers=self.partner.headers
        )
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["phoneNumbers"]
        return found

    def add_numbers(self, *numbers: str, location_id: str | None = None) -> None:
        added = self.client.post(
            f"{CONFIG}/locations/{location_id or self.location_id}/numbers",
            params=self.params,
            json={"phoneNumbers": list(numbers)},
            headers=self.partner.headers,
        )
        assert added.status_code == 201, added.text


def _body(name: str = "Front desk", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "extension": "7301",
        "callPolicies": {"policy": "CIRCULAR"},
        "agents": [],
    }
    body.update(overrides)
    return body


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


@pytest.fixture
def estate(app_client: TestClient, partner: Partner) -> Estate:
    customer = provision_customer(
        app_client, partner, packages=["webex_calling", "webex_meetings", "common_area_calling"]
    )
    locations = app_client.get(
        "/v1/locations", params={"orgId": customer["orgId"]}, headers=partner.headers
    ).json()
    people = [
        provision_subscriber(app_client, partner, customer["id"])["personId"] for _ in range(2)
    ]
    return Estate(app_client, partner, customer, locations["items"][0]["id"], people)


def test_a_hunt_group_is_created_read_updated_and_deleted(estate: Estate) -> None:
    lobby = _workspace(estate, "Lobby", "4100")
    estate.add_numbers("+14085550301")
    created = estate.create(
        **_body(
            phoneNumber="+1 408-555-0300",
            callPolicies={
                "policy": "WEIGHTED",
                "noAnswer": {"nextAgentEnabled": True, "nextAgentRings": 3},
            },
            agents=[{"id": estate.people[0], "weight": "70"}, {"id": lobby, "weight": 30}],
            alternateNumbers=[{"phoneNumber": "+14085550301", "ringPattern": "LONG_LONG"}],
        )
    )
    group_id = created.json()["id"]
    group = estate.get(group_id)
    assert (group["name"], group["phoneNumber"], group["extension"]) == (
        "Front desk",
        "+14085550300",
        "7301",
    )
    assert group["enabled"] is True
    assert group["callPolicies"]["policy"] == "WEIGHTED"
    assert group["callPolicies"]["noAnswer"]["nextAgentEnabled"] is True
    assert group["callPolicies"]["noAnswer"]["nextAgentRings"] == 3
    assert [(a["id"], a["type"], a["weight"]) for a in group["agents"]] == [
        (estate.people[0], "PEOPLE", "70"),
        (lobby, "PLACE", "30"),
    ]
    assert group["agents"][0]["firstName"] == "Ada"
    assert (group["agents"][1]["firstName"], group["agents"][1]["extension"]) == ("Lobby", "4100")
    assert [(a["phoneNumber"], a["ringPattern"]) for a in group["alternateNumbers"]] == [
        ("+14085550301", "LONG_LONG")
    ]

    changed = estate.put(
        group_id,
        {"name": "Reception", "enabled": False, "callPolicies": {"policy": "SIMULTANEOUS"}},
    )
    assert changed.status_code == 204, changed.text
    group = estate.get(group_id)
    assert (group["name"], group["enabled"], group["callPolicies"]["policy"]) == (
        "Reception",
        False,
        "SIMULTANEOUS",
    )
    assert len(group["agents"]) == 2  # agents not given: kept
    assert group["callPolicies"]["noAnswer"]["nextAgentRings"] == 3  # not given: kept
    assert len(group["alternateNumbers"]) == 1

    replaced = estate.put(group_id, {"agents": [{"id": estate.people[1]}], "alternateNumbers": []})
    assert replaced.status_code == 204, replaced.text
    group = estate.get(group_id)
    assert [a["id"] for a in group["agents"]] == [estate.people[1]]
    assert group["alternateNumbers"] == []

    assert estate.delete(group_id).status_code == 204
    again = estate.client.get(
        f"{estate.groups}/{group_id}", params=estate.params, headers=estate.partner.headers
    )
    assert again.status_code == 404
    assert error_codes(again) == [8180]


def test_the_body_wxc_sdk_builds_creates_a_hunt_group_with_the_public_defaults(
    estate: Estate,
) -> None:
    settings = HuntGroup.create(name="Sales", extension="7302")
    settings.call_policies = HGCallPolicies.default()
    body = settings.create_or_update()

    group_id = estate.create(**body).json()["id"]

    group = estate.get(group_id)
    policies = group["callPolicies"]
    assert (group["enabled"], policies["policy"], policies["waitingEnabled"]) == (
        True,
        "CIRCULAR",
        False,
    )
    assert policies["noAnswer"] == {
        "nextAgentEnabled": False,
        "nextAgentRings": 5,
        "forwardEnabled": False,
        "numberOfRings": 15,
        "systemMaxNumberOfRings": 20,
        "destinationVoicemailEnabled": False,
    }
    assert policies["busyRedirect"] == {"enabled": False, "destinationVoicemailEnabled": False}
    assert group["agents"] == []
    assert group["firstName"] == "."
    assert group["lastName"] == "Sales"  # no phone number: the name


def test_refusals_name_the_field(estate: Estate) -> None:
    person = estate.people[0]
    no_answer = "callPolicies.noAnswer"
    cases: list[tuple[dict[str, Any], int, str, int]] = [
        ({k: v for k, v in _body().items() if k != "name"}, 400, "name", 1001),
        (_body(name="   "), 400, "name", 8183),
        (_body(extension=None), 400, "phoneNumber", 8185),
        (_body(extension="7x"), 400, "extension", 5011),
        (_body(phoneNumber="call me"), 400, "phoneNumber", 5010),
        (_body(callPolicies={"policy": "RANDOM"}), 400, "callPolicies.policy", 1002),
        (_body(agents=[{"id": "nobody"}]), 404, "agents[0].id", 8182),
        (_body(agents=[{"id": new_id("PEOPLE")}]), 404, "agents[0].id", 8182),
        (_body(agents=[{"id": new_id("VIRTUAL_LINE")}]), 404, "agents[0].id", 8182),
        (_body(agents=[{"id": person}, {"id": person}]), 400, "agents", 8186),
        (
            _body(callPolicies={"policy": "WEIGHTED"}, agents=[{"id": person, "weight": 90}]),
            400,
            "agents",
            8187,
        ),
        (
            _body(callPolicies={"noAnswer": {"nextAgentRings": 21}}),
            400,
            f"{no_answer}.nextAgentRings",
            8189,
        ),
        (
            _body(callPolicies={"noAnswer": {"numberOfRings": 1}}),
            400,
            f"{no_answer}.numberOfRings",
            8189,
        ),
        (
            _body(callPolicies={"noAnswer": {"forwardEnabled": True}}),
            400,
            f"{no_answer}.destination",
            8189,
        ),
        (
            _body(callPolicies={"busyRedirect": {"enabled": True, "destination": "nowhere"}}),
            400,
            "callPolicies.busyRedirect.destination",
            8189,
        ),
        (
            _body(alternateNumbers=[{"phoneNumber": "+14085550310"}] * 2),
            400,
            "alternateNumbers[1].phoneNumber",
            8188,
        ),
        (
            _body(phoneNumber="+14085550311", alternateNumbers=[{"phoneNumber": "+14085550311"}]),
            400,
            "alternateNumbers[0].phoneNumber",
            8188,
        ),
        (
            _body(alternateNumbers=[{"phoneNumber": f"+1408555032{n}"} for n in range(10)] * 2),
            400,
            "alternateNumbers",
            8188,
        ),
        (_body(alternateNumbers=[{"phoneNumber": "0301"}]), 400, "alternateNumbers[0]", 5010),
        (
            _body(alternateNumbers=[{"phoneNumber": "+14085550312", "ringPattern": "LOUD"}]),
            400,
            "alternateNumbers.0.ringPattern",
            1002,
        ),
    ]
    for body, status, field, code in cases:
        response = estate.create(status, **body)
        error = response.json()["errors"][0]
        assert error["errorCode"] == code, body
        assert error["description"].split(":")[0].startswith(field), (body, error)

    estate.create(**_body())
    taken = estate.create(409, **_body("Other"))
    assert error_codes(taken) == [5005]
    same_name = estate.create(409, **_body(extension="7309"))
    assert error_codes(same_name) == [8184]
    assert estate.numbers(extension="7309") == []  # nothing half-written


def test_numbers_are_held_by_the_hunt_group_and_go_back_to_the_location(
    estate: Estate,
) -> None:
    estate.add_numbers("+14085550340", "+14085550341")
    group_id = estate.create(
        **_body(
            phoneNumber="+14085550340",
            alternateNumbers=[{"phoneNumber": "+14085550341"}, {"phoneNumber": "+14085550342"}],
        )
    ).json()["id"]

    owned = estate.numbers(ownerType="HUNT_GROUP")
    assert sorted((n["phoneNumber"], n.get("extension")) for n in owned) == [
        ("+14085550340", "7301"),
        ("+14085550341", None),
        ("+14085550342", None),
    ]
    assert {(n["owner"]["id"], n["owner"]["displayName"]) for n in owned} == {
        (group_id, "Front desk")
    }
    queue = estate.client.post(
        f"{CONFIG}/locations/{estate.location_id}/queues",
        params=estate.params,
        json={"name": "Q", "phoneNumber": "+14085550341", "queueSettings": {"queueSize": 5}},
        headers=estate.partner.headers,
    )
    assert (queue.status_code, error_codes(queue)) == (409, [5006])
    other = estate.create(409, **_body("Other", extension="7399", phoneNumber="+14085550342"))
    assert error_codes(other) == [5006]
    removing = estate.client.request(
        "DELETE",
        f"{CONFIG}/locations/{estate.location_id}/numbers",
        params=estate.params,
        json={"phoneNumbers": ["+14085550341"]},
        headers=estate.partner.headers,
    )
    assert (removing.status_code, error_codes(removing)) == (409, [8022])

    assert estate.put(group_id, {"alternateNumbers": []}).status_code == 204
    assert [n["phoneNumber"] for n in estate.numbers(ownerType="HUNT_GROUP")] == ["+14085550340"]
    assert estate.delete(group_id).status_code == 204

    back = estate.numbers(available="true")
    assert {"+14085550340", "+14085550341", "+14085550342"} <= {n["phoneNumber"] for n in back}
    assert estate.numbers(extension="7301") == []
    again = estate.create(**_body("Again", phoneNumber="+14085550341"))
    assert again.status_code == 201


def test_a_number_of_another_location_is_refused_naming_the_field(estate: Estate) -> None:
    body = {
        "name": "Branch",
        "timeZone": "America/Los_Angeles",
        "preferredLanguage": "en_us",
        "announcementLanguage": "en_us",
        "address": {
            "address1": "1 Side St",
            "city": "San Jose",
            "state": "CA",
            "postalCode": "95113",
            "country": "US",
        },
    }
    branch = estate.client.post(
        "/v1/locations", params=estate.params, json=body, headers=estate.partner.headers
    )
    assert branch.status_code == 201, branch.text
    estate.add_numbers("+14085550350", location_id=branch.json()["id"])

    refused = estate.create(409, **_body(alternateNumbers=[{"phoneNumber": "+14085550350"}]))

    assert error_codes(refused) == [8026]
    assert refused.json()["errors"][0]["description"].startswith("alternateNumbers[0]")


def test_an_agent_must_be_a_calling_person_or_workspace_of_the_same_customer(
    estate: Estate, app_client: TestClient, partner: Partner
) -> None:
    other = provision_customer(
        app_client, partner, packages=["webex_calling", "common_area_calling"]
    )
    theirs = _workspace(estate, "Their lobby", "4102", org_id=other["orgId"])
    their_person = provision_subscriber(app_client, partner, other["id"])["personId"]
    meetings_only = provision_subscriber(
        app_client, partner, estate.customer["id"], packages=["webex_meetings"]
    )["personId"]
    plain = estate.client.post(
        "/v1/workspaces",
        params=estate.params,
        json={"displayName": "No calling", "calling": {"type": "freeCalling"}},
        headers=estate.partner.headers,
    ).json()["id"]
    for agent in (theirs, their_person, meetings_only, plain, new_id("PLACES")):
        refused = estate.create(404, **_body(agents=[{"id": estate.people[0]}, {"id": agent}]))
        assert error_codes(refused) == [8182]
        assert refused.json()["errors"][0]["description"].startswith("agents[1].id")


def test_a_removed_person_or_workspace_leaves_its_hunt_groups(estate: Estate) -> None:
    lobby = _workspace(estate, "Lobby", "4103")
    person = estate.people[0]
    group_id = estate.create(
        **_body(agents=[{"id": person}, {"id": lobby}, {"id": estate.people[1]}])
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

    assert [a["id"] for a in estate.get(group_id)["agents"]] == [estate.people[1]]
    events = estate.client.get("/v1/partner/auditEvents", headers=estate.partner.headers).json()
    left = [
        e["before"]["agentId"]
        for e in events["items"]
        if e.get("targetId") == group_id and e["action"] == "hunt_group.agent_removed"
    ]
    assert sorted(left) == sorted([person, lobby])


def test_the_lists_filter_and_page_by_start_and_max(estate: Estate) -> None:
    for n in range(5):
        estate.create(**_body(f"Group {n}", extension=f"73{n}0", phoneNumber=f"+1408555036{n}"))
    listed: list[dict[str, Any]] = []
    url: str | None = f"{CONFIG}/huntGroups?orgId={estate.customer['orgId']}&max=2"
    pages = 0
    while url:
        response = estate.client.get(url, headers=estate.partner.headers)
        assert response.status_code == 200, response.text
        listed += response.json()["huntGroups"]
        url = next_url(response)
        pages += 1
    assert pages == 3
    assert [g["name"] for g in listed] == [f"Group {n}" for n in range(5)]
    assert {g["locationId"] for g in listed} == {estate.location_id}
    for item in listed:
        assert_client_knows(item)

    def names(url: str = f"{CONFIG}/huntGroups", **params: str) -> list[str]:
        response = estate.client.get(
            url, params={**estate.params, **params}, headers=estate.partner.headers
        )
        assert response.status_code == 200, response.text
        return [g["name"] for g in response.json()["huntGroups"]]

    assert names(name="group 3") == ["Group 3"]
    assert names(phoneNumber="7320") == ["Group 2"]
    assert names(phoneNumber="+14085550361") == ["Group 1"]
    assert names(locationId=estate.location_id, start="4") == ["Group 4"]
    assert names(locationId=new_id("LOCATION")) == []
    assert names(estate.groups, max="1", start="1") == ["Group 1"]
    bad = estate.client.get(
        f"{CONFIG}/huntGroups",
        params={**estate.params, "start": "x"},
        headers=estate.partner.headers,
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["description"].startswith("start:")


def test_another_partners_hunt_group_and_location_answer_404(
    estate: Estate, app_client: TestClient, other_partner: Partner
) -> None:
    group_id = estate.create(**_body()).json()["id"]
    theirs = provision_customer(app_client, other_partner)
    own_location = app_client.get(
        "/v1/locations", params={"orgId": theirs["orgId"]}, headers=other_partner.headers
    ).json()["items"][0]["id"]
    as_them = {"orgId": theirs["orgId"]}
    mine = f"{CONFIG}/locations/{own_location}/huntGroups/{group_id}"
    attempts = [
        ("GET", f"{estate.groups}/{group_id}", estate.params, None),
        ("GET", f"{estate.groups}/{group_id}", as_them, None),
        ("GET", estate.groups, as_them, None),
        ("GET", estate.groups, estate.params, None),
        ("GET", mine, as_them, None),
        ("PUT", mine, as_them, {"name": "x"}),
        ("DELETE", mine, as_them, None),
        ("POST", estate.groups, as_them, _body("Planted", extension="7555")),
        ("POST", estate.groups, estate.params, _body("Planted", extension="7555")),
        ("GET", f"{CONFIG}/huntGroups", estate.params, None),
    ]
    for method, url, params, body in attempts:
        response = app_client.request(
            method, url, params=params, json=body, headers=other_partner.headers
        )
        assert response.status_code == 404, (method, url, params, response.text)
        assert group_id not in response.text
    listed = app_client.get(f"{CONFIG}/huntGroups", params=as_them, headers=other_partner.headers)
    assert listed.json() == {"huntGroups": []}
    assert estate.get(group_id)["name"] == "Front desk"


def test_a_location_with_a_hunt_group_is_not_deleted(estate: Estate) -> None:
    body = {
        "name": "Annex",
        "timeZone": "America/Los_Angeles",
        "preferredLanguage": "en_us",
        "announcementLanguage": "en_us",
        "address": {
            "address1": "2 Side St",
            "city": "San Jose",
            "state": "CA",
            "postalCode": "95113",
            "country": "US",
        },
    }
    annex = estate.client.post(
        "/v1/locations", params=estate.params, json=body, headers=estate.partner.headers
    ).json()["id"]
    url = f"{CONFIG}/locations/{annex}/huntGroups"
    created = estate.client.post(
        url, params=estate.params, json=_body(), headers=estate.partner.headers
    )
    assert created.status_code == 201, created.text

    refused = estate.client.delete(
        f"/v1/locations/{annex}", params=estate.params, headers=estate.partner.headers
    )

    assert refused.status_code == 409
    assert "1 hunt group" in refused.json()["errors"][0]["description"]


def test_hunt_group_changes_are_audited(estate: Estate) -> None:
    group_id = estate.create(**_body()).json()["id"]
    assert estate.put(group_id, {"name": "Renamed"}).status_code == 204
    assert estate.delete(group_id).status_code == 204
    events = estate.client.get("/v1/partner/auditEvents", headers=estate.partner.headers).json()
    found = {e["action"]: e for e in events["items"] if e.get("targetId") == group_id}
    assert sorted(found) == ["hunt_group.created", "hunt_group.deleted", "hunt_group.updated"]
    assert found["hunt_group.updated"]["before"]["name"] == "Front desk"
    assert found["hunt_group.updated"]["after"]["name"] == "Renamed"


def test_reading_needs_the_telephony_scope(estate: Estate, app_client: TestClient) -> None:
    response = app_client.get(
        f"{CONFIG}/huntGroups", params=estate.params, headers={"Authorization": "Bearer nonsense"}
    )
    assert response.status_code == 401
