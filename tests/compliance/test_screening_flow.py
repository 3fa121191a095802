"""Denied-party screening end to end (PRODUCT 4.4, 14): loading lists through
`PUT /v1/ops/screening/list` and `tukku screening load`, new customers held in
`pending_rpl_review`, the hourly re-check clearing them, escalation after 72 hours, operators'
approvals and denials, withdrawal on removal, attached organizations (screening and the
organization admin's approval both needed), the sandbox's scripted compliance hit, and the audit
trail of every step. Time moves only through the test clock; all listed parties are fictional.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import Partner, drain
from tests.customers.test_attach import REQUESTS, attach_body, pending_request
from tests.screening.test_rules import csl
from tests.support import customer_body, error_codes, user_headers
from tukku.app import create_app
from tukku.cli.main import app as cli
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings

CUSTOMERS = "/v1/wholesale/customers"
VALIDATE = "/v1/wholesale/customers/validate"
CASES = "/v1/ops/screening/cases"
LIST = "/v1/ops/screening/list"
CSV = {"Content-Type": "text/csv"}

# The test customers' billing address (tests.support.ADDRESS) is in the US.
LISTED = {
    "_id": "e-7001",
    "source": "Fictional Entity List",
    "programs": "TEST-PROGRAM",
    "name": "Zyxwv Trading Co",
    "addresses": "12 Harbour Road, Portville, XX, 12345, US",
    "alt_names": "Quillmark Export Bureau; ZTC Holding",
    "citizenships": "US",
}
OTHER = {
    "_id": "e-7002",
    "source": "Fictional Entity List",
    "name": "Qorvex Shipping Agency",
    "addresses": "3 Quay Street, Dockton, SE",
}
WITH_ZYXWV = csl(LISTED, OTHER)
WITHOUT_ZYXWV = csl(OTHER)
MATCHING = "Zyxwv Trading Inc."


@pytest.fixture
def sandbox_client(settings: Settings, db: Database, clock: ManualClock) -> Iterator[TestClient]:
    """The app started with `--sandbox` (scripted faults honoured), on the test clock."""
    app = create_app(settings.model_copy(update={"sandbox": True}), db=db, clock=clock)
    with TestClient(app, base_url="http://tukku.test") as client:
        yield client


# -- helpers ------------------------------------------------------------------------------------


def load(client: TestClient, ops: dict[str, str], text: str, name: str = "csl.csv") -> Any:
    response = client.put(
        LIST, content=text.encode(), params={"sourceName": name}, headers={**ops, **CSV}
    )
    assert response.status_code == 200, response.text
    return response.json()


def in_force(client: TestClient, ops: dict[str, str]) -> Any:
    response = client.get(LIST, headers=ops)
    assert response.status_code == 200, response.text
    return response.json()


def create(client: TestClient, partner: Partner, name: str, **overrides: Any) -> str:
    """Ask for a customer called `name`, run the due jobs, and return its ID."""
    body = customer_body(partner, **overrides)
    body["customerInfo"]["name"] = name
    response = client.post(CUSTOMERS, json=body, headers=partner.headers)
    assert response.status_code == 202, response.text
    drain(client)
    customer_id: str = response.json()["url"].rsplit("/", 1)[-1]
    return customer_id


def customer(client: TestClient, partner: Partner, customer_id: str) -> Any:
    response = client.get(f"{CUSTOMERS}/{customer_id}", headers=partner.headers)
    assert response.status_code == 200, response.text
    return response.json()


def cases_of(client: TestClient, ops: dict[str, str], customer_id: str, **params: Any) -> list[Any]:
    response = client.get(CASES, params=params, headers=ops)
    assert response.status_code == 200, response.text
    return [c for c in response.json()["items"] if c["customerId"] == customer_id]


def only_case(client: TestClient, ops: dict[str, str], customer_id: str) -> Any:
    statuses = ["pending", "escalated", "cleared", "approved", "denied", "withdrawn"]
    (case,) = cases_of(client, ops, customer_id, status=statuses)
    return case


def audit(client: TestClient, ops: dict[str, str], customer_id: str) -> list[Any]:
    """The customer's screening audit events, oldest first."""
    response = client.get("/v1/ops/auditEvents", params={"targetId": customer_id}, headers=ops)
    assert response.status_code == 200, response.text
    events = [e for e in response.json()["items"] if e["action"].startswith("screening.")]
    return list(reversed(events))


def advance(client: TestClient, clock: ManualClock, delta: timedelta) -> None:
    clock.advance(delta)
    drain(client)


def escalated_case(
    client: TestClient, partner: Partner, ops: dict[str, str], clock: ManualClock
) -> tuple[str, str]:
    """A matching customer whose case went to the operators' queue: (customer ID, case ID)."""
    customer_id = create(client, partner, MATCHING)
    advance(client, clock, timedelta(hours=72, minutes=1))
    case = only_case(client, ops, customer_id)
    assert case["status"] == "escalated"
    return customer_id, case["id"]


# -- (a) a possible match waits -----------------------------------------------------------------


def test_a_possible_match_waits_in_pending_rpl_review_with_an_open_case(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    load(app_client, ops, WITH_ZYXWV)

    customer_id = create(app_client, partner, MATCHING)

    held = customer(app_client, partner, customer_id)
    assert held["status"] == "pending_rpl_review"
    assert "orgId" not in held  # nothing was provisioned
    assert {p["status"] for p in held["resourceDetails"]["packages"]} == {"provisioning"}
    assert "e-7001" not in json.dumps(held)  # the partner is not told which entry matched
    (case,) = cases_of(app_client, ops, customer_id)  # in the default (open) queue
    assert case["status"] == "pending"
    assert case["customerName"] == MATCHING
    assert case["country"] == "US"
    assert case["scripted"] is False
    assert case["partnerOrgId"] == partner.org_id
    assert [m["ref"] for m in case["matches"]] == ["e-7001"]
    assert case["decided"] is None
    opened = app_client.get(f"{CASES}/{case['id']}", headers=ops)
    assert opened.status_code == 200
    assert opened.json()["id"] == case["id"]
    assert [e["action"] for e in audit(app_client, ops, customer_id)] == ["screening.case_opened"]


def test_a_customer_matching_an_alias_is_held_too(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    load(app_client, ops, WITH_ZYXWV)

    customer_id = create(app_client, partner, "Quillmark Export Bureau LLC")

    assert customer(app_client, partner, customer_id)["status"] == "pending_rpl_review"
    (case,) = cases_of(app_client, ops, customer_id)
    assert [m["matchedName"] for m in case["matches"]] == ["Quillmark Export Bureau"]


def test_precheck_of_a_matching_customer_reports_7001_without_revealing_the_entry(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    body = customer_body(partner)
    body["customerInfo"]["name"] = MATCHING

    response = app_client.post(VALIDATE, json=body, headers=partner.headers)

    assert response.status_code == 400
    assert error_codes(response) == [7001]
    text = response.text
    for secret in ("e-7001", "Fictional Entity List", "TEST-PROGRAM", "Harbour", "Quillmark"):
        assert secret not in text
    # a precheck creates nothing, not even a case
    assert app_client.get(CUSTOMERS, headers=partner.headers).json()["items"] == []
    assert app_client.get(CASES, headers=ops).json()["items"] == []


# -- (h) customers not on the list ----------------------------------------------------------------


def test_a_customer_not_on_the_list_provisions_normally(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    load(app_client, ops, WITH_ZYXWV)

    customer_id = create(app_client, partner, "Northwind Bakery")

    done = customer(app_client, partner, customer_id)
    assert done["status"] == "provisioned"
    assert done["orgId"]
    assert cases_of(app_client, ops, customer_id, status=["pending", "escalated", "cleared"]) == []
    assert audit(app_client, ops, customer_id) == []
    body = customer_body(partner)
    body["customerInfo"]["name"] = "Northwind Bakery"
    precheck = app_client.post(VALIDATE, json=body, headers=partner.headers)
    assert precheck.status_code == 200, precheck.text


def test_without_any_list_every_customer_provisions(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    assert app_client.get(LIST, headers=ops).status_code == 404

    customer_id = create(app_client, partner, MATCHING)

    assert customer(app_client, partner, customer_id)["status"] == "provisioned"


def test_the_compliance_fault_external_id_is_ordinary_outside_the_sandbox(
    app_client: TestClient, partner: Partner
) -> None:
    customer_id = create(
        app_client, partner, "Northwind Bakery", externalId="sandbox-fault-compliance"
    )

    assert customer(app_client, partner, customer_id)["status"] == "provisioned"


# -- (b) the hourly re-check --------------------------------------------------------------------


def test_a_match_cleared_by_a_new_list_provisions_at_the_hourly_recheck(
    app_client: TestClient, partner: Partner, ops: dict[str, str], clock: ManualClock
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    customer_id = create(app_client, partner, MATCHING)
    load(app_client, ops, WITHOUT_ZYXWV, name="csl-update.csv")

    advance(app_client, clock, timedelta(hours=1, minutes=1))

    done = customer(app_client, partner, customer_id)
    assert done["status"] == "provisioned"
    assert done["orgId"]
    case = only_case(app_client, ops, customer_id)
    assert case["status"] == "cleared"
    assert case["decidedBy"] is None  # the platform cleared it, not an operator
    assert cases_of(app_client, ops, customer_id) == []  # out of the review queue
    events = audit(app_client, ops, customer_id)
    assert [e["action"] for e in events] == ["screening.case_opened", "screening.cleared"]
    assert events[1]["actorUserId"] is None


def test_a_match_still_listed_stays_pending_through_the_rechecks(
    app_client: TestClient, partner: Partner, ops: dict[str, str], clock: ManualClock
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    customer_id = create(app_client, partner, MATCHING)

    for _ in range(3):
        advance(app_client, clock, timedelta(hours=1))

    assert customer(app_client, partner, customer_id)["status"] == "pending_rpl_review"
    assert only_case(app_client, ops, customer_id)["status"] == "pending"
    assert [e["action"] for e in audit(app_client, ops, customer_id)] == ["screening.case_opened"]


# -- (c) escalation after 72 hours and approval ---------------------------------------------------


def test_a_match_pending_72_hours_escalates_and_an_approval_provisions_it(
    app_client: TestClient, partner: Partner, ops: dict[str, str], clock: ManualClock
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    customer_id = create(app_client, partner, MATCHING)

    advance(app_client, clock, timedelta(hours=71))
    assert only_case(app_client, ops, customer_id)["status"] == "pending"

    advance(app_client, clock, timedelta(hours=1, minutes=1))
    case = only_case(app_client, ops, customer_id)
    assert case["status"] == "escalated"
    assert case["escalated"] is not None
    held = customer(app_client, partner, customer_id)
    assert held["status"] == "pending_rpl_review"
    assert "orgId" not in held
    assert [c["id"] for c in cases_of(app_client, ops, customer_id, status="escalated")] == [
        case["id"]
    ]

    approved = app_client.post(
        f"{CASES}/{case['id']}/approve", json={"note": "different company"}, headers=ops
    )

    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["reason"] == "different company"
    assert approved.json()["decidedBy"]
    drain(app_client)
    done = customer(app_client, partner, customer_id)
    assert done["status"] == "provisioned"
    assert done["orgId"]
    events = audit(app_client, ops, customer_id)
    assert [e["action"] for e in events] == [
        "screening.case_opened",
        "screening.escalated",
        "screening.approved",
    ]
    assert events[1]["actorUserId"] is None
    assert events[2]["actorUserId"] == approved.json()["decidedBy"]


def test_an_escalated_case_waits_for_an_operator_even_when_the_list_clears(
    app_client: TestClient, partner: Partner, ops: dict[str, str], clock: ManualClock
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    customer_id, case_id = escalated_case(app_client, partner, ops, clock)
    load(app_client, ops, WITHOUT_ZYXWV)

    advance(app_client, clock, timedelta(hours=2))

    assert customer(app_client, partner, customer_id)["status"] == "pending_rpl_review"
    assert app_client.get(f"{CASES}/{case_id}", headers=ops).json()["status"] == "escalated"


def test_an_operator_may_approve_a_case_before_it_escalates(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    customer_id = create(app_client, partner, MATCHING)
    case_id = only_case(app_client, ops, customer_id)["id"]

    approved = app_client.post(f"{CASES}/{case_id}/approve", json={}, headers=ops)

    assert approved.status_code == 200, approved.text
    drain(app_client)
    assert customer(app_client, partner, customer_id)["status"] == "provisioned"


# -- (d) denial and the errors of the decision routes ---------------------------------------------


def test_a_denied_customer_ends_in_error_7002_with_the_reason(
    app_client: TestClient, partner: Partner, ops: dict[str, str], clock: ManualClock
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    customer_id, case_id = escalated_case(app_client, partner, ops, clock)
    reason = "Confirmed match with listed entity, ticket CR-118"

    denied = app_client.post(f"{CASES}/{case_id}/deny", json={"reason": reason}, headers=ops)

    assert denied.status_code == 200, denied.text
    assert denied.json()["status"] == "denied"
    assert denied.json()["reason"] == reason
    drain(app_client)
    failed = customer(app_client, partner, customer_id)
    assert failed["status"] == "error"
    assert "orgId" not in failed
    (error,) = failed["errors"]
    assert error["errorCode"] == 7002
    assert reason in error["description"]
    events = audit(app_client, ops, customer_id)
    assert [e["action"] for e in events] == [
        "screening.case_opened",
        "screening.escalated",
        "screening.denied",
    ]
    assert events[2]["actorUserId"] == denied.json()["decidedBy"]
    assert events[2]["after"]["reason"] == reason


BAD_DENIALS = [
    ({}, 1001),
    ({"reason": ""}, 1002),
    ({"reason": "   "}, 1002),
    ({"reason": "x" * 1001}, 1002),
]


def test_a_denial_needs_a_reason(
    app_client: TestClient, partner: Partner, ops: dict[str, str], clock: ManualClock
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    customer_id, case_id = escalated_case(app_client, partner, ops, clock)

    for body, code in BAD_DENIALS:
        response = app_client.post(f"{CASES}/{case_id}/deny", json=body, headers=ops)

        assert response.status_code == 400, body
        assert error_codes(response) == [code], body
    assert app_client.get(f"{CASES}/{case_id}", headers=ops).json()["status"] == "escalated"
    assert customer(app_client, partner, customer_id)["status"] == "pending_rpl_review"


def test_a_closed_case_cannot_be_decided_again(
    app_client: TestClient, partner: Partner, ops: dict[str, str], clock: ManualClock
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    customer_id, case_id = escalated_case(app_client, partner, ops, clock)
    denied = app_client.post(f"{CASES}/{case_id}/deny", json={"reason": "listed"}, headers=ops)
    assert denied.status_code == 200

    again = app_client.post(f"{CASES}/{case_id}/approve", json={}, headers=ops)
    deny_again = app_client.post(f"{CASES}/{case_id}/deny", json={"reason": "x"}, headers=ops)

    assert again.status_code == 409
    assert error_codes(again) == [7004]
    assert deny_again.status_code == 409
    assert error_codes(deny_again) == [7004]
    assert customer(app_client, partner, customer_id)["status"] == "error"


def test_approving_a_cleared_case_is_a_conflict(
    app_client: TestClient, partner: Partner, ops: dict[str, str], clock: ManualClock
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    customer_id = create(app_client, partner, MATCHING)
    load(app_client, ops, WITHOUT_ZYXWV)
    advance(app_client, clock, timedelta(hours=1, minutes=1))
    case = only_case(app_client, ops, customer_id)
    assert case["status"] == "cleared"

    response = app_client.post(f"{CASES}/{case['id']}/approve", json={}, headers=ops)

    assert response.status_code == 409
    assert error_codes(response) == [7004]


def test_an_unknown_case_is_404_7003(app_client: TestClient, ops: dict[str, str]) -> None:
    for method, suffix, body in [
        ("get", "", None),
        ("post", "/approve", {}),
        ("post", "/deny", {"reason": "listed"}),
    ]:
        response = app_client.request(
            method, f"{CASES}/no-such-case{suffix}", json=body, headers=ops
        )

        assert response.status_code == 404, suffix
        assert error_codes(response) == [7003], suffix


def test_partner_tokens_may_not_use_the_screening_routes(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    before = load(app_client, ops, WITH_ZYXWV)
    replace = app_client.put(
        LIST, content=WITHOUT_ZYXWV.encode(), headers={**partner.headers, **CSV}
    )
    assert replace.status_code == 403
    assert error_codes(replace) == [1011]
    assert in_force(app_client, ops) == before
    for method, path, body in [
        ("get", CASES, None),
        ("get", f"{CASES}/some-case", None),
        ("post", f"{CASES}/some-case/approve", {}),
        ("post", f"{CASES}/some-case/deny", {"reason": "listed"}),
        ("get", LIST, None),
    ]:
        response = app_client.request(method, path, json=body, headers=partner.headers)

        assert response.status_code == 403, path
        assert error_codes(response) == [1011], path


def test_partners_cannot_decide_their_own_case(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    customer_id = create(app_client, partner, MATCHING)
    case_id = only_case(app_client, ops, customer_id)["id"]

    response = app_client.post(f"{CASES}/{case_id}/approve", json={}, headers=partner.headers)

    assert response.status_code == 403
    assert error_codes(response) == [1011]
    assert only_case(app_client, ops, customer_id)["status"] == "pending"


# -- (e) removal ---------------------------------------------------------------------------------


@pytest.mark.parametrize("escalate", [False, True], ids=["pending", "escalated"])
def test_removing_a_held_customer_withdraws_its_case(
    app_client: TestClient,
    partner: Partner,
    ops: dict[str, str],
    clock: ManualClock,
    escalate: bool,
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    if escalate:
        customer_id, _ = escalated_case(app_client, partner, ops, clock)
    else:
        customer_id = create(app_client, partner, MATCHING)

    removed = app_client.delete(f"{CUSTOMERS}/{customer_id}", headers=partner.headers)

    assert removed.status_code == 202
    drain(app_client)
    case = only_case(app_client, ops, customer_id)
    assert case["status"] == "withdrawn"
    assert cases_of(app_client, ops, customer_id) == []
    approve = app_client.post(f"{CASES}/{case['id']}/approve", json={}, headers=ops)
    assert approve.status_code == 409
    assert error_codes(approve) == [7004]
    actions = [e["action"] for e in audit(app_client, ops, customer_id)]
    assert actions[-1] == "screening.withdrawn"
    assert app_client.get(f"{CUSTOMERS}/{customer_id}", headers=partner.headers).status_code == 404


# -- (f) the sandbox's scripted compliance hit ----------------------------------------------------


def test_the_sandbox_compliance_fault_holds_the_customer_whatever_the_list(
    sandbox_client: TestClient, partner: Partner, ops: dict[str, str], clock: ManualClock
) -> None:
    client = sandbox_client
    customer_id = create(
        client, partner, "Northwind Bakery", externalId="sandbox-fault-compliance--t1"
    )

    assert customer(client, partner, customer_id)["status"] == "pending_rpl_review"
    case = only_case(client, ops, customer_id)
    assert case["status"] == "pending"
    assert case["scripted"] is True

    # no list matches it, yet the re-checks never clear it
    load(client, ops, WITHOUT_ZYXWV)
    advance(client, clock, timedelta(hours=1, minutes=1))
    advance(client, clock, timedelta(hours=70))
    assert only_case(client, ops, customer_id)["status"] == "pending"
    assert customer(client, partner, customer_id)["status"] == "pending_rpl_review"

    advance(client, clock, timedelta(hours=1))  # 72 h 1 min after the request
    assert only_case(client, ops, customer_id)["status"] == "escalated"
    assert customer(client, partner, customer_id)["status"] == "pending_rpl_review"
    assert [e["action"] for e in audit(client, ops, customer_id)] == [
        "screening.case_opened",
        "screening.escalated",
    ]

    approved = client.post(f"{CASES}/{case['id']}/approve", json={}, headers=ops)
    assert approved.status_code == 200, approved.text
    drain(client)
    assert customer(client, partner, customer_id)["status"] == "provisioned"


def test_the_sandbox_compliance_fault_fails_the_precheck_with_7001(
    sandbox_client: TestClient, partner: Partner
) -> None:
    body = customer_body(partner, externalId="sandbox-fault-compliance")

    response = sandbox_client.post(VALIDATE, json=body, headers=partner.headers)

    assert response.status_code == 400
    assert error_codes(response) == [7001]


def test_in_the_sandbox_ordinary_customers_are_screened_as_usual(
    sandbox_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    load(sandbox_client, ops, WITH_ZYXWV)

    held = create(sandbox_client, partner, MATCHING)
    clean = create(sandbox_client, partner, "Northwind Bakery")

    assert customer(sandbox_client, partner, held)["status"] == "pending_rpl_review"
    assert only_case(sandbox_client, ops, held)["scripted"] is False
    assert customer(sandbox_client, partner, clean)["status"] == "provisioned"


# -- attaching an existing organization (PRODUCT 4.3) ---------------------------------------------


def listed_org(client: TestClient, ops: dict[str, str], *, verified: bool) -> tuple[str, str]:
    """An organization outside wholesale named like the listed party: (its ID, its admin)."""
    admin = f"admin@{'verified' if verified else 'small'}-zyxwv.test"
    body = {
        "name": MATCHING,
        "users": [{"email": admin, "firstName": "Ada", "lastName": "Admin", "admin": True}],
        "verifiedDomains": ["zyxwv.example"] if verified else [],
    }
    response = client.post("/v1/ops/organizations", json=body, headers=ops)
    assert response.status_code == 201, response.text
    org_id: str = response.json()["id"]
    return org_id, admin


def attach_listed(client: TestClient, partner: Partner, org_id: str) -> str:
    response = client.post(CUSTOMERS, json=attach_body(partner, org_id), headers=partner.headers)
    assert response.status_code == 202, response.text
    drain(client)
    customer_id: str = response.json()["url"].rsplit("/", 1)[-1]
    return customer_id


def test_an_attached_organization_is_screened_by_its_own_name(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    org_id, _ = listed_org(app_client, ops, verified=False)

    customer_id = attach_listed(app_client, partner, org_id)

    assert customer(app_client, partner, customer_id)["status"] == "pending_rpl_review"
    case = only_case(app_client, ops, customer_id)
    assert case["customerName"] == MATCHING
    approved = app_client.post(f"{CASES}/{case['id']}/approve", json={}, headers=ops)
    assert approved.status_code == 200, approved.text
    drain(app_client)
    done = customer(app_client, partner, customer_id)
    assert done["status"] == "provisioned"
    assert done["orgId"] == org_id


@pytest.mark.parametrize("ops_first", [True, False], ids=["ops first", "org admin first"])
def test_an_attachment_needing_approval_waits_for_the_org_admin_and_screening(
    app_client: TestClient,
    partner: Partner,
    ops: dict[str, str],
    db: Database,
    clock: ManualClock,
    ops_first: bool,
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    org_id, admin_email = listed_org(app_client, ops, verified=True)
    customer_id = attach_listed(app_client, partner, org_id)
    admin = user_headers(db, clock, admin_email)
    request_id = pending_request(app_client, admin)["id"]
    case_id = only_case(app_client, ops, customer_id)["id"]

    def approve_screening() -> None:
        response = app_client.post(f"{CASES}/{case_id}/approve", json={}, headers=ops)
        assert response.status_code == 200, response.text

    def approve_attachment() -> None:
        response = app_client.post(f"{REQUESTS}/{request_id}/approve", headers=admin)
        assert response.status_code == 200, response.text

    first, second = (
        (approve_screening, approve_attachment)
        if ops_first
        else (approve_attachment, approve_screening)
    )
    first()
    drain(app_client)
    halfway = customer(app_client, partner, customer_id)
    assert halfway["status"] == ("provisioning" if ops_first else "pending_rpl_review")

    second()
    drain(app_client)
    assert customer(app_client, partner, customer_id)["status"] == "provisioned"


def test_an_org_admin_rejecting_the_attachment_withdraws_the_screening_case(
    app_client: TestClient, partner: Partner, ops: dict[str, str], db: Database, clock: ManualClock
) -> None:
    load(app_client, ops, WITH_ZYXWV)
    org_id, admin_email = listed_org(app_client, ops, verified=True)
    customer_id = attach_listed(app_client, partner, org_id)
    admin = user_headers(db, clock, admin_email)
    request_id = pending_request(app_client, admin)["id"]

    rejected = app_client.post(f"{REQUESTS}/{request_id}/reject", headers=admin)

    assert rejected.status_code == 200, rejected.text
    drain(app_client)
    failed = customer(app_client, partner, customer_id)
    assert failed["status"] == "error"
    assert [e["errorCode"] for e in failed["errors"]] == [4022]
    assert only_case(app_client, ops, customer_id)["status"] == "withdrawn"
    assert [e["action"] for e in audit(app_client, ops, customer_id)] == [
        "screening.case_opened",
        "screening.withdrawn",
    ]


# -- (g, i) the list in force -------------------------------------------------------------------


def test_loading_a_list_puts_it_in_force_and_is_audited(
    app_client: TestClient, ops: dict[str, str], clock: ManualClock
) -> None:
    loaded = load(app_client, ops, WITH_ZYXWV, name="csl-2027-01-03.csv")

    assert loaded == in_force(app_client, ops)
    assert loaded["entryCount"] == 2
    assert loaded["sourceName"] == "csl-2027-01-03.csv"
    assert loaded["sha256"] == hashlib.sha256(WITH_ZYXWV.encode()).hexdigest()
    assert loaded["loadedBy"]
    events = app_client.get(
        "/v1/ops/auditEvents", params={"action": "screening.list_loaded"}, headers=ops
    ).json()["items"]
    (event,) = events
    assert event["targetType"] == "screening_list"
    assert event["targetId"] == str(loaded["id"])
    assert event["actorUserId"] == loaded["loadedBy"]
    assert event["after"]["entries"] == 2

    clock.advance(timedelta(minutes=5))
    newer = load(app_client, ops, WITHOUT_ZYXWV, name="csl-2027-01-04.csv")
    assert newer["id"] != loaded["id"]
    assert in_force(app_client, ops) == newer
    assert newer["entryCount"] == 1


def test_a_list_with_a_byte_order_mark_loads(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    response = app_client.put(
        LIST, content=b"\xef\xbb\xbf" + WITH_ZYXWV.encode(), headers={**ops, **CSV}
    )

    assert response.status_code == 200, response.text
    assert response.json()["entryCount"] == 2
    customer_id = create(app_client, partner, MATCHING)
    assert customer(app_client, partner, customer_id)["status"] == "pending_rpl_review"


def test_a_list_of_names_alone_uploads(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    # `name` is the only required column (docs/compliance.md)
    response = app_client.put(
        LIST, content=b"name\nZyxwv Trading Co\nQorvex Shipping Agency\n", headers={**ops, **CSV}
    )

    assert response.status_code == 200, response.text
    assert response.json()["entryCount"] == 2
    customer_id = create(app_client, partner, MATCHING)
    assert customer(app_client, partner, customer_id)["status"] == "pending_rpl_review"


BAD_UPLOADS = [
    ("no name column", b"_id,source,title\ne-9,EL,Zyxwv Trading\n", CSV, 400, 7005),
    ("not UTF-8", csl({"_id": "e-9", "name": "Blørp Ståhl"}).encode("latin-1"), CSV, 400, 7005),
    ("header only", csl().encode(), CSV, 400, 7005),
    ("empty", b"", CSV, 400, 7005),
    ("a row without a name", csl(OTHER, {"_id": "e-9", "name": ""}).encode(), CSV, 400, 7005),
    ("JSON type", WITHOUT_ZYXWV.encode(), {"Content-Type": "application/json"}, 415, 1004),
    ("no content type", WITHOUT_ZYXWV.encode(), {}, 415, 1004),
]


def test_a_bad_upload_is_refused_and_the_list_in_force_stays(
    app_client: TestClient, partner: Partner, ops: dict[str, str]
) -> None:
    before = load(app_client, ops, WITH_ZYXWV)

    for what, content, headers, status, code in BAD_UPLOADS:
        response = app_client.put(LIST, content=content, headers={**ops, **headers})

        assert response.status_code == status, (what, response.text)
        assert error_codes(response) == [code], what
        assert in_force(app_client, ops) == before, what
    customer_id = create(app_client, partner, MATCHING)
    assert customer(app_client, partner, customer_id)["status"] == "pending_rpl_review"
    loads = app_client.get(
        "/v1/ops/auditEvents", params={"action": "screening.list_loaded"}, headers=ops
    ).json()["items"]
    assert len(loads) == 1


def test_a_refused_upload_names_the_lines_without_a_name(
    app_client: TestClient, ops: dict[str, str]
) -> None:
    text = csl(OTHER, {"_id": "e-9", "name": ""}, LISTED, {"_id": "e-10", "name": " "})

    response = app_client.put(LIST, content=text.encode(), headers={**ops, **CSV})

    assert response.status_code == 400
    assert error_codes(response) == [7005]
    assert "line 3" in response.text
    assert "line 5" in response.text
    assert app_client.get(LIST, headers=ops).status_code == 404


# -- the command line -----------------------------------------------------------------------------


def tukku_screening_load(database_url: str, path: Path) -> Result:
    """`tukku screening load PATH --json` against the test database, in process."""
    return CliRunner().invoke(
        cli, ["screening", "load", str(path), "--json", "--database-url", database_url]
    )


def test_tukku_screening_load_puts_a_file_in_force(
    app_client: TestClient,
    partner: Partner,
    ops: dict[str, str],
    database_url: str,
    tmp_path: Path,
) -> None:
    good = tmp_path / "consolidated.csv"
    good.write_text(WITH_ZYXWV, encoding="utf-8", newline="")
    bad = tmp_path / "broken.csv"
    bad.write_text(csl(OTHER, {"_id": "e-9", "name": ""}), encoding="utf-8", newline="")

    loaded = tukku_screening_load(database_url, good)
    refused = tukku_screening_load(database_url, bad)

    assert loaded.exit_code == 0, loaded.output
    result = json.loads(loaded.stdout)
    assert set(result) == {"listId", "entries", "sha256"}
    assert result["entries"] == 2
    assert refused.exit_code == 1
    assert "line 3" in refused.stderr
    current = in_force(app_client, ops)
    assert current["id"] == result["listId"]
    assert current["sourceName"] == "consolidated.csv"
    assert current["entryCount"] == 2
    assert current["loadedBy"] is None
    customer_id = create(app_client, partner, MATCHING)
    assert customer(app_client, partner, customer_id)["status"] == "pending_rpl_review"


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_the_sha256_shown_is_the_loaded_file_s(
    app_client: TestClient, ops: dict[str, str], database_url: str, tmp_path: Path, newline: str
) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_bytes(WITH_ZYXWV.replace("\r\n", "\n").replace("\n", newline).encode())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()  # what `sha256sum` prints

    loaded = tukku_screening_load(database_url, path)

    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["sha256"] == digest
    assert in_force(app_client, ops)["sha256"] == digest
    uploaded = load(app_client, ops, path.read_bytes().decode("utf-8"))
    assert uploaded["sha256"] == digest
