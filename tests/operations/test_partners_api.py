"""`/v1/ops/partners`: an operator sets up a partner (its administrator invited by e-mail),
lists, reads, suspends and reactivates partners; a suspended partner and its sub-partners can
then only read and delete; every change is in the audit log; nobody else may do any of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import (
    customer_body,
    error_codes,
    next_url,
    outbox,
    provision_customer,
    set_up_sub_partner,
    sub_partner_body,
    subscriber_body,
    user_headers,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database

PARTNERS = "/v1/ops/partners"
CUSTOMERS = "/v1/wholesale/customers"


def create(client: TestClient, ops: dict[str, str], **overrides: Any) -> Any:
    body = {"name": "Nordic Voice Oy", "adminEmail": "first@nordic-voice.test", **overrides}
    response = client.post(PARTNERS, json=body, headers=ops)
    assert response.status_code == 201, response.text
    return response.json()


def audit_actions(client: TestClient, ops: dict[str, str], target: str) -> list[str]:
    response = client.get("/v1/ops/auditEvents", params={"targetId": target}, headers=ops)
    assert response.status_code == 200, response.text
    return [e["action"] for e in reversed(response.json()["items"])]


def test_an_operator_sets_up_a_partner_ready_to_sell(
    app_client: TestClient, db: Database, clock: ManualClock, ops: dict[str, str]
) -> None:
    created = create(app_client, ops, adminFirstName="Aino", adminLastName="Virtanen")

    assert created["name"] == "Nordic Voice Oy"
    assert created["status"] == "active"
    assert created["subscriptionId"]
    assert created["adminEmails"] == ["first@nordic-voice.test"]
    fetched = app_client.get(f"{PARTNERS}/{created['orgId']}", headers=ops)
    assert fetched.json() == created
    # its administrator can act through the API at once (a token issued as the CLI does)
    admin = user_headers(db, clock, "first@nordic-voice.test")
    templates = app_client.get("/v1/partner/onboardingTemplates", headers=admin).json()["items"]
    assert [t["name"] for t in templates] == ["Default"]
    # and is invited to choose a portal password
    (invitation,) = outbox(app_client, "first@nordic-voice.test")
    assert invitation.kind == "invitation"
    assert "Hello Aino" in invitation.body
    assert "/portal/set-password/" in invitation.body
    assert audit_actions(app_client, ops, created["orgId"])[0] == "partner.create"


def test_invalid_partners_are_refused_naming_the_field(
    app_client: TestClient, ops: dict[str, str], partner: Partner
) -> None:
    cases = [
        ({"name": "", "adminEmail": "a@b.test"}, "name"),
        ({"name": "   ", "adminEmail": "a@b.test"}, "name"),
        ({"name": "X" * 256, "adminEmail": "a@b.test"}, "name"),
        ({"name": "Line\nbreak", "adminEmail": "a@b.test"}, "name"),
        ({"name": "Fine", "adminEmail": "not an address"}, "adminEmail"),
        ({"adminEmail": "a@b.test"}, "name"),
        ({"name": "Fine"}, "adminEmail"),
    ]
    for body, field in cases:
        response = app_client.post(PARTNERS, json=body, headers=ops)
        assert response.status_code == 400, (body, response.text)
        assert field in response.json()["message"], (body, response.text)

    taken = app_client.post(
        PARTNERS, json={"name": "Twin", "adminEmail": partner.admin_email}, headers=ops
    )
    assert taken.status_code == 409
    assert error_codes(taken) == [10022]
    names = [p["name"] for p in app_client.get(PARTNERS, headers=ops).json()["items"]]
    assert names == ["Acme Telecom"]


def test_the_list_filters_by_status_and_name_and_pages(
    app_client: TestClient, clock: ManualClock, ops: dict[str, str]
) -> None:
    made = []
    for n, name in enumerate(("Acme Telecom", "Rival Networks", "Nordic 100% Voice")):
        clock.advance(timedelta(minutes=1))
        made.append(create(app_client, ops, name=name, adminEmail=f"admin{n}@list.test"))
    app_client.post(f"{PARTNERS}/{made[1]['orgId']}/suspend", headers=ops)

    def names(**params: Any) -> list[str]:
        response = app_client.get(PARTNERS, params=params, headers=ops)
        assert response.status_code == 200, response.text
        return [p["name"] for p in response.json()["items"]]

    assert names() == ["Acme Telecom", "Rival Networks", "Nordic 100% Voice"]
    assert names(status="suspended") == ["Rival Networks"]
    assert names(status="active") == ["Acme Telecom", "Nordic 100% Voice"]
    assert names(name="NORDIC") == ["Nordic 100% Voice"]
    assert names(name="100%") == ["Nordic 100% Voice"]
    assert names(name="%") == ["Nordic 100% Voice"]  # a literal, not a wildcard
    first = app_client.get(PARTNERS, params={"max": 2}, headers=ops)
    assert [p["orgId"] for p in first.json()["items"]] == [m["orgId"] for m in made[:2]]
    following = next_url(first)
    assert following is not None
    rest = app_client.get(following, headers=ops)
    assert [p["orgId"] for p in rest.json()["items"]] == [made[2]["orgId"]]
    assert next_url(rest) is None
    assert app_client.get(PARTNERS, params={"status": "gone"}, headers=ops).status_code == 400


def test_only_partners_are_found(
    app_client: TestClient, ops: dict[str, str], partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner)
    customer = provision_customer(app_client, partner)

    for org_id in (sub.org_id, customer["orgId"], "nobody"):
        assert app_client.get(f"{PARTNERS}/{org_id}", headers=ops).status_code == 404
        assert app_client.post(f"{PARTNERS}/{org_id}/suspend", headers=ops).status_code == 404


def test_a_suspended_partner_can_only_read_and_delete_until_reactivated(
    app_client: TestClient, ops: dict[str, str], partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    sub = set_up_sub_partner(app_client, partner)

    suspended = app_client.post(f"{PARTNERS}/{partner.org_id}/suspend", headers=ops)
    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended"

    new_customer = app_client.post(
        CUSTOMERS, json=customer_body(partner, externalId="after"), headers=partner.headers
    )
    subscriber = app_client.post(
        "/v1/wholesale/subscribers", json=subscriber_body(customer["id"]), headers=partner.headers
    )
    by_sub_partner = app_client.post(
        CUSTOMERS, json=customer_body(partner, externalId="sub"), headers=sub.headers
    )
    template = app_client.post(
        "/v1/partner/onboardingTemplates", json={"name": "New"}, headers=partner.headers
    )
    reseller = app_client.post(
        "/v1/partner/subPartners", json=sub_partner_body(), headers=partner.headers
    )
    for refused in (new_customer, subscriber, by_sub_partner, template, reseller):
        assert refused.status_code == 403, refused.text
        assert error_codes(refused) == [1023]
    assert app_client.get(CUSTOMERS, headers=partner.headers).status_code == 200
    removed = app_client.delete(f"{CUSTOMERS}/{customer['id']}", headers=partner.headers)
    assert removed.status_code == 202, removed.text

    again = app_client.post(f"{PARTNERS}/{partner.org_id}/reactivate", headers=ops)
    assert again.json()["status"] == "active"
    after = app_client.post(
        CUSTOMERS, json=customer_body(partner, externalId="after"), headers=partner.headers
    )
    assert after.status_code == 202, after.text
    drain(app_client)
    actions = audit_actions(app_client, ops, partner.org_id)
    assert actions[-2:] == ["partner.suspend", "partner.reactivate"]


def test_suspending_twice_changes_nothing_more(
    app_client: TestClient, ops: dict[str, str], partner: Partner
) -> None:
    for _ in range(2):
        response = app_client.post(f"{PARTNERS}/{partner.org_id}/suspend", headers=ops)
        assert response.json()["status"] == "suspended"

    assert audit_actions(app_client, ops, partner.org_id).count("partner.suspend") == 1


def test_partners_may_not_use_the_operator_routes(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    body = {"name": "Sneaky", "adminEmail": "sneaky@example.test"}
    requests = [
        ("POST", PARTNERS, body),
        ("GET", PARTNERS, None),
        ("GET", f"{PARTNERS}/{partner.org_id}", None),
        ("POST", f"{PARTNERS}/{other_partner.org_id}/suspend", None),
        ("POST", f"{PARTNERS}/{partner.org_id}/reactivate", None),
    ]
    for method, url, json in requests:
        response = app_client.request(method, url, json=json, headers=partner.headers)
        assert response.status_code == 403, (method, url)
        assert error_codes(response) == [1011]
    assert app_client.get(CUSTOMERS, headers=other_partner.headers).status_code == 200
    created = app_client.post(
        CUSTOMERS, json=customer_body(other_partner), headers=other_partner.headers
    )
    assert created.status_code == 202
