"""Call queues through `wxc_sdk`'s own call queue API (`CallQueueApi`), unmodified, against a
running tukku: a basic queue is created, read, updated and listed, then upgraded to CX
Essentials (`hasCxEssentials=true` on the update; the SDK's `update()` has no such argument, so
the upgrade goes through the same session's `rest_put`) and refused a downgrade."""

from __future__ import annotations

from typing import Any

import pytest
from wxc_sdk.rest import RestError
from wxc_sdk.telephony.callqueue import CallQueue, CallQueueApi, CallQueueCallPolicies
from wxc_sdk.telephony.hg_and_cq import Agent, Policy

from tests.e2e.conftest import Server
from tests.e2e.test_webex_client_journey import ADDRESS, client_for, wait_for


def _customer(api: Any, server: Server) -> dict[str, Any]:
    request = {
        "provisioningId": server.provisioning_id,
        "packages": ["webex_calling", "cx_essentials"],
        "externalId": "queues-1",
        "address": ADDRESS,
        "customerInfo": {"name": "Queue Ltd", "primaryEmail": "boss@queue.test"},
        "provisioningParameters": {
            "calling": {
                "location": {
                    "name": "HQ",
                    "address": ADDRESS,
                    "timezone": "Europe/London",
                    "language": "en_GB",
                }
            }
        },
    }
    accepted = api.rest_post(api.ep("wholesale/customers"), json=request)
    return wait_for(api, accepted["url"], "provisioned")


def test_a_basic_queue_created_with_wxc_sdk_is_upgraded_to_cx_essentials(server: Server) -> None:
    api = client_for(server)
    customer = _customer(api, server)
    org_id = customer["orgId"]
    people = []
    for i, package in enumerate(["cx_essentials", "cx_essentials", "webex_calling"]):
        body = {
            "customerId": customer["id"],
            "email": f"agent{i}@queue.test",
            "packages": [package],
            "provisioningParameters": {
                "firstName": "Agent",
                "lastName": str(i),
                "extension": f"30{i}",
            },
        }
        people.append(api.rest_post(api.ep("wholesale/subscribers"), json=body)["personId"])
    location_id = api.rest_get(api.ep("locations"), params={"orgId": org_id})["items"][0]["id"]
    queues = CallQueueApi(session=api)

    settings = CallQueue.create(
        name="Front desk",
        extension="4000",
        queue_size=5,
        call_policies=CallQueueCallPolicies(policy=Policy.weighted),
        agents=[
            Agent(agent_id=p, weight=w) for p, w in zip(people, ["50", "30", "20"], strict=True)
        ],
    )
    queue_id = queues.create(location_id=location_id, settings=settings, org_id=org_id)
    details = queues.details(location_id=location_id, queue_id=queue_id, org_id=org_id)
    assert (details.name, details.extension, details.has_cx_essentials) == (
        "Front desk",
        "4000",
        False,
    )
    assert details.call_policies
    assert details.call_policies.policy == Policy.weighted
    assert [a.agent_id for a in details.agents or []] == people

    # read, change in place, write back: the SDK's documented update pattern
    details.enabled = False
    queues.update(location_id=location_id, queue_id=queue_id, update=details, org_id=org_id)
    assert not queues.details(location_id=location_id, queue_id=queue_id, org_id=org_id).enabled

    url = api.ep(f"telephony/config/locations/{location_id}/queues/{queue_id}")
    upgrade = {"orgId": org_id, "hasCxEssentials": "true"}
    with pytest.raises(RestError) as lacking:
        api.rest_put(url, json={}, params=upgrade)
    assert lacking.value.response.status_code == 409
    assert lacking.value.code == 8045
    assert people[2] in lacking.value.description

    kept = [{"id": p} for p in people[:2]]
    api.rest_put(url, json={"agents": kept}, params=upgrade)
    upgraded = queues.details(
        location_id=location_id, queue_id=queue_id, has_cx_essentials=True, org_id=org_id
    )
    assert upgraded.has_cx_essentials is True
    assert upgraded.call_policies
    assert upgraded.call_policies.policy == Policy.regular
    assert upgraded.queue_settings
    assert upgraded.queue_settings.queue_size == 5
    assert [a.agent_id for a in upgraded.agents or []] == people[:2]

    with pytest.raises(RestError) as downgrade:
        api.rest_put(url, json={}, params={"orgId": org_id, "hasCxEssentials": "false"})
    assert downgrade.value.response.status_code == 409
    assert downgrade.value.code == 8044

    queues.create(
        location_id=location_id,
        settings=CallQueue.create(name="Back office", extension="4001", queue_size=3, agents=[]),
        org_id=org_id,
    )
    basic = list(queues.list(org_id=org_id, max=1))
    assert [q.name for q in basic] == ["Back office"]
    essentials = list(queues.list(org_id=org_id, has_cx_essentials=True))
    assert [(q.name, q.location_id) for q in essentials] == [("Front desk", location_id)]

    queues.delete_queue(location_id=location_id, queue_id=queue_id, org_id=org_id)
    with pytest.raises(RestError) as gone:
        queues.details(location_id=location_id, queue_id=queue_id, org_id=org_id)
    assert gone.value.response.status_code == 404
