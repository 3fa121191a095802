"""Request builders and small helpers for API tests."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.pagination import PageRequest
from tukku.identity import service as identity
from tukku.identity.rules import Role, Scope
from tukku.mail.service import OutboxScope, list_outbox, queue_mail

_n = itertools.count(1)

ADDRESS = {
    "addressLine1": "771 Alder Drive",
    "addressLine2": "Site 5",
    "city": "Milpitas",
    "stateOrProvince": "CA",
    "zipOrPostalCode": "95035",
    "country": "US",
}
CALLING = {
    "calling": {
        "location": {
            "name": "Head Office",
            "address": ADDRESS,
            "timezone": "America/Los_Angeles",
            "language": "en_us",
            "emergencyLocationIdentifier": "95547321",
        }
    },
    "meetings": {"timezone": "America/Los_Angeles"},
}


def customer_body(partner: Partner, **overrides: Any) -> dict[str, Any]:
    """A valid body for `POST /customers` (calling and meetings), with overrides."""
    n = next(_n)
    body: dict[str, Any] = {
        "provisioningId": partner.provisioning_id,
        "packages": ["webex_calling", "webex_meetings"],
        "externalId": f"ext-{n}",
        "address": dict(ADDRESS),
        "customerInfo": {"name": f"Pizza {n}", "primaryEmail": f"owner{n}@pizza.test"},
        "provisioningParameters": CALLING,
    }
    body.update(overrides)
    return body


def provision_customer(client: TestClient, partner: Partner, **overrides: Any) -> dict[str, Any]:
    """Provision a customer, run the jobs, and return it as `GET` shows it."""
    response = client.post(
        "/v1/wholesale/customers", json=customer_body(partner, **overrides), headers=partner.headers
    )
    assert response.status_code == 202, response.text
    drain(client)
    customer = client.get(response.json()["url"], headers=partner.headers)
    assert customer.status_code == 200, customer.text
    result: dict[str, Any] = customer.json()
    return result


def subscriber_body(customer_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid body for `POST /subscribers` (webex_calling with an extension), with overrides."""
    n = next(_n)
    body: dict[str, Any] = {
        "customerId": customer_id,
        "email": f"user{n}@pizza.test",
        "packages": ["webex_calling"],
        "provisioningParameters": {
            "firstName": "Ada",
            "lastName": f"Lovelace{n}",
            "extension": f"{1000 + n}",
        },
    }
    body.update(overrides)
    return body


def provision_subscriber(
    client: TestClient, partner: Partner, customer_id: str, **overrides: Any
) -> dict[str, Any]:
    """Provision a subscriber and return the response body."""
    response = client.post(
        "/v1/wholesale/subscribers",
        json=subscriber_body(customer_id, **overrides),
        headers=partner.headers,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def error_codes(response: Any) -> list[int]:
    """The `errorCode`s of an error response."""
    return [e["errorCode"] for e in response.json()["errors"]]


@dataclass(frozen=True)
class Mail:
    """A message in the outbox, as the mail service lists it."""

    kind: str
    subject: str
    body: str
    status: str


def outbox(client: TestClient, to: str) -> list[Mail]:
    """The messages queued for `to`, oldest first, read through the mail service (as the
    platform sees them: every tenant's)."""
    db: Database = client.app.state.db  # type: ignore[attr-defined]
    with db.unit_of_work(write=False) as session:
        everything = OutboxScope.everything()
        rows = list_outbox(session, scope=everything, page=PageRequest(offset=0, limit=100), to=to)
        return [Mail(m.kind, m.subject, m.body, m.status) for m in reversed(rows[:100])]


def bearer(token: str) -> dict[str, str]:
    """An Authorization header."""
    return {"Authorization": f"Bearer {token}"}


def _token_headers(
    session: Any, user: Any, scopes: Iterable[Scope] | None, clock: ManualClock
) -> dict[str, str]:
    granted = set(scopes) if scopes is not None else identity.grantable_for(session, user)
    _, token = identity.issue_token(
        session, user=user, scopes=granted, name="t", now=clock.now(), expires_at=None
    )
    return bearer(token)


def user_headers(
    db: Database, clock: ManualClock, email: str, scopes: Iterable[Scope] | None = None
) -> dict[str, str]:
    """A new token of an existing user: `scopes`, or every scope the user's roles allow (as
    `tukku tokens create --email` issues)."""
    with db.unit_of_work() as session:
        user = identity.find_user_by_email(session, email)
        assert user is not None
        return _token_headers(session, user, scopes, clock)


def first_admin_headers(db: Database, clock: ManualClock, org_id: str) -> dict[str, str]:
    """A token of an organization's first administrator with every scope its roles allow (as
    `tukku tokens create --org` issues)."""
    with db.unit_of_work() as session:
        user = identity.first_admin(session, org_id)
        assert user is not None
        return _token_headers(session, user, None, clock)


def new_user_headers(
    db: Database,
    clock: ManualClock,
    org_id: str,
    role: Role,
    scopes: Iterable[Scope] | None = None,
) -> dict[str, str]:
    """A new user of `org_id` holding `role`, and a token with `scopes` (default: every scope
    the role allows)."""
    with db.unit_of_work() as session:
        email = f"user{next(_n)}@roles.test"
        user = identity.create_user(
            session, org_id=org_id, email=email, roles=[role], now=clock.now()
        )
        return _token_headers(session, user, scopes, clock)


def operator_headers(db: Database, clock: ManualClock) -> dict[str, str]:
    """Authorization header of a new platform operator's token (scope `tukku:ops`)."""
    with db.unit_of_work() as session:
        org = identity.create_organization(session, kind="operator", name="Ops", now=clock.now())
        user = identity.create_user(
            session,
            org_id=org.id,
            email=f"ops{next(_n)}@tukku.test",
            now=clock.now(),
            roles=[Role.OPERATOR],
        )
        return _token_headers(session, user, {Scope.OPS}, clock)


def user_outside_wholesale(client: TestClient, ops: dict[str, str], email: str) -> dict[str, Any]:
    """Create an organization outside wholesale with one user; return it as the operator sees it."""
    user = {"email": email, "firstName": "Grace", "lastName": "Hopper"}
    response = client.post(
        "/v1/ops/organizations", json={"name": "Free Accounts", "users": [user]}, headers=ops
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def subscriber_waiting_for_consent(
    client: TestClient,
    partner_headers: dict[str, str],
    ops: dict[str, str],
    customer_id: str,
    email: str = "grace@freemail.test",
) -> str:
    """A subscriber of the customer whose address belongs to an account outside wholesale, so
    it waits for its owner's consent; its ID."""
    user_outside_wholesale(client, ops, email)
    body = subscriber_body(customer_id, email=email)
    response = client.post("/v1/wholesale/subscribers", json=body, headers=partner_headers)
    assert response.status_code == 202, response.text
    subscriber_id: str = response.json()["id"]
    return subscriber_id


def consent_mails(client: TestClient, to: str = "grace@freemail.test") -> int:
    """How many consent e-mails `to` has been sent."""
    return len([m for m in outbox(client, to) if m.kind == "consent"])


def sub_partner_body(**overrides: Any) -> dict[str, Any]:
    """A valid body for `POST /v1/partner/subPartners` (required fields only), with overrides."""
    n = next(_n)
    body: dict[str, Any] = {
        "name": f"Corner Reseller {n}",
        "adminEmail": f"rita{n}@corner-reseller{n}.test",
        "adminFirstName": "Rita",
        "adminLastName": f"Reseller{n}",
    }
    body.update(overrides)
    return body


@dataclass(frozen=True)
class SubPartner:
    """A sub-partner set up through the API, with a token of its first administrator."""

    org_id: str
    name: str
    admin_email: str
    headers: dict[str, str]
    parent: Partner

    @property
    def for_it(self) -> dict[str, str]:
        """Query parameters by which the parent acts for this sub-partner."""
        return {"onBehalfOfSubPartnerOrgId": self.org_id}


def set_up_sub_partner(client: TestClient, parent: Partner, **overrides: Any) -> SubPartner:
    """Set up a sub-partner of `parent` through the API and issue its administrator a token."""
    body = sub_partner_body(**overrides)
    response = client.post("/v1/partner/subPartners", json=body, headers=parent.headers)
    assert response.status_code == 201, response.text
    org_id = response.json()["orgId"]
    state = client.app.state  # type: ignore[attr-defined]
    headers = first_admin_headers(state.db, state.clock, org_id)
    return SubPartner(org_id, body["name"], body["adminEmail"], headers, parent)


NEXT_LINK = re.compile(r'<(?P<url>[^>]+)>;\s*rel="next"')


def next_url(response: Any) -> str | None:
    """The target of the response's `Link: <...>; rel="next"` header (an absolute URL), if any."""
    link = response.headers.get("link")
    if not link:
        return None
    found = NEXT_LINK.fullmatch(link)
    assert found is not None, link
    return found["url"]


def queue_one_mail(db: Database, clock: ManualClock, partner: Partner) -> None:
    """A message in the outbox (its delivery job queued with it)."""
    with db.unit_of_work() as session:
        queue_mail(
            session,
            to="someone@pizza.test",
            subject="Hello",
            body="Hello",
            kind="welcome",
            now=clock.now(),
            partner_org_id=partner.org_id,
            owner_org_id=partner.org_id,
            customer_org_id=None,
        )
