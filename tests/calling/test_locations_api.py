"""The public Locations API on a customer's set-up: a partner (naming `orgId`) and the
customer's own administrators list, create, read, update and delete locations; the
headquarters made at provisioning is the first; every answer matches the reference."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from wxc_sdk.locations import Location as WxcLocation

from tests.calling.reference import check, location_page_schema, location_schema
from tests.conftest import Partner
from tests.support import (
    error_codes,
    first_admin_headers,
    new_user_headers,
    next_url,
    provision_customer,
    provision_subscriber,
)
from tukku.calling import locations
from tukku.calling.access import for_org
from tukku.calling.locations_schemas import LocationIn
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.errors import Codes, DomainError
from tukku.core.pagination import PageRequest
from tukku.identity import service as identity
from tukku.identity.rules import Role

LOCATIONS = "/v1/locations"
AUDIT = "/v1/partner/auditEvents"


def location_body(name: str = "Denver", **overrides: Any) -> dict[str, Any]:
    """A valid `POST /locations` body, as the reference's example."""
    body: dict[str, Any] = {
        "name": name,
        "timeZone": "America/Chicago",
        "announcementLanguage": "fr_fr",
        "preferredLanguage": "en_us",
        "address": {
            "address1": "123 Some St.",
            "address2": "Suite 456",
            "city": "Supercity",
            "state": "CO",
            "postalCode": "80202",
            "country": "US",
        },
        "latitude": "39.7392",
        "longitude": "-104.9903",
        "notes": "Downtown office",
    }
    body.update(overrides)
    return body


def create(client: TestClient, headers: dict[str, str], org_id: str, **body: Any) -> Any:
    """POST a location; the response."""
    return client.post(
        LOCATIONS, params={"orgId": org_id}, json=location_body(**body), headers=headers
    )


def test_the_headquarters_is_the_first_location_and_a_partner_creates_more(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    org = {"orgId": customer["orgId"]}

    listed = app_client.get(LOCATIONS, params=org, headers=partner.headers)
    assert listed.status_code == 200, listed.text
    check(listed.json(), location_page_schema())
    [hq] = listed.json()["items"]
    assert hq["name"] == "Head Office"
    assert hq["address"]["postalCode"] == "95035"
    assert hq["timeZone"] == "America/Los_Angeles"
    assert hq["announcementLanguage"] == hq["preferredLanguage"] == "en_us"

    created = create(app_client, partner.headers, customer["orgId"])
    assert created.status_code == 201, created.text
    body = created.json()
    check(body, location_schema())
    assert body["orgId"] == customer["orgId"]
    assert body["announcementLanguage"] == "fr_fr"
    assert (body["latitude"], body["longitude"]) == ("39.7392", "-104.9903")

    got = app_client.get(f"{LOCATIONS}/{body['id']}", params=org, headers=partner.headers)
    assert got.status_code == 200, got.text
    check(got.json(), location_schema())
    assert got.json() == body
    parsed = WxcLocation.model_validate(body)  # as wxc_sdk's locations.details reads it
    assert (parsed.location_id, parsed.org_id, parsed.latitude) == (
        body["id"],
        body["orgId"],
        39.7392,
    )
    names = [
        i["name"]
        for i in app_client.get(LOCATIONS, params=org, headers=partner.headers).json()["items"]
    ]
    assert names == ["Head Office", "Denver"]


def test_filters_and_paging_keep_every_filter_in_the_next_link(
    app_client: TestClient, clock: ManualClock, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    for n in range(5):
        clock.advance(timedelta(seconds=1))
        assert (
            create(app_client, partner.headers, customer["orgId"], name=f"Branch {n}").status_code
            == 201
        )

    seen: list[str] = []
    url: str | None = f"{LOCATIONS}?orgId={customer['orgId']}&name=BRANCH&max=2"
    while url:
        page = app_client.get(url, headers=partner.headers)
        assert page.status_code == 200, page.text
        check(page.json(), location_page_schema())
        assert len(page.json()["items"]) <= 2
        seen += [i["name"] for i in page.json()["items"]]
        url = next_url(page)
    assert seen == [f"Branch {n}" for n in range(5)]

    wanted = app_client.get(
        LOCATIONS, params={"orgId": customer["orgId"], "name": "Branch 3"}, headers=partner.headers
    ).json()["items"][0]
    by_id = app_client.get(
        LOCATIONS, params={"orgId": customer["orgId"], "id": wanted["id"]}, headers=partner.headers
    )
    assert [i["name"] for i in by_id.json()["items"]] == ["Branch 3"]


def test_every_problem_of_a_new_location_is_named_at_once(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    org = {"orgId": customer["orgId"]}

    empty = app_client.post(LOCATIONS, params=org, json={}, headers=partner.headers)
    assert empty.status_code == 400
    named = {e["description"].split(":")[0] for e in empty.json()["errors"]}
    assert named == {
        "name",
        "timeZone",
        "preferredLanguage",
        "announcementLanguage",
        "address.address1",
        "address.city",
        "address.state",
        "address.postalCode",
        "address.country",
    }

    bad = app_client.post(
        LOCATIONS,
        params=org,
        json=location_body(
            timeZone="Mars/Olympus",
            preferredLanguage="xx_yy",
            address={**location_body()["address"], "country": "ZZ", "address1": "x" * 51},
            latitude="91",
            longitude="east",
        ),
        headers=partner.headers,
    )
    assert bad.status_code == 400
    assert sorted(error_codes(bad)) == sorted(
        [
            Codes.TIMEZONE_INVALID.number,
            Codes.LANGUAGE_INVALID.number,
            Codes.COUNTRY_INVALID.number,
            Codes.ADDRESS_INVALID.number,
            Codes.COORDINATE_INVALID.number,
            Codes.COORDINATE_INVALID.number,
        ]
    )
    assert "address.country" in bad.text
    assert "timeZone" in bad.text

    too_long = create(app_client, partner.headers, customer["orgId"], name="n" * 81)
    assert too_long.status_code == 400
    assert "name" in too_long.json()["errors"][0]["description"]

    clash = create(app_client, partner.headers, customer["orgId"], name=" head office ")
    assert clash.status_code == 409
    assert error_codes(clash) == [Codes.LOCATION_NAME_TAKEN.number]
    listed = app_client.get(LOCATIONS, params=org, headers=partner.headers).json()["items"]
    assert len(listed) == 1  # nothing half-written


def test_update_changes_only_what_it_names(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    org = {"orgId": customer["orgId"]}
    made = create(app_client, partner.headers, customer["orgId"]).json()
    url = f"{LOCATIONS}/{made['id']}"

    changed = app_client.put(
        url,
        params=org,
        json={"name": "Denver Tech Center", "address": {"address1": "9 Other Rd"}},
        headers=partner.headers,
    )
    assert changed.status_code == 204, changed.text
    assert changed.content == b""
    after = app_client.get(url, params=org, headers=partner.headers).json()
    check(after, location_schema())
    assert after["name"] == "Denver Tech Center"
    assert after["address"] == {**made["address"], "address1": "9 Other Rd"}
    assert after["timeZone"] == made["timeZone"]
    assert after["notes"] == made["notes"]

    bad = app_client.put(
        url, params=org, json={"timeZone": "Nowhere/Land"}, headers=partner.headers
    )
    assert bad.status_code == 400
    assert error_codes(bad) == [Codes.TIMEZONE_INVALID.number]
    cleared = app_client.put(
        url, params=org, json={"address": {"city": ""}}, headers=partner.headers
    )
    assert cleared.status_code == 400
    assert "address.city" in cleared.text
    taken = app_client.put(url, params=org, json={"name": "Head Office"}, headers=partner.headers)
    assert taken.status_code == 409
    assert error_codes(taken) == [Codes.LOCATION_NAME_TAKEN.number]

    events = app_client.get(AUDIT, params={"action": "location.update"}, headers=partner.headers)
    [event] = [e for e in events.json()["items"] if e["targetId"] == made["id"]]
    assert event["before"]["name"] == "Denver"
    assert event["after"]["name"] == "Denver Tech Center"


def test_delete_refuses_the_headquarters_and_a_location_users_are_at(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    org = {"orgId": customer["orgId"]}
    hq = app_client.get(LOCATIONS, params=org, headers=partner.headers).json()["items"][0]
    branch = create(app_client, partner.headers, customer["orgId"]).json()
    empty = create(app_client, partner.headers, customer["orgId"], name="Empty").json()
    provision_subscriber(
        app_client,
        partner,
        customer["id"],
        provisioningParameters={
            "firstName": "Ada",
            "lastName": "Byron",
            "extension": "4321",
            "locationId": branch["id"],
        },
    )

    refused = app_client.delete(f"{LOCATIONS}/{hq['id']}", params=org, headers=partner.headers)
    assert refused.status_code == 409
    assert error_codes(refused) == [Codes.HEADQUARTERS_KEPT.number]
    busy = app_client.delete(f"{LOCATIONS}/{branch['id']}", params=org, headers=partner.headers)
    assert busy.status_code == 409
    assert error_codes(busy) == [Codes.LOCATION_IN_USE.number]
    assert "1 user" in busy.json()["errors"][0]["description"]

    gone = app_client.delete(f"{LOCATIONS}/{empty['id']}", params=org, headers=partner.headers)
    assert gone.status_code == 204, gone.text
    again = app_client.get(f"{LOCATIONS}/{empty['id']}", params=org, headers=partner.headers)
    assert again.status_code == 404
    assert error_codes(again) == [Codes.LOCATION_NOT_FOUND.number]
    actions = [
        e["action"]
        for e in app_client.get(AUDIT, params={"max": "1000"}, headers=partner.headers).json()[
            "items"
        ]
        if e["targetId"] == empty["id"]
    ]
    assert sorted(actions) == ["location.create", "location.delete"]


def test_a_customer_administrator_manages_its_own_locations_and_no_other(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    other = provision_customer(app_client, partner)
    provision_subscriber(app_client, partner, customer["id"])  # the first one administers it
    admin = first_admin_headers(db, clock, customer["orgId"])

    mine = app_client.post(LOCATIONS, json=location_body(), headers=admin)
    assert mine.status_code == 201, mine.text
    assert mine.json()["orgId"] == customer["orgId"]
    listed = app_client.get(LOCATIONS, headers=admin)
    assert [i["name"] for i in listed.json()["items"]] == ["Head Office", "Denver"]

    theirs = app_client.get(LOCATIONS, params={"orgId": other["orgId"]}, headers=admin)
    assert theirs.status_code == 404
    other_hq = app_client.get(LOCATIONS, params={"orgId": other["orgId"]}, headers=partner.headers)
    other_id = other_hq.json()["items"][0]["id"]
    assert app_client.get(f"{LOCATIONS}/{other_id}", headers=admin).status_code == 404
    assert (
        app_client.put(f"{LOCATIONS}/{other_id}", json={"name": "Mine"}, headers=admin).status_code
        == 404
    )
    named = app_client.get(
        f"{LOCATIONS}/{other_id}", params={"orgId": other["orgId"]}, headers=admin
    )
    assert named.status_code == 404


def test_a_read_only_customer_administrator_reads_but_cannot_write(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    reader = new_user_headers(db, clock, customer["orgId"], Role.CUSTOMER_READ_ONLY)
    hq = app_client.get(LOCATIONS, headers=reader).json()["items"][0]

    assert app_client.get(f"{LOCATIONS}/{hq['id']}", headers=reader).status_code == 200
    # its role grants no write scope, so no token of it can carry one
    refused = app_client.post(LOCATIONS, json=location_body(), headers=reader)
    assert refused.status_code == 403, refused.text
    assert error_codes(refused) == [Codes.MISSING_SCOPE.number]
    renamed = app_client.put(f"{LOCATIONS}/{hq['id']}", json={"name": "X"}, headers=reader)
    assert renamed.status_code == 403
    assert app_client.delete(f"{LOCATIONS}/{hq['id']}", headers=reader).status_code == 403
    assert app_client.get(LOCATIONS, headers=reader).json()["items"][0]["name"] == "Head Office"


def test_another_partners_customer_is_not_found(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    theirs = provision_customer(app_client, other_partner)
    their_hq = app_client.get(
        LOCATIONS, params={"orgId": theirs["orgId"]}, headers=other_partner.headers
    ).json()["items"][0]
    mine = provision_customer(app_client, partner)

    assert (
        app_client.get(
            LOCATIONS, params={"orgId": theirs["orgId"]}, headers=partner.headers
        ).status_code
        == 404
    )
    assert create(app_client, partner.headers, theirs["orgId"]).status_code == 404
    for params in ({}, {"orgId": theirs["orgId"]}, {"orgId": mine["orgId"]}):
        got = app_client.get(
            f"{LOCATIONS}/{their_hq['id']}", params=params, headers=partner.headers
        )
        assert got.status_code == 404, (params, got.text)
        put = app_client.put(
            f"{LOCATIONS}/{their_hq['id']}",
            params=params,
            json={"name": "X"},
            headers=partner.headers,
        )
        assert put.status_code == 404
    # without orgId the location says whose it is: its own partner reaches it
    own = app_client.get(f"{LOCATIONS}/{their_hq['id']}", headers=other_partner.headers)
    assert own.status_code == 200
    assert own.json()["orgId"] == theirs["orgId"]


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_partner_must_name_the_organization_to_list_or_create(
    app_client: TestClient, partner: Partner, method: str
) -> None:
    answer = app_client.request(method, LOCATIONS, json=location_body(), headers=partner.headers)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["description"].startswith("orgId")


def test_the_services_refuse_a_caller_without_the_locations_permission(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    """Tokens of read-only roles cannot carry the write scope, and the services check the role's
    permission as well (whatever the route)."""
    customer = provision_customer(app_client, partner)
    headers = new_user_headers(db, clock, partner.org_id, Role.PARTNER_READ_ONLY)
    token = headers["Authorization"].removeprefix("Bearer ")
    with db.unit_of_work() as session:
        found = identity.authenticate(session, token, now=clock.now())
        assert found is not None
        scope = for_org(session, found.principal, customer["orgId"])
        assert locations.list_locations(
            session, scope=scope, filters=locations.LocationFilters(), page=PageRequest(0, 10)
        )
        with pytest.raises(DomainError) as refused:
            locations.create_location(
                session,
                scope=scope,
                data=LocationIn.model_validate(location_body()),
                now=clock.now(),
            )
    assert refused.value.status == 403
    assert refused.value.problems[0].code is Codes.FORBIDDEN_ROLE


def test_delete_refuses_a_location_a_workspace_or_a_call_queue_is_at(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    org = {"orgId": customer["orgId"]}
    branch = create(app_client, partner.headers, customer["orgId"]).json()
    workspace = app_client.post(
        "/v1/workspaces",
        params=org,
        json={"displayName": "Lobby", "locationId": branch["id"]},
        headers=partner.headers,
    )
    assert workspace.status_code == 201, workspace.text
    queue = app_client.post(
        f"/v1/telephony/config/locations/{branch['id']}/queues",
        params=org,
        json={"name": "Front desk", "extension": "7100", "queueSettings": {"queueSize": 5}},
        headers=partner.headers,
    )
    assert queue.status_code == 201, queue.text

    busy = app_client.delete(f"{LOCATIONS}/{branch['id']}", params=org, headers=partner.headers)

    assert busy.status_code == 409
    assert error_codes(busy) == [Codes.LOCATION_IN_USE.number]
    assert "1 workspace and 1 call queue;" in busy.json()["errors"][0]["description"]
    still = app_client.get(f"{LOCATIONS}/{branch['id']}", params=org, headers=partner.headers)
    assert still.status_code == 200
