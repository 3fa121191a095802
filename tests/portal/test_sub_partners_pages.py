"""The partner portal's sub-partner pages over HTTP: more than a hundred page; setting one up,
suspending and reactivating it are the API's; acting on a sub-partner's behalf shows its
customers until it stops, and a forged acting cookie shows nothing; read-only staff, forms
without their CSRF token, sub-partners' own people and other partners are refused."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tests.support import SubPartner, provision_customer, set_up_sub_partner
from tukku.accounts import staff
from tukku.audit.models import AuditEvent
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import actor as actors
from tukku.identity import service as identity
from tukku.partners import flows
from tukku.partners.schemas import SubPartnerCreate

SUB_PARTNERS = "/v1/partner/subPartners"
INVITATION = staff.Invitation("https://hub.example.test", timedelta(days=7))
ROW = re.compile(r'<a href="/portal/sub-partners/[^"]+">([^<]+)</a>')


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


def _post(client: TestClient, page: str, action: str, **data: str) -> httpx.Response:
    """Post the form at `action` with the CSRF token of `page`, as its button would."""
    form = client.get(page)
    return client.post(action, data={"csrf": csrf_of(form), **data}, follow_redirects=False)


def _sub_partner_customer(client: TestClient, sub: SubPartner, name: str) -> None:
    """A meetings customer of the sub-partner (its default template has no PSTN provider),
    provisioned with its own administrator's token."""
    response = client.get("/v1/partner/onboardingTemplates", headers=sub.headers)
    provisioning_id = response.json()["items"][0]["provisioningId"]
    token = sub.headers["Authorization"].removeprefix("Bearer ")
    as_sub = Partner(sub.org_id, "", token, provisioning_id, sub.admin_email)
    info = {"name": name, "primaryEmail": f"owner@{sub.org_id[-6:].lower()}.test"}
    meetings = {"meetings": {"timezone": "Europe/Helsinki"}}
    provision_customer(
        client,
        as_sub,
        customerInfo=info,
        packages=["webex_meetings"],
        provisioningParameters=meetings,
    )


def test_more_than_a_hundred_sub_partners_page_fifty_at_a_time(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, signed_in: None
) -> None:
    with db.unit_of_work() as session:
        found = identity.authenticate(session, partner.token, now=clock.now())
        assert found is not None
        parent = actors.own(found.principal)
        for n in range(105):
            data = SubPartnerCreate(
                name=f"Reseller {n:03d}",
                admin_email=f"r{n}@resellers.test",
                admin_first_name="Rita",
                admin_last_name="Reseller",
            )
            at = clock.now() + timedelta(seconds=n)  # oldest first is the order shown
            flows.create_sub_partner(
                session, actor=parent, data=data, invitation=INVITATION, now=at
            )
    first = app_client.get("/portal/sub-partners")
    names = ROW.findall(first.text)
    assert len(names) == 50
    assert names[0] == "Reseller 000"
    assert 'rel="prev"' not in first.text
    second = app_client.get("/portal/sub-partners?page=2")
    assert ROW.findall(second.text)[0] == "Reseller 050"
    third = app_client.get("/portal/sub-partners?page=3")
    assert ROW.findall(third.text) == [f"Reseller {n}" for n in range(100, 105)]
    assert 'rel="next"' not in third.text
    assert 'href="/portal/sub-partners?page=2" rel="prev"' in third.text


def test_setting_one_up_is_the_apis_and_mistakes_show_next_to_their_field(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    fields = {
        "name": "Corner Resellers",
        "adminEmail": "rita@corner.test",
        "adminFirstName": "Rita",
        "adminLastName": "Corner",
        "billingStartDate": "2027-02-01",
    }
    new = "/portal/sub-partners/new"
    bad_email = _post(app_client, new, new, **(fields | {"adminEmail": "not an address"}))
    assert bad_email.status_code == 400
    assert 'id="adminEmail-error"' in bad_email.text
    assert 'value="Rita"' in bad_email.text  # what was typed stays
    blank = _post(app_client, new, new, **(fields | {"name": " "}))
    assert blank.status_code == 400
    assert 'id="name-error"' in blank.text
    bad_day = _post(app_client, new, new, **(fields | {"billingStartDate": "1 Feb"}))
    assert 'id="billingStartDate-error"' in bad_day.text
    created = _post(app_client, "/portal/sub-partners/new", "/portal/sub-partners/new", **fields)
    assert created.status_code == 303
    org_id = created.headers["location"].split("/")[-1].split("?")[0]
    api = app_client.get(f"{SUB_PARTNERS}/{org_id}", headers=partner.headers).json()
    assert api["name"] == "Corner Resellers"
    assert api["adminEmail"] == "rita@corner.test"
    assert api["billingStartDate"].startswith("2027-02-01")
    page = app_client.get(created.headers["location"])
    assert "The sub-partner is set up" in page.text
    taken = _post(
        app_client,
        "/portal/sub-partners/new",
        "/portal/sub-partners/new",
        **(fields | {"name": "Another"}),
    )
    assert taken.status_code == 400
    assert 'id="adminEmail-error"' in taken.text
    assert "already in use" in taken.text
    listed = app_client.get("/v1/wholesale/subPartners", headers=partner.headers).json()["items"]
    assert [s["orgId"] for s in listed] == [org_id]


def test_suspending_and_reactivating_are_the_apis(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    sub = set_up_sub_partner(app_client, partner, name="Sleepy Resellers")
    detail = f"/portal/sub-partners/{sub.org_id}"
    suspended = _post(app_client, detail, f"{detail}/suspend")
    assert suspended.status_code == 303
    api = app_client.get(f"{SUB_PARTNERS}/{sub.org_id}", headers=partner.headers).json()
    assert api["provisioningState"] == "suspended"
    page = app_client.get(detail)
    assert "Reactivate Sleepy Resellers" in page.text
    assert "suspended" in app_client.get("/portal/sub-partners?state=suspended").text
    _post(app_client, detail, f"{detail}/reactivate")
    api = app_client.get(f"{SUB_PARTNERS}/{sub.org_id}", headers=partner.headers).json()
    assert api["provisioningState"] == "active"
    assert "Sleepy Resellers" not in app_client.get("/portal/sub-partners?state=suspended").text


def test_acting_for_a_sub_partner_shows_its_customers_until_it_stops(
    app_client: TestClient, db: Database, partner: Partner, signed_in: None
) -> None:
    sub = set_up_sub_partner(app_client, partner, name="Helper Resellers")
    _sub_partner_customer(app_client, sub, "Subby Bakery")
    provision_customer(
        app_client, partner, customerInfo={"name": "Parent Cafe", "primaryEmail": "p@p.test"}
    )
    detail = app_client.get(f"/portal/sub-partners/{sub.org_id}")
    assert "Subby Bakery" in detail.text  # its customers, on its page
    assert "Parent Cafe" not in detail.text
    acted = app_client.post(
        f"/portal/sub-partners/{sub.org_id}/act", data={"csrf": csrf_of(detail)}
    )
    assert acted.url.path == "/portal/customers"
    assert "Acting for <strong>Helper Resellers</strong>" in acted.text
    assert "Subby Bakery" in acted.text
    assert "Parent Cafe" not in acted.text
    with db.unit_of_work(write=False) as session:
        event = session.execute(
            select(
                AuditEvent.target_id, AuditEvent.on_behalf_of_org_id, AuditEvent.partner_org_id
            ).where(AuditEvent.action == "sub_partner.act_for")
        ).one()
    assert tuple(event) == (sub.org_id, sub.org_id, partner.org_id)
    stopped = app_client.post("/portal/sub-partners/stop-acting", data={"csrf": csrf_of(acted)})
    assert stopped.status_code == 200
    assert "Acting for" not in stopped.text
    customers = app_client.get("/portal/customers").text
    assert "Parent Cafe" in customers
    assert "Acting for" not in customers


def test_a_forged_acting_cookie_shows_nothing_of_another_partners_sub_partner(
    app_client: TestClient, partner: Partner, other_partner: Partner, signed_in: None
) -> None:
    theirs = set_up_sub_partner(app_client, other_partner, name="Rival Resellers")
    _sub_partner_customer(app_client, theirs, "Secret Deli")
    app_client.cookies.set("tukku_acting", theirs.org_id)
    for path in ("/portal/customers", "/portal/templates", "/portal/billing", "/portal/audit"):
        app_client.cookies.set("tukku_acting", theirs.org_id)
        page = app_client.get(path)
        assert page.status_code == 404, path
        assert "Secret Deli" not in page.text
        assert "Rival Resellers" not in page.text
        assert 'tukku_acting=""' in page.headers["set-cookie"]  # the cookie is dropped
    app_client.cookies.clear()
    sign_in(app_client, partner.admin_email)
    assert app_client.get("/portal/customers").status_code == 200
    refused = _post(app_client, "/portal/sub-partners", f"/portal/sub-partners/{theirs.org_id}/act")
    assert refused.status_code == 404
    assert "tukku_acting" not in refused.headers.get("set-cookie", "")


def test_another_partners_sub_partner_is_not_found(
    app_client: TestClient, partner: Partner, other_partner: Partner, signed_in: None
) -> None:
    theirs = set_up_sub_partner(app_client, other_partner, name="Rival Resellers")
    assert "Rival Resellers" not in app_client.get("/portal/sub-partners").text
    page = app_client.get(f"/portal/sub-partners/{theirs.org_id}")
    assert page.status_code == 404
    assert "Rival Resellers" not in page.text
    suspend = _post(
        app_client, "/portal/sub-partners", f"/portal/sub-partners/{theirs.org_id}/suspend"
    )
    assert suspend.status_code == 404
    api = app_client.get(f"{SUB_PARTNERS}/{theirs.org_id}", headers=other_partner.headers).json()
    assert api["provisioningState"] == "active"


def test_a_sub_partners_own_people_have_no_sub_partner_pages(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner, name="Own Resellers")
    sibling = set_up_sub_partner(app_client, partner, name="Sibling Resellers")
    _sub_partner_customer(app_client, sibling, "Sibling Shop")
    give_password(db, clock, sub.admin_email)
    assert sign_in(app_client, sub.admin_email).status_code == 303
    assert 'href="/portal/sub-partners"' not in app_client.get("/portal/customers").text
    assert app_client.get("/portal/sub-partners").status_code == 404
    assert app_client.get(f"/portal/sub-partners/{sibling.org_id}").status_code == 404
    act = _post(app_client, "/portal/customers", f"/portal/sub-partners/{sibling.org_id}/act")
    assert act.status_code == 404
    app_client.cookies.set("tukku_acting", sibling.org_id)
    forged = app_client.get("/portal/customers")
    assert forged.status_code == 404
    assert "Sibling Shop" not in forged.text


def test_read_only_staff_see_no_controls_and_are_refused_by_the_server(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner, name="Watched Resellers")
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    sign_in(app_client, "viewer@acme.test")
    listed = app_client.get("/portal/sub-partners")
    assert "Watched Resellers" in listed.text
    assert "New sub-partner" not in listed.text
    assert app_client.get("/portal/sub-partners/new").status_code == 403
    detail = app_client.get(f"/portal/sub-partners/{sub.org_id}")
    assert "Suspend" not in detail.text
    for action in ("suspend", "reactivate"):
        refused = app_client.post(
            f"/portal/sub-partners/{sub.org_id}/{action}", data={"csrf": csrf_of(detail)}
        )
        assert refused.status_code == 403
    created = app_client.post(
        "/portal/sub-partners/new",
        data={
            "csrf": csrf_of(detail),
            "name": "Sneaky",
            "adminEmail": "s@sneaky.test",
            "adminFirstName": "S",
            "adminLastName": "N",
        },
    )
    assert created.status_code == 403
    listed_api = app_client.get("/v1/wholesale/subPartners", headers=partner.headers).json()
    assert [s["orgId"] for s in listed_api["items"]] == [sub.org_id]
    assert listed_api["items"][0]["provisioningState"] == "active"


def test_forms_without_their_csrf_token_are_refused(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    sub = set_up_sub_partner(app_client, partner, name="Guarded Resellers")
    for action in ("suspend", "act"):
        refused = app_client.post(
            f"/portal/sub-partners/{sub.org_id}/{action}",
            data={"csrf": "forged"},
            follow_redirects=False,
        )
        assert refused.status_code == 403
        assert "tukku_acting" not in refused.headers.get("set-cookie", "")
    api = app_client.get(f"{SUB_PARTNERS}/{sub.org_id}", headers=partner.headers).json()
    assert api["provisioningState"] == "active"
    created = app_client.post(
        "/portal/sub-partners/new",
        data={"name": "No Token", "adminEmail": "n@t.test", "adminFirstName": "N"},
    )
    assert created.status_code == 403
