"""The operator console as an operator uses it, in headless Chromium against a live
`tukku serve` on each backend: deciding a customer that denied-party screening held, setting up
a partner and reading the invitation tukku holds in its outbox, suspending it, setting its
prices, and retrying a failed job. Every page reached is checked with axe and kept as
screenshots at a phone's and a laptop's width."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from tests.browser.conftest import Portal, Review, new_operator, sign_in, submit
from tests.compliance.test_screening_flow import MATCHING, WITH_ZYXWV
from tests.conftest import Partner
from tests.e2e.conftest import tukku
from tests.support import customer_body
from tukku.core.db import Database
from tukku.jobs.models import Job, JobStatus

WAIT_SECONDS = 30


def new_partner(portal: Portal, name: str) -> Partner:
    """A partner from `tukku partners create`, with its API token."""
    email = f"admin@{name.lower().replace(' ', '-')}.test"
    made = json.loads(
        tukku(
            "partners",
            "create",
            "--name",
            name,
            "--admin-email",
            email,
            "--json",
            "--database-url",
            portal.database_url,
        )
    )
    return Partner(
        made["orgId"], made["subscriptionId"], made["token"], made["provisioningId"], email
    )


def held_customer(portal: Portal, operator_token: str, partner: Partner) -> str:
    """Load a screening list, ask for a customer named like a listed party, and wait until
    the server's worker holds it for review; returns its ID."""
    ops = {"Authorization": f"Bearer {operator_token}"}
    with httpx.Client(base_url=portal.base_url, timeout=WAIT_SECONDS) as client:
        loaded = client.put(
            "/v1/ops/screening/list",
            content=WITH_ZYXWV.encode(),
            headers={**ops, "Content-Type": "text/csv"},
        )
        assert loaded.status_code == 200, loaded.text
        body: dict[str, Any] = customer_body(partner)
        body["customerInfo"]["name"] = MATCHING
        created = client.post("/v1/wholesale/customers", json=body, headers=partner.headers)
        assert created.status_code == 202, created.text
        customer_id: str = created.json()["url"].rsplit("/", 1)[-1]
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            status = client.get(
                f"/v1/wholesale/customers/{customer_id}", headers=partner.headers
            ).json()["status"]
            if status == "pending_rpl_review":
                return customer_id
            time.sleep(0.2)
    raise AssertionError(f"the customer is {status}, not held for review")


def fail_a_job(portal: Portal) -> int:
    """Mark a finished delivery job as failed for good, as a worker does when its last
    attempt fails; returns its ID."""
    database = Database(portal.database_url, pool_size=1)
    try:
        with database.unit_of_work() as session:
            job_id = session.scalars(
                select(Job.id).where(Job.kind == "mail.deliver", Job.status == JobStatus.DONE)
            ).first()
            assert job_id is not None
            session.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(status=JobStatus.FAILED, last_error="SMTP 554: relay refused")
            )
    finally:
        database.dispose()
    return job_id


def go(page: Page, link: str) -> None:
    """Follow a link of the main navigation."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link).click()


def test_an_operator_decides_a_held_customer(page: Page, portal: Portal, review: Review) -> None:
    operator = new_operator(portal)
    partner = new_partner(portal, f"Screened Telecom {time.monotonic_ns()}")
    held_customer(portal, operator.token, partner)

    page.goto("/portal/")
    sign_in(page, operator)
    expect(page.get_by_role("heading", name="Operator console")).to_be_visible()
    review(page, "ops-home")

    go(page, "Screening")
    expect(page.get_by_role("heading", level=1)).to_have_text("Screening cases")
    review(page, "ops-screening")
    page.get_by_role("link", name=MATCHING).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Screening: {MATCHING}")
    expect(page.get_by_role("cell", name="e-7001")).to_be_visible()  # the matched entry
    review(page, "ops-case")

    refused = submit(page, "Deny: the customer ends in error")
    assert refused.status == 400
    expect(page.get_by_role("alert")).to_contain_text("reason")
    review(page, "ops-case-reason-missing")

    page.get_by_label("Note (optional)").fill("A bakery in Ohio, not the listed trader")
    submit(page, "Approve: provision the customer")
    expect(page.get_by_role("status")).to_have_text("The case is approved.")
    expect(page.get_by_role("button", name="Approve: provision the customer")).to_have_count(0)


def test_an_operator_sets_up_a_partner_and_runs_the_platform(
    page: Page, portal: Portal, review: Review
) -> None:
    operator = new_operator(portal)
    name = f"Console Telecom {time.monotonic_ns()}"
    email = f"first@{time.monotonic_ns()}.console.test"
    page.goto("/portal/ops/partners")
    sign_in(page, operator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners")
    review(page, "ops-partners")

    page.get_by_role("link", name="Set up a partner").click()
    submit(page, "Set up the partner")
    expect(page.get_by_role("alert")).to_be_visible()
    review(page, "ops-partner-new-errors")
    page.get_by_label("Organization name").fill(name)
    page.get_by_label("Administrator's e-mail address").fill(email)
    page.get_by_label("Administrator's first name (optional)").fill("Ilse")
    submit(page, "Set up the partner")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("status")).to_contain_text("The partner is set up")
    review(page, "ops-partner")
    submit(page, "Suspend the partner")
    expect(page.get_by_role("button", name="Reactivate the partner")).to_be_visible()
    submit(page, "Reactivate the partner")
    expect(page.get_by_role("button", name="Suspend the partner")).to_be_visible()

    go(page, "Outbox")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    review(page, "ops-mail")
    page.get_by_role("link", name=f"You are invited to administer {name} on tukku").click()
    expect(page.locator("pre.mail-body")).to_contain_text("Hello Ilse")
    expect(page.locator("pre.mail-body")).to_contain_text("/portal/set-password/")
    review(page, "ops-message")

    go(page, "Price books")
    review(page, "ops-price-books")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_text("No price book is in effect")).to_be_visible()
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("Enhanced Calling (TK-WHL-VOICE)").fill("9.90")
    submit(page, "Set the prices")
    expect(page.get_by_role("status")).to_have_text("The prices are set.")
    expect(page.get_by_role("cell", name="9.90 EUR")).to_be_visible()
    review(page, "ops-price-book")

    job_id = fail_a_job(portal)
    go(page, "Jobs")
    expect(page.get_by_text("SMTP 554: relay refused")).to_be_visible()
    review(page, "ops-jobs")
    submit(page, f"Retry job {job_id}")
    expect(page.get_by_role("status")).to_have_text(f"Job {job_id} is back on the queue.")
