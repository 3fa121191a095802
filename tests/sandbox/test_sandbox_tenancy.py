"""The sandbox keeps tenants apart: each caller reads only its own tenants' mail (consent links
included), and only an operator moves the clock every tenant shares."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner, drain, make_partner
from tests.support import (
    SubPartner,
    customer_body,
    error_codes,
    new_user_headers,
    provision_customer,
    provision_subscriber,
    set_up_sub_partner,
    subscriber_body,
    user_headers,
    user_outside_wholesale,
)
from tukku.core.db import Database
from tukku.core.errors import Codes
from tukku.core.timefmt import iso, parse_instant
from tukku.identity.rules import Role
from tukku.mail.service import queue_mail

MAIL = "/v1/sandbox/mail"
CLOCK = "/v1/sandbox/clock"
Seen = set[tuple[str, str]]
_n = itertools.count(1)


@pytest.fixture
def p(sandbox: TestClient, db: Database) -> Partner:
    return make_partner(db, sandbox.app.state.clock, "Acme Telecom")  # type: ignore[attr-defined]


@pytest.fixture
def q(sandbox: TestClient, db: Database) -> Partner:
    return make_partner(db, sandbox.app.state.clock, "Rival Networks")  # type: ignore[attr-defined]


def mail(client: TestClient, headers: dict[str, str], **params: str) -> Seen:
    """The (kind, recipient) of every message the caller may read."""
    response = client.get(MAIL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return {(m["kind"], m["to"]) for m in response.json()["items"]}


def consenting(client: TestClient, partner: Partner, ops: dict[str, str], customer_id: str) -> str:
    """Provision a subscriber whose user lives outside wholesale; it is mailed a consent link."""
    email = f"free{next(_n)}@free.test"
    user_outside_wholesale(client, ops, email)
    response = client.post(
        "/v1/wholesale/subscribers",
        json=subscriber_body(customer_id, email=email),
        headers=partner.headers,
    )
    assert response.status_code == 202, response.text
    return email


def customer_with_mail(client: TestClient, partner: Partner, ops: dict[str, str]) -> Seen:
    """A customer of `partner` with a welcomed subscriber (its administrator, being the first)
    and one asked to consent; returns that mail."""
    customer = provision_customer(client, partner)
    welcomed = provision_subscriber(client, partner, customer["id"])["email"]
    return {("welcome", welcomed), ("consent", consenting(client, partner, ops, customer["id"]))}


def sub_partner_with_mail(client: TestClient, parent: Partner) -> tuple[SubPartner, Seen]:
    """A sub-partner of `parent` (invited by mail) with a customer and a welcomed subscriber;
    returns it, and the welcome mail of its own."""
    sub = set_up_sub_partner(client, parent)
    template = client.post(
        "/v1/partner/onboardingTemplates",
        json={"name": "Resold", "pstnProvider": "Resold PSTN"},
        headers=sub.headers,
    )
    assert template.status_code == 201, template.text
    body = customer_body(parent, provisioningId=template.json()["provisioningId"])
    created = client.post("/v1/wholesale/customers", json=body, headers=sub.headers)
    assert created.status_code == 202, created.text
    drain(client)
    customer_id = client.get(created.json()["url"], headers=sub.headers).json()["id"]
    response = client.post(
        "/v1/wholesale/subscribers", json=subscriber_body(customer_id), headers=sub.headers
    )
    assert response.status_code == 200, response.text
    return sub, {("welcome", response.json()["email"])}


@dataclass(frozen=True)
class Estate:
    """Partner P (with a sub-partner) and partner Q, each with customers that were mailed."""

    p_mail: Seen
    q_mail: Seen
    sub: SubPartner
    sub_mail: Seen
    invitation: Seen


@pytest.fixture
def estate(sandbox: TestClient, p: Partner, q: Partner, ops: dict[str, str]) -> Estate:
    p_mail = customer_with_mail(sandbox, p, ops)
    q_mail = customer_with_mail(sandbox, q, ops)
    sub, sub_mail = sub_partner_with_mail(sandbox, p)
    return Estate(p_mail, q_mail, sub, sub_mail, {("invitation", sub.admin_email)})


def addressed(seen: Seen, kind: str) -> str:
    [to] = [to for k, to in seen if k == kind]
    return to


def test_a_partner_reads_its_own_and_its_sub_partners_mail_and_none_of_another_partners(
    sandbox: TestClient, p: Partner, estate: Estate
) -> None:
    seen = mail(sandbox, p.headers)

    assert seen == estate.p_mail | estate.sub_mail | estate.invitation
    assert not seen & estate.q_mail


@pytest.mark.parametrize("kind", ["welcome", "consent"])
def test_asking_for_another_partners_recipient_finds_nothing(
    sandbox: TestClient, p: Partner, q: Partner, estate: Estate, kind: str
) -> None:
    theirs = addressed(estate.q_mail, kind)

    assert mail(sandbox, p.headers, to=theirs) == set()
    assert mail(sandbox, p.headers, to=theirs, kind=kind) == set()
    assert mail(sandbox, q.headers, to=theirs) == {(kind, theirs)}


def test_the_other_partner_reads_only_its_own(
    sandbox: TestClient, q: Partner, estate: Estate
) -> None:
    assert mail(sandbox, q.headers) == estate.q_mail


def test_a_sub_partner_reads_only_its_own(sandbox: TestClient, estate: Estate) -> None:
    seen = mail(sandbox, estate.sub.headers)

    # Its own customers' mail, and the invitation of its own first administrator.
    assert seen == estate.sub_mail | estate.invitation
    assert mail(sandbox, estate.sub.headers, to=addressed(estate.p_mail, "consent")) == set()


def test_a_customer_administrator_reads_only_its_organizations_mail(
    sandbox: TestClient, db: Database, estate: Estate
) -> None:
    admin = addressed(estate.p_mail, "welcome")  # the first subscriber administers the customer
    headers = user_headers(db, sandbox.app.state.clock, admin)  # type: ignore[attr-defined]

    assert mail(sandbox, headers) == estate.p_mail


def test_an_operator_reads_everyones_mail(
    sandbox: TestClient, ops: dict[str, str], estate: Estate
) -> None:
    seen = mail(sandbox, ops)

    assert seen == estate.p_mail | estate.q_mail | estate.sub_mail | estate.invitation


def test_mail_of_no_tenant_is_for_operators_only(
    sandbox: TestClient, db: Database, p: Partner, ops: dict[str, str]
) -> None:
    now = sandbox.app.state.clock.now()  # type: ignore[attr-defined]
    with db.unit_of_work() as session:
        queue_mail(
            session,
            to="someone@platform.test",
            subject="Platform notice",
            body="Written before mail recorded its owners.",
            kind="notice",
            now=now,
            partner_org_id=None,
            owner_org_id=None,
            customer_org_id=None,
        )

    assert mail(sandbox, p.headers, to="someone@platform.test") == set()
    assert mail(sandbox, ops, to="someone@platform.test") == {("notice", "someone@platform.test")}


def test_the_outbox_needs_a_token(sandbox: TestClient) -> None:
    assert sandbox.get(MAIL).status_code == 401


def now_of(client: TestClient, headers: dict[str, str]) -> str:
    response = client.get(CLOCK, headers=headers)
    assert response.status_code == 200, response.text
    value: str = response.json()["now"]
    return value


@pytest.mark.parametrize("who", ["partner read-only", "partner full admin", "customer admin"])
def test_only_an_operator_moves_the_clock(
    sandbox: TestClient, db: Database, p: Partner, who: str
) -> None:
    clock = sandbox.app.state.clock  # type: ignore[attr-defined]
    if who == "partner read-only":
        headers = new_user_headers(db, clock, p.org_id, Role.PARTNER_READ_ONLY)
    elif who == "partner full admin":
        headers = p.headers
    else:
        customer = provision_customer(sandbox, p)
        email = provision_subscriber(sandbox, p, customer["id"])["email"]
        headers = user_headers(db, clock, email)
    before = now_of(sandbox, headers)
    later = iso(parse_instant(before) + timedelta(days=3))

    moved = sandbox.post(CLOCK, json={"now": later}, headers=headers)
    advanced = sandbox.post(CLOCK, json={"advanceSeconds": 60}, headers=headers)

    for response in (moved, advanced):
        assert response.status_code == 403, response.text
        assert error_codes(response) == [Codes.MISSING_SCOPE.number]
    assert now_of(sandbox, headers) == before


def test_an_operator_moves_the_clock_and_everyone_reads_it(
    sandbox: TestClient, db: Database, p: Partner, ops: dict[str, str]
) -> None:
    read_only = new_user_headers(
        db,
        sandbox.app.state.clock,  # type: ignore[attr-defined]
        p.org_id,
        Role.PARTNER_READ_ONLY,
    )
    later = iso(parse_instant(now_of(sandbox, read_only)) + timedelta(days=3))

    response = sandbox.post(CLOCK, json={"now": later}, headers=ops)

    assert response.status_code == 200, response.text
    assert now_of(sandbox, read_only) == later
    assert now_of(sandbox, p.headers) == later


def test_a_refused_move_runs_no_jobs(sandbox: TestClient, p: Partner) -> None:
    accepted = sandbox.post("/v1/wholesale/customers", json=customer_body(p), headers=p.headers)

    sandbox.post(CLOCK, json={"advanceSeconds": 0}, headers=p.headers)

    customer: dict[str, Any] = sandbox.get(accepted.json()["url"], headers=p.headers).json()
    assert customer["status"] == "provisioning"
