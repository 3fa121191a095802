"""Attaching wholesale to an organization that exists outside it (PRODUCT.md 4.3), over HTTP.

Operators create the standalone organizations (`/v1/ops/organizations`); partners attach them with
`orgId`; the organization's own administrator approves or rejects through `/v1/customer/...`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner, drain
from tests.support import (
    customer_body,
    error_codes,
    outbox,
    provision_customer,
    provision_subscriber,
    user_headers,
)
from tukku.accounts.models import ManagingRelationship
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity
from tukku.identity.rules import Role

CUSTOMERS = "/v1/wholesale/customers"
OPS = "/v1/ops/organizations"
REQUESTS = "/v1/customer/attachRequests"
_n = itertools.count(1)


@dataclass(frozen=True)
class Org:
    """An organization outside wholesale, as the test created it."""

    id: str
    name: str
    emails: list[str]

    @property
    def admin(self) -> str:
        """Its first user: the administrator, unless created with `admin=False`."""
        return self.emails[0]

    @property
    def others(self) -> list[str]:
        """Its other users."""
        return self.emails[1:]


def standalone_org(
    client: TestClient,
    ops: dict[str, str],
    *,
    users: int = 2,
    admin: bool = True,
    verified: tuple[str, ...] = (),
    claimed: tuple[str, ...] = (),
    licenses: tuple[str, ...] = (),
) -> Org:
    """An organization outside wholesale with `users` users (the first its admin if `admin`)."""
    n = next(_n)
    emails = [f"person{i}@bakery{n}.test" for i in range(users)]
    body = {
        "name": f"Bakery {n}",
        "users": [
            {"email": e, "firstName": "Baker", "lastName": str(i), "admin": admin and i == 0}
            for i, e in enumerate(emails)
        ],
        "verifiedDomains": list(verified),
        "claimedDomains": list(claimed),
        "licenseStatuses": list(licenses),
    }
    response = client.post(OPS, json=body, headers=ops)
    assert response.status_code == 201, response.text
    created = response.json()
    assert sorted(u["email"] for u in created["users"]) == sorted(emails)
    return Org(created["id"], created["name"], emails)


def attach_body(partner: Partner, org_id: str, **overrides: Any) -> dict[str, Any]:
    """`POST /customers` naming an existing organization (no `customerInfo`: it has a name)."""
    body = customer_body(partner, orgId=org_id, **overrides)
    del body["customerInfo"]
    return body


def attach(client: TestClient, partner: Partner, org_id: str, **overrides: Any) -> dict[str, Any]:
    """Attach, run the jobs, and return the customer as `GET` shows it."""
    response = client.post(
        CUSTOMERS, json=attach_body(partner, org_id, **overrides), headers=partner.headers
    )
    assert response.status_code == 202, response.text
    drain(client)
    customer = client.get(response.json()["url"], headers=partner.headers)
    assert customer.status_code == 200, customer.text
    result: dict[str, Any] = customer.json()
    return result


def get_customer(client: TestClient, partner: Partner, customer_id: str) -> dict[str, Any]:
    response = client.get(f"{CUSTOMERS}/{customer_id}", headers=partner.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def new_template(client: TestClient, partner: Partner, **fields: Any) -> dict[str, Any]:
    body = {"name": f"Template {next(_n)}", "pstnProvider": "Fibre PSTN", **fields}
    response = client.post("/v1/partner/onboardingTemplates", json=body, headers=partner.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def mail_kinds(client: TestClient, emails: list[str]) -> dict[str, list[str]]:
    """Each address, with the kinds of mail queued for it."""
    return {e: [m.kind for m in outbox(client, e)] for e in emails}


def pending_request(client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    listed = client.get(REQUESTS, headers=admin)
    assert listed.status_code == 200, listed.text
    items = [r for r in listed.json()["items"] if r["status"] == "pending"]
    assert len(items) == 1, listed.text
    result: dict[str, Any] = items[0]
    return result


def managers_of(db: Database, org_id: str) -> list[tuple[str, str, str]]:
    """Who manages an organization, and at which admin level, as stored (no route shows it)."""
    with db.unit_of_work(write=False) as session:
        rows = session.scalars(
            select(ManagingRelationship).where(ManagingRelationship.managed_org_id == org_id)
        )
        return [(m.manager_org_id, m.kind, m.admin_level) for m in rows]


# -- automatic, silent attachment ---------------------------------------------------------------


def test_small_org_without_domains_is_attached_automatically_and_silently(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    org = standalone_org(app_client, ops, users=3)

    customer = attach(app_client, partner, org.id)

    assert customer["status"] == "provisioned"
    assert customer["orgId"] == org.id
    assert customer["attachment"]["approval"] == "not_required"
    assert [p["status"] for p in customer["resourceDetails"]["packages"]] == ["provisioned"] * 2
    assert mail_kinds(app_client, org.emails) == {e: [] for e in org.emails}


def test_attached_org_keeps_its_name_and_sign_in_and_is_not_restricted(
    app_client: TestClient, partner: Partner, ops: dict[str, str], db: Database, clock: ManualClock
) -> None:
    org = standalone_org(app_client, ops)
    admin = user_headers(db, clock, org.admin)
    own_sso = {"mode": "partner_saml", "idpEntityId": "https://idp.bakery.test"}
    assert (
        app_client.put("/v1/customer/organization/authentication", json=own_sso, headers=admin)
    ).status_code == 200
    template = new_template(app_client, partner, authMode="partner_oidc", idpEntityId="AcmeIdP")

    body = attach_body(partner, org.id, provisioningId=template["provisioningId"])
    body["customerInfo"] = {"name": "Renamed By Partner", "primaryEmail": "x@renamed.test"}
    response = app_client.post(CUSTOMERS, json=body, headers=partner.headers)
    assert response.status_code == 202, response.text
    drain(app_client)
    customer = app_client.get(response.json()["url"], headers=partner.headers).json()

    assert customer["status"] == "provisioned"
    assert customer["restrictedByPartner"] is False
    assert app_client.get(f"{OPS}/{org.id}", headers=ops).json()["name"] == org.name
    seen = app_client.get("/v1/customer/organization", headers=admin).json()
    assert seen["name"] == org.name
    assert (seen["authMode"], seen["idpEntityId"]) == ("partner_saml", "https://idp.bakery.test")
    assert seen["restrictedByPartner"] is False


def test_first_subscriber_of_an_attached_org_is_not_made_administrator(
    app_client: TestClient, partner: Partner, ops: dict[str, str], db: Database
) -> None:
    org = standalone_org(app_client, ops, users=2, admin=False)
    customer = attach(app_client, partner, org.id)
    assert customer["status"] == "provisioned"

    existing = provision_subscriber(app_client, partner, customer["id"], email=org.emails[0])
    newcomer = provision_subscriber(app_client, partner, customer["id"])

    assert existing["status"] == newcomer["status"] == "provisioned"
    with db.unit_of_work(write=False) as session:
        assert identity.roles_of(session, existing["personId"]) == frozenset()
        assert identity.roles_of(session, newcomer["personId"]) == frozenset()
        assert identity.admins_of(session, org.id) == []


@pytest.mark.parametrize(
    ("licenses", "level"),
    [
        ((), "full_admin"),
        (("suspended",), "full_admin"),
        (("cancelled", "suspended"), "full_admin"),
        (("active",), "provisioning_admin"),
        (("suspended", "active", "cancelled"), "provisioning_admin"),
    ],
    ids=["no-licenses", "suspended", "suspended-and-cancelled", "active", "one-active"],
)
def test_partner_admin_level_depends_on_the_orgs_licenses(
    app_client: TestClient,
    partner: Partner,
    ops: dict[str, str],
    db: Database,
    licenses: tuple[str, ...],
    level: str,
) -> None:
    # 4.3: provisioning administrator, unless the organization has no licenses or only
    # suspended or cancelled ones: then full administrator
    org = standalone_org(app_client, ops, licenses=licenses)

    customer = attach(app_client, partner, org.id)

    assert customer["status"] == "provisioned"
    assert managers_of(db, org.id) == [(partner.org_id, "partner", level)]


# -- approval by the organization's administrator -------------------------------------------


@pytest.mark.parametrize(
    ("shape", "keyword"),
    [
        ({"users": 100}, "100"),
        ({"verified": ("bakery.example",)}, "verified"),
        ({"claimed": ("bakery.example",)}, "claimed"),
    ],
    ids=["100-users", "verified-domain", "claimed-domain"],
)
def test_attachment_waits_visibly_for_the_org_admins_approval(
    app_client: TestClient,
    partner: Partner,
    ops: dict[str, str],
    shape: dict[str, Any],
    keyword: str,
) -> None:
    org = standalone_org(app_client, ops, **shape)

    customer = attach(app_client, partner, org.id)

    assert customer["status"] == "provisioning"
    assert customer["attachment"]["approval"] == "pending"
    assert len(customer["attachment"]["reasons"]) == 1
    assert keyword in customer["attachment"]["reasons"][0]
    assert [p["status"] for p in customer["resourceDetails"]["packages"]] == ["provisioning"] * 2
    waiting = app_client.get(CUSTOMERS, params={"status": "provisioning"}, headers=partner.headers)
    assert [c["id"] for c in waiting.json()["items"]] == [customer["id"]]
    mails = outbox(app_client, org.admin)
    assert [m.kind for m in mails] == ["attach_request"]
    assert "Acme Telecom" in mails[0].subject
    assert org.name in mails[0].subject
    # nobody else in the organization hears of it
    assert mail_kinds(app_client, org.others) == {e: [] for e in org.others}
    assert app_client.get(f"{OPS}/{org.id}", headers=ops).json()["kind"] == "standalone"


def test_99_users_and_no_domains_attach_without_approval(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    org = standalone_org(app_client, ops, users=99)

    customer = attach(app_client, partner, org.id)

    assert customer["status"] == "provisioned"
    assert customer["attachment"]["approval"] == "not_required"
    assert outbox(app_client, org.admin) == []


def test_org_admin_lists_and_approves_then_provisioning_completes(
    app_client: TestClient, partner: Partner, ops: dict[str, str], db: Database, clock: ManualClock
) -> None:
    org = standalone_org(app_client, ops, verified=("bakery.example",))
    customer = attach(app_client, partner, org.id)
    admin = user_headers(db, clock, org.admin)

    request = pending_request(app_client, admin)
    assert request["customerId"] == customer["id"]
    assert request["reasons"] == customer["attachment"]["reasons"]
    assert request.get("decided") is None
    approved = app_client.post(
        f"{REQUESTS}/{request['id']}/approve", json={"note": "welcome"}, headers=admin
    )

    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["note"] == "welcome"
    assert approved.json()["decided"] == "2027-01-03T09:00:00.000Z"
    drain(app_client)
    done = get_customer(app_client, partner, customer["id"])
    assert done["status"] == "provisioned"
    assert done["attachment"]["approval"] == "approved"
    assert done["restrictedByPartner"] is False
    assert app_client.get(f"{OPS}/{org.id}", headers=ops).json()["kind"] == "customer"


def test_org_admin_rejects_and_the_customer_ends_in_error_4022(
    app_client: TestClient, partner: Partner, ops: dict[str, str], db: Database, clock: ManualClock
) -> None:
    org = standalone_org(app_client, ops, claimed=("bakery.example",))
    customer = attach(app_client, partner, org.id)
    admin = user_headers(db, clock, org.admin)
    request = pending_request(app_client, admin)

    rejected = app_client.post(f"{REQUESTS}/{request['id']}/reject", headers=admin)
    drain(app_client)

    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    failed = get_customer(app_client, partner, customer["id"])
    assert failed["status"] == "error"
    assert [e["errorCode"] for e in failed["errors"]] == [4022]
    assert failed["attachment"]["approval"] == "rejected"
    # the organization stays as it was, managed by nobody
    assert app_client.get(f"{OPS}/{org.id}", headers=ops).json()["kind"] == "standalone"
    assert managers_of(db, org.id) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [("approve", "approve"), ("approve", "reject"), ("reject", "approve"), ("reject", "reject")],
)
def test_deciding_twice_is_a_409_4024(
    app_client: TestClient,
    partner: Partner,
    ops: dict[str, str],
    db: Database,
    clock: ManualClock,
    first: str,
    second: str,
) -> None:
    org = standalone_org(app_client, ops, verified=("bakery.example",))
    customer = attach(app_client, partner, org.id)
    admin = user_headers(db, clock, org.admin)
    request = pending_request(app_client, admin)
    assert app_client.post(f"{REQUESTS}/{request['id']}/{first}", headers=admin).status_code == 200
    drain(app_client)

    again = app_client.post(f"{REQUESTS}/{request['id']}/{second}", headers=admin)
    drain(app_client)

    assert again.status_code == 409
    assert error_codes(again) == [4024]
    expected = "provisioned" if first == "approve" else "error"
    assert get_customer(app_client, partner, customer["id"])["status"] == expected


def test_another_orgs_admin_can_neither_see_nor_decide_the_request(
    app_client: TestClient, partner: Partner, ops: dict[str, str], db: Database, clock: ManualClock
) -> None:
    org = standalone_org(app_client, ops, verified=("bakery.example",))
    customer = attach(app_client, partner, org.id)
    request = pending_request(app_client, user_headers(db, clock, org.admin))
    stranger_org = standalone_org(app_client, ops)
    stranger = user_headers(db, clock, stranger_org.admin)

    listed = app_client.get(REQUESTS, headers=stranger)
    approve = app_client.post(f"{REQUESTS}/{request['id']}/approve", headers=stranger)
    reject = app_client.post(f"{REQUESTS}/{request['id']}/reject", headers=stranger)
    drain(app_client)

    assert listed.status_code == 200
    assert listed.json()["items"] == []
    for response in (approve, reject):
        assert response.status_code == 404
        assert error_codes(response) == [4023]
        assert customer["id"] not in response.text
    waiting = get_customer(app_client, partner, customer["id"])
    assert (waiting["status"], waiting["attachment"]["approval"]) == ("provisioning", "pending")


def test_a_read_only_user_of_the_org_cannot_decide(
    app_client: TestClient, partner: Partner, ops: dict[str, str], db: Database, clock: ManualClock
) -> None:
    org = standalone_org(app_client, ops, verified=("bakery.example",))
    attach(app_client, partner, org.id)
    request = pending_request(app_client, user_headers(db, clock, org.admin))
    with db.unit_of_work() as session:
        user = identity.find_user_by_email(session, org.others[0])
        assert user is not None
        identity.grant_role(session, user=user, role=Role.CUSTOMER_READ_ONLY, now=clock.now())
    reader = user_headers(db, clock, org.others[0])

    response = app_client.post(f"{REQUESTS}/{request['id']}/approve", headers=reader)

    assert response.status_code == 403
    assert error_codes(response) == [1011]


# -- errors ---------------------------------------------------------------------------------


def test_unknown_org_id_is_400_4004(app_client: TestClient, partner: Partner) -> None:
    body = attach_body(partner, "bm8tc3VjaC1vcmc")

    response = app_client.post(CUSTOMERS, json=body, headers=partner.headers)

    assert response.status_code == 400
    assert error_codes(response) == [4004]
    assert "orgId" in response.json()["message"]
    assert app_client.get(CUSTOMERS, headers=partner.headers).json()["items"] == []


def test_an_org_the_partner_already_manages_is_409_4021(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    org = standalone_org(app_client, ops)
    attach(app_client, partner, org.id)
    own_new = provision_customer(app_client, partner)

    again = app_client.post(CUSTOMERS, json=attach_body(partner, org.id), headers=partner.headers)
    new_one = app_client.post(
        CUSTOMERS, json=attach_body(partner, own_new["orgId"]), headers=partner.headers
    )

    for response in (again, new_one):
        assert response.status_code == 409
        assert error_codes(response) == [4021]
        assert "orgId" in response.json()["message"]
    assert len(app_client.get(CUSTOMERS, headers=partner.headers).json()["items"]) == 2


def test_an_org_waiting_for_approval_cannot_be_attached_twice(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    org = standalone_org(app_client, ops, verified=("bakery.example",))
    attach(app_client, partner, org.id)

    again = app_client.post(CUSTOMERS, json=attach_body(partner, org.id), headers=partner.headers)

    assert again.status_code == 409
    assert error_codes(again) == [4021]


def test_another_partners_customer_org_reads_like_an_unknown_one(
    app_client: TestClient, partner: Partner, other_partner: Partner, ops: dict[str, str]
) -> None:
    theirs_new = provision_customer(app_client, other_partner)
    theirs_attached = attach(app_client, other_partner, standalone_org(app_client, ops).id)
    theirs_waiting = attach(
        app_client, other_partner, standalone_org(app_client, ops, claimed=("x.example",)).id
    )
    unknown = app_client.post(
        CUSTOMERS, json=attach_body(partner, "bm8tc3VjaC1vcmc"), headers=partner.headers
    )

    for theirs in (theirs_new, theirs_attached, theirs_waiting):
        response = app_client.post(
            CUSTOMERS, json=attach_body(partner, theirs["orgId"]), headers=partner.headers
        )

        assert response.status_code == 400
        assert error_codes(response) == [4004]
        assert response.json()["message"] == unknown.json()["message"]
        assert theirs["id"] not in response.text
        assert theirs["externalId"] not in response.text
        assert other_partner.org_id not in response.text
    assert app_client.get(CUSTOMERS, headers=partner.headers).json()["items"] == []


def test_a_partner_organization_cannot_be_attached(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    for org_id in (partner.org_id, other_partner.org_id):
        response = app_client.post(
            CUSTOMERS, json=attach_body(partner, org_id), headers=partner.headers
        )

        assert response.status_code == 400
        assert error_codes(response) == [4004]


def test_precheck_with_an_attachable_org_id_passes(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    org = standalone_org(app_client, ops)

    response = app_client.post(
        f"{CUSTOMERS}/validate", json=attach_body(partner, org.id), headers=partner.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["message"] == "success"
    assert [i["infoCode"] for i in response.json()["info"]] == [100]


def test_precheck_reports_an_already_managed_org(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    org = standalone_org(app_client, ops)
    attach(app_client, partner, org.id)

    response = app_client.post(
        f"{CUSTOMERS}/validate", json=attach_body(partner, org.id), headers=partner.headers
    )

    assert response.status_code == 400
    assert 4021 in error_codes(response)


# -- admin invite e-mails -------------------------------------------------------------------


@pytest.mark.parametrize("allowed", [True, False], ids=["allowed", "not-allowed"])
def test_admin_invite_emails_on_attach_follow_the_template(
    app_client: TestClient, partner: Partner, ops: dict[str, str], allowed: bool
) -> None:
    template = new_template(
        app_client, partner, allowAdminInviteEmailsOnAttach=allowed, brandName="Fibre Co"
    )
    org = standalone_org(app_client, ops, users=3)

    customer = attach(app_client, partner, org.id, provisioningId=template["provisioningId"])

    assert customer["status"] == "provisioned"
    kinds = mail_kinds(app_client, org.emails)
    assert kinds.pop(org.admin) == (["admin_invite"] if allowed else [])
    assert all(k == [] for k in kinds.values())  # plain users are never invited
    if allowed:
        assert "Fibre Co" in outbox(app_client, org.admin)[0].subject
