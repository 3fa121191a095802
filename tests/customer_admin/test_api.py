"""`/v1/customer/...`: a customer's own administrators, under restricted-by-partner mode
(PRODUCT.md 10.1 and 10.2), and the partner's `PUT /v1/partner/customers/{id}/restrictedMode`.

A new customer starts restricted; its first subscriber is its administrator. While the mode is on
the administrator reads, and edits names, but cannot manage users, change packages or edit the
company name, domains, e-mail or sign-in settings; once the partner turns it off, it can.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.support import (
    consent_mails,
    error_codes,
    first_admin_headers,
    new_user_headers,
    operator_headers,
    provision_customer,
    provision_subscriber,
    subscriber_body,
    subscriber_waiting_for_consent,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity.rules import Role

ORG = "/v1/customer/organization"
USERS = "/v1/customer/users"
PACKAGES = ["webex_calling", "webex_suite"]

# PRODUCT.md 10.2, by hand: what a customer full administrator may do in each mode.
FULL_ADMIN_RESTRICTED = [
    # Its calling set-up stays its own in restricted mode (PRODUCT.md section 11).
    "calling.config.read",
    "calling.devices.manage",
    "calling.locations.manage",
    "calling.queues.manage",
    "calling.workspaces.manage",
    "org.attach_requests.decide",
    "org.settings.read",
    "users.names.edit",
    "users.read",
]
FULL_ADMIN_UNRESTRICTED = sorted(
    [
        *FULL_ADMIN_RESTRICTED,
        "users.manage",
        "users.package.change",
        "users.services.edit",
        "users.service_status.view",
        "users.primary_number.edit",
        "org.company_name.edit",
        "org.domains.edit",
        "org.email_settings.edit",
        "org.authentication.edit",
        "calling.behaviour.edit",
        "calling.local_gateway.view",
        "calling.pstn.view",
        "calling.migrations.run",
        "calling.connected_uc.use",
    ]
)


@dataclass(frozen=True)
class Customer:
    """A new wholesale customer: its administrator (first subscriber) and one more subscriber."""

    id: str
    org_id: str
    admin: dict[str, str]
    admin_user_id: str
    user_id: str
    user_email: str


def new_customer(
    client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> Customer:
    customer = provision_customer(client, partner, packages=PACKAGES)
    first = provision_subscriber(client, partner, customer["id"])
    second = provision_subscriber(client, partner, customer["id"])
    admin = first_admin_headers(db, clock, customer["orgId"])
    return Customer(
        customer["id"],
        customer["orgId"],
        admin,
        first["personId"],
        second["personId"],
        second["email"],
    )


def set_restricted(
    client: TestClient, partner: Partner, customer_id: str, enabled: bool
) -> dict[str, Any]:
    response = client.put(
        f"/v1/partner/customers/{customer_id}/restrictedMode",
        json={"enabled": enabled},
        headers=partner.headers,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def state(client: TestClient, customer: Customer) -> tuple[Any, Any]:
    """What the administrator sees: the organization and its users."""
    org = client.get(ORG, headers=customer.admin)
    users = client.get(USERS, headers=customer.admin)
    assert org.status_code == users.status_code == 200, (org.text, users.text)
    return org.json(), users.json()


def user_row(client: TestClient, customer: Customer, user_id: str) -> dict[str, Any]:
    rows = list(client.get(USERS, headers=customer.admin).json()["items"])
    found = [u for u in rows if u["id"] == user_id]
    assert len(found) == 1, rows
    result: dict[str, Any] = found[0]
    return result


@pytest.fixture
def customer(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> Customer:
    """A new (not attached) customer with its administrator and a second subscriber."""
    return new_customer(app_client, partner, db, clock)


Action = tuple[str, str, Callable[[Customer], dict[str, Any]]]
RESTRICTED_ACTIONS: dict[str, Action] = {
    "add-user": (
        "POST",
        USERS,
        lambda c: {"email": "newcomer@pizza.test", "firstName": "New", "lastName": "Comer"},
    ),
    "add-user-with-package": (
        "POST",
        USERS,
        lambda c: {
            "email": "seat@pizza.test",
            "firstName": "New",
            "lastName": "Seat",
            "package": "webex_calling",
            "extension": "4001",
        },
    ),
    "edit-primary-number": (
        "PATCH",
        USERS + "/{user}",
        lambda c: {"primaryPhoneNumber": "+14155550123"},
    ),
    "change-package": ("PUT", USERS + "/{user}/package", lambda c: {"package": "webex_suite"}),
    "company-name": ("PATCH", ORG, lambda c: {"name": "Renamed Pizza"}),
    "domains": ("PUT", ORG + "/domains", lambda c: {"domains": ["pizza.example"]}),
    "email-settings": (
        "PUT",
        ORG + "/emailSettings",
        lambda c: {"blockAdminInviteEmails": True, "emailLocale": "fr_FR"},
    ),
    "authentication": (
        "PUT",
        ORG + "/authentication",
        lambda c: {"mode": "partner_saml", "idpEntityId": "https://idp.pizza.test"},
    ),
}


def perform(
    client: TestClient, customer: Customer, action: str, headers: dict[str, str] | None = None
) -> Any:
    method, path, body = RESTRICTED_ACTIONS[action]
    return client.request(
        method,
        path.format(user=customer.user_id),
        json=body(customer),
        headers=headers or customer.admin,
    )


# -- restricted mode on ---------------------------------------------------------------------


def test_a_new_customer_is_restricted_and_its_admin_sees_the_banner(
    app_client: TestClient, partner: Partner, customer: Customer
) -> None:
    seen = app_client.get(f"/v1/wholesale/customers/{customer.id}", headers=partner.headers)
    org, users = state(app_client, customer)

    assert seen.json()["restrictedByPartner"] is True
    assert org["orgId"] == customer.org_id
    assert org["restrictedByPartner"] is True
    assert org["permissions"] == FULL_ADMIN_RESTRICTED
    by_id = {u["id"]: u for u in users["items"]}
    assert set(by_id) == {customer.admin_user_id, customer.user_id}
    assert by_id[customer.admin_user_id]["roles"] == ["customer_full_admin"]
    assert by_id[customer.user_id]["roles"] == []
    assert by_id[customer.user_id]["package"] == "webex_calling"


@pytest.mark.parametrize("action", sorted(RESTRICTED_ACTIONS))
def test_restricted_mode_refuses_each_restricted_action_with_403(
    app_client: TestClient, customer: Customer, action: str
) -> None:
    before = state(app_client, customer)

    response = perform(app_client, customer, action)

    assert response.status_code == 403, response.text
    assert error_codes(response) == [1012]
    assert "restricted" in response.json()["message"]
    assert state(app_client, customer) == before


def test_names_and_primary_email_stay_editable_in_restricted_mode(
    app_client: TestClient, customer: Customer
) -> None:
    edit = {
        "firstName": "Grace",
        "lastName": "Hopper",
        "displayName": "Amazing Grace",
        "email": "grace@pizza.test",
    }

    response = app_client.patch(f"{USERS}/{customer.user_id}", json=edit, headers=customer.admin)

    assert response.status_code == 204, response.text
    row = user_row(app_client, customer, customer.user_id)
    assert (row["firstName"], row["lastName"], row["displayName"], row["email"]) == (
        "Grace",
        "Hopper",
        "Amazing Grace",
        "grace@pizza.test",
    )


# -- restricted mode off --------------------------------------------------------------------


def test_partner_turns_restricted_mode_off_and_on_again(
    app_client: TestClient, partner: Partner, customer: Customer
) -> None:
    assert set_restricted(app_client, partner, customer.id, False) == {"enabled": False}

    seen = app_client.get(f"/v1/wholesale/customers/{customer.id}", headers=partner.headers)
    org, _ = state(app_client, customer)
    assert seen.json()["restrictedByPartner"] is False
    assert org["restrictedByPartner"] is False
    assert org["permissions"] == FULL_ADMIN_UNRESTRICTED

    assert set_restricted(app_client, partner, customer.id, True) == {"enabled": True}

    org, _ = state(app_client, customer)
    assert org["restrictedByPartner"] is True
    assert org["permissions"] == FULL_ADMIN_RESTRICTED
    assert perform(app_client, customer, "company-name").status_code == 403


def test_unrestricted_admin_adds_a_user(
    app_client: TestClient, partner: Partner, customer: Customer
) -> None:
    set_restricted(app_client, partner, customer.id, False)

    response = perform(app_client, customer, "add-user")

    assert response.status_code == 201, response.text
    row = user_row(app_client, customer, response.json()["id"])
    assert (row["email"], row["firstName"], row["lastName"]) == (
        "newcomer@pizza.test",
        "New",
        "Comer",
    )
    assert row["package"] is None
    assert row["roles"] == []


def test_unrestricted_admin_adds_a_user_with_a_package(
    app_client: TestClient, partner: Partner, customer: Customer
) -> None:
    set_restricted(app_client, partner, customer.id, False)

    response = perform(app_client, customer, "add-user-with-package")

    assert response.status_code == 201, response.text
    row = user_row(app_client, customer, response.json()["id"])
    assert (row["package"], row["subscriberStatus"]) == ("webex_calling", "provisioned")
    listed = app_client.get(
        "/v1/wholesale/subscribers", params={"email": "seat@pizza.test"}, headers=partner.headers
    ).json()["items"]
    assert [(s["customerId"], s["package"]) for s in listed] == [(customer.id, "webex_calling")]


def test_unrestricted_admin_changes_a_package_but_cannot_downgrade(
    app_client: TestClient, partner: Partner, customer: Customer
) -> None:
    set_restricted(app_client, partner, customer.id, False)

    upgraded = perform(app_client, customer, "change-package")
    downgrade = app_client.put(
        f"{USERS}/{customer.user_id}/package",
        json={"package": "webex_calling"},
        headers=customer.admin,
    )

    assert upgraded.status_code == 204, upgraded.text
    assert downgrade.status_code == 403
    assert error_codes(downgrade) == [4025]
    assert user_row(app_client, customer, customer.user_id)["package"] == "webex_suite"


def test_unrestricted_admin_sets_a_primary_work_number(
    app_client: TestClient, partner: Partner, customer: Customer
) -> None:
    set_restricted(app_client, partner, customer.id, False)

    response = perform(app_client, customer, "edit-primary-number")

    assert response.status_code == 204, response.text
    # the number now belongs to the user: nobody else can be given it
    clash = app_client.post(
        "/v1/wholesale/subscribers",
        json=subscriber_body(
            customer.id,
            provisioningParameters={
                "firstName": "Other",
                "lastName": "Person",
                "primaryPhoneNumber": "+14155550123",
            },
        ),
        headers=partner.headers,
    )
    assert clash.status_code == 409
    assert error_codes(clash) == [5006]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("company-name", {"name": "Renamed Pizza"}),
        ("domains", {"verifiedDomains": ["pizza.example"]}),
        ("email-settings", {"blockAdminInviteEmails": True, "emailLocale": "fr_FR"}),
        ("authentication", {"authMode": "partner_saml", "idpEntityId": "https://idp.pizza.test"}),
    ],
)
def test_unrestricted_admin_changes_organization_settings(
    app_client: TestClient,
    partner: Partner,
    customer: Customer,
    action: str,
    expected: dict[str, Any],
) -> None:
    set_restricted(app_client, partner, customer.id, False)

    response = perform(app_client, customer, action)

    assert response.status_code == 200, response.text
    org, _ = state(app_client, customer)
    assert {k: org[k] for k in expected} == expected
    assert {k: response.json()[k] for k in expected} == expected


# -- who may toggle, who may write ----------------------------------------------------------


def test_a_wholesale_admin_of_the_partner_may_toggle(
    app_client: TestClient,
    partner: Partner,
    customer: Customer,
    db: Database,
    clock: ManualClock,
) -> None:
    wholesale_admin = new_user_headers(db, clock, partner.org_id, Role.WHOLESALE_ADMIN)

    response = app_client.put(
        f"/v1/partner/customers/{customer.id}/restrictedMode",
        json={"enabled": False},
        headers=wholesale_admin,
    )

    assert response.status_code == 200, response.text
    assert state(app_client, customer)[0]["restrictedByPartner"] is False


def test_only_partner_admins_may_toggle_restricted_mode(
    app_client: TestClient,
    partner: Partner,
    customer: Customer,
    db: Database,
    clock: ManualClock,
) -> None:
    read_only = new_user_headers(db, clock, partner.org_id, Role.PARTNER_READ_ONLY)
    url = f"/v1/partner/customers/{customer.id}/restrictedMode"

    for headers in (customer.admin, read_only):
        response = app_client.put(url, json={"enabled": False}, headers=headers)

        assert response.status_code == 403
        assert error_codes(response) == [1011]
    assert state(app_client, customer)[0]["restrictedByPartner"] is True
    assert perform(app_client, customer, "add-user").status_code == 403


def test_another_partner_cannot_toggle_a_customer_it_does_not_own(
    app_client: TestClient, other_partner: Partner, customer: Customer
) -> None:
    for customer_id in (customer.id, "bm8tc3VjaC1jdXN0b21lcg"):
        response = app_client.put(
            f"/v1/partner/customers/{customer_id}/restrictedMode",
            json={"enabled": False},
            headers=other_partner.headers,
        )

        assert response.status_code == 404
        assert error_codes(response) == [4001]
    assert state(app_client, customer)[0]["restrictedByPartner"] is True


@pytest.mark.parametrize("restricted", [True, False], ids=["restricted", "unrestricted"])
def test_customer_read_only_role_reads_but_never_writes(
    app_client: TestClient,
    partner: Partner,
    customer: Customer,
    db: Database,
    clock: ManualClock,
    restricted: bool,
) -> None:
    reader = new_user_headers(db, clock, customer.org_id, Role.CUSTOMER_READ_ONLY)
    set_restricted(app_client, partner, customer.id, restricted)
    before = state(app_client, customer)

    org = app_client.get(ORG, headers=reader)
    users = app_client.get(USERS, headers=reader)
    names = app_client.patch(
        f"{USERS}/{customer.user_id}", json={"firstName": "Sneaky"}, headers=reader
    )

    assert org.status_code == users.status_code == 200
    assert org.json()["restrictedByPartner"] is restricted
    assert "org.company_name.edit" not in org.json()["permissions"]
    for response in [
        names,
        *(perform(app_client, customer, a, reader) for a in RESTRICTED_ACTIONS),
    ]:
        assert response.status_code == 403, response.text
        assert error_codes(response) == [1011]
    assert state(app_client, customer)[1] == before[1]
    assert state(app_client, customer)[0]["name"] == before[0]["name"]


def test_one_customers_admin_cannot_touch_another_customers_users(
    app_client: TestClient,
    partner: Partner,
    customer: Customer,
    db: Database,
    clock: ManualClock,
) -> None:
    other = new_customer(app_client, partner, db, clock)
    set_restricted(app_client, partner, customer.id, False)
    before = state(app_client, other)

    names = app_client.patch(
        f"{USERS}/{other.user_id}", json={"firstName": "Hijacked"}, headers=customer.admin
    )
    package = app_client.put(
        f"{USERS}/{other.user_id}/package", json={"package": "webex_suite"}, headers=customer.admin
    )
    listed = app_client.get(USERS, headers=customer.admin).json()["items"]

    for response in (names, package):
        assert response.status_code == 404, response.text
        assert error_codes(response) == [1013]
        assert other.user_email not in response.text
    assert other.user_id not in {u["id"] for u in listed}
    assert state(app_client, other) == before


def test_a_partner_token_cannot_use_the_customer_admin_api(
    app_client: TestClient, partner: Partner, customer: Customer
) -> None:
    org = app_client.get(ORG, headers=partner.headers)
    rename = app_client.patch(ORG, json={"name": "Partner Pizza"}, headers=partner.headers)

    for response in (org, rename):
        assert response.status_code == 403
        assert error_codes(response) == [1011]


# -- validation -----------------------------------------------------------------------------

NEW_SEAT = {
    "email": "seat@pizza.test",
    "firstName": "New",
    "lastName": "Seat",
    "package": "webex_calling",
    "extension": "4001",
}


@pytest.mark.parametrize(
    ("method", "path", "body", "code", "field"),
    [
        ("PATCH", ORG, {"name": "Pizza % Co"}, 4014, "name"),
        ("PATCH", ORG, {}, 1001, "name"),
        ("PUT", ORG + "/domains", {"domains": ["not a domain"]}, 1002, "domains"),
        (
            "PUT",
            ORG + "/emailSettings",
            {"blockAdminInviteEmails": False, "emailLocale": "klingon"},
            4012,
            "emailLocale",
        ),
        ("PUT", ORG + "/authentication", {"mode": "partner_saml"}, 3002, "idpEntityId"),
        (
            "POST",
            USERS,
            {"email": "not-an-email", "firstName": "A", "lastName": "B"},
            5015,
            "email",
        ),
        ("POST", USERS, {"email": "ok@pizza.test", "lastName": "B"}, 1001, "firstName"),
        ("PATCH", USERS + "/{user}", {"email": "still-not-an-email"}, 5015, "email"),
        ("PUT", USERS + "/{user}/package", {"package": "no_such_package"}, 4005, "package"),
        ("PUT", ORG + "/authentication", {"mode": "kerberos"}, 1002, "mode"),
        ("POST", USERS, {**NEW_SEAT, "package": "no_such_package"}, 4005, "package"),
        ("POST", USERS, {**NEW_SEAT, "extension": "x"}, 5011, "extension"),
        ("POST", USERS, {**NEW_SEAT, "primaryPhoneNumber": "555"}, 5010, "primaryPhoneNumber"),
        ("PATCH", USERS + "/{user}", {"primaryPhoneNumber": "555"}, 5010, "primaryPhoneNumber"),
    ],
    ids=[
        "percent-in-name",
        "missing-name",
        "bad-domain",
        "bad-email-locale",
        "saml-without-idp",
        "bad-email",
        "missing-first-name",
        "bad-new-email",
        "unknown-package",
        "unknown-sign-in-mode",
        "add-user-unknown-package",
        "add-user-bad-extension",
        "add-user-bad-number",
        "edit-user-bad-number",
    ],
)
def test_validation_errors_are_400_naming_the_field(
    app_client: TestClient,
    partner: Partner,
    customer: Customer,
    method: str,
    path: str,
    body: dict[str, Any],
    code: int,
    field: str,
) -> None:
    set_restricted(app_client, partner, customer.id, False)
    before = state(app_client, customer)

    response = app_client.request(
        method, path.format(user=customer.user_id), json=body, headers=customer.admin
    )

    assert response.status_code == 400, response.text
    assert error_codes(response) == [code]
    assert response.json()["message"].startswith(f"{field}:"), response.json()["message"]
    assert state(app_client, customer) == before


# -- users waiting to consent ---------------------------------------------------------------
PENDING = "/v1/customer/pendingUsers"


def test_an_unrestricted_admin_lists_users_waiting_to_consent_and_mails_them_again(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock, customer: Customer
) -> None:
    waiting = subscriber_waiting_for_consent(
        app_client, partner.headers, operator_headers(db, clock), customer.id
    )
    set_restricted(app_client, partner, customer.id, False)

    listed = app_client.get(PENDING, headers=customer.admin)
    resent = app_client.post(f"{PENDING}/{waiting}/consentEmail", headers=customer.admin)

    assert listed.status_code == 200
    assert [(u["subscriberId"], u["email"]) for u in listed.json()["items"]] == [
        (waiting, "grace@freemail.test")
    ]
    assert resent.status_code == 204, resent.text
    assert consent_mails(app_client) == 2  # the first, and the one sent again


def test_restricted_mode_refuses_mailing_a_waiting_user_again(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock, customer: Customer
) -> None:
    waiting = subscriber_waiting_for_consent(
        app_client, partner.headers, operator_headers(db, clock), customer.id
    )

    listed = app_client.get(PENDING, headers=customer.admin)
    refused = app_client.post(f"{PENDING}/{waiting}/consentEmail", headers=customer.admin)

    assert len(listed.json()["items"]) == 1
    assert refused.status_code == 403
    assert "restricted" in refused.json()["message"]
    assert consent_mails(app_client) == 1


def test_only_the_organizations_own_waiting_users_are_mailed_again(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock, customer: Customer
) -> None:
    other = new_customer(app_client, partner, db, clock)
    theirs = subscriber_waiting_for_consent(
        app_client, partner.headers, operator_headers(db, clock), other.id
    )
    active = app_client.get(
        "/v1/wholesale/subscribers",
        params={"customerId": customer.id},
        headers=partner.headers,
    ).json()["items"][0]["id"]
    set_restricted(app_client, partner, customer.id, False)

    foreign = app_client.post(f"{PENDING}/{theirs}/consentEmail", headers=customer.admin)
    not_waiting = app_client.post(f"{PENDING}/{active}/consentEmail", headers=customer.admin)

    assert app_client.get(PENDING, headers=customer.admin).json()["items"] == []
    assert foreign.status_code == 404
    assert not_waiting.status_code == 409
    assert consent_mails(app_client) == 1
