"""The customer portal's calling pages (PRODUCT.md 10.2, 12): a customer's administrator lists,
adds and edits locations and floors, workspaces, devices (by MAC address, with SIP credentials
for generic SIP devices, and activation codes) and call queues (agents, the upgrade to CX
Essentials and its rules); numbers are read-only to customer administrators, restricted mode or
not, and a partner acting after a cross-launch adds and removes them; read-only administrators
see no controls and are refused; another organization's IDs are not found."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tests.portal.test_hub_cross_launch_pages import launch
from tests.portal.test_hub_pages import main_of, set_restricted
from tests.support import provision_customer, provision_subscriber
from tukku.audit.models import AuditEvent
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity
from tukku.identity.rules import Role

PACKAGES = ["webex_calling", "cx_essentials", "common_area_calling"]
GENERIC_SIP = "Generic IPPhone Customer Managed"
CISCO = "DMS Cisco 8851"
LOCATION = {
    "name": "Tampere",
    "address.address1": "Hämeenkatu 1",
    "address.city": "Tampere",
    "address.state": "Pirkanmaa",
    "address.postalCode": "33100",
    "address.country": "FI",
    "timeZone": "Europe/Helsinki",
    "preferredLanguage": "en_us",
    "announcementLanguage": "en_us",
}


@dataclass(frozen=True)
class Estate:
    """A provisioned customer with calling: its IDs, its administrator, its headquarters, a
    person with CX Essentials and one with basic calling (extension 3002)."""

    id: str
    org_id: str
    admin_email: str
    headquarters: str
    agent_id: str
    basic_id: str
    basic_name: str


def new_estate(
    client: TestClient, partner: Partner, db: Database, clock: ManualClock, n: int
) -> Estate:
    customer = provision_customer(
        client,
        partner,
        packages=PACKAGES,
        customerInfo={"name": f"Sauna {n}", "primaryEmail": f"owner{n}@sauna.test"},
        externalId=f"sauna-{n}",
    )
    agent = provision_subscriber(client, partner, customer["id"], packages=["cx_essentials"])
    basic = provision_subscriber(
        client,
        partner,
        customer["id"],
        provisioningParameters={"firstName": "Basil", "lastName": f"Basic{n}", "extension": "3002"},
    )
    locations = client.get(
        "/v1/locations", params={"orgId": customer["orgId"]}, headers=partner.headers
    ).json()["items"]
    with db.unit_of_work() as session:
        admin = identity.first_admin(session, customer["orgId"])
        assert admin is not None
        email = admin.email
    give_password(db, clock, email)
    return Estate(
        customer["id"],
        customer["orgId"],
        email,
        locations[0]["id"],
        agent["personId"],
        basic["personId"],
        f"Basil Basic{n}",
    )


@pytest.fixture
def estate(app_client: TestClient, partner: Partner, db: Database, clock: ManualClock) -> Estate:
    return new_estate(app_client, partner, db, clock, 1)


@pytest.fixture
def admin(app_client: TestClient, estate: Estate) -> TestClient:
    """The customer's full administrator, signed in (restricted mode on, a new customer's)."""
    assert sign_in(app_client, estate.admin_email).status_code == 303
    return app_client


def post(client: TestClient, path: str, **data: str) -> httpx.Response:
    """Post a form of the hub as a browser would, with the page's CSRF token."""
    token = csrf_of(client.get("/hub"))
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


def field_error(page: httpx.Response, name: str) -> str:
    found = re.search(
        rf'<p class="field-error" id="{re.escape(name)}-error">([^<]*)</p>', page.text
    )
    assert found, f"no error next to {name}"
    return found.group(1)


@dataclass(frozen=True)
class Event:
    """An audit event: who acted, on what, and what it recorded after."""

    actor_org_id: str | None
    target_id: str
    after: object


def actions(db: Database, action: str) -> list[Event]:
    with db.unit_of_work(write=False) as session:
        found = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        return [Event(e.actor_org_id, e.target_id, e.after) for e in found]


def workspace(client: TestClient, estate: Estate, name: str, extension: str = "") -> str:
    calling = {"calling": "webexCalling", "extension": extension} if extension else {}
    made = post(
        client,
        "/hub/workspaces/new",
        displayName=name,
        locationId=estate.headquarters,
        **({"calling": "freeCalling"} | calling),
    )
    assert made.status_code == 303, made.text
    return made.headers["location"].split("/")[-1].split("?")[0]


# -- locations ------------------------------------------------------------------------------
def test_locations_are_listed_added_with_calling_and_edited_with_floors(
    admin: TestClient, estate: Estate, db: Database
) -> None:
    listed = admin.get("/hub/locations")
    assert listed.status_code == 200
    assert f'href="/hub/locations/{estate.headquarters}"' in listed.text
    assert "(headquarters)" in listed.text
    assert 'href="/hub/locations/new"' in main_of(listed)
    assert 'href="/hub/queues"' in listed.text  # the nav
    assert "Restricted mode is on" in listed.text  # which leaves calling to the customer

    incomplete = post(admin, "/hub/locations/new", name="Tampere", timeZone="Mars/Olympus")
    added = post(admin, "/hub/locations/new", **LOCATION)
    again = post(admin, "/hub/locations/new", **LOCATION)

    assert incomplete.status_code == 400
    assert "required" in field_error(incomplete, "address.city")
    assert field_error(incomplete, "timeZone")
    assert added.status_code == 303
    assert again.status_code == 400
    assert field_error(again, "name")
    shown = admin.get(added.headers["location"])
    assert "The location is added." in shown.text
    assert "<h1>Tampere</h1>" in shown.text
    where = added.headers["location"].split("?")[0]
    assert [e.target_id for e in actions(db, "location.calling.enable")] == [where.split("/")[-1]]

    emptied = post(admin, where, **{**LOCATION, "address.city": ""})
    edited = post(admin, where, **{**LOCATION, "name": "Tampere keskusta"})
    assert emptied.status_code == 400
    assert "required" in field_error(emptied, "address.city")
    floor = post(admin, f"{where}/floors", floorNumber="2", displayName="Toimisto")
    same_floor = post(admin, f"{where}/floors", floorNumber="2")

    assert edited.status_code == floor.status_code == 303
    assert same_floor.status_code == 400
    assert field_error(same_floor, "floorNumber")
    page = admin.get(where)
    assert "<h1>Tampere keskusta</h1>" in page.text
    assert "Toimisto" in page.text
    floor_id = re.search(r"/floors/([^/]+)/delete", page.text)
    assert floor_id
    deleted = post(admin, f"{where}/floors/{floor_id.group(1)}/delete")
    assert deleted.status_code == 303
    assert "Toimisto" not in admin.get(where).text


def test_a_location_is_deleted_once_nothing_is_at_it_and_never_the_headquarters(
    admin: TestClient, estate: Estate, db: Database
) -> None:
    added = post(admin, "/hub/locations/new", **LOCATION)
    where = added.headers["location"].split("?")[0]
    location_id = where.split("/")[-1]
    held = post(
        admin,
        "/hub/workspaces/new",
        displayName="Lobby",
        locationId=location_id,
        calling="freeCalling",
    )
    assert held.status_code == 303, held.text
    while_held = post(admin, f"{where}/delete")
    assert while_held.status_code == 409
    assert "the location still has 1 workspace;" in while_held.text
    lobby = held.headers["location"].split("?")[0]
    assert post(admin, f"{lobby}/delete").status_code == 303

    headquarters = admin.get(f"/hub/locations/{estate.headquarters}")
    assert f"/hub/locations/{estate.headquarters}/delete" not in headquarters.text
    refused = post(admin, f"/hub/locations/{estate.headquarters}/delete")
    assert refused.status_code == 409
    assert "the headquarters location cannot be deleted" in refused.text

    page = admin.get(where)
    assert f'action="{where}/delete"' in page.text
    deleted = post(admin, f"{where}/delete")
    assert deleted.status_code == 303
    assert "The location is deleted." in admin.get(deleted.headers["location"]).text
    assert admin.get(where).status_code == 404
    assert [e.target_id for e in actions(db, "location.delete")] == [location_id]


# -- numbers --------------------------------------------------------------------------------
@pytest.mark.parametrize("restricted", [True, False], ids=["restricted", "unrestricted"])
def test_numbers_are_read_only_to_customer_administrators(
    admin: TestClient, partner: Partner, estate: Estate, db: Database, restricted: bool
) -> None:
    set_restricted(admin, partner, estate.id, restricted)
    page = admin.get("/hub/numbers", params={"location": estate.headquarters})

    assert page.status_code == 200
    assert ("Restricted mode is on" in page.text) is restricted
    row = next(r for r in page.text.split("<tr>") if "3002" in r)
    assert f"{estate.basic_name} (user)" in row
    assert 'method="post" action="/hub/numbers"' not in page.text
    assert "ask your partner" in page.text
    forged = [
        post(admin, "/hub/numbers", locationId=estate.headquarters, phoneNumbers="+358401110001"),
        post(
            admin,
            "/hub/numbers/remove",
            locationId=estate.headquarters,
            phoneNumber="+358401110001",
        ),
    ]
    assert [f.status_code for f in forged] == [403, 403]
    assert actions(db, "numbers.add") == []


def test_a_partner_acting_after_a_cross_launch_adds_and_removes_numbers(
    app_client: TestClient, partner: Partner, estate: Estate, db: Database, clock: ManualClock
) -> None:
    give_password(db, clock, partner.admin_email)
    sign_in(app_client, partner.admin_email)
    launch(app_client, estate.id)
    page = app_client.get("/hub/numbers")
    assert 'method="post" action="/hub/numbers"' in page.text

    bad = post(app_client, "/hub/numbers", locationId=estate.headquarters, phoneNumbers="call me")
    added = post(
        app_client,
        "/hub/numbers",
        locationId=estate.headquarters,
        phoneNumbers="+358401110001\n+358401110002",
    )

    assert bad.status_code == 400
    assert "E.164" in field_error(bad, "phoneNumbers")
    assert added.status_code == 303
    listed = app_client.get(added.headers["location"])
    assert listed.text.count("Unassigned") == 2
    removed = post(
        app_client,
        "/hub/numbers/remove",
        locationId=estate.headquarters,
        phoneNumber="+358401110001",
    )
    assert removed.status_code == 303
    after = app_client.get("/hub/numbers")
    assert "+358401110001" not in after.text
    assert "+358401110002" in after.text
    (event,) = actions(db, "numbers.add")
    assert event.actor_org_id != estate.org_id  # the partner's, not the customer's


def test_partner_read_only_staff_after_a_cross_launch_only_look_at_numbers(
    app_client: TestClient, partner: Partner, estate: Estate, db: Database, clock: ManualClock
) -> None:
    read_only_staff(db, clock, partner.org_id, "looker@acme.test")
    give_password(db, clock, partner.admin_email)
    sign_in(app_client, partner.admin_email)
    launch(app_client, estate.id)
    app_client.cookies.delete("tukku_session")
    sign_in(app_client, "looker@acme.test")
    launch(app_client, estate.id)

    page = app_client.get("/hub/numbers")
    forged = post(
        app_client, "/hub/numbers", locationId=estate.headquarters, phoneNumbers="+358401110003"
    )

    assert page.status_code == 200
    assert "Acting as partner" in page.text
    assert 'method="post" action="/hub/numbers"' not in page.text
    assert forged.status_code == 403
    assert actions(db, "numbers.add") == []


# -- workspaces -----------------------------------------------------------------------------
def test_workspaces_are_added_with_and_without_calling_edited_and_deleted(
    admin: TestClient, estate: Estate
) -> None:
    no_number = post(
        admin,
        "/hub/workspaces/new",
        displayName="Lobby",
        locationId=estate.headquarters,
        calling="webexCalling",
    )
    taken = post(
        admin,
        "/hub/workspaces/new",
        displayName="Lobby",
        locationId=estate.headquarters,
        calling="webexCalling",
        extension="3002",
    )
    assert no_number.status_code == taken.status_code == 400
    assert "extension" in field_error(no_number, "phoneNumber")
    assert "Basil" not in taken.text
    lobby = workspace(admin, estate, "Lobby", extension="4000")
    quiet = workspace(admin, estate, "Quiet room")

    listed = admin.get("/hub/workspaces")
    assert "Webex Calling" in listed.text
    assert "Free calling" in listed.text
    numbers = admin.get("/hub/numbers")
    assert "Lobby (workspace)" in numbers.text

    bad = post(admin, f"/hub/workspaces/{quiet}", displayName="Quiet", capacity="-2", type="focus")
    good = post(admin, f"/hub/workspaces/{quiet}", displayName="Hiljainen", capacity="4")
    assert bad.status_code == 400
    assert field_error(bad, "capacity")
    assert good.status_code == 303
    assert "<h1>Hiljainen</h1>" in admin.get(f"/hub/workspaces/{quiet}").text

    gone = post(admin, f"/hub/workspaces/{lobby}/delete")
    assert gone.status_code == 303
    assert admin.get(f"/hub/workspaces/{lobby}").status_code == 404
    assert "Lobby" not in admin.get("/hub/numbers").text


# -- devices --------------------------------------------------------------------------------
def test_devices_are_added_by_mac_and_generic_sip_credentials_downloaded_audited(
    admin: TestClient, estate: Estate, db: Database
) -> None:
    lobby = workspace(admin, estate, "Lobby")
    form = admin.get("/hub/devices/new")
    assert form.status_code == 200
    assert f'value="{GENERIC_SIP}"' in form.text
    assert "Partner Managed" not in form.text  # not on the supported list
    assert f'value="person:{estate.basic_id}"' in form.text

    refused = post(admin, "/hub/devices/new", owner="", model="", mac="zz")
    assert refused.status_code == 400
    assert field_error(refused, "owner")
    assert field_error(refused, "model")
    assert field_error(refused, "mac")

    sip = post(
        admin, "/hub/devices/new", owner=f"workspace:{lobby}", model=GENERIC_SIP, mac="001a2b3c4d5e"
    )
    cisco = post(
        admin,
        "/hub/devices/new",
        owner=f"person:{estate.basic_id}",
        model=CISCO,
        mac="00:1A:2B:3C:4D:5F",
    )
    same_mac = post(
        admin, "/hub/devices/new", owner=f"workspace:{lobby}", model=CISCO, mac="001A2B3C4D5E"
    )
    assert sip.status_code == cisco.status_code == 303
    assert same_mac.status_code == 400
    assert "already in use" in field_error(same_mac, "mac")

    sip_page = admin.get(sip.headers["location"])
    cisco_page = admin.get(cisco.headers["location"])
    assert "00:1A:2B:3C:4D:5E" in sip_page.text
    assert "Download the SIP credentials" in sip_page.text
    assert "Download the SIP credentials" not in cisco_page.text
    sip_id = sip.headers["location"].split("/")[-1].split("?")[0]
    downloaded = post(admin, f"/hub/devices/{sip_id}/sip-credentials")
    assert downloaded.status_code == 200
    assert downloaded.headers["cache-control"] == "no-store"
    assert "attachment" in downloaded.headers["content-disposition"]
    assert re.search(r"SIP password: \S{12,}", downloaded.text)
    (event,) = actions(db, "device.sip_credentials.download")
    assert event.target_id == sip_id
    assert "SIP password" not in str(event.after)

    listed = admin.get("/hub/devices")
    assert "Lobby (workspace)" in listed.text
    assert estate.basic_name in listed.text
    gone = post(admin, f"/hub/devices/{sip_id}/delete")
    assert gone.status_code == 303
    assert admin.get(f"/hub/devices/{sip_id}").status_code == 404


def test_an_activation_code_is_shown_once_for_a_person(admin: TestClient, estate: Estate) -> None:
    nobody = post(admin, "/hub/devices/activation-code", owner="")
    code = post(admin, "/hub/devices/activation-code", owner=f"person:{estate.basic_id}")

    assert nobody.status_code == 400
    assert field_error(nobody, "code-owner")
    assert code.status_code == 200
    assert re.search(r"<strong>\d{8,}</strong>", code.text)
    assert estate.basic_name in code.text


# -- call queues ----------------------------------------------------------------------------
def test_a_basic_queue_gets_agents_and_is_upgraded_once_every_agent_has_cx_essentials(
    admin: TestClient, estate: Estate, db: Database
) -> None:
    nameless = post(admin, "/hub/queues/new", locationId=estate.headquarters, name="")
    no_number = post(admin, "/hub/queues/new", locationId=estate.headquarters, name="Tuki")
    created = post(
        admin, "/hub/queues/new", locationId=estate.headquarters, name="Tuki", extension="7001"
    )
    assert nameless.status_code == no_number.status_code == 400
    assert field_error(nameless, "name")
    assert field_error(no_number, "phoneNumber")
    assert created.status_code == 303
    where = created.headers["location"].split("?")[0]

    for agent in (estate.agent_id, estate.basic_id):
        assert post(admin, f"{where}/agents", agent=agent).status_code == 303
    unknown = post(admin, f"{where}/agents", agent="nobody")
    assert unknown.status_code == 400
    assert "not found" in field_error(unknown, "agents")
    refused = post(admin, f"{where}/upgrade")
    assert refused.status_code == 400
    assert estate.basic_id in field_error(refused, "agents")
    assert "Basic" in admin.get("/hub/queues").text

    assert post(admin, f"{where}/agents/remove", agent=estate.basic_id).status_code == 303
    upgraded = post(admin, f"{where}/upgrade")
    assert upgraded.status_code == 303
    page = admin.get(upgraded.headers["location"])
    assert "The call queue is upgraded to CX Essentials." in page.text
    assert "Upgrade to CX Essentials" not in main_of(page).split("</dl>")[1]
    assert len(actions(db, "call_queue.upgraded")) == 1

    gone = post(admin, f"{where}/delete")
    assert gone.status_code == 303
    assert admin.get(where).status_code == 404


# -- read-only administrators ---------------------------------------------------------------
def test_a_read_only_administrator_sees_no_calling_controls_and_is_refused(
    app_client: TestClient, estate: Estate, db: Database, clock: ManualClock
) -> None:
    assert sign_in(app_client, estate.admin_email).status_code == 303
    lobby = workspace(app_client, estate, "Lobby")
    queue = (
        post(
            app_client,
            "/hub/queues/new",
            locationId=estate.headquarters,
            name="Tuki",
            extension="7001",
        )
        .headers["location"]
        .split("?")[0]
    )
    app_client.cookies.clear()
    with db.unit_of_work() as session:
        identity.create_user(
            session,
            org_id=estate.org_id,
            email="reader@sauna.test",
            roles=[Role.CUSTOMER_READ_ONLY],
            now=clock.now(),
        )
    give_password(db, clock, "reader@sauna.test")
    sign_in(app_client, "reader@sauna.test")

    pages = [
        "/hub/locations",
        f"/hub/locations/{estate.headquarters}",
        "/hub/numbers",
        "/hub/workspaces",
        f"/hub/workspaces/{lobby}",
        "/hub/devices",
        "/hub/queues",
        queue,
    ]
    for path in pages:
        shown = app_client.get(path)
        assert shown.status_code == 200, path
        assert re.search(r'<form[^>]*method="post"', main_of(shown)) is None, path
        assert "/new" not in main_of(shown), path
    forms = ["/hub/locations/new", "/hub/workspaces/new", "/hub/devices/new", "/hub/queues/new"]
    assert [app_client.get(path).status_code for path in forms] == [403] * 4
    forged = [
        post(app_client, "/hub/locations/new", **LOCATION),
        post(app_client, f"/hub/locations/{estate.headquarters}", **LOCATION),
        post(app_client, f"/hub/locations/{estate.headquarters}/floors", floorNumber="1"),
        post(app_client, "/hub/workspaces/new", displayName="Sneaky"),
        post(app_client, f"/hub/workspaces/{lobby}", displayName="Sneaky"),
        post(app_client, f"/hub/workspaces/{lobby}/delete"),
        post(
            app_client,
            "/hub/devices/new",
            owner=f"workspace:{lobby}",
            model=GENERIC_SIP,
            mac="001a2b3c4d60",
        ),
        post(app_client, "/hub/devices/activation-code", owner=f"workspace:{lobby}"),
        post(
            app_client,
            "/hub/queues/new",
            locationId=estate.headquarters,
            name="X",
            extension="7002",
        ),
        post(app_client, f"{queue}/agents", agent=estate.agent_id),
        post(app_client, f"{queue}/upgrade"),
        post(app_client, f"{queue}/delete"),
    ]
    assert [f.status_code for f in forged] == [403] * len(forged)
    assert "Lobby" in app_client.get("/hub/workspaces").text
    assert "Sneaky" not in app_client.get("/hub/workspaces").text


# -- tenancy --------------------------------------------------------------------------------
def test_another_organizations_calling_ids_are_not_found(
    admin: TestClient,
    app_client: TestClient,
    partner: Partner,
    db: Database,
    clock: ManualClock,
    estate: Estate,
) -> None:
    other = new_estate(app_client, partner, db, clock, 2)
    admin.cookies.clear()
    sign_in(admin, other.admin_email)
    their_lobby = workspace(admin, other, "Their lobby")
    their_device = (
        post(
            admin,
            "/hub/devices/new",
            owner=f"workspace:{their_lobby}",
            model=GENERIC_SIP,
            mac="001a2b3c4d99",
        )
        .headers["location"]
        .split("?")[0]
    )
    their_queue = (
        post(
            admin, "/hub/queues/new", locationId=other.headquarters, name="Heidän", extension="7001"
        )
        .headers["location"]
        .split("?")[0]
    )
    admin.cookies.clear()
    sign_in(admin, estate.admin_email)

    reads = [
        f"/hub/locations/{other.headquarters}",
        f"/hub/numbers?location={other.headquarters}",
        f"/hub/workspaces/{their_lobby}",
        f"/hub/devices?workspace={their_lobby}",
        their_device,
        their_queue,
        f"/hub/queues/{estate.headquarters}/{their_queue.split('/')[-1]}",
    ]
    writes = [
        post(admin, f"/hub/locations/{other.headquarters}", **LOCATION),
        post(admin, f"/hub/locations/{other.headquarters}/floors", floorNumber="1"),
        post(admin, f"/hub/workspaces/{their_lobby}", displayName="Hijacked"),
        post(admin, f"/hub/workspaces/{their_lobby}/delete"),
        post(admin, f"{their_device}/sip-credentials"),
        post(admin, f"{their_device}/delete"),
        post(admin, f"{their_queue}/agents", agent=estate.agent_id),
        post(admin, f"{their_queue}/upgrade"),
        post(admin, f"{their_queue}/delete"),
    ]
    assert [admin.get(path).status_code for path in reads] == [404] * len(reads)
    assert [w.status_code for w in writes] == [404] * len(writes)
    device_for_them = post(
        admin, "/hub/devices/new", owner=f"workspace:{their_lobby}", model=CISCO, mac="001a2b3c4d98"
    )
    assert device_for_them.status_code == 400
    assert "not found" in field_error(device_for_them, "owner")
    listed = [admin.get(p).text for p in ("/hub/workspaces", "/hub/devices", "/hub/queues")]
    assert all("Their lobby" not in text and "Heidän" not in text for text in listed)
    assert actions(db, "device.sip_credentials.download") == []
