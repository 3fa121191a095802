"""Precheck answers exactly what provisioning would, as a property over generated requests.

For generated `POST /customers` and `POST /subscribers` bodies (valid and invalid fields,
unknown, conflicting and unprovisioned packages, taken externalIds, e-mails and numbers, unknown
or foreign IDs and organizations, a suspended sub-partner), the precheck of the same body by the
same caller succeeds exactly when provisioning is accepted. When provisioning refuses with 403,
the precheck answers the same 403; otherwise it answers 400 listing every problem, among them
each code provisioning answered (provisioning answers only the first step that found problems).

The bodies are complete provisioning requests: a precheck checks only what it is given, so one
leaving out what provisioning requires (`customerInfo` of a new organization, the package,
`provisioningParameters`) asks another question. Each example runs in one transaction rolled
back afterwards: what one example provisions is gone before the next.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from tests.conftest import Partner, drain
from tests.support import (
    ADDRESS,
    CALLING,
    SubPartner,
    customer_body,
    error_codes,
    operator_headers,
    provision_customer,
    provision_subscriber,
    set_up_sub_partner,
    user_outside_wholesale,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database

CUSTOMERS = "/v1/wholesale/customers"
SUBSCRIBERS = "/v1/wholesale/subscribers"
TEMPLATES = "/v1/partner/onboardingTemplates"
ON_BEHALF = "onBehalfOfSubPartnerOrgId"
UNKNOWN_ID = "bm8tc3VjaC1pZA"
# Generated values (`generated`, extensions 7xxxx, numbers +1408556xxxx) are used nowhere else.
TAKEN_EXTENSION, TAKEN_NUMBER = "1999", "+14085550199"
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_fresh = itertools.count(1)


class RollingBack(Database):
    """A database whose units of work, inside `rolled_back()`, all run in savepoints of one
    transaction that is rolled back at the end: what a request commits there is undone."""

    _connection: Connection | None = None

    @contextmanager
    def rolled_back(self) -> Iterator[None]:
        """Undo every commit made inside the block."""
        with self.engine.connect() as connection:
            outer = connection.begin()
            self._connection = connection
            try:
                yield
            finally:
                self._connection = None
                outer.rollback()

    def open_session(self, *, write: bool) -> Session:
        """Inside `rolled_back()`, a session of the shared transaction; else as always."""
        if self._connection is None:
            return super().open_session(write=write)
        return Session(
            bind=self._connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )


@pytest.fixture
def db(database_url: str) -> Iterator[RollingBack]:
    """The database of this test, able to roll back what an example did."""
    database = RollingBack(database_url, pool_size=5)
    yield database
    database.dispose()


def test_what_an_example_provisions_is_gone_afterwards(
    app_client: TestClient, db: RollingBack, partner: Partner
) -> None:
    with db.rolled_back():
        created = app_client.post(CUSTOMERS, json=customer_body(partner), headers=partner.headers)
        listed = app_client.get(CUSTOMERS, headers=partner.headers)
    after = app_client.get(CUSTOMERS, headers=partner.headers)

    assert created.status_code == 202, created.text
    assert len(listed.json()["items"]) == 1
    assert after.json()["items"] == []


@dataclass(frozen=True)
class World:
    """What generated requests refer to: callers, templates, customers, e-mails, numbers."""

    partner: Partner
    no_pstn_template: str
    sub: SubPartner
    sub_template: str
    suspended: SubPartner
    suspended_customer: str
    customer: dict[str, Any]
    headquarters: str
    limited: str
    busy: str
    foreign: dict[str, Any]
    standalone_org: str
    outside_email: str
    member_email: str
    taken_email: str


def _template(client: TestClient, sub: SubPartner, name: str) -> str:
    body = {"name": name, "pstnProvider": f"{name} PSTN"}
    response = client.post(TEMPLATES, json=body, headers=sub.headers)
    assert response.status_code == 201, response.text
    provisioning_id: str = response.json()["provisioningId"]
    return provisioning_id


@pytest.fixture
def world(
    app_client: TestClient,
    partner: Partner,
    other_partner: Partner,
    db: Database,
    clock: ManualClock,
) -> World:
    """Set up once per test; every example sees it as it is here."""
    no_pstn = app_client.post(TEMPLATES, json={"name": "No PSTN"}, headers=partner.headers)
    sub = set_up_sub_partner(app_client, partner)
    suspended = set_up_sub_partner(app_client, partner)
    sub_template = _template(app_client, sub, "Silver")
    suspended_customer = app_client.post(
        CUSTOMERS,
        json=customer_body(partner, provisioningId=_template(app_client, suspended, "Gold")),
        headers=suspended.headers,
    )
    customer = provision_customer(app_client, partner)
    limits = {**CALLING, "packages": {"limits": {"webex_meetings": 1}}}
    limited = provision_customer(app_client, partner, provisioningParameters=limits)
    foreign = provision_customer(app_client, other_partner)
    taken = provision_subscriber(
        app_client,
        partner,
        customer["id"],
        provisioningParameters={
            "firstName": "Ada",
            "lastName": "Taken",
            "extension": TAKEN_EXTENSION,
            "primaryPhoneNumber": TAKEN_NUMBER,
        },
    )
    former = provision_subscriber(app_client, partner, customer["id"])
    removed = app_client.delete(f"{SUBSCRIBERS}/{former['id']}", headers=partner.headers)
    provision_subscriber(app_client, partner, limited["id"], packages=["webex_meetings"])
    outside = user_outside_wholesale(app_client, operator_headers(db, clock), "free@mail.test")
    locations = app_client.get(
        "/v1/locations", params={"orgId": customer["orgId"]}, headers=partner.headers
    )
    drain(app_client)
    suspend = app_client.post(
        f"/v1/partner/subPartners/{suspended.org_id}/suspend", headers=partner.headers
    )
    busy = app_client.post(CUSTOMERS, json=customer_body(partner), headers=partner.headers)
    assert removed.status_code == 204, removed.text
    assert suspend.status_code == 200, suspend.text
    assert busy.status_code == suspended_customer.status_code == 202
    return World(
        partner=partner,
        no_pstn_template=no_pstn.json()["provisioningId"],
        sub=sub,
        sub_template=sub_template,
        suspended=suspended,
        suspended_customer=suspended_customer.json()["url"].rsplit("/", 1)[1],
        customer=customer,
        headquarters=locations.json()["items"][0]["id"],
        limited=limited["id"],
        busy=busy.json()["url"].rsplit("/", 1)[1],
        foreign=foreign,
        standalone_org=outside["id"],
        outside_email="free@mail.test",
        member_email=former["email"],
        taken_email=taken["email"],
    )


@dataclass
class Case:
    """One generated request: for whom the partner asks (`params`), and the body."""

    params: dict[str, str]
    body: dict[str, Any]


Fault = Callable[[World, Case], None]


def agree(client: TestClient, w: World, url: str, case: Case) -> None:
    """The precheck of the body succeeds iff provisioning it is accepted, and refuses alike."""
    headers = w.partner.headers
    checked = client.post(f"{url}/validate", params=case.params, json=case.body, headers=headers)
    provisioned = client.post(url, params=case.params, json=case.body, headers=headers)
    note(f"{case}")
    note(f"precheck: {checked.status_code} {checked.text}")
    note(f"provisioning: {provisioned.status_code} {provisioned.text}")
    event(f"provisioning answers {provisioned.status_code}")
    if provisioned.status_code in (200, 202):
        assert checked.status_code == 200
    elif provisioned.status_code == 403:
        assert checked.status_code == 403
        assert error_codes(checked) == error_codes(provisioned)
    else:
        assert provisioned.status_code in (400, 404, 409)
        assert checked.status_code == 400
        assert set(error_codes(provisioned)) <= set(error_codes(checked))


def faults(table: dict[str, Fault]) -> st.SearchStrategy[list[str]]:
    """Up to three different things wrong with a valid request, by name."""
    return st.lists(st.sampled_from(sorted(table)), max_size=3, unique=True)


# -- customers ---------------------------------------------------------------------------------

CUSTOMER_VARIANTS = st.fixed_dictionaries(
    {
        "for the sub-partner": st.booleans(),
        "attaching": st.booleans(),
        "customerInfo when attaching": st.booleans(),
        "packages": st.sampled_from(
            [
                ["webex_calling", "webex_meetings"],
                ["webex_meetings"],
                ["webex_suite", "cisco_calling_plan"],
                ["webex_calling", "attendant_console"],
            ]
        ),
        "language": st.sampled_from([None, "fr", "en_GB"]),
        "sub-partner admin": st.booleans(),
    }
)


def valid_customer(w: World, v: dict[str, Any]) -> Case:
    """A request provisioning would accept, of the variant `v`."""
    n = next(_fresh)
    sub = v["for the sub-partner"]
    body: dict[str, Any] = {
        "provisioningId": w.sub_template if sub else w.partner.provisioning_id,
        "packages": list(v["packages"]),
        "externalId": f"generated-{n}",
        "address": dict(ADDRESS),
        "provisioningParameters": CALLING,
    }
    if not v["attaching"] or v["customerInfo when attaching"]:
        name, email = f"Generated {n}", f"owner{n}@generated.test"
        body["customerInfo"] = {"name": name, "primaryEmail": email}
        if v["language"] is not None:
            body["customerInfo"]["language"] = v["language"]
    if v["attaching"]:
        body["orgId"] = w.standalone_org
    if sub and v["sub-partner admin"]:
        body["subPartnerAdminEmail"] = w.sub.admin_email
    return Case({ON_BEHALF: w.sub.org_id} if sub else {}, body)


def _customer_info(case: Case, **fields: str) -> None:
    info = case.body.setdefault("customerInfo", {"name": "Pizza", "primaryEmail": "o@pizza.test"})
    info.update(fields)


CUSTOMER_FAULTS: dict[str, Fault] = {
    "a suspended sub-partner asks": lambda w, c: c.params.update({ON_BEHALF: w.suspended.org_id}),
    "a template without PSTN": lambda w, c: c.body.update(provisioningId=w.no_pstn_template),
    "an unknown template": lambda w, c: c.body.update(provisioningId=UNKNOWN_ID),
    "an unknown package": lambda w, c: c.body["packages"].append("nope"),
    "a package twice": lambda w, c: c.body["packages"].extend(c.body["packages"][:1]),
    "an add-on without its base": lambda w, c: c.body.update(
        packages=["webex_meetings", "cisco_calling_plan"]
    ),
    "no packages": lambda w, c: c.body.update(packages=[]),
    "an organization it manages": lambda w, c: c.body.update(orgId=w.customer["orgId"]),
    "another partner's organization": lambda w, c: c.body.update(orgId=w.foreign["orgId"]),
    "an unknown organization": lambda w, c: c.body.update(orgId=UNKNOWN_ID),
    "a taken externalId": lambda w, c: c.body.update(externalId=w.customer["externalId"]),
    "a blank externalId": lambda w, c: c.body.update(externalId=" "),
    "a long address line": lambda w, c: c.body["address"].update(addressLine1="x" * 51),
    "an unknown country": lambda w, c: c.body["address"].update(country="XX"),
    "a blank city": lambda w, c: c.body["address"].update(city=" "),
    "a name with %": lambda w, c: _customer_info(c, name="100% Pizza"),
    "a blank name": lambda w, c: _customer_info(c, name=" "),
    "an invalid e-mail": lambda w, c: _customer_info(c, primaryEmail="not-an-e-mail"),
    "a blank e-mail": lambda w, c: _customer_info(c, primaryEmail=""),
    "an unsupported language": lambda w, c: _customer_info(c, language="xx_YY"),
    "null parameters": lambda w, c: c.body.update(provisioningParameters=None),
    "no parameters": lambda w, c: c.body.pop("provisioningParameters", None),
    "an unknown time zone": lambda w, c: c.body.update(
        provisioningParameters={**CALLING, "meetings": {"timezone": "Mars/Olympus_Mons"}}
    ),
    "a limit below 0": lambda w, c: c.body.update(
        provisioningParameters={**CALLING, "packages": {"limits": {"webex_calling": -1}}}
    ),
    "a stranger as sub-partner admin": lambda w, c: c.body.update(
        subPartnerAdminEmail="stranger@pizza.test"
    ),
}


@PROPERTY
@given(variant=CUSTOMER_VARIANTS, wrong=faults(CUSTOMER_FAULTS))
def test_a_customer_precheck_succeeds_exactly_when_provisioning_is_accepted(
    app_client: TestClient, db: RollingBack, world: World, variant: dict[str, Any], wrong: list[str]
) -> None:
    case = valid_customer(world, variant)
    for fault in wrong:
        CUSTOMER_FAULTS[fault](world, case)

    with db.rolled_back():
        agree(app_client, world, CUSTOMERS, case)


# -- subscribers -------------------------------------------------------------------------------

SUBSCRIBER_VARIANTS = st.fixed_dictionaries(
    {
        "email": st.sampled_from(["new", "new", "of a member", "of a user outside wholesale"]),
        "package": st.sampled_from(["webex_calling", "webex_meetings"]),
        "as packages": st.booleans(),
        "numbers": st.sampled_from(["extension", "number", "both"]),
        "at headquarters": st.booleans(),
    }
)


def valid_subscriber(w: World, v: dict[str, Any]) -> Case:
    """A request provisioning would accept, of the variant `v`."""
    n = next(_fresh)
    emails = {
        "new": f"user{n}@generated.test",
        "of a member": w.member_email,
        "of a user outside wholesale": w.outside_email,
    }
    parameters = {"firstName": "Ada", "lastName": "Lovelace"}
    if v["numbers"] != "number":
        parameters["extension"] = f"7{n % 10000:04d}"
    if v["numbers"] != "extension":
        parameters["primaryPhoneNumber"] = f"+1408556{n % 10000:04d}"
    if v["at headquarters"]:
        parameters["locationId"] = w.headquarters
    package = {"packages": [v["package"]]} if v["as packages"] else {"package": v["package"]}
    body = {
        "customerId": w.customer["id"],
        "email": emails[v["email"]],
        **package,
        "provisioningParameters": parameters,
    }
    return Case({}, body)


def _package(case: Case, name: str) -> None:
    if "packages" in case.body:
        case.body["packages"] = [name]
    else:
        case.body["package"] = name


def _parameters(case: Case, **fields: str | None) -> None:
    """Change the parameters, if there are any (None: leave the field out)."""
    parameters = case.body["provisioningParameters"]
    if parameters is None:
        return
    for name, value in fields.items():
        if value is None:
            parameters.pop(name, None)
        else:
            parameters[name] = value


SUBSCRIBER_FAULTS: dict[str, Fault] = {
    "its suspended sub-partner asks": lambda w, c: c.params.update({ON_BEHALF: w.suspended.org_id}),
    "a suspended sub-partner's customer": lambda w, c: c.body.update(
        customerId=w.suspended_customer
    ),
    "a customer at its limit": lambda w, c: c.body.update(customerId=w.limited),
    "a customer still provisioning": lambda w, c: c.body.update(customerId=w.busy),
    "an unknown customer": lambda w, c: c.body.update(customerId=UNKNOWN_ID),
    "another partner's customer": lambda w, c: c.body.update(customerId=w.foreign["id"]),
    "a taken e-mail": lambda w, c: c.body.update(email=w.taken_email),
    "an invalid e-mail": lambda w, c: c.body.update(email="not an address"),
    "a package not on the customer": lambda w, c: _package(c, "webex_suite"),
    "not a subscriber package": lambda w, c: _package(c, "common_area_calling"),
    "an unknown package": lambda w, c: _package(c, "nope"),
    "package and packages": lambda w, c: c.body.update(
        package="webex_calling", packages=["webex_calling"]
    ),
    "two packages": lambda w, c: c.body.update(packages=["webex_calling", "webex_meetings"]),
    "null parameters": lambda w, c: c.body.update(provisioningParameters=None),
    "no first name": lambda w, c: _parameters(c, firstName=None),
    "a blank last name": lambda w, c: _parameters(c, lastName=" "),
    "no numbers": lambda w, c: _parameters(c, extension=None, primaryPhoneNumber=None),
    "a taken extension": lambda w, c: _parameters(c, extension=TAKEN_EXTENSION),
    "a malformed extension": lambda w, c: _parameters(c, extension="1"),
    "a taken number": lambda w, c: _parameters(c, primaryPhoneNumber=TAKEN_NUMBER),
    "a malformed number": lambda w, c: _parameters(c, primaryPhoneNumber="555-0100"),
    "an unknown location": lambda w, c: _parameters(c, locationId=UNKNOWN_ID),
}


@PROPERTY
@given(variant=SUBSCRIBER_VARIANTS, wrong=faults(SUBSCRIBER_FAULTS))
def test_a_subscriber_precheck_succeeds_exactly_when_provisioning_is_accepted(
    app_client: TestClient, db: RollingBack, world: World, variant: dict[str, Any], wrong: list[str]
) -> None:
    case = valid_subscriber(world, variant)
    for fault in wrong:
        SUBSCRIBER_FAULTS[fault](world, case)

    with db.rolled_back():
        agree(app_client, world, SUBSCRIBERS, case)
