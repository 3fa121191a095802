"""The portal's sign-in over HTTP, without a browser: cookies, CSRF, throttling, headers, the
password-reset mail and its link, sign-out and "sign out everywhere"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner
from tests.portal.pages import GOOD, csrf_of, give_password, sign_in
from tukku.app import create_app
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.mail.models import MailMessage


@pytest.fixture
def admin(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> str:
    give_password(db, clock, partner.admin_email)
    return partner.admin_email


def test_a_page_needs_a_session_and_signing_in_leads_back_to_it(
    app_client: TestClient, admin: str
) -> None:
    away = app_client.get("/portal/account", follow_redirects=False)
    assert away.status_code == 303
    assert away.headers["location"] == "/portal/sign-in?next=/portal/account"
    signed_in = sign_in(app_client, admin, next="/portal/account")
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/portal/account"
    cookie = signed_in.headers["set-cookie"]
    assert "tukku_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    page = app_client.get("/portal/account")
    assert page.status_code == 200
    assert admin in page.text


def test_next_never_leads_to_another_site(app_client: TestClient, admin: str) -> None:
    for target in ("https://evil.example/", "//evil.example/portal", "/v1/wholesale/customers"):
        response = sign_in(app_client, admin, next=target)
        assert response.headers["location"] == "/portal/"


def test_a_wrong_password_says_so_without_telling_whether_the_account_exists(
    app_client: TestClient, admin: str
) -> None:
    wrong = sign_in(app_client, admin, "not my password at all")
    unknown = sign_in(app_client, "nobody@example.test", "not my password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "The e-mail address or the password is wrong." in wrong.text
    assert "tukku_session" not in wrong.headers.get("set-cookie", "")
    assert wrong.text.replace(admin, "X") == unknown.text.replace("nobody@example.test", "X")


def test_the_sixth_guess_is_throttled_with_retry_after(app_client: TestClient, admin: str) -> None:
    for n in range(5):
        assert sign_in(app_client, admin, f"guess number {n}").status_code == 401
    throttled = sign_in(app_client, admin, GOOD)
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["retry-after"]) <= 15 * 60
    assert "Too many failed sign-ins" in throttled.text


def test_a_form_without_its_csrf_token_is_refused(app_client: TestClient, admin: str) -> None:
    app_client.get("/portal/sign-in")
    data = {"email": admin, "password": GOOD}
    for token in ("", "forged-token"):
        refused = app_client.post(
            "/portal/sign-in", data={**data, "csrf": token}, follow_redirects=False
        )
        assert refused.status_code == 403
        assert "tukku_session" not in refused.headers.get("set-cookie", "")
    # A token taken from another browser's page does not work with this browser's cookies.
    with TestClient(app_client.app, base_url="http://tukku.test") as other:
        foreign = csrf_of(other.get("/portal/sign-in"))
    refused = app_client.post(
        "/portal/sign-in", data={**data, "csrf": foreign}, follow_redirects=False
    )
    assert refused.status_code == 403


def test_pages_carry_the_security_headers_and_are_not_cached(app_client: TestClient) -> None:
    page = app_client.get("/portal/sign-in")
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["cache-control"] == "no-store"
    style = app_client.get("/static/portal.css")
    assert style.status_code == 200
    assert style.headers["cache-control"] == "public, max-age=3600"
    assert "etag" in style.headers


def test_signing_out_ends_the_session(app_client: TestClient, admin: str) -> None:
    sign_in(app_client, admin)
    home = app_client.get("/portal/")
    assert home.status_code == 200
    out = app_client.post("/portal/sign-out", data={"csrf": csrf_of(home)}, follow_redirects=False)
    assert out.headers["location"] == "/portal/sign-in?done=signed-out"
    assert app_client.get("/portal/", follow_redirects=False).status_code == 303


def test_sign_out_everywhere_ends_the_other_browsers_sessions(
    app_client: TestClient, admin: str
) -> None:
    with TestClient(app_client.app, base_url="http://tukku.test") as laptop:
        sign_in(laptop, admin)
        sign_in(app_client, admin)
        account = app_client.get("/portal/account")
        assert account.text.count("<tr>") == 3  # the header row and two sessions
        app_client.post("/portal/account/sign-out-everywhere", data={"csrf": csrf_of(account)})
        assert laptop.get("/portal/", follow_redirects=False).status_code == 303
        assert app_client.get("/portal/").status_code == 200


def test_an_idle_session_ends(app_client: TestClient, admin: str, clock: ManualClock) -> None:
    sign_in(app_client, admin)
    clock.advance(timedelta(minutes=31))
    assert app_client.get("/portal/", follow_redirects=False).status_code == 303


def _outbox(db: Database, to: str) -> list[str]:
    with db.unit_of_work(write=False) as session:
        return list(session.scalars(select(MailMessage.body).where(MailMessage.to_address == to)))


def test_forgot_password_mails_a_link_that_sets_the_password_once(
    app_client: TestClient, db: Database, partner: Partner
) -> None:
    form = app_client.get("/portal/forgot-password")
    for email in (partner.admin_email, "nobody@example.test"):
        sent = app_client.post(
            "/portal/forgot-password", data={"email": email, "csrf": csrf_of(form)}
        )
        assert sent.status_code == 200
        assert f"If an account uses {email}" in sent.text
    assert _outbox(db, "nobody@example.test") == []
    (body,) = _outbox(db, partner.admin_email)
    link = re.search(r"http://tukku\.test(/portal/set-password/\S+)", body)
    assert link, body
    page = app_client.get(link.group(1))
    assert page.status_code == 200
    weak = app_client.post(
        link.group(1), data={"password": "password", "confirm": "password", "csrf": csrf_of(page)}
    )
    assert weak.status_code == 400
    assert "at least 12 characters" in weak.text
    done = app_client.post(
        link.group(1),
        data={"password": GOOD, "confirm": GOOD, "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/portal/sign-in?done=password-set"
    assert sign_in(app_client, partner.admin_email).status_code == 303
    assert app_client.get(link.group(1)).status_code == 400


def test_reset_links_use_the_configured_base_url_not_the_host_header(
    settings: Settings, db: Database, clock: ManualClock, partner: Partner
) -> None:
    app = create_app(settings.model_copy(update={"allowed_hosts": "*"}), db=db, clock=clock)
    with TestClient(app, base_url="http://attacker.example") as client:
        form = client.get("/portal/forgot-password")
        client.post(
            "/portal/forgot-password", data={"email": partner.admin_email, "csrf": csrf_of(form)}
        )
    (body,) = _outbox(db, partner.admin_email)
    assert "http://tukku.test/portal/set-password/" in body
    assert "attacker" not in body
