"""`/v1/sandbox/clock` and scripted faults, on a server started with `--sandbox`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.conftest import Partner, drain, make_partner
from tests.support import customer_body, error_codes, subscriber_body
from tukku.core.clock import real_now
from tukku.core.db import Database
from tukku.core.timefmt import iso, parse_instant
from tukku.customers.job_kinds import PROVISION
from tukku.jobs.models import Job


@pytest.fixture
def partner_in_sandbox(sandbox: TestClient, db: Database) -> Partner:
    return make_partner(db, sandbox.app.state.clock)  # type: ignore[attr-defined]


def now(client: TestClient, partner: Partner) -> str:
    response = client.get("/v1/sandbox/clock", headers=partner.headers)
    assert response.status_code == 200
    value: str = response.json()["now"]
    return value


def test_the_clock_stands_still_until_moved(
    sandbox: TestClient, partner_in_sandbox: Partner
) -> None:
    first = now(sandbox, partner_in_sandbox)

    assert now(sandbox, partner_in_sandbox) == first


def test_moving_to_an_instant_and_by_seconds(
    sandbox: TestClient, partner_in_sandbox: Partner, ops: dict[str, str]
) -> None:
    start = parse_instant(now(sandbox, partner_in_sandbox))
    target = start + timedelta(days=30, hours=2)

    moved = sandbox.post("/v1/sandbox/clock", json={"now": iso(target)}, headers=ops)
    advanced = sandbox.post("/v1/sandbox/clock", json={"advanceSeconds": 90}, headers=ops)

    assert moved.json() == {"now": iso(target)}
    assert advanced.json() == {"now": iso(target + timedelta(seconds=90))}
    assert now(sandbox, partner_in_sandbox) == iso(target + timedelta(seconds=90))


def test_the_clock_never_goes_back(
    sandbox: TestClient, partner_in_sandbox: Partner, ops: dict[str, str]
) -> None:
    earlier = parse_instant(now(sandbox, partner_in_sandbox)) - timedelta(seconds=1)

    response = sandbox.post("/v1/sandbox/clock", json={"now": iso(earlier)}, headers=ops)

    assert response.status_code == 409
    assert error_codes(response) == [9001]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"now": "2030-01-01T00:00:00Z", "advanceSeconds": 5},
        {"now": "next tuesday"},
        {"advanceSeconds": -5},
    ],
)
def test_bad_moves_are_refused(
    sandbox: TestClient, ops: dict[str, str], body: dict[str, object]
) -> None:
    response = sandbox.post("/v1/sandbox/clock", json=body, headers=ops)

    assert response.status_code == 400


def test_the_clock_needs_a_token(sandbox: TestClient) -> None:
    assert sandbox.get("/v1/sandbox/clock").status_code == 401
    assert sandbox.post("/v1/sandbox/clock", json={"advanceSeconds": 1}).status_code == 401


def test_platform_timestamps_follow_the_virtual_clock(
    sandbox: TestClient, partner_in_sandbox: Partner, ops: dict[str, str]
) -> None:
    headers = partner_in_sandbox.headers
    target = parse_instant(now(sandbox, partner_in_sandbox)) + timedelta(days=365)
    accepted = sandbox.post(
        "/v1/wholesale/customers", json=customer_body(partner_in_sandbox), headers=headers
    )
    sandbox.post("/v1/sandbox/clock", json={"now": iso(target)}, headers=ops)
    customer = sandbox.get(accepted.json()["url"], headers=headers).json()

    subscriber = sandbox.post(
        "/v1/wholesale/subscribers", json=subscriber_body(customer["id"]), headers=headers
    ).json()

    assert subscriber["created"] == iso(target)


def test_moving_the_clock_answers_after_due_jobs_have_run(
    sandbox: TestClient, partner_in_sandbox: Partner, ops: dict[str, str]
) -> None:
    headers = partner_in_sandbox.headers
    accepted = sandbox.post(
        "/v1/wholesale/customers", json=customer_body(partner_in_sandbox), headers=headers
    )
    assert sandbox.get(accepted.json()["url"], headers=headers).json()["status"] == "provisioning"

    sandbox.post("/v1/sandbox/clock", json={"advanceSeconds": 0}, headers=ops)

    assert sandbox.get(accepted.json()["url"], headers=headers).json()["status"] == "provisioned"


def test_scripted_customer_error(
    sandbox: TestClient, partner_in_sandbox: Partner, ops: dict[str, str]
) -> None:
    headers = partner_in_sandbox.headers
    body = customer_body(partner_in_sandbox, externalId="sandbox-fault-error-4019--a")
    url = sandbox.post("/v1/wholesale/customers", json=body, headers=headers).json()["url"]

    sandbox.post("/v1/sandbox/clock", json={"advanceSeconds": 1}, headers=ops)
    customer = sandbox.get(url, headers=headers).json()

    assert customer["status"] == "error"
    assert [e["errorCode"] for e in customer["errors"]] == [4019]
    assert "orgId" not in customer


def test_scripted_package_maintenance_warning(
    sandbox: TestClient, partner_in_sandbox: Partner, ops: dict[str, str]
) -> None:
    headers = partner_in_sandbox.headers
    body = customer_body(
        partner_in_sandbox, externalId="sandbox-fault-package-webex_calling-2560--b"
    )
    url = sandbox.post("/v1/wholesale/customers", json=body, headers=headers).json()["url"]

    sandbox.post("/v1/sandbox/clock", json={"advanceSeconds": 1}, headers=ops)
    customer = sandbox.get(url, headers=headers).json()

    assert customer["status"] == "provisioned_with_errors"
    packages = {p["name"]: p for p in customer["resourceDetails"]["packages"]}
    assert packages["webex_calling"]["status"] == "error"
    assert [w["errorCode"] for w in packages["webex_calling"]["warnings"]] == [2560]
    assert packages["webex_meetings"]["status"] == "provisioned"


def test_slow_provisioning_reschedules_its_job_instead_of_holding_a_worker(
    sandbox: TestClient, partner_in_sandbox: Partner, db: Database
) -> None:
    headers = partner_in_sandbox.headers
    body = customer_body(partner_in_sandbox, externalId="sandbox-fault-slow-300--d")
    before = real_now()
    url = sandbox.post("/v1/wholesale/customers", json=body, headers=headers).json()["url"]

    drain(sandbox)  # at once: nobody waits the 300 seconds

    assert sandbox.get(url, headers=headers).json()["status"] == "provisioning"
    with db.unit_of_work(write=False) as session:
        jobs = session.execute(
            select(Job.status, Job.payload, Job.available_at)
            .where(Job.kind == PROVISION.name)
            .order_by(Job.id)
        ).all()
    assert [(status, payload.get("resumed")) for status, payload, _ in jobs] == [
        ("done", None),
        ("queued", True),
    ]
    assert jobs[1].available_at >= before + timedelta(seconds=300)

    with db.unit_of_work() as session:  # the 300 seconds have passed
        session.execute(update(Job).where(Job.status == "queued").values(available_at=real_now()))
    drain(sandbox)

    assert sandbox.get(url, headers=headers).json()["status"] == "provisioned"


def test_an_update_keeping_only_failed_packages_stays_provisioned_with_errors(
    sandbox: TestClient, partner_in_sandbox: Partner
) -> None:
    headers = partner_in_sandbox.headers
    body = customer_body(
        partner_in_sandbox, externalId="sandbox-fault-package-webex_calling-4020--e"
    )
    url = sandbox.post("/v1/wholesale/customers", json=body, headers=headers).json()["url"]
    drain(sandbox)
    assert sandbox.get(url, headers=headers).json()["status"] == "provisioned_with_errors"

    response = sandbox.put(url, json={"packages": ["webex_calling"]}, headers=headers)
    assert response.status_code == 202, response.text
    drain(sandbox)

    # `error` would mean provisioning failed; the organization is provisioned all the same.
    customer = sandbox.get(url, headers=headers).json()
    assert customer["status"] == "provisioned_with_errors"
    assert [(p["name"], p["status"]) for p in customer["resourceDetails"]["packages"]] == [
        ("webex_calling", "error")
    ]


def test_fault_values_are_ordinary_outside_the_sandbox(
    app_client: TestClient, partner: Partner
) -> None:
    body = customer_body(partner, externalId="sandbox-fault-error-4019--c")
    url = app_client.post("/v1/wholesale/customers", json=body, headers=partner.headers).json()[
        "url"
    ]
    drain(app_client)

    assert app_client.get(url, headers=partner.headers).json()["status"] == "provisioned"


def test_the_outbox_is_readable_in_the_sandbox(
    sandbox: TestClient, partner_in_sandbox: Partner, ops: dict[str, str]
) -> None:
    headers = partner_in_sandbox.headers
    url = sandbox.post(
        "/v1/wholesale/customers", json=customer_body(partner_in_sandbox), headers=headers
    ).json()["url"]
    sandbox.post("/v1/sandbox/clock", json={"advanceSeconds": 1}, headers=ops)
    customer_id = sandbox.get(url, headers=headers).json()["id"]
    body = subscriber_body(customer_id)
    sandbox.post("/v1/wholesale/subscribers", json=body, headers=headers)

    mail = sandbox.get("/v1/sandbox/mail", params={"to": body["email"]}, headers=headers).json()[
        "items"
    ]

    assert [m["kind"] for m in mail] == ["welcome"]
    assert mail[0]["to"] == body["email"]
