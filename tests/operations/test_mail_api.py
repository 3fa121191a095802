"""`/v1/ops/mail`: operators read every tenant's mail in the outbox (production mode too, where
without an SMTP server it is how anyone reads what tukku would have sent), filtered by
recipient, kind and status, one message at a time; nobody else may."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Partner, drain
from tests.support import error_codes, set_up_sub_partner

MAIL = "/v1/ops/mail"


def test_operators_read_every_tenants_mail_newest_first(
    app_client: TestClient, ops: dict[str, str], partner: Partner, other_partner: Partner
) -> None:
    mine = set_up_sub_partner(app_client, partner)
    theirs = set_up_sub_partner(app_client, other_partner)
    drain(app_client)

    listed = app_client.get(MAIL, headers=ops)

    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [m["to"] for m in items] == [theirs.admin_email, mine.admin_email]
    newest = items[0]
    assert newest["kind"] == "invitation"
    assert newest["status"] == "held"  # no SMTP server: kept in the outbox
    assert newest["partnerOrgId"] == other_partner.org_id
    assert theirs.name in newest["subject"]
    one = app_client.get(f"{MAIL}/{newest['id']}", headers=ops)
    assert one.status_code == 200
    assert one.json() == newest


def test_the_outbox_filters_by_recipient_kind_and_status_and_pages(
    app_client: TestClient, ops: dict[str, str], partner: Partner
) -> None:
    first = set_up_sub_partner(app_client, partner)
    drain(app_client)
    second = set_up_sub_partner(app_client, partner)

    def recipients(**params: str) -> list[str]:
        response = app_client.get(MAIL, params=params, headers=ops)
        assert response.status_code == 200, response.text
        return [m["to"] for m in response.json()["items"]]

    assert recipients(to=first.admin_email.upper()) == [first.admin_email]
    assert recipients(status="queued") == [second.admin_email]
    assert recipients(status="held") == [first.admin_email]
    assert recipients(kind="invitation") == [second.admin_email, first.admin_email]
    assert recipients(kind="password") == []
    paged = app_client.get(MAIL, params={"max": "1"}, headers=ops)
    assert [m["to"] for m in paged.json()["items"]] == [second.admin_email]
    assert 'rel="next"' in paged.headers["link"]
    assert app_client.get(MAIL, params={"status": "lost"}, headers=ops).status_code == 400


def test_an_unknown_message_is_404(app_client: TestClient, ops: dict[str, str]) -> None:
    assert app_client.get(f"{MAIL}/123456", headers=ops).status_code == 404
    assert app_client.get(f"{MAIL}/nope", headers=ops).status_code == 400


def test_partners_may_not_read_the_operators_outbox(
    app_client: TestClient, ops: dict[str, str], partner: Partner
) -> None:
    sub = set_up_sub_partner(app_client, partner)
    (message,) = app_client.get(MAIL, headers=ops).json()["items"]

    for url in (MAIL, f"{MAIL}/{message['id']}", f"{MAIL}?to={sub.admin_email}"):
        response = app_client.get(url, headers=partner.headers)
        assert response.status_code == 403, url
        assert error_codes(response) == [1011]
        assert sub.admin_email not in response.text
