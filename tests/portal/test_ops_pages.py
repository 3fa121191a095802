"""The operator console over HTTP: only platform operators open it (partner users get 403,
whatever they post); setting up, suspending and reactivating partners; deciding screening cases
(a denial needs a reason); setting a partner's prices; reading the outbox, where a message is
shown as text; retrying a failed job. Every form is refused without its CSRF token."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.compliance.test_screening_flow import LIST, MATCHING, WITH_ZYXWV
from tests.conftest import Partner, drain
from tests.portal.pages import csrf_of, give_password, sign_in
from tests.support import customer_body, error_codes, outbox, set_up_sub_partner
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity
from tukku.jobs.models import Job, JobStatus

OPERATOR = "console@tukku.test"
CUSTOMERS = "/v1/wholesale/customers"
PAGES = [
    "/portal/ops/partners",
    "/portal/ops/partners/new",
    "/portal/ops/screening",
    "/portal/ops/price-books",
    "/portal/ops/mail",
    "/portal/ops/jobs",
]


@pytest.fixture
def operator(app_client: TestClient, db: Database, clock: ManualClock) -> None:
    """A platform operator signed in to the portal."""
    with db.unit_of_work() as session:
        identity.ensure_operator(session, email=OPERATOR, now=clock.now())
    give_password(db, clock, OPERATOR)
    assert sign_in(app_client, OPERATOR).status_code == 303


def post(client: TestClient, form_page: str, action: str, **fields: str) -> httpx.Response:
    """Post a form of `form_page` with the page's own CSRF token."""
    token = csrf_of(client.get(form_page))
    return client.post(action, data={**fields, "csrf": token}, follow_redirects=False)


def test_partner_users_are_refused_every_console_page_and_form(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    give_password(db, clock, partner.admin_email)
    sign_in(app_client, partner.admin_email)
    token = csrf_of(app_client.get("/portal/"))

    for url in [*PAGES, f"/portal/ops/partners/{partner.org_id}", "/portal/ops/mail/1"]:
        assert app_client.get(url).status_code == 403, url
    assert app_client.get(f"/portal/ops/price-books/{partner.org_id}").status_code == 403
    posts: list[tuple[str, dict[str, Any]]] = [
        ("/portal/ops/partners/new", {"name": "Mine", "adminEmail": "mine@x.test"}),
        (f"/portal/ops/partners/{partner.org_id}/suspend", {}),
        ("/portal/ops/jobs/1/retry", {}),
        (f"/portal/ops/price-books/{partner.org_id}", {"currency": "EUR"}),
        ("/portal/ops/screening/x/approve", {}),
    ]
    for url, data in posts:
        assert app_client.post(url, data={**data, "csrf": token}).status_code == 403, url
    assert "Operator console" not in app_client.get("/portal/").text
    created = app_client.post(CUSTOMERS, json=customer_body(partner), headers=partner.headers)
    assert created.status_code == 202  # never suspended


def test_signed_out_people_are_sent_to_sign_in(app_client: TestClient) -> None:
    for url in PAGES:
        response = app_client.get(url, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/portal/sign-in?next=/portal/ops/")


def test_the_operators_home_leads_to_the_console(app_client: TestClient, operator: None) -> None:
    home = app_client.get("/portal/")
    assert "Operator console" in home.text
    for url in PAGES:
        if url.endswith("/new"):
            continue
        assert f'href="{url}"' in home.text
        assert app_client.get(url).status_code == 200, url


def test_setting_up_a_partner_invites_its_administrator(
    app_client: TestClient, ops: dict[str, str], operator: None
) -> None:
    created = post(
        app_client,
        "/portal/ops/partners/new",
        "/portal/ops/partners/new",
        name="Fjord Telecom",
        adminEmail="boss@fjord.test",
        adminFirstName="Ola",
    )

    assert created.status_code == 303
    page = app_client.get(created.headers["location"])
    assert "The partner is set up" in page.text
    (listed,) = app_client.get("/v1/ops/partners", headers=ops).json()["items"]
    assert listed["name"] == "Fjord Telecom"
    assert listed["orgId"] in page.text
    assert listed["subscriptionId"] in page.text
    (invitation,) = outbox(app_client, "boss@fjord.test")
    assert "Hello Ola" in invitation.body
    assert "Fjord Telecom" in app_client.get("/portal/ops/partners?q=fjord").text
    assert "Fjord Telecom" not in app_client.get("/portal/ops/partners?status=suspended").text


def test_the_set_up_form_shows_the_apis_refusals_next_to_the_fields(
    app_client: TestClient, ops: dict[str, str], partner: Partner, operator: None
) -> None:
    form = "/portal/ops/partners/new"
    no_name = post(app_client, form, form, name=" ", adminEmail="a@fjord.test")
    bad_email = post(app_client, form, form, name="Fjord", adminEmail="not-an-address")
    taken = post(app_client, form, form, name="Fjord", adminEmail=partner.admin_email)

    assert no_name.status_code == 400
    assert 'id="name-error"' in no_name.text
    assert bad_email.status_code == 400
    assert 'id="adminEmail-error"' in bad_email.text
    assert 'value="Fjord"' in bad_email.text  # what was typed stays
    assert taken.status_code == 400
    assert 'id="adminEmail-error"' in taken.text
    names = [p["name"] for p in app_client.get("/v1/ops/partners", headers=ops).json()["items"]]
    assert names == ["Acme Telecom"]


def test_forms_without_their_csrf_token_change_nothing(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    ops: dict[str, str],
    partner: Partner,
    operator: None,
) -> None:
    refused = [
        app_client.post("/portal/ops/partners/new", data={"name": "X", "adminEmail": "x@x.test"}),
        app_client.post(f"/portal/ops/partners/{partner.org_id}/suspend"),
        app_client.post(
            f"/portal/ops/price-books/{partner.org_id}",
            data={"currency": "EUR", "price-TK-WHL-VOICE": "1"},
        ),
        app_client.post(f"/portal/ops/partners/{partner.org_id}/suspend", data={"csrf": "forged"}),
    ]

    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    (only,) = app_client.get("/v1/ops/partners", headers=ops).json()["items"]
    assert only["status"] == "active"
    price_book = app_client.get(
        "/v1/partner/priceBook", params={"partnerOrgId": partner.org_id}, headers=ops
    )
    assert price_book.status_code == 404


def test_suspending_from_the_console_stops_the_partners_writes_until_reactivated(
    app_client: TestClient, partner: Partner, operator: None
) -> None:
    page = f"/portal/ops/partners/{partner.org_id}"

    suspended = post(app_client, page, f"{page}/suspend")
    assert suspended.status_code == 303
    shown = app_client.get(page).text
    assert "is <strong>suspended</strong>" in shown
    assert "Reactivate the partner" in shown
    refused = app_client.post(CUSTOMERS, json=customer_body(partner), headers=partner.headers)
    assert refused.status_code == 403
    assert error_codes(refused) == [1023]

    post(app_client, page, f"{page}/reactivate")
    assert "is <strong>active</strong>" in app_client.get(page).text
    again = app_client.post(CUSTOMERS, json=customer_body(partner), headers=partner.headers)
    assert again.status_code == 202


def held_case(client: TestClient, ops: dict[str, str], partner: Partner) -> tuple[str, str]:
    """A customer held by screening, and its open case: (customer ID, case ID)."""
    loaded = client.put(
        LIST, content=WITH_ZYXWV.encode(), headers={**ops, "Content-Type": "text/csv"}
    )
    assert loaded.status_code == 200
    body = customer_body(partner)
    body["customerInfo"]["name"] = MATCHING
    created = client.post(CUSTOMERS, json=body, headers=partner.headers)
    drain(client)
    customer_id = created.json()["url"].rsplit("/", 1)[-1]
    (case,) = client.get("/v1/ops/screening/cases", headers=ops).json()["items"]
    return customer_id, case["id"]


def test_a_denial_needs_a_reason_and_ends_the_customer_in_error(
    app_client: TestClient, ops: dict[str, str], partner: Partner, operator: None
) -> None:
    customer_id, case_id = held_case(app_client, ops, partner)
    queue = app_client.get("/portal/ops/screening").text
    assert MATCHING in queue
    page = f"/portal/ops/screening/{case_id}"
    shown = app_client.get(page).text
    assert "Zyxwv Trading Co" in shown  # the matched entry of the list
    assert "e-7001" in shown

    no_reason = post(app_client, page, f"{page}/deny", reason="   ")
    assert no_reason.status_code == 400
    assert 'id="reason-error"' in no_reason.text
    case = app_client.get(f"/v1/ops/screening/cases/{case_id}", headers=ops).json()
    assert case["status"] == "pending"

    denied = post(app_client, page, f"{page}/deny", reason="Same company, same address")
    assert denied.status_code == 303
    assert "The case is denied" in app_client.get(denied.headers["location"]).text
    customer = app_client.get(f"{CUSTOMERS}/{customer_id}", headers=partner.headers).json()
    assert customer["status"] == "error"
    assert "Same company, same address" in str(customer["errors"])
    assert "Deny:" not in app_client.get(page).text  # a closed case has no decision forms


def test_an_approval_resumes_the_customers_provisioning(
    app_client: TestClient, ops: dict[str, str], partner: Partner, operator: None
) -> None:
    customer_id, case_id = held_case(app_client, ops, partner)
    page = f"/portal/ops/screening/{case_id}"

    approved = post(app_client, page, f"{page}/approve", note="A bakery, not a trader")

    assert approved.status_code == 303
    case = app_client.get(f"/v1/ops/screening/cases/{case_id}", headers=ops).json()
    assert case["status"] == "approved"
    assert case["reason"] == "A bakery, not a trader"
    drain(app_client)
    customer = app_client.get(f"{CUSTOMERS}/{customer_id}", headers=partner.headers).json()
    assert customer["status"] == "provisioned"
    assert "No case waits" in app_client.get("/portal/ops/screening").text


def test_an_operator_sets_a_partners_prices(
    app_client: TestClient, ops: dict[str, str], partner: Partner, operator: None
) -> None:
    page = f"/portal/ops/price-books/{partner.org_id}"
    assert "No price book is in effect" in app_client.get(page).text

    bad = post(app_client, page, page, currency="EUR", **{"price-TK-WHL-VOICE": "twelve"})
    assert bad.status_code == 400
    assert 'id="price-TK-WHL-VOICE-error"' in bad.text
    assert 'value="twelve"' in bad.text
    saved = post(
        app_client,
        page,
        page,
        currency="EUR",
        **{"price-TK-WHL-VOICE": "12.50", "price-TK-WHL-CMNAREA": "4"},
    )
    assert saved.status_code == 303

    api = app_client.get(
        "/v1/partner/priceBook", params={"partnerOrgId": partner.org_id}, headers=ops
    ).json()
    assert api["currency"] == "EUR"
    prices = {p["sku"]: p["monthlyPrice"] for p in api["prices"]}
    assert set(prices) == {"TK-WHL-VOICE", "TK-WHL-CMNAREA"}
    assert float(prices["TK-WHL-VOICE"]) == 12.5
    shown = app_client.get(page).text
    assert "The prices are set" not in shown
    assert "12.5" in shown
    assert app_client.get("/portal/ops/price-books/nobody").status_code == 404


def test_the_outbox_shows_messages_as_text(
    app_client: TestClient, partner: Partner, operator: None
) -> None:
    sub = set_up_sub_partner(app_client, partner, name="<b>Bold</b> Resellers")
    drain(app_client)

    listed = app_client.get("/portal/ops/mail").text
    assert sub.admin_email in listed
    assert "<b>Bold</b>" not in listed
    message_id = int(listed.split('href="/portal/ops/mail/')[1].split('"')[0])
    message = app_client.get(f"/portal/ops/mail/{message_id}")
    assert message.status_code == 200
    assert "&lt;b&gt;Bold&lt;/b&gt; Resellers" in message.text
    assert "<b>Bold</b>" not in message.text
    assert "held" in message.text
    assert sub.admin_email not in app_client.get("/portal/ops/mail?to=nobody@x.test").text
    assert app_client.get("/portal/ops/mail/999999").status_code == 404


def test_a_failed_job_is_shown_with_its_error_and_retried(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, operator: None
) -> None:
    sub = set_up_sub_partner(app_client, partner)
    with db.unit_of_work() as session:
        job_id = session.scalars(select(Job.id).where(Job.kind == "mail.deliver")).one()
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=JobStatus.FAILED, attempts=5, last_error="SMTP <refused>")
        )
    page = app_client.get("/portal/ops/jobs").text
    assert "SMTP &lt;refused&gt;" in page
    assert f'Retry<span class="visually-hidden"> job {job_id}' in page

    retried = post(app_client, "/portal/ops/jobs", f"/portal/ops/jobs/{job_id}/retry")

    assert retried.status_code == 303
    assert f"Job {job_id} is back on the queue" in app_client.get(retried.headers["location"]).text
    drain(app_client)
    assert [m.status for m in outbox(app_client, sub.admin_email)] == ["held"]
    assert "No job failed" in app_client.get("/portal/ops/jobs").text
    again = post(app_client, "/portal/ops/jobs", f"/portal/ops/jobs/{job_id}/retry")
    assert again.status_code == 409
