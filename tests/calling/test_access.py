"""Whose calling set-up a request works on: a partner names a customer organization it manages
with `orgId` (a parent also its sub-partners' customers), a customer administrator works on its
own; anything else is refused without saying whether it exists."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.support import (
    customer_body,
    drain,
    provision_customer,
    provision_subscriber,
    set_up_sub_partner,
)
from tukku.calling.access import for_org
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.errors import DomainError
from tukku.customers import service as customers
from tukku.identity import service as identity
from tukku.identity.permissions import Permission
from tukku.identity.principal import Principal


def _principal(db: Database, clock: ManualClock, token: str) -> Principal:
    with db.unit_of_work(write=False) as session:
        found = identity.authenticate(session, token, now=clock.now())
        assert found is not None
        return found.principal


def _admin_principal(db: Database, clock: ManualClock, org_id: str) -> Principal:
    with db.unit_of_work() as session:
        admin = identity.first_admin(session, org_id)
        assert admin is not None
        _, token = identity.issue_token(
            session, user=admin, scopes=set(), name="t", now=clock.now(), expires_at=None
        )
    return _principal(db, clock, token)


def _refusal(db: Database, principal: Principal, org_id: str | None) -> tuple[int, str | None]:
    with db.unit_of_work(write=False) as session, pytest.raises(DomainError) as refused:
        for_org(session, principal, org_id)
    return refused.value.status, refused.value.problems[0].field


def test_a_partner_works_on_the_customers_it_manages_and_no_other(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
) -> None:
    mine = provision_customer(app_client, partner)
    theirs = provision_customer(app_client, other_partner)
    me = _principal(db, clock, partner.token)

    with db.unit_of_work(write=False) as session:
        scope = for_org(session, me, mine["orgId"])
        assert scope.org.id == mine["orgId"]
        assert scope.customer is not None
        assert scope.customer.id == mine["id"]
        assert scope.owner_org_id == partner.org_id
        assert scope.actor.may(Permission.WORKSPACES_MANAGE)
    assert _refusal(db, me, theirs["orgId"]) == (404, "orgId")
    assert _refusal(db, me, "no-such-org") == (404, "orgId")
    assert _refusal(db, me, None) == (400, "orgId")
    assert _refusal(db, me, partner.org_id) == (404, "orgId")  # its own is no customer


def test_a_parent_reaches_its_sub_partners_customers_and_a_sub_partner_only_its_own(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner)
    template = app_client.post(
        "/v1/partner/onboardingTemplates",
        json={"name": "Resold", "pstnProvider": "Resold PSTN"},
        headers=sub.headers,
    ).json()
    accepted = app_client.post(
        "/v1/wholesale/customers",
        json=customer_body(partner, provisioningId=template["provisioningId"]),
        headers=sub.headers,
    )
    assert accepted.status_code == 202, accepted.text
    drain(app_client)
    resold = app_client.get(accepted.json()["url"], headers=partner.headers).json()
    direct = provision_customer(app_client, partner)
    parent = _principal(db, clock, partner.token)
    child = _principal(db, clock, sub.headers["Authorization"].removeprefix("Bearer "))

    with db.unit_of_work(write=False) as session:
        assert for_org(session, parent, resold["orgId"]).owner_org_id == sub.org_id
        assert for_org(session, child, resold["orgId"]).customer is not None
    assert _refusal(db, child, direct["orgId"]) == (404, "orgId")


def test_a_customer_administrator_works_on_its_own_organization_as_restricted_mode_says(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    other = provision_customer(app_client, partner)
    provision_subscriber(app_client, partner, customer["id"])  # the first one administers it
    admin = _admin_principal(db, clock, customer["orgId"])

    with db.unit_of_work(write=False) as session:
        unnamed = for_org(session, admin, None)
        named = for_org(session, admin, customer["orgId"])
        assert unnamed.org.id == named.org.id == customer["orgId"]
        assert unnamed.actor.restricted is customer["restrictedByPartner"] is True
        assert unnamed.actor.may(Permission.LOCATIONS_MANAGE)
        assert not unnamed.actor.may(Permission.PHONE_NUMBERS_MANAGE)
    assert _refusal(db, admin, other["orgId"]) == (404, "orgId")
    with db.unit_of_work() as session:
        found = customers.by_org_unscoped(session, customer["orgId"])
        assert found is not None
        found.restricted_by_partner = False
    with db.unit_of_work(write=False) as session:
        assert for_org(session, admin, None).actor.restricted is False
