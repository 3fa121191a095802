"""The partner portal's audit log over HTTP: the partner's own events only, filtered, and a
time it cannot read reported next to its field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import give_password, sign_in
from tests.support import provision_customer
from tukku.core.clock import ManualClock
from tukku.core.db import Database


def test_the_audit_log_shows_the_partners_own_events_filtered(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
) -> None:
    mine = provision_customer(app_client, partner)
    theirs = provision_customer(app_client, other_partner)
    give_password(db, clock, partner.admin_email)
    sign_in(app_client, partner.admin_email)
    page = app_client.get("/portal/audit")
    assert page.status_code == 200
    assert mine["id"] in page.text
    assert theirs["id"] not in page.text
    created = app_client.get("/portal/audit", params={"action": "customer.provision"}).text
    assert mine["id"] in created
    assert "user.sign_in<" not in created
    later = app_client.get("/portal/audit", params={"since": "2999-01-01"}).text
    assert mine["id"] not in later
    assert "No event matches" in later


def test_a_time_the_page_cannot_read_is_reported_next_to_its_field(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    give_password(db, clock, partner.admin_email)
    sign_in(app_client, partner.admin_email)
    page = app_client.get("/portal/audit", params={"since": "last tuesday"})
    assert page.status_code == 400
    assert 'id="since-error"' in page.text
    assert 'value="last tuesday"' in page.text
