"""Names refuse control characters: every API that takes a name answers 400 naming the field, and
creates or changes nothing (a CR/LF in a customer name once made mail that retried for weeks)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import func, select

from tests.conftest import Partner
from tests.support import (
    customer_body,
    first_admin_headers,
    operator_headers,
    provision_customer,
    provision_subscriber,
    sub_partner_body,
    subscriber_body,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Base, Database
from tukku.core.errors import Codes
from tukku.core.validation import Name, has_control_characters

BAD = "Pizza\r\nBcc: everyone@pizza.test"
REFUSAL = "must not contain control characters (line breaks, tabs)"

Read = tuple[str, dict[str, str]]


def with_value(body: dict[str, Any], field: str, value: str) -> dict[str, Any]:
    """A deep copy of `body` with the dotted camelCase `field` (list indexes as numbers) set."""
    result = copy.deepcopy(body)
    *parents, last = field.split(".")
    target: Any = result
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return result


# Counted for every request, refused or not (throttling on PostgreSQL): no domain change.
NOT_DOMAIN_TABLES = frozenset({"throttle_counters"})


def row_counts(db: Database) -> dict[str, int]:
    with db.unit_of_work(write=False) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name not in NOT_DOMAIN_TABLES
        }


def snapshot(client: TestClient, reads: list[Read]) -> list[Any]:
    return [client.get(path, headers=headers).json() for path, headers in reads]


def assert_refused(
    client: TestClient,
    db: Database,
    method: str,
    path: str,
    body: dict[str, Any],
    field: str,
    headers: dict[str, str],
    reads: list[Read] | None = None,
) -> None:
    """`field` set to a name with CR/LF is refused with 400 naming it and changes nothing; the
    same request with the name as it was succeeds (so the name alone was refused)."""
    before, seen = row_counts(db), snapshot(client, reads or [])

    response = client.request(method, path, json=with_value(body, field, BAD), headers=headers)

    assert response.status_code == 400, response.text
    (problem,) = response.json()["errors"]
    assert problem["errorCode"] == Codes.INVALID_FIELD.number
    assert problem["description"] == f"{field}: {REFUSAL}"
    assert row_counts(db) == before
    assert snapshot(client, reads or []) == seen
    clean = client.request(method, path, json=body, headers=headers)
    assert clean.status_code < 300, clean.text


# -- the rule -------------------------------------------------------------------------------


REFUSED = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]] + ["\u2028", "\u2029"]


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_control_character_anywhere_is_refused(char: str) -> None:
    for name in (char, f"Ada{char}", f"{char}Ada", f"A{char}da"):
        assert has_control_characters(name)
        with pytest.raises(ValidationError, match="control characters"):
            TypeAdapter(Name).validate_python(name)


@pytest.mark.parametrize(
    "name",
    [
        "Ada Lovelace",
        "Zoë O'Brien-Øster",
        "Müller & Söhne GmbH",
        "株式会社ピザ",
        "محمد\u200cرضا",  # zero-width non-joiner, part of Persian spelling
        "Pizza\u00a0Phone",  # no-break space
        "👩\u200d💻 Studio",  # zero-width joiner inside an emoji
        "50% off",
    ],
)
def test_names_people_write_are_kept_as_given(name: str) -> None:
    assert not has_control_characters(name)
    assert TypeAdapter(Name).validate_python(name) == name


# -- every API that takes a name ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/wholesale/customers", "customerInfo.name"),
        ("/v1/wholesale/customers", "provisioningParameters.calling.location.name"),
        ("/v1/wholesale/customers/validate", "customerInfo.name"),
    ],
)
def test_customers(
    app_client: TestClient, partner: Partner, db: Database, path: str, field: str
) -> None:
    body = customer_body(partner)
    assert_refused(app_client, db, "POST", path, body, field, partner.headers)


@pytest.mark.parametrize("field", ["name", "adminFirstName", "adminLastName"])
def test_sub_partners(app_client: TestClient, partner: Partner, db: Database, field: str) -> None:
    body = sub_partner_body()
    assert_refused(app_client, db, "POST", "/v1/partner/subPartners", body, field, partner.headers)


@pytest.fixture
def customer(app_client: TestClient, partner: Partner) -> dict[str, Any]:
    return provision_customer(app_client, partner)


@pytest.mark.parametrize(
    "path", ["/v1/wholesale/subscribers", "/v1/wholesale/subscribers/validate"]
)
@pytest.mark.parametrize(
    "field", ["provisioningParameters.firstName", "provisioningParameters.lastName"]
)
def test_subscribers(
    app_client: TestClient,
    partner: Partner,
    db: Database,
    customer: dict[str, Any],
    path: str,
    field: str,
) -> None:
    body = subscriber_body(customer["id"])
    assert_refused(app_client, db, "POST", path, body, field, partner.headers)


TEMPLATES = "/v1/partner/onboardingTemplates"
TEMPLATE = {"name": "Branded", "brandName": "PizzaPhone", "pstnProvider": "Acme PSTN"}


@pytest.mark.parametrize("field", ["name", "brandName", "pstnProvider"])
def test_onboarding_templates_created(
    app_client: TestClient, partner: Partner, db: Database, field: str
) -> None:
    assert_refused(app_client, db, "POST", TEMPLATES, TEMPLATE, field, partner.headers)


@pytest.mark.parametrize("field", ["name", "brandName", "pstnProvider"])
def test_onboarding_templates_replaced(
    app_client: TestClient, partner: Partner, db: Database, field: str
) -> None:
    path = (
        f"{TEMPLATES}/{app_client.get(TEMPLATES, headers=partner.headers).json()['items'][0]['id']}"
    )
    reads = [(path, partner.headers)]
    assert_refused(app_client, db, "PUT", path, TEMPLATE, field, partner.headers, reads)


@pytest.fixture
def customer_admin(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> tuple[dict[str, str], str]:
    """Headers of a customer's administrator (restricted mode off, so it may change
    anything) and its own user ID."""
    customer = provision_customer(app_client, partner)
    admin = provision_subscriber(app_client, partner, customer["id"])
    response = app_client.put(
        f"/v1/partner/customers/{customer['id']}/restrictedMode",
        json={"enabled": False},
        headers=partner.headers,
    )
    assert response.status_code == 200, response.text
    return first_admin_headers(db, clock, customer["orgId"]), admin["personId"]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PATCH", "/v1/customer/organization", {"name": "Pizza Co"}, "name"),
        (
            "POST",
            "/v1/customer/users",
            {"email": "grace@pizza.test", "firstName": "Grace", "lastName": "Hopper"},
            "firstName",
        ),
        (
            "POST",
            "/v1/customer/users",
            {"email": "grace@pizza.test", "firstName": "Grace", "lastName": "Hopper"},
            "lastName",
        ),
        ("PATCH", "/v1/customer/users/{me}", {"firstName": "Ada"}, "firstName"),
        ("PATCH", "/v1/customer/users/{me}", {"lastName": "Byron"}, "lastName"),
        ("PATCH", "/v1/customer/users/{me}", {"displayName": "Ada B."}, "displayName"),
    ],
)
def test_customer_administration(
    app_client: TestClient,
    db: Database,
    customer_admin: tuple[dict[str, str], str],
    method: str,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    headers, me = customer_admin
    reads = [("/v1/customer/organization", headers), ("/v1/customer/users", headers)]
    path = path.format(me=me)
    assert_refused(app_client, db, method, path, body, field, headers, reads)


@pytest.mark.parametrize("field", ["name", "users.0.firstName", "users.0.lastName"])
def test_operator_organizations(
    app_client: TestClient, db: Database, clock: ManualClock, field: str
) -> None:
    user = {"email": "grace@free.test", "firstName": "Grace", "lastName": "Hopper"}
    body = {"name": "Free Accounts", "users": [user]}
    ops = operator_headers(db, clock)
    assert_refused(app_client, db, "POST", "/v1/ops/organizations", body, field, ops)
