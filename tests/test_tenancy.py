"""Tenancy is sacred: a partner never reads, changes or even detects another partner's data.

Partner A provisions a template, a customer, subscribers and has a sub-partner; partner B then
tries every endpoint with A's IDs. Every foreign ID must look exactly like an unknown one (404),
lists must never show A's data whatever the filter, no answer may contain anything of A's, and
A's data must be unchanged afterwards (PRODUCT.md sections 1 and 4: "unknown or foreign IDs with
404, never revealing another tenant's data").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import customer_body, provision_customer, provision_subscriber, subscriber_body
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity

CUSTOMERS = "/v1/wholesale/customers"
SUBSCRIBERS = "/v1/wholesale/subscribers"
TEMPLATES = "/v1/partner/onboardingTemplates"
USERS = "/v1/partner/users"
TOKENS = "/v1/partner/tokens"
SETUP_ASSIST = "/v1/partner/setupAssist/orders"
SSO = "/v1/partner/sso"
ON_BEHALF = "onBehalfOfSubPartnerOrgId"


@dataclass(frozen=True)
class World:
    """Partner A's data as A sees it, and partner B's own customer and subscriber."""

    a: Partner
    b: Partner
    template: dict[str, Any]
    customer: dict[str, Any]
    subscriber: dict[str, Any]
    pending: dict[str, Any]
    location_id: str
    sub_partner_org_id: str
    b_customer: dict[str, Any]
    b_subscriber: dict[str, Any]
    a_user_id: str = ""
    a_token_id: str = ""
    b_user_ids: tuple[str, ...] = ()
    a_order_id: str = ""

    def secrets(self) -> dict[str, str]:
        """Everything of A's that B must never see, by what it is."""
        return {
            "A's template id": self.template["id"],
            "A's provisioningId": self.template["provisioningId"],
            "A's default provisioningId": self.a.provisioning_id,
            "A's template name": self.template["name"],
            "A's brand name": self.template["brandName"],
            "A's customer id": self.customer["id"],
            "A's customer orgId": self.customer["orgId"],
            "A's externalId": self.customer["externalId"],
            "A's customer name": "Alpha Pizzeria Oy",
            "A's customer e-mail": "owner@alpha-pizzeria.test",
            "A's subscriber id": self.subscriber["id"],
            "A's personId": self.subscriber["personId"],
            "A's subscriber e-mail": self.subscriber["email"],
            "A's pending subscriber id": self.pending["id"],
            "A's pending subscriber e-mail": self.pending["email"],
            "A's location id": self.location_id,
            "A's organization id": self.a.org_id,
            "A's subscription id": self.a.subscription_id,
            "A's admin e-mail": self.a.admin_email,
            "A's sub-partner org id": self.sub_partner_org_id,
            "A's user id": self.a_user_id,
            "A's token id": self.a_token_id,
            "A's Setup Assist order id": self.a_order_id,
            "A's IdP name": "alpha-idp",
            "A's IdP client ID": "alpha-client-id",
            "A's IdP discovery endpoint": "https://login.alpha.example/",
        }


def setup_assist_order(partner: Partner, customer: dict[str, Any], location_id: str) -> Any:
    """A valid Setup Assist order body from `partner` for a location of `customer`."""
    return {
        "partnerOrgId": partner.org_id,
        "customerOrgId": customer["orgId"],
        "subscriptionId": partner.subscription_id,
        "locationCount": 1,
        "locationId": location_id,
        "deploymentDate": "2027-06-01",
    }


def build_world(
    client: TestClient, db: Database, clock: ManualClock, a: Partner, b: Partner
) -> World:
    template = client.post(
        TEMPLATES,
        json={
            "name": "Alpha Gold Plan",
            "brandName": "Alpha Brand Voice",
            "pstnProvider": "Alpha PSTN",
        },
        headers=a.headers,
    ).json()
    customer = provision_customer(
        client,
        a,
        provisioningId=template["provisioningId"],
        externalId="alpha-ext-7f3a",
        customerInfo={"name": "Alpha Pizzeria Oy", "primaryEmail": "owner@alpha-pizzeria.test"},
    )
    assert customer["status"] == "provisioned"
    subscriber = provision_subscriber(client, a, customer["id"], email="ada@alpha-pizzeria.test")
    with db.unit_of_work() as session:
        identity.create_standalone_org(
            session,
            name="Free Account",
            country="US",
            users=[identity.NewOrgUser("grace@alpha-free.test", "Grace", "Hopper")],
            now=clock.now(),
        )
        sub_partner = identity.create_organization(
            session, kind="sub_partner", name="Alpha Reseller", parent_id=a.org_id, now=clock.now()
        )
        sub_partner_org_id = sub_partner.id
    pending = client.post(
        SUBSCRIBERS,
        json=subscriber_body(customer["id"], email="grace@alpha-free.test"),
        headers=a.headers,
    )
    assert pending.status_code == 202, pending.text
    assert pending.json()["status"] == "pending_user_migration"
    locations = client.get("/v1/locations", params={"orgId": customer["orgId"]}, headers=a.headers)
    assert locations.status_code == 200
    b_customer = provision_customer(client, b, externalId="bravo-ext-1")
    b_subscriber = provision_subscriber(client, b, b_customer["id"])
    a_users = client.get(USERS, headers=a.headers).json()["items"]
    a_token = client.post(
        TOKENS, json={"name": "Alpha CI", "scopes": ["tukku:audit_read"]}, headers=a.headers
    ).json()
    b_users = client.get(USERS, headers=b.headers).json()["items"]
    location_id = locations.json()["items"][0]["id"]
    order = client.post(
        SETUP_ASSIST, json=setup_assist_order(a, customer, location_id), headers=a.headers
    )
    assert order.status_code == 201, order.text
    sso = {
        "idpName": "alpha-idp",
        "clientId": "alpha-client-id",
        "clientSecret": "alpha-client-secret",
        "scopes": "openid email",
        "discoveryEndpoint": "https://login.alpha.example/.well-known/openid-configuration",
    }
    assert client.put(SSO, json=sso, headers=a.headers).status_code == 200
    return World(
        a=a,
        b=b,
        template=template,
        customer=customer,
        subscriber=subscriber,
        pending=pending.json(),
        location_id=location_id,
        sub_partner_org_id=sub_partner_org_id,
        b_customer=b_customer,
        b_subscriber=b_subscriber,
        a_user_id=a_users[0]["id"],
        a_token_id=a_token["id"],
        b_user_ids=tuple(u["id"] for u in b_users),
        a_order_id=order.json()["id"],
    )


@pytest.fixture
def world(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
) -> World:
    return build_world(app_client, db, clock, partner, other_partner)


def attacks(w: World) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every request by which B could reach one of A's objects: (method, url, body)."""
    cid, sid, tid = w.customer["id"], w.subscriber["id"], w.template["id"]
    pid = w.pending["id"]
    customer_by_b = customer_body(w.b, externalId="bravo-new")
    return [
        ("GET", f"{CUSTOMERS}/{cid}", None),
        ("GET", f"{CUSTOMERS}/{cid}?includePackageLicenseInfo=true", None),
        ("PUT", f"{CUSTOMERS}/{cid}", {"packages": ["webex_meetings"]}),
        ("DELETE", f"{CUSTOMERS}/{cid}", None),
        ("GET", f"{SUBSCRIBERS}/{sid}", None),
        ("PUT", f"{SUBSCRIBERS}/{sid}", {"packages": ["webex_meetings"]}),
        ("DELETE", f"{SUBSCRIBERS}/{sid}", None),
        ("GET", f"{SUBSCRIBERS}/{pid}", None),
        ("DELETE", f"{SUBSCRIBERS}/{pid}", None),
        ("POST", SUBSCRIBERS, subscriber_body(cid)),
        ("POST", f"{SUBSCRIBERS}/{pid}/emails/consentMove", None),
        ("POST", f"/v1/subscribers/{pid}/emails/consentMove", None),
        ("GET", f"/v1/locations?orgId={w.customer['orgId']}", None),
        ("GET", f"{TEMPLATES}/{tid}", None),
        ("PUT", f"{TEMPLATES}/{tid}", {"name": "Hijacked"}),
        ("DELETE", f"{TEMPLATES}/{tid}", None),
        ("POST", CUSTOMERS, customer_body(w.b, provisioningId=w.template["provisioningId"])),
        ("POST", CUSTOMERS, customer_body(w.b, provisioningId=w.a.provisioning_id)),
        ("GET", f"{USERS}/{w.a_user_id}", None),
        ("PUT", f"{USERS}/{w.a_user_id}", {"roles": ["partner_read_only"]}),
        ("DELETE", f"{USERS}/{w.a_user_id}", None),
        ("GET", f"{TOKENS}/{w.a_token_id}", None),
        ("DELETE", f"{TOKENS}/{w.a_token_id}", None),
        ("GET", f"{SETUP_ASSIST}/{w.a_order_id}", None),
        ("POST", SETUP_ASSIST, setup_assist_order(w.b, w.customer, w.location_id)),
        ("GET", SSO, None),  # B has no identity provider of its own: A's stays out of sight
        ("DELETE", SSO, None),
        ("GET", f"{SSO}/samlMetadata", None),
        ("GET", f"/v1/partner/customers/{cid}/branding", None),
        ("PUT", f"/v1/partner/customers/{cid}/branding", {"name": "Hijacked"}),
        ("DELETE", f"/v1/partner/customers/{cid}/branding", None),
        # acting "on behalf of" A itself, of A's sub-partner, or of A's customer organization
        *[
            request
            for org in (w.a.org_id, w.sub_partner_org_id, w.customer["orgId"])
            for request in (
                ("GET", f"{CUSTOMERS}?{ON_BEHALF}={org}", None),
                ("GET", f"{CUSTOMERS}/{cid}?{ON_BEHALF}={org}", None),
                ("POST", f"{CUSTOMERS}?{ON_BEHALF}={org}", customer_by_b),
                ("GET", f"{SUBSCRIBERS}?{ON_BEHALF}={org}", None),
                ("GET", f"{SUBSCRIBERS}/{sid}?{ON_BEHALF}={org}", None),
                ("POST", f"{SUBSCRIBERS}?{ON_BEHALF}={org}", subscriber_body(cid)),
                ("GET", f"{TEMPLATES}?{ON_BEHALF}={org}", None),
                ("POST", f"{TEMPLATES}?{ON_BEHALF}={org}", {"name": "Planted"}),
                ("GET", f"{USERS}?{ON_BEHALF}={org}", None),
                ("GET", f"{USERS}/{w.a_user_id}?{ON_BEHALF}={org}", None),
                (
                    "POST",
                    f"{USERS}?{ON_BEHALF}={org}",
                    {"email": "planted@bravo.test", "roles": ["partner_full_admin"]},
                ),
                ("GET", f"{TOKENS}?everyone=true&{ON_BEHALF}={org}", None),
                ("DELETE", f"{TOKENS}/{w.a_token_id}?{ON_BEHALF}={org}", None),
                ("GET", f"{SETUP_ASSIST}/{w.a_order_id}?{ON_BEHALF}={org}", None),
                ("GET", f"{SETUP_ASSIST}?{ON_BEHALF}={org}", None),
                ("GET", f"{SSO}?{ON_BEHALF}={org}", None),
                ("DELETE", f"{SSO}?{ON_BEHALF}={org}", None),
                ("GET", f"{SSO}/samlMetadata?{ON_BEHALF}={org}", None),
            )
        ],
    ]


def list_requests(w: World) -> list[tuple[str, str, list[str]]]:
    """B's list requests, filtered by A's values: (url, key of the IDs, the IDs B must get)."""
    b_customer, b_subscriber = [w.b_customer["id"]], [w.b_subscriber["id"]]
    return [
        (CUSTOMERS, "id", b_customer),
        (f"{CUSTOMERS}?externalId={w.customer['externalId']}", "id", []),
        (f"{CUSTOMERS}?orgId={w.customer['orgId']}", "id", []),
        (f"{CUSTOMERS}?status=provisioned&max=1000", "id", b_customer),
        (SUBSCRIBERS, "id", b_subscriber),
        (f"{SUBSCRIBERS}?customerId={w.customer['id']}", "id", []),
        (f"{SUBSCRIBERS}?externalCustomerId={w.customer['externalId']}", "id", []),
        (f"{SUBSCRIBERS}?email={w.subscriber['email']}", "id", []),
        (f"{SUBSCRIBERS}?email={w.pending['email']}", "id", []),
        (f"{SUBSCRIBERS}?personId={w.subscriber['personId']}", "id", []),
        (f"{SUBSCRIBERS}?status=pending_user_migration", "id", []),
        (f"{SUBSCRIBERS}?sortBy=lastStatusChange&sortOrder=DESC&max=100", "id", b_subscriber),
        (TEMPLATES, "provisioningId", [w.b.provisioning_id]),
        (USERS, "id", list(w.b_user_ids)),
        (SETUP_ASSIST, "id", []),
        (f"{SETUP_ASSIST}?customerOrgId={w.customer['orgId']}", "id", []),
    ]


def snapshot(client: TestClient, w: World) -> dict[str, Any]:
    """A's data as A sees it through the API."""
    a = w.a.headers
    urls = [
        f"{CUSTOMERS}/{w.customer['id']}?includePackageLicenseInfo=true",
        f"{SUBSCRIBERS}/{w.subscriber['id']}",
        f"{SUBSCRIBERS}/{w.pending['id']}",
        f"{TEMPLATES}/{w.template['id']}",
        CUSTOMERS,
        SUBSCRIBERS,
        TEMPLATES,
        f"/v1/locations?orgId={w.customer['orgId']}",
        f"{CUSTOMERS}?{ON_BEHALF}={w.sub_partner_org_id}",
        f"{SUBSCRIBERS}?{ON_BEHALF}={w.sub_partner_org_id}",
        f"{TEMPLATES}?{ON_BEHALF}={w.sub_partner_org_id}",
        USERS,
        f"{TOKENS}/{w.a_token_id}",
        f"{SETUP_ASSIST}/{w.a_order_id}",
        SETUP_ASSIST,
        SSO,
    ]
    result = {}
    for url in urls:
        response = client.get(url, headers=a)
        assert response.status_code == 200, (url, response.text)
        result[url] = response.json()
    return result


def run_attacks(client: TestClient, w: World) -> list[tuple[str, str, Any]]:
    return [
        (method, url, client.request(method, url, json=body, headers=w.b.headers))
        for method, url, body in attacks(w)
    ]


def test_every_foreign_id_answers_404(app_client: TestClient, world: World) -> None:
    wrong = [
        f"{method} {url} -> {response.status_code} {response.text}"
        for method, url, response in run_attacks(app_client, world)
        if response.status_code != 404
    ]

    assert wrong == []


def test_foreign_ids_are_indistinguishable_from_unknown_ones(
    app_client: TestClient, world: World
) -> None:
    unknown = "Y2lzY29zcGFyazovL3VzL05PVEhJTkcvMA"

    def check(method: str, url: str, body: Any = None) -> Any:
        return app_client.request(method, url, json=body, headers=world.b.headers)

    def subscriber_precheck(customer_id: str) -> dict[str, Any]:
        return {
            "email": "new@bravo.test",
            "customerId": customer_id,
            "packages": ["webex_calling"],
            "provisioningParameters": {"firstName": "N", "lastName": "B", "extension": "2001"},
        }

    def at_location(location_id: str) -> dict[str, Any]:
        body = subscriber_body(world.b_customer["id"])
        body["provisioningParameters"]["locationId"] = location_id
        return body

    def order_at(customer: dict[str, Any], location_id: str) -> dict[str, Any]:
        return setup_assist_order(world.b, customer, location_id)

    unknown_customer = {"orgId": unknown}
    # (the one status both answer, foreign and made-up IDs, the request that names them)
    pairs = [
        (
            404,
            ("GET", f"{SETUP_ASSIST}/{world.a_order_id}"),
            ("GET", f"{SETUP_ASSIST}/{unknown}"),
        ),
        (
            404,
            ("POST", SETUP_ASSIST, order_at(world.customer, world.location_id)),
            ("POST", SETUP_ASSIST, order_at(unknown_customer, world.location_id)),
        ),
        (
            404,
            ("POST", SETUP_ASSIST, order_at(world.b_customer, world.location_id)),
            ("POST", SETUP_ASSIST, order_at(world.b_customer, unknown)),
        ),
        (404, ("GET", f"{CUSTOMERS}/{world.customer['id']}"), ("GET", f"{CUSTOMERS}/{unknown}")),
        (
            404,
            ("GET", f"{SUBSCRIBERS}/{world.subscriber['id']}"),
            ("GET", f"{SUBSCRIBERS}/{unknown}"),
        ),
        (404, ("GET", f"{TEMPLATES}/{world.template['id']}"), ("GET", f"{TEMPLATES}/{unknown}")),
        (
            404,
            ("GET", f"/v1/locations?orgId={world.customer['orgId']}"),
            ("GET", f"/v1/locations?orgId={unknown}"),
        ),
        (
            404,
            ("GET", f"{CUSTOMERS}?{ON_BEHALF}={world.sub_partner_org_id}"),
            ("GET", f"{CUSTOMERS}?{ON_BEHALF}={unknown}"),
        ),
        (
            404,
            ("POST", SUBSCRIBERS, subscriber_body(world.customer["id"])),
            ("POST", SUBSCRIBERS, subscriber_body(unknown)),
        ),
        (
            400,
            ("POST", SUBSCRIBERS, at_location(world.location_id)),
            ("POST", SUBSCRIBERS, at_location(unknown)),
        ),
        (
            400,
            ("POST", f"{SUBSCRIBERS}/validate", subscriber_precheck(world.customer["id"])),
            ("POST", f"{SUBSCRIBERS}/validate", subscriber_precheck(unknown)),
        ),
    ]

    for status, foreign, made_up in pairs:
        theirs = check(*foreign)
        nobodys = check(*made_up)

        assert theirs.status_code == status, foreign[:2]
        assert nobodys.status_code == status, made_up[:2]
        assert theirs.json()["message"] == nobodys.json()["message"], foreign[:2]
        assert theirs.json()["errors"] == nobodys.json()["errors"], foreign[:2]


def test_no_answer_to_b_contains_anything_of_as(app_client: TestClient, world: World) -> None:
    responses = [
        (f"{method} {url}", response) for method, url, response in run_attacks(app_client, world)
    ] + [
        (f"GET {url}", app_client.get(url, headers=world.b.headers))
        for url, _, _ in list_requests(world)
    ]

    leaks = [
        f"{request} reveals {what}"
        for request, response in responses
        for what, value in world.secrets().items()
        if value in response.text or value in str(response.headers.get("link", ""))
    ]

    assert leaks == []


def test_lists_never_contain_as_data_whatever_the_filter(
    app_client: TestClient, world: World
) -> None:
    wrong = []
    for url, key, expected in list_requests(world):
        response = app_client.get(url, headers=world.b.headers)
        got = [item[key] for item in response.json().get("items", [])]
        if response.status_code != 200 or got != expected:
            wrong.append(f"GET {url} -> {response.status_code} {got} (expected {expected})")

    assert wrong == []


def test_as_data_is_unchanged_after_every_attempt(app_client: TestClient, world: World) -> None:
    before = snapshot(app_client, world)

    run_attacks(app_client, world)
    drain(app_client)

    assert snapshot(app_client, world) == before


def test_a_still_manages_its_own_data_after_the_attempts(
    app_client: TestClient, world: World
) -> None:
    run_attacks(app_client, world)
    drain(app_client)

    a = world.a.headers
    resent = app_client.post(f"{SUBSCRIBERS}/{world.pending['id']}/emails/consentMove", headers=a)
    removed = app_client.delete(f"{SUBSCRIBERS}/{world.subscriber['id']}", headers=a)
    template = app_client.put(
        f"{TEMPLATES}/{world.template['id']}", json={"name": "Alpha Gold Plan 2"}, headers=a
    )

    assert resent.status_code == 204
    assert removed.status_code == 204
    assert template.status_code == 200
    # what B tried to plant under A's name does not exist
    names = [t["name"] for t in app_client.get(TEMPLATES, headers=a).json()["items"]]
    assert "Planted" not in names
    assert "Hijacked" not in names


def test_an_e_mail_in_use_by_a_is_refused_to_b_without_revealing_more(
    app_client: TestClient, world: World
) -> None:
    body = subscriber_body(world.b_customer["id"], email=world.subscriber["email"])

    response = app_client.post(SUBSCRIBERS, json=body, headers=world.b.headers)

    assert response.status_code == 409
    secrets = world.secrets()
    secrets.pop("A's subscriber e-mail")  # B sent it: "already in use" may repeat it
    assert [what for what, value in secrets.items() if value in response.text] == []


def test_external_ids_belong_to_each_partner(app_client: TestClient, world: World) -> None:
    body = customer_body(world.b, externalId=world.customer["externalId"])

    response = app_client.post(CUSTOMERS, json=body, headers=world.b.headers)

    assert response.status_code == 202, response.text
    drain(app_client)
    mine = app_client.get(
        CUSTOMERS, params={"externalId": world.customer["externalId"]}, headers=world.b.headers
    )
    assert [c["id"] for c in mine.json()["items"]] == [response.json()["url"].rsplit("/", 1)[1]]
    theirs = app_client.get(
        CUSTOMERS, params={"externalId": world.customer["externalId"]}, headers=world.a.headers
    )
    assert [c["id"] for c in theirs.json()["items"]] == [world.customer["id"]]


def operator_requests(w: World) -> list[tuple[str, str, dict[str, Any] | None]]:
    """The operators' routes, named with A's IDs: a partner's token reaches none of them."""
    partners, org = "/v1/ops/partners", w.a.org_id
    return [
        ("GET", partners, None),
        ("GET", f"{partners}?name=Acme", None),
        ("POST", partners, {"name": "Planted", "adminEmail": "planted@bravo.test"}),
        ("GET", f"{partners}/{org}", None),
        ("POST", f"{partners}/{org}/suspend", None),
        ("POST", f"{partners}/{org}/reactivate", None),
        ("GET", "/v1/ops/jobs", None),
        ("GET", "/v1/ops/jobs/failed", None),
        ("GET", "/v1/ops/jobs/1", None),
        ("POST", "/v1/ops/jobs/1/retry", None),
        ("GET", "/v1/ops/mail", None),
        ("GET", f"/v1/ops/mail?to={w.a.admin_email}", None),
        ("GET", "/v1/ops/mail/1", None),
    ]


def test_the_operators_routes_refuse_partners_and_reveal_nothing(
    app_client: TestClient, world: World
) -> None:
    before = snapshot(app_client, world)
    wrong, leaks = [], []
    for method, url, body in operator_requests(world):
        response = app_client.request(method, url, json=body, headers=world.b.headers)
        if response.status_code != 403:
            wrong.append(f"{method} {url} -> {response.status_code}")
        leaks += [
            f"{method} {url} reveals {what}"
            for what, value in world.secrets().items()
            if value in response.text
        ]

    assert wrong == []
    assert leaks == []
    assert snapshot(app_client, world) == before
