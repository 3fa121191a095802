"""`/v1/wholesale/subscribers`: provision, get, update, remove, list, and the billing ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import START, Partner
from tests.support import (
    CALLING,
    customer_body,
    error_codes,
    next_url,
    outbox,
    provision_customer,
    provision_subscriber,
    subscriber_body,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.metering.models import PackageAssignment

URL = "/v1/wholesale/subscribers"


def post(client: TestClient, partner: Partner, body: dict[str, Any]) -> Any:
    return client.post(URL, json=body, headers=partner.headers)


def meetings_body(customer_id: str, **overrides: Any) -> dict[str, Any]:
    """A webex_meetings subscriber: no numbers needed."""
    body = subscriber_body(customer_id, packages=["webex_meetings"], **overrides)
    del body["provisioningParameters"]["extension"]
    return body


def with_params(body: dict[str, Any], **params: Any) -> dict[str, Any]:
    """`body` with provisioningParameters changed (a value of None drops the key)."""
    merged = {**body["provisioningParameters"], **params}
    body["provisioningParameters"] = {k: v for k, v in merged.items() if v is not None}
    return body


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()["items"]]


def assignments(client: TestClient, subscriber_id: str) -> list[PackageAssignment]:
    db: Database = client.app.state.db  # type: ignore[attr-defined]
    with db.unit_of_work(write=False) as session:
        rows = session.scalars(
            select(PackageAssignment)
            .where(PackageAssignment.subscriber_id == subscriber_id)
            .order_by(PackageAssignment.id)
        )
        result = list(rows)
        session.expunge_all()
    return result


def named_customer(client: TestClient, partner: Partner, name: str) -> dict[str, Any]:
    info = {"name": name, "primaryEmail": f"owner@{name.lower().replace(' ', '')}.test"}
    return provision_customer(client, partner, customerInfo=info)


def epoch_ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


# -- provision -------------------------------------------------------------------------------


def test_provision_answers_200_provisioned_with_person_and_location(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    body = subscriber_body(customer["id"])

    response = post(app_client, partner, body)

    assert response.status_code == 200, response.text
    sub = response.json()
    assert sub["status"] == "provisioned"
    assert sub["personId"]
    assert sub["email"] == body["email"]
    assert sub["customerId"] == customer["id"]
    assert sub["externalCustomerId"] == customer["externalId"]
    assert sub["packages"] == ["webex_calling"]
    assert sub["package"] == "webex_calling"
    assert sub["created"] == "2027-01-03T09:00:00.000Z"
    assert sub["lastStatusChange"] == "2027-01-03T09:00:00.000Z"
    assert response.headers["location"] == f"http://tukku.test{URL}/{sub['id']}"
    fetched = app_client.get(response.headers["location"], headers=partner.headers)
    assert fetched.status_code == 200
    assert fetched.json() == sub


def test_deprecated_singular_package_is_accepted(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    body = subscriber_body(customer["id"])
    del body["packages"]
    body["package"] = "webex_calling"

    response = post(app_client, partner, body)

    assert response.status_code == 200, response.text
    assert response.json()["packages"] == ["webex_calling"]
    assert response.json()["package"] == "webex_calling"


def test_package_and_packages_exactly_one_of_them_with_one_entry(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    both = subscriber_body(customer["id"], package="webex_calling")
    neither = subscriber_body(customer["id"])
    del neither["packages"]
    two = subscriber_body(customer["id"], packages=["webex_calling", "webex_meetings"])

    for body in (both, neither):
        response = post(app_client, partner, body)
        assert response.status_code == 400
        assert error_codes(response) == [5001]
    response = post(app_client, partner, two)
    assert response.status_code == 400
    assert error_codes(response) == [5002]
    assert app_client.get(URL, headers=partner.headers).json()["items"] == []


def test_package_not_on_the_customer_is_a_400(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)

    response = post(app_client, partner, subscriber_body(customer["id"], packages=["webex_suite"]))

    assert response.status_code == 400
    assert error_codes(response) == [5003]
    assert "webex_suite" in response.json()["message"]


def test_calling_package_needs_an_extension_or_a_number(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    bare = with_params(subscriber_body(customer["id"]), extension=None)
    number_only = with_params(
        subscriber_body(customer["id"]), extension=None, primaryPhoneNumber="+14085550101"
    )

    refused = post(app_client, partner, bare)
    accepted = post(app_client, partner, number_only)

    assert refused.status_code == 400
    assert error_codes(refused) == [5004]
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "provisioned"


def test_malformed_number_and_extension_are_400s(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    cases = [
        ({"primaryPhoneNumber": "4085550101"}, 5010),
        ({"primaryPhoneNumber": "+0123456789"}, 5010),
        ({"primaryPhoneNumber": "+1408555010x"}, 5010),
        ({"extension": "1"}, 5011),
        ({"extension": "12345678901"}, 5011),
        ({"extension": "12a4"}, 5011),
    ]

    for params, code in cases:
        response = post(app_client, partner, with_params(subscriber_body(customer["id"]), **params))
        assert response.status_code == 400, params
        assert error_codes(response) == [code], params
    assert app_client.get(URL, headers=partner.headers).json()["items"] == []


def test_extension_is_unique_within_a_customer_only(
    app_client: TestClient, partner: Partner
) -> None:
    first = provision_customer(app_client, partner)
    second = provision_customer(app_client, partner)
    provision_subscriber(app_client, partner, first["id"])
    taken = with_params(subscriber_body(first["id"]), extension="94444")
    assert post(app_client, partner, taken).status_code == 200

    again = post(app_client, partner, with_params(subscriber_body(first["id"]), extension="94444"))
    elsewhere = post(
        app_client, partner, with_params(subscriber_body(second["id"]), extension="94444")
    )

    assert again.status_code == 409
    assert error_codes(again) == [5005]
    assert elsewhere.status_code == 200, elsewhere.text


def test_phone_number_is_unique_across_customers_and_partners(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    mine = provision_customer(app_client, partner)
    also_mine = provision_customer(app_client, partner)
    theirs = provision_customer(app_client, other_partner)
    number = "+14085550199"
    body = with_params(subscriber_body(mine["id"]), primaryPhoneNumber=number)
    assert post(app_client, partner, body).status_code == 200

    same_partner = with_params(subscriber_body(also_mine["id"]), primaryPhoneNumber=number)
    other = with_params(subscriber_body(theirs["id"]), primaryPhoneNumber=number)
    refused_mine = post(app_client, partner, same_partner)
    refused_theirs = post(app_client, other_partner, other)

    assert refused_mine.status_code == 409
    assert error_codes(refused_mine) == [5006]
    assert refused_theirs.status_code == 409
    assert error_codes(refused_theirs) == [5006]
    assert mine["id"] not in refused_theirs.text
    assert app_client.get(URL, headers=other_partner.headers).json()["items"] == []
    # The refused request left nothing behind: its e-mail is still free.
    retry = with_params(other, primaryPhoneNumber="+14085550198")
    assert post(app_client, other_partner, retry).status_code == 200


def test_location_id_must_be_one_of_the_customer(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    other = provision_customer(app_client, partner)
    locations = app_client.get(
        "/v1/locations", params={"orgId": other["orgId"]}, headers=partner.headers
    ).json()["items"]
    own = app_client.get(
        "/v1/locations", params={"orgId": customer["orgId"]}, headers=partner.headers
    ).json()["items"]

    unknown = post(
        app_client, partner, with_params(subscriber_body(customer["id"]), locationId="bm9wZQ")
    )
    foreign = post(
        app_client,
        partner,
        with_params(subscriber_body(customer["id"]), locationId=locations[0]["id"]),
    )
    valid = post(
        app_client, partner, with_params(subscriber_body(customer["id"]), locationId=own[0]["id"])
    )

    assert unknown.status_code == 400
    assert error_codes(unknown) == [5007]
    assert foreign.status_code == 400
    assert error_codes(foreign) == [5007]
    assert valid.status_code == 200, valid.text


def test_package_limit_of_the_customer_is_enforced(
    app_client: TestClient, partner: Partner
) -> None:
    limited = {**CALLING, "packages": {"limits": {"webex_calling": 2}}}
    customer = provision_customer(app_client, partner, provisioningParameters=limited)
    first = provision_subscriber(app_client, partner, customer["id"])
    provision_subscriber(app_client, partner, customer["id"])

    third = post(app_client, partner, subscriber_body(customer["id"]))
    meetings = post(app_client, partner, meetings_body(customer["id"]))

    assert third.status_code == 409
    assert error_codes(third) == [5008]
    assert meetings.status_code == 200, meetings.text
    upgrade = app_client.put(
        f"{URL}/{meetings.json()['id']}",
        json={"packages": ["webex_calling"], "provisioningParameters": {"extension": "97777"}},
        headers=partner.headers,
    )
    assert upgrade.status_code == 409
    assert error_codes(upgrade) == [5008]
    assert app_client.delete(f"{URL}/{first['id']}", headers=partner.headers).status_code == 204
    assert post(app_client, partner, subscriber_body(customer["id"])).status_code == 200


def test_customer_still_provisioning_is_a_conflict(
    app_client: TestClient, partner: Partner
) -> None:
    accepted = app_client.post(
        "/v1/wholesale/customers", json=customer_body(partner), headers=partner.headers
    )
    customer_id = accepted.json()["url"].rsplit("/", 1)[1]

    response = post(app_client, partner, subscriber_body(customer_id))

    assert response.status_code == 409
    assert error_codes(response) == [5009]


def test_names_are_required_and_email_must_be_valid(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)

    no_first = post(
        app_client, partner, with_params(subscriber_body(customer["id"]), firstName=None)
    )
    blank_last = post(
        app_client, partner, with_params(subscriber_body(customer["id"]), lastName=" ")
    )
    neither = post(
        app_client,
        partner,
        with_params(subscriber_body(customer["id"]), firstName=None, lastName=None),
    )

    assert no_first.status_code == 400
    assert error_codes(no_first) == [5014]
    assert "firstName" in no_first.json()["message"]
    assert blank_last.status_code == 400
    assert error_codes(blank_last) == [5014]
    assert "lastName" in blank_last.json()["message"]
    assert neither.status_code == 400
    assert error_codes(neither) == [5014, 5014]
    bad_email = post(app_client, partner, subscriber_body(customer["id"], email="not-an-address"))
    assert bad_email.status_code == 400
    assert error_codes(bad_email) == [5015]
    too_long = post(
        app_client, partner, with_params(subscriber_body(customer["id"]), firstName="A" * 256)
    )
    assert too_long.status_code == 400
    assert "provisioningParameters.firstName" in too_long.json()["message"]
    longest = post(
        app_client, partner, with_params(subscriber_body(customer["id"]), lastName="B" * 255)
    )
    assert longest.status_code == 200, longest.text


def test_email_in_use_is_a_conflict_even_in_another_case(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    first = provision_subscriber(app_client, partner, customer["id"], email="Ada.L@Pizza.test")

    again = post(app_client, partner, subscriber_body(customer["id"], email="ada.l@pizza.TEST"))
    admin = post(app_client, partner, subscriber_body(customer["id"], email=partner.admin_email))

    assert again.status_code == 409
    assert error_codes(again) == [10022]
    assert admin.status_code == 409
    assert error_codes(admin) == [10022]
    assert first["email"].lower() == "ada.l@pizza.test"
    assert len(app_client.get(URL, headers=partner.headers).json()["items"]) == 1


def test_email_of_another_partners_subscriber_is_a_conflict_revealing_nothing(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    theirs = named_customer(app_client, other_partner, "Secret Trattoria")
    provision_subscriber(app_client, other_partner, theirs["id"], email="shared@pizza.test")
    mine = provision_customer(app_client, partner)

    response = post(app_client, partner, subscriber_body(mine["id"], email="shared@pizza.test"))

    assert response.status_code == 409
    assert error_codes(response) == [10022]
    assert theirs["id"] not in response.text
    assert "Secret Trattoria" not in response.text
    assert theirs["externalId"] not in response.text
    assert other_partner.org_id not in response.text


def test_unknown_or_foreign_customer_is_404(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    theirs = provision_customer(app_client, other_partner)

    unknown = post(app_client, partner, subscriber_body("bm8tc3VjaC1jdXN0b21lcg"))
    foreign = post(app_client, partner, subscriber_body(theirs["id"]))

    assert unknown.status_code == 404
    assert error_codes(unknown) == [4001]
    assert foreign.status_code == 404
    assert error_codes(foreign) == [4001]
    assert app_client.get(URL, headers=other_partner.headers).json()["items"] == []


def test_first_subscriber_of_a_new_customer_becomes_its_administrator(
    app_client: TestClient, partner: Partner
) -> None:
    name = "Luigi Pizza"
    customer = named_customer(app_client, partner, name)
    other = named_customer(app_client, partner, "Second Slice")

    first = provision_subscriber(app_client, partner, customer["id"])
    second = provision_subscriber(app_client, partner, customer["id"])
    first_of_other = provision_subscriber(app_client, partner, other["id"])

    first_mail = outbox(app_client, first["email"])
    second_mail = outbox(app_client, second["email"])
    assert [m.kind for m in first_mail] == ["welcome"]
    assert [m.kind for m in second_mail] == ["welcome"]
    assert f"You are the administrator of {name}" in first_mail[0].body
    assert "administrator" not in second_mail[0].body
    (other_mail,) = outbox(app_client, first_of_other["email"])
    assert "You are the administrator of Second Slice" in other_mail.body


# -- get, update, remove -----------------------------------------------------------------------


def test_other_partners_cannot_see_change_or_remove(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    sub = provision_subscriber(app_client, partner, customer["id"])

    mine = app_client.get(f"{URL}/{sub['id']}", headers=partner.headers)
    theirs = app_client.get(f"{URL}/{sub['id']}", headers=other_partner.headers)
    unknown = app_client.get(f"{URL}/bm9uZQ", headers=partner.headers)

    assert mine.status_code == 200
    assert mine.json() == sub
    assert theirs.status_code == 404
    assert error_codes(theirs) == [5013]
    assert unknown.status_code == 404
    assert error_codes(unknown) == [5013]
    update = app_client.put(
        f"{URL}/{sub['id']}", json={"packages": ["webex_meetings"]}, headers=other_partner.headers
    )
    remove = app_client.delete(f"{URL}/{sub['id']}", headers=other_partner.headers)
    assert update.status_code == 404
    assert remove.status_code == 404
    assert app_client.get(f"{URL}/{sub['id']}", headers=partner.headers).json() == sub


def test_update_changes_the_package(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    sub = provision_subscriber(app_client, partner, customer["id"])

    response = app_client.put(
        f"{URL}/{sub['id']}", json={"packages": ["webex_meetings"]}, headers=partner.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["packages"] == ["webex_meetings"]
    assert response.json()["package"] == "webex_meetings"
    assert response.json()["personId"] == sub["personId"]
    fetched = app_client.get(f"{URL}/{sub['id']}", headers=partner.headers).json()
    assert fetched["packages"] == ["webex_meetings"]
    singular = app_client.put(
        f"{URL}/{sub['id']}",
        json={"package": "webex_calling", "provisioningParameters": {"extension": "92323"}},
        headers=partner.headers,
    )
    both = app_client.put(
        f"{URL}/{sub['id']}",
        json={"package": "webex_meetings", "packages": ["webex_meetings"]},
        headers=partner.headers,
    )
    assert singular.status_code == 200, singular.text
    assert singular.json()["packages"] == ["webex_calling"]
    assert both.status_code == 400
    assert error_codes(both) == [5001]


def test_moving_from_meetings_to_calling_needs_a_number(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    sub = provision_subscriber(app_client, partner, customer["id"], **meetings_body(customer["id"]))
    url = f"{URL}/{sub['id']}"

    bare = app_client.put(url, json={"packages": ["webex_calling"]}, headers=partner.headers)
    numbered = app_client.put(
        url,
        json={"packages": ["webex_calling"], "provisioningParameters": {"extension": "95151"}},
        headers=partner.headers,
    )

    assert bare.status_code == 400
    assert error_codes(bare) == [5004]
    assert numbered.status_code == 200, numbered.text
    assert numbered.json()["packages"] == ["webex_calling"]
    clash = post(
        app_client, partner, with_params(subscriber_body(customer["id"]), extension="95151")
    )
    assert clash.status_code == 409
    assert error_codes(clash) == [5005]


def test_moving_from_calling_to_meetings_releases_the_extension(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    body = with_params(subscriber_body(customer["id"]), extension="96161")
    sub = provision_subscriber(app_client, partner, customer["id"], **body)

    moved = app_client.put(
        f"{URL}/{sub['id']}", json={"packages": ["webex_meetings"]}, headers=partner.headers
    )
    taker = post(
        app_client, partner, with_params(subscriber_body(customer["id"]), extension="96161")
    )

    assert moved.status_code == 200
    assert taker.status_code == 200, taker.text


def test_update_to_the_same_package_is_a_no_op(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    customer = provision_customer(app_client, partner)
    sub = provision_subscriber(app_client, partner, customer["id"])
    clock.advance(timedelta(hours=1))

    response = app_client.put(
        f"{URL}/{sub['id']}", json={"packages": ["webex_calling"]}, headers=partner.headers
    )

    assert response.status_code == 200
    assert response.json() == sub
    assert len(assignments(app_client, sub["id"])) == 1


def test_update_refuses_package_not_on_customer(app_client: TestClient, partner: Partner) -> None:
    customer = provision_customer(app_client, partner)
    sub = provision_subscriber(app_client, partner, customer["id"])

    not_on_customer = app_client.put(
        f"{URL}/{sub['id']}", json={"packages": ["webex_suite"]}, headers=partner.headers
    )

    assert not_on_customer.status_code == 400
    assert error_codes(not_on_customer) == [5003]
    assert app_client.get(f"{URL}/{sub['id']}", headers=partner.headers).json() == sub


def test_remove_answers_204_then_404_and_frees_extension_and_email(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    body = with_params(subscriber_body(customer["id"]), extension="98181")
    sub = provision_subscriber(app_client, partner, customer["id"], **body)
    url = f"{URL}/{sub['id']}"

    response = app_client.delete(url, headers=partner.headers)

    assert response.status_code == 204
    assert response.content == b""
    gone = app_client.get(url, headers=partner.headers)
    assert gone.status_code == 404
    assert error_codes(gone) == [5013]
    assert app_client.delete(url, headers=partner.headers).status_code == 404
    assert app_client.get(URL, headers=partner.headers).json()["items"] == []
    same_extension = with_params(subscriber_body(customer["id"]), extension="98181")
    assert post(app_client, partner, same_extension).status_code == 200
    again = post(app_client, partner, meetings_body(customer["id"], email=sub["email"]))
    assert again.status_code == 200, again.text
    assert again.json()["id"] != sub["id"]
    # The user stayed in the customer organization: the same person gets the package again.
    assert again.json()["personId"] == sub["personId"]


# -- billing ledger ----------------------------------------------------------------------------


def test_removal_closes_the_package_assignment_at_the_second(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    customer = provision_customer(app_client, partner)
    clock.advance(timedelta(seconds=3, milliseconds=250))
    sub = provision_subscriber(app_client, partner, customer["id"])
    clock.advance(timedelta(days=2, seconds=7, milliseconds=900))

    app_client.delete(f"{URL}/{sub['id']}", headers=partner.headers)

    (row,) = assignments(app_client, sub["id"])
    assert row.package == "webex_calling"
    assert row.customer_id == customer["id"]
    assert row.user_id == sub["personId"]
    assert row.started_at == datetime(2027, 1, 3, 9, 0, 3, tzinfo=UTC)
    assert row.ended_at == datetime(2027, 1, 5, 9, 0, 11, tzinfo=UTC)


def test_package_change_closes_one_interval_and_opens_another_at_the_same_instant(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    customer = provision_customer(app_client, partner)
    sub = provision_subscriber(app_client, partner, customer["id"])
    clock.advance(timedelta(hours=5, milliseconds=400))

    app_client.put(
        f"{URL}/{sub['id']}", json={"packages": ["webex_meetings"]}, headers=partner.headers
    )

    old, new = assignments(app_client, sub["id"])
    change = datetime(2027, 1, 3, 14, 0, 0, tzinfo=UTC)
    assert (old.package, old.started_at, old.ended_at) == ("webex_calling", START, change)
    assert (new.package, new.started_at, new.ended_at) == ("webex_meetings", change, None)


# -- list --------------------------------------------------------------------------------------


def test_list_answers_items_newest_last_and_only_the_partners_own(
    app_client: TestClient, partner: Partner, other_partner: Partner, clock: ManualClock
) -> None:
    customer = provision_customer(app_client, partner)
    theirs = provision_customer(app_client, other_partner)
    created = []
    for _ in range(3):
        created.append(provision_subscriber(app_client, partner, customer["id"]))
        provision_subscriber(app_client, other_partner, theirs["id"])
        clock.advance(timedelta(minutes=1))

    response = app_client.get(URL, headers=partner.headers)

    assert response.status_code == 200
    assert response.json() == {"items": created}
    assert "link" not in response.headers
    foreign_filter = app_client.get(
        URL, params={"customerId": theirs["id"]}, headers=partner.headers
    )
    assert ids(foreign_filter) == []


def test_list_page_size_defaults_to_50_and_is_capped_at_100(
    app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    customer_id = customer["id"]
    all_ids = [
        provision_subscriber(app_client, partner, customer_id, **meetings_body(customer_id))["id"]
        for _ in range(101)
    ]

    default = app_client.get(URL, headers=partner.headers)
    capped = app_client.get(URL, params={"max": 500}, headers=partner.headers)

    assert ids(default) == all_ids[:50]
    assert ids(capped) == all_ids[:100]
    link = next_url(capped)
    assert link is not None
    rest = app_client.get(link, headers=partner.headers)
    assert ids(rest) == all_ids[100:]
    assert next_url(rest) is None


def test_paging_follows_link_headers_that_keep_every_filter(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    wanted_customer = provision_customer(app_client, partner)
    other_customer = provision_customer(app_client, partner)
    wanted: list[str] = []
    for _ in range(8):
        wanted.append(provision_subscriber(app_client, partner, wanted_customer["id"])["id"])
        provision_subscriber(app_client, partner, other_customer["id"])
        clock.advance(timedelta(seconds=10))
    query = {
        "customerId": wanted_customer["id"],
        "externalCustomerId": wanted_customer["externalId"],
        "status": "provisioned",
        "after": epoch_ms(START - timedelta(seconds=1)),
        "lastStatusChange": "2027-01-03T08:59:59Z",
        "sortBy": "created",
        "sortOrder": "DESC",
        "max": 3,
    }

    seen: list[str] = []
    pages = 0
    response = app_client.get(URL, params=query, headers=partner.headers)
    while True:
        pages += 1
        page = ids(response)
        assert len(page) <= 3
        seen += page
        url = next_url(response)
        if url is None:
            break
        assert url.startswith("http://tukku.test/v1/wholesale/subscribers?")
        sent = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert {k: sent[k] for k in query if k != "max"} == {
            k: str(v) for k, v in query.items() if k != "max"
        }
        assert sent["max"] == "3"
        response = app_client.get(url, headers=partner.headers)

    assert seen == list(reversed(wanted))
    assert pages == 3


def test_list_filters(app_client: TestClient, partner: Partner, clock: ManualClock) -> None:
    one = provision_customer(app_client, partner, externalId="ext-one")
    two = provision_customer(app_client, partner, externalId="ext-two")
    a = provision_subscriber(app_client, partner, one["id"])
    clock.advance(timedelta(minutes=1))
    b = provision_subscriber(app_client, partner, two["id"], email="Bea@Pizza.test")
    clock.advance(timedelta(minutes=1))
    c = provision_subscriber(app_client, partner, one["id"])

    def listed(**params: str) -> list[str]:
        return ids(app_client.get(URL, params=params, headers=partner.headers))

    assert listed(customerId=one["id"]) == [a["id"], c["id"]]
    assert listed(externalCustomerId="ext-two") == [b["id"]]
    assert listed(email="bea@pizza.test") == [b["id"]]
    assert listed(email="BEA@pizza.test") == [b["id"]]
    assert listed(personId=c["personId"]) == [c["id"]]
    assert listed(status="provisioned") == [a["id"], b["id"], c["id"]]
    assert listed(status="pending_user_migration") == []
    assert listed(customerId=one["id"], personId=b["personId"]) == []


def test_created_and_status_change_filters_take_epoch_ms_and_iso(
    app_client: TestClient, partner: Partner, clock: ManualClock
) -> None:
    customer = provision_customer(app_client, partner)
    a = provision_subscriber(app_client, partner, customer["id"])  # 09:00:00
    clock.advance(timedelta(minutes=1))
    b = provision_subscriber(app_client, partner, customer["id"])  # 09:01:00
    clock.advance(timedelta(minutes=1))
    c = provision_subscriber(app_client, partner, customer["id"])  # 09:02:00

    def listed(**params: str) -> list[str]:
        return ids(app_client.get(URL, params=params, headers=partner.headers))

    half_past = START + timedelta(seconds=30)
    assert listed(after=epoch_ms(half_past)) == [b["id"], c["id"]]
    assert listed(after="2027-01-03T09:01:30Z") == [c["id"]]
    assert listed(after="2027-01-03T11:00:30+02:00") == [b["id"], c["id"]]
    assert listed(after="2027-01-03T09:02:30.000Z") == []
    assert listed(after=epoch_ms(START - timedelta(milliseconds=1))) == [a["id"], b["id"], c["id"]]
    assert listed(lastStatusChange=epoch_ms(half_past)) == [b["id"], c["id"]]
    assert listed(lastStatusChange="2027-01-03T09:01:30.000Z") == [c["id"]]


def test_sort_by_and_order(app_client: TestClient, partner: Partner, clock: ManualClock) -> None:
    customer = provision_customer(app_client, partner)
    created = []
    for _ in range(3):
        created.append(provision_subscriber(app_client, partner, customer["id"])["id"])
        clock.advance(timedelta(seconds=5))

    def listed(**params: str) -> list[str]:
        return ids(app_client.get(URL, params=params, headers=partner.headers))

    assert listed(sortBy="created", sortOrder="ASC") == created
    assert listed(sortBy="created", sortOrder="DESC") == created[::-1]
    assert listed(sortOrder="DESC") == created[::-1]
    assert listed(sortBy="lastStatusChange", sortOrder="DESC") == created[::-1]


def test_bad_sort_and_instant_parameters_are_400s(app_client: TestClient, partner: Partner) -> None:
    bad = [
        {"sortBy": "userCreationTimestamp"},
        {"sortBy": "email"},
        {"sortOrder": "UP"},
        {"after": "yesterday"},
        {"after": "2027-13-01T00:00:00Z"},
        {"after": "999999999999999999999999"},
        {"lastStatusChange": "soon"},
    ]

    for params in bad:
        response = app_client.get(URL, params=params, headers=partner.headers)
        assert response.status_code == 400, (params, response.text)
        assert error_codes(response) == [1003], params
        assert next(iter(params)) in response.json()["message"]


def test_absurd_offset_is_a_400_not_a_server_error(
    app_client: TestClient, partner: Partner
) -> None:
    response = app_client.get(URL, params={"offset": str(10**19)}, headers=partner.headers)

    assert response.status_code == 400
    assert error_codes(response) == [1003]
