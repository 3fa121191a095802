"""The public People API, read side: a customer organization's users, the `personId` a
subscriber answers with resolving to the same person with its location, number and extension;
a partner names the organization with `orgId`, a customer administrator reads its own."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from wxc_sdk.people import Person as WxcPerson

from tests.calling.reference import PEOPLE, check, response_schema
from tests.conftest import Partner
from tests.support import (
    error_codes,
    first_admin_headers,
    new_user_headers,
    next_url,
    provision_customer,
    provision_subscriber,
    subscriber_body,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.errors import Codes
from tukku.identity.rules import Role

PEOPLE_URL = "/v1/people"


def test_a_subscribers_person_id_resolves_to_the_person_with_its_calling_details(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    body = subscriber_body(customer["id"], email="grace@pizza.test")
    body["provisioningParameters"].update(
        firstName="Grace", lastName="Hopper", extension="2001", primaryPhoneNumber="+14085550101"
    )
    subscriber = app_client.post("/v1/wholesale/subscribers", json=body, headers=partner.headers)
    assert subscriber.status_code == 200, subscriber.text
    person_id = subscriber.json()["personId"]
    hq = app_client.get(
        "/v1/locations", params={"orgId": customer["orgId"]}, headers=partner.headers
    ).json()["items"][0]

    got = app_client.get(
        f"{PEOPLE_URL}/{person_id}", params={"orgId": customer["orgId"]}, headers=partner.headers
    )
    assert got.status_code == 200, got.text
    person = got.json()
    check(person, response_schema(PEOPLE, "/people/{personId}", "get", "200"))
    assert person["id"] == person_id
    assert person["emails"] == ["grace@pizza.test"]
    assert (person["firstName"], person["lastName"]) == ("Grace", "Hopper")
    assert person["displayName"] == "Grace Hopper"
    assert person["orgId"] == customer["orgId"]
    assert person["locationId"] == hq["id"]
    assert person["extension"] == "2001"
    assert person["phoneNumbers"] == [{"type": "work", "value": "+14085550101", "primary": True}]
    # wxc_sdk asks for one person without orgId: the person says whose it is
    unnamed = app_client.get(f"{PEOPLE_URL}/{person_id}", headers=partner.headers)
    assert unnamed.json() == person
    parsed = WxcPerson.model_validate(person)  # as wxc_sdk's people.details reads it
    assert (parsed.person_id, parsed.location_id, parsed.extension) == (person_id, hq["id"], "2001")
    refused = app_client.put(f"{PEOPLE_URL}/{person_id}", json={}, headers=partner.headers)
    assert refused.status_code == 405


def test_list_filters_and_pages(
    app_client: TestClient, clock: ManualClock, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    ids = []
    for n in range(5):
        clock.advance(timedelta(seconds=1))
        made = provision_subscriber(
            app_client,
            partner,
            customer["id"],
            email=f"member{n}@pizza.test",
            provisioningParameters={
                "firstName": "Team",
                "lastName": f"Member{n}",
                "extension": f"30{n}",
            },
        )
        ids.append(made["personId"])
    org = customer["orgId"]

    seen: list[str] = []
    url: str | None = f"{PEOPLE_URL}?orgId={org}&displayName=team&max=2"
    while url:
        page = app_client.get(url, headers=partner.headers)
        assert page.status_code == 200, page.text
        check(page.json(), response_schema(PEOPLE, "/people", "get", "200"))
        assert len(page.json()["items"]) <= 2
        seen += [p["id"] for p in page.json()["items"]]
        url = next_url(page)
    assert seen == ids

    by_email = app_client.get(
        PEOPLE_URL, params={"orgId": org, "email": "MEMBER3@pizza.test"}, headers=partner.headers
    )
    assert [p["id"] for p in by_email.json()["items"]] == [ids[3]]
    by_id = app_client.get(
        PEOPLE_URL,
        params={"orgId": org, "id": f"{ids[1]},{ids[4]},nobody"},
        headers=partner.headers,
    )
    check(by_id.json(), response_schema(PEOPLE, "/people", "get", "200"))
    assert [p["id"] for p in by_id.json()["items"]] == [ids[1], ids[4]]
    assert by_id.json()["notFoundIds"] == ["nobody"]
    hq = app_client.get("/v1/locations", params={"orgId": org}, headers=partner.headers)
    at_hq = app_client.get(
        PEOPLE_URL,
        params={"orgId": org, "locationId": hq.json()["items"][0]["id"]},
        headers=partner.headers,
    )
    assert [p["id"] for p in at_hq.json()["items"]] == ids

    too_many = app_client.get(
        PEOPLE_URL,
        params={"orgId": org, "id": ",".join(f"p{n}" for n in range(86))},
        headers=partner.headers,
    )
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["description"].startswith("id")
    bad_max = app_client.get(PEOPLE_URL, params={"orgId": org, "max": "0"}, headers=partner.headers)
    assert bad_max.status_code == 400
    assert "max" in bad_max.text


def test_a_customer_administrator_reads_its_own_people_and_no_one_else(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    other = provision_customer(app_client, partner)
    first = provision_subscriber(app_client, partner, customer["id"])
    stranger = provision_subscriber(app_client, partner, other["id"])
    admin = first_admin_headers(db, clock, customer["orgId"])
    reader = new_user_headers(db, clock, customer["orgId"], Role.CUSTOMER_READ_ONLY)

    for headers in (admin, reader):
        listed = app_client.get(PEOPLE_URL, headers=headers)
        assert listed.status_code == 200, listed.text
        emails = [p["emails"][0] for p in listed.json()["items"]]
        assert first["email"] in emails
        assert stranger["email"] not in emails
        assert (
            app_client.get(f"{PEOPLE_URL}/{first['personId']}", headers=headers).status_code == 200
        )
        for params in ({}, {"orgId": other["orgId"]}):
            refused = app_client.get(
                f"{PEOPLE_URL}/{stranger['personId']}", params=params, headers=headers
            )
            assert refused.status_code == 404, params
        named = app_client.get(PEOPLE_URL, params={"orgId": other["orgId"]}, headers=headers)
        assert named.status_code == 404


def test_another_partners_people_are_not_found(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    theirs = provision_customer(app_client, other_partner)
    their_person = provision_subscriber(app_client, other_partner, theirs["id"])
    mine = provision_customer(app_client, partner)

    listed = app_client.get(PEOPLE_URL, params={"orgId": theirs["orgId"]}, headers=partner.headers)
    assert listed.status_code == 404
    for params in ({}, {"orgId": theirs["orgId"]}, {"orgId": mine["orgId"]}):
        got = app_client.get(
            f"{PEOPLE_URL}/{their_person['personId']}", params=params, headers=partner.headers
        )
        assert got.status_code == 404, params
        assert error_codes(got) == [Codes.PERSON_NOT_FOUND.number]
    unknown = app_client.get(f"{PEOPLE_URL}/no-such-person", headers=partner.headers)
    assert unknown.status_code == 404
    assert error_codes(unknown) == [Codes.PERSON_NOT_FOUND.number]
    # the partner's own staff are no customer's people
    staff = app_client.get(f"{PEOPLE_URL}/{partner.org_id}", headers=partner.headers)
    assert staff.status_code == 404
