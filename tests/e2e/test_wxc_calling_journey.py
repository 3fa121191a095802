"""Issue 11's journey: a partner sets up its customer's calling with `wxc_sdk`'s own API classes
(`WebexSimpleApi`), unmodified, only the base URL pointed at a running tukku, exactly as an
integrator would against Webex (`orgId` = the customer's organization, the partner's token).

Only where the SDK has no method does the journey use the same session's `rest_*` calls:
provisioning the customer and its subscribers (wholesale provisioning has no `wxc_sdk` API) and
upgrading a queue to CX Essentials (`CallQueueApi.update()` cannot send `hasCxEssentials`).
A hunt group is created, changed and listed with `HuntGroupApi`; the second location is enabled
for Webex Calling and given a main number with `TelephonyLocationApi`."""

from __future__ import annotations

from typing import Any

from wxc_sdk import WebexSimpleApi
from wxc_sdk.common import AlternateNumber, OwnerType
from wxc_sdk.telephony.callqueue import CallQueue
from wxc_sdk.telephony.hg_and_cq import Agent, Policy
from wxc_sdk.telephony.huntgroup import HuntGroup
from wxc_sdk.telephony.location import CallingLineId, TelephonyLocation
from wxc_sdk.workspaces import (
    CallingType,
    Workspace,
    WorkspaceCalling,
    WorkspaceSupportedDevices,
    WorkspaceWebexCalling,
)

from tests.e2e.conftest import Server
from tests.e2e.test_webex_client_journey import ADDRESS, client_for, wait_for

NEW_NUMBERS = ["+442071838750", "+442071838751", "+442071838752", "+442071838753"]


def _provision(api: WebexSimpleApi, server: Server) -> dict[str, Any]:
    """The customer, with the packages its workspaces and Essentials queue need (no SDK API)."""
    session = api.session
    request = {
        "provisioningId": server.provisioning_id,
        "packages": ["webex_calling", "common_area_calling", "cx_essentials"],
        "externalId": "calling-journey-1",
        "address": ADDRESS,
        "customerInfo": {"name": "Kettle & Co", "primaryEmail": "boss@kettle.test"},
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
    accepted: dict[str, Any] = session.rest_post(session.ep("wholesale/customers"), json=request)  # type: ignore[assignment]
    return wait_for(session, accepted["url"], "provisioned")


def _subscriber(api: WebexSimpleApi, customer_id: str, i: int, package: str) -> str:
    """A subscriber's `personId` (wholesale provisioning: no SDK API)."""
    session = api.session
    body = {
        "customerId": customer_id,
        "email": f"agent{i}@kettle.test",
        "packages": [package],
        "provisioningParameters": {"firstName": "Agent", "lastName": str(i), "extension": f"50{i}"},
    }
    created: dict[str, Any] = session.rest_post(session.ep("wholesale/subscribers"), json=body)  # type: ignore[assignment]
    assert created["status"] == "provisioned"
    person: str = created["personId"]
    return person


def test_a_partner_sets_up_calling_with_wxc_sdk(server: Server) -> None:
    api = WebexSimpleApi(tokens=server.token, session=client_for(server))
    customer = _provision(api, server)
    org_id = customer["orgId"]
    people = [
        _subscriber(api, customer["id"], i, package)
        for i, package in enumerate(["cx_essentials", "cx_essentials", "webex_calling"])
    ]

    # a second location
    hq = api.locations.by_name("HQ", org_id=org_id)
    assert hq is not None
    assert hq.location_id
    branch_id = api.locations.create(
        name="Branch",
        time_zone="Europe/London",
        preferred_language="en_GB",
        announcement_language="en_GB",
        address1="1 High Street",
        city="Leeds",
        state="West Yorkshire",
        postal_code="LS1 1AA",
        country="GB",
        org_id=org_id,
    )
    branch = api.locations.details(branch_id, org_id=org_id)
    assert (branch.name, branch.org_id, branch.time_zone) == ("Branch", org_id, "Europe/London")
    assert branch.address
    assert branch.address.city == "Leeds"

    # Webex Calling at the branch
    assert api.telephony.location.enable_for_calling(branch, org_id=org_id) == branch_id

    # numbers, and the branch's main number
    added = api.telephony.location.number.add(branch_id, NEW_NUMBERS, org_id=org_id)
    assert not added.errors
    at_branch = list(api.telephony.phone_numbers(location_id=branch_id, org_id=org_id))
    assert sorted(n.phone_number for n in at_branch) == NEW_NUMBERS
    assert all(n.owner is None for n in at_branch)
    main = TelephonyLocation(calling_line_id=CallingLineId(phone_number=NEW_NUMBERS[3]))
    api.telephony.location.update(branch_id, main, org_id=org_id)
    calling = api.telephony.location.details(branch_id, org_id=org_id)
    assert calling.calling_line_id is not None
    assert calling.calling_line_id.phone_number == NEW_NUMBERS[3]
    assert sorted(loc.name for loc in api.telephony.location.list(org_id=org_id)) == [
        "Branch",
        "HQ",
    ]

    # workspaces with calling: a number and an extension, and an extension only
    front = api.workspaces.create(
        Workspace(
            display_name="Front desk",
            location_id=branch_id,
            supported_devices=WorkspaceSupportedDevices.phones,
            calling=WorkspaceCalling(
                type=CallingType.webex,
                webex_calling=WorkspaceWebexCalling(
                    phone_number=NEW_NUMBERS[0], extension="6001", location_id=branch_id
                ),
            ),
        ),
        org_id=org_id,
    )
    assert front.workspace_id
    assert front.org_id == org_id
    assert front.calling
    assert front.calling.type == CallingType.webex
    lobby = api.workspaces.create(
        Workspace(
            display_name="Lobby",
            location_id=branch_id,
            supported_devices=WorkspaceSupportedDevices.phones,
            calling=WorkspaceCalling(
                type=CallingType.webex,
                webex_calling=WorkspaceWebexCalling(extension="6002", location_id=branch_id),
            ),
        ),
        org_id=org_id,
    )
    assert lobby.workspace_id
    shown = api.workspaces.details(front.workspace_id)
    assert (shown.display_name, shown.location_id) == ("Front desk", branch_id)
    owned = list(api.telephony.phone_numbers(owner_type=OwnerType.place, org_id=org_id))
    assert [(n.phone_number, n.extension) for n in owned] == [
        (NEW_NUMBERS[0], "6001"),
        (None, "6002"),
    ]

    # devices by MAC: on each workspace and for a subscriber
    checked = api.telephony.devices.validate_macs(["0A0B0C0D0E01", "0A0B0C0D0E02"], org_id=org_id)
    assert checked.status == "OK"
    on_front = api.devices.create_by_mac_address(
        "0A:0B:0C:0D:0E:01", workspace_id=front.workspace_id, model="DMS Cisco 8851", org_id=org_id
    )
    assert on_front
    assert on_front.workspace_id == front.workspace_id
    on_lobby = api.devices.create_by_mac_address(
        "0A0B0C0D0E03", workspace_id=lobby.workspace_id, model="DMS Cisco 7841", org_id=org_id
    )
    assert on_lobby
    assert on_lobby.device_id
    desk = api.devices.create_by_mac_address(
        "0a0b0c0d0e02", person_id=people[0], model="DMS Cisco 8811", org_id=org_id
    )
    assert desk
    assert desk.person_id == people[0]
    assert desk.mac == "0A0B0C0D0E02"

    front_devices = list(api.workspace_settings.devices.list(front.workspace_id, org_id=org_id))
    assert [(d.device_id, d.mac, d.primary_owner) for d in front_devices] == [
        (on_front.device_id, "0A0B0C0D0E01", True)
    ]
    person_devices = api.person_settings.devices(people[0], org_id=org_id)
    assert [d.device_id for d in person_devices.devices] == [desk.device_id]
    assert person_devices.max_device_count >= 1
    by_workspace = list(api.devices.list(workspace_id=lobby.workspace_id, org_id=org_id))
    assert [d.device_id for d in by_workspace] == [on_lobby.device_id]

    # a basic queue at the branch, upgraded to Essentials
    queues = api.telephony.callqueue
    queue_id = queues.create(
        location_id=branch_id,
        settings=CallQueue.create(
            name="Sales",
            extension="6100",
            phone_number=NEW_NUMBERS[1],
            queue_size=10,
            agents=[Agent(agent_id=p) for p in people[:2]],
        ),
        org_id=org_id,
    )
    basic = queues.details(location_id=branch_id, queue_id=queue_id, org_id=org_id)
    assert (basic.name, basic.phone_number, basic.has_cx_essentials) == (
        "Sales",
        NEW_NUMBERS[1],
        False,
    )
    # no SDK method upgrades a queue: `update()` has no `hasCxEssentials`
    session = api.session
    session.rest_put(
        session.ep(f"telephony/config/locations/{branch_id}/queues/{queue_id}"),
        json={},
        params={"orgId": org_id, "hasCxEssentials": "true"},
    )
    upgraded = queues.details(
        location_id=branch_id, queue_id=queue_id, has_cx_essentials=True, org_id=org_id
    )
    assert upgraded.has_cx_essentials is True
    assert [a.agent_id for a in upgraded.agents or []] == people[:2]
    assert upgraded.call_policies
    assert upgraded.call_policies.policy != Policy.weighted
    for i in range(3):
        queues.create(
            location_id=hq.location_id,
            settings=CallQueue.create(
                name=f"Help {i}", extension=f"610{i + 1}", queue_size=5, agents=[]
            ),
            org_id=org_id,
        )

    # everything listed in small pages: the SDK follows `Link: rel="next"`
    locations = list(api.locations.list(org_id=org_id, max=1))
    assert [loc.name for loc in locations] == ["HQ", "Branch"]
    numbers = list(api.telephony.phone_numbers(org_id=org_id, max=2))
    listed = {(n.phone_number, n.extension) for n in numbers}
    assert {n for n, _ in listed if n} >= set(NEW_NUMBERS)
    assert {e for _, e in listed if e} >= {"500", "501", "502", "6001", "6002"}
    assert len(numbers) == len(listed)
    owners = {n.phone_number: n.owner for n in numbers if n.phone_number in NEW_NUMBERS}
    assert owners[NEW_NUMBERS[0]]
    assert owners[NEW_NUMBERS[0]].owner_id == front.workspace_id
    queue_owner = owners[NEW_NUMBERS[1]]
    assert queue_owner
    assert (queue_owner.owner_type, queue_owner.owner_id) == (
        OwnerType.call_queue,
        queue_id,
    )
    assert owners[NEW_NUMBERS[2]] is None
    assert owners[NEW_NUMBERS[3]] is None
    branch_numbers = list(api.telephony.phone_numbers(location_id=branch_id, org_id=org_id, max=1))
    assert len(branch_numbers) == 5  # four numbers, one of them with 6001; 6002 alone
    workspaces = list(api.workspaces.list(org_id=org_id, max=1))
    assert [w.display_name for w in workspaces] == ["Front desk", "Lobby"]
    devices = list(api.devices.list(org_id=org_id, max=1))
    assert sorted(d.mac or "" for d in devices) == ["0A0B0C0D0E01", "0A0B0C0D0E02", "0A0B0C0D0E03"]
    basic_queues = list(queues.list(org_id=org_id, max=2))
    assert sorted(q.name for q in basic_queues) == ["Help 0", "Help 1", "Help 2"]
    essentials = list(queues.list(org_id=org_id, has_cx_essentials=True, max=1))
    assert [(q.name, q.location_id) for q in essentials] == [("Sales", branch_id)]

    # a hunt group at the branch through the SDK's own create (it fills in the call policies)
    hunt_groups = api.telephony.huntgroup
    group_id = hunt_groups.create(
        location_id=branch_id,
        settings=HuntGroup(
            name="Reception", extension="6200", agents=[Agent(agent_id=p) for p in people[:2]]
        ),
        org_id=org_id,
    )
    group = hunt_groups.details(location_id=branch_id, huntgroup_id=group_id, org_id=org_id)
    assert group.call_policies
    assert group.call_policies.policy == Policy.circular
    assert [a.agent_id for a in group.agents or []] == people[:2]
    hunt_groups.update(
        location_id=branch_id,
        huntgroup_id=group_id,
        update=HuntGroup(
            name="Front office", alternate_numbers=[AlternateNumber(phone_number=NEW_NUMBERS[2])]
        ),
        org_id=org_id,
    )
    listed_groups = list(hunt_groups.list(location_id=branch_id, org_id=org_id, max=1))
    assert [(g.id, g.name, g.extension) for g in listed_groups] == [
        (group_id, "Front office", "6200")
    ]
    alternate = next(api.telephony.phone_numbers(phone_number=NEW_NUMBERS[2], org_id=org_id))
    assert alternate.owner
    assert (alternate.owner.owner_type, alternate.owner.owner_id) == (
        OwnerType.hunt_group,
        group_id,
    )
