"""The partner portal's users over HTTP: a full administrator invites someone (the invitation
goes out, the API lists them), changes their roles and removes them after a confirmation; the
last full administrator stays; the list pages; read-only staff see no controls and cannot post
any; another partner's users are not found."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, read_only_staff, sign_in
from tests.support import outbox
from tukku.core.clock import ManualClock
from tukku.core.db import Database

USERS = "/v1/partner/users"


@pytest.fixture
def signed_in(app_client: TestClient, db: Database, clock: ManualClock, partner: Partner) -> None:
    give_password(db, clock, partner.admin_email)
    assert sign_in(app_client, partner.admin_email).status_code == 303


def _invite(client: TestClient, *roles: str, **fields: str) -> httpx.Response:
    form = client.get("/portal/users/new")
    data: dict[str, object] = {**fields, "roles": list(roles), "csrf": csrf_of(form)}
    return client.post("/portal/users/new", data=data, follow_redirects=False)


def _user_id(client: TestClient, partner: Partner, email: str) -> str:
    users = client.get(USERS, headers=partner.headers).json()["items"]
    (found,) = [u["id"] for u in users if u["email"] == email]
    return str(found)


def test_inviting_a_user_mails_them_and_lists_them_with_their_roles(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    invited = _invite(
        app_client,
        "partner_read_only",
        "provisioning_admin",
        email="new@acme.test",
        firstName="Nina",
        lastName="New",
    )

    assert invited.status_code == 303
    page = app_client.get(invited.headers["location"])
    assert "The invitation is on its way" in page.text
    assert "Nina New" in page.text
    assert "Read-only, Provisioning administrator" in page.text
    api = app_client.get(USERS, headers=partner.headers).json()["items"]
    (user,) = [u for u in api if u["email"] == "new@acme.test"]
    assert user["roles"] == ["partner_read_only", "provisioning_admin"]
    (mail,) = outbox(app_client, "new@acme.test")
    assert "http://tukku.test/portal/set-password/" in mail.body


def test_the_invitation_form_refuses_next_to_the_field(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    no_role = _invite(app_client, email="someone@acme.test")
    bad_email = _invite(app_client, "partner_read_only", email="not-an-address")
    taken = _invite(app_client, "partner_read_only", email=partner.admin_email)

    assert no_role.status_code == 400
    assert 'id="roles-error"' in no_role.text
    assert 'value="someone@acme.test"' in no_role.text  # what was typed stays
    assert bad_email.status_code == 400
    assert 'id="email-error"' in bad_email.text
    assert taken.status_code == 400
    assert "already in use" in taken.text
    emails = [u["email"] for u in app_client.get(USERS, headers=partner.headers).json()["items"]]
    assert emails == [partner.admin_email]


def test_changing_roles_and_the_last_administrator_rule(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    _invite(app_client, "partner_read_only", email="promote@acme.test")
    user_id = _user_id(app_client, partner, "promote@acme.test")
    page = app_client.get(f"/portal/users/{user_id}")

    changed = app_client.post(
        f"/portal/users/{user_id}/roles",
        data={"roles": ["wholesale_admin"], "csrf": csrf_of(page)},
    )

    assert changed.status_code == 200
    assert "The roles are changed" in changed.text
    got = app_client.get(f"{USERS}/{user_id}", headers=partner.headers).json()
    assert got["roles"] == ["wholesale_admin"]

    me = _user_id(app_client, partner, partner.admin_email)
    mine = app_client.get(f"/portal/users/{me}")
    demoted = app_client.post(
        f"/portal/users/{me}/roles", data={"roles": ["wholesale_admin"], "csrf": csrf_of(mine)}
    )
    assert demoted.status_code == 400
    assert "at least one partner full administrator" in demoted.text
    roles = app_client.get(f"{USERS}/{me}", headers=partner.headers).json()["roles"]
    assert "partner_full_admin" in roles


def test_removing_asks_first_then_removes(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    _invite(app_client, "wholesale_admin", email="leaving@acme.test")
    user_id = _user_id(app_client, partner, "leaving@acme.test")

    confirm = app_client.get(f"/portal/users/{user_id}/remove")
    assert confirm.status_code == 200
    assert "Remove leaving@acme.test?" in confirm.text
    assert app_client.get(f"{USERS}/{user_id}", headers=partner.headers).status_code == 200

    removed = app_client.post(f"/portal/users/{user_id}/remove", data={"csrf": csrf_of(confirm)})

    assert removed.status_code == 200
    assert "The user is removed" in removed.text
    assert "leaving@acme.test" not in removed.text
    assert app_client.get(f"{USERS}/{user_id}", headers=partner.headers).status_code == 404
    me = _user_id(app_client, partner, partner.admin_email)
    page = app_client.get(f"/portal/users/{me}/remove")
    refused = app_client.post(f"/portal/users/{me}/remove", data={"csrf": csrf_of(page)})
    assert refused.status_code == 409
    assert "at least one partner full administrator" in refused.text


def test_more_than_a_page_of_users_pages(
    app_client: TestClient, clock: ManualClock, partner: Partner, signed_in: None
) -> None:
    for n in range(25):
        clock.advance(timedelta(seconds=1))
        response = app_client.post(
            USERS,
            json={"email": f"u{n:02}@acme.test", "roles": ["partner_read_only"]},
            headers=partner.headers,
        )
        assert response.status_code == 201

    first = app_client.get("/portal/users")
    second = app_client.get("/portal/users?page=2")

    assert "u23@acme.test" in first.text
    assert "u24@acme.test" not in first.text
    assert 'href="/portal/users?page=2"' in first.text
    assert "u24@acme.test" in second.text
    assert 'href="/portal/users?page=1"' in second.text


def test_read_only_staff_see_the_users_but_no_controls_and_cannot_post(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    assert sign_in(app_client, "viewer@acme.test").status_code == 303
    me = _user_id(app_client, partner, partner.admin_email)

    listed = app_client.get("/portal/users")
    detail = app_client.get(f"/portal/users/{me}")
    csrf = csrf_of(listed)
    attempts = [
        app_client.get("/portal/users/new"),
        app_client.get(f"/portal/users/{me}/remove"),
        app_client.post(
            "/portal/users/new",
            data={"email": "x@acme.test", "roles": ["partner_full_admin"], "csrf": csrf},
        ),
        app_client.post(
            f"/portal/users/{me}/roles", data={"roles": ["partner_read_only"], "csrf": csrf}
        ),
        app_client.post(f"/portal/users/{me}/remove", data={"csrf": csrf}),
    ]

    assert listed.status_code == 200
    assert partner.admin_email in listed.text
    assert "Invite a user" not in listed.text
    assert detail.status_code == 200
    assert 'type="checkbox"' not in detail.text
    assert "Remove this user" not in detail.text
    assert [a.status_code for a in attempts] == [403] * 5
    roles = app_client.get(f"{USERS}/{me}", headers=partner.headers).json()["roles"]
    assert roles == ["partner_full_admin", "wholesale_admin"]
    assert outbox(app_client, "x@acme.test") == []


def test_another_partners_user_is_not_found(
    app_client: TestClient, partner: Partner, other_partner: Partner, signed_in: None
) -> None:
    theirs = _user_id(app_client, other_partner, other_partner.admin_email)
    page = app_client.get("/portal/users")

    answers = [
        app_client.get(f"/portal/users/{theirs}"),
        app_client.get(f"/portal/users/{theirs}/remove"),
        app_client.post(f"/portal/users/{theirs}/remove", data={"csrf": csrf_of(page)}),
        app_client.post(
            f"/portal/users/{theirs}/roles",
            data={"roles": ["partner_read_only"], "csrf": csrf_of(page)},
        ),
    ]

    assert [a.status_code for a in answers] == [404] * 4
    assert other_partner.admin_email not in page.text
    roles = app_client.get(f"{USERS}/{theirs}", headers=other_partner.headers).json()["roles"]
    assert roles == ["partner_full_admin", "wholesale_admin"]


def test_a_post_without_the_forms_csrf_token_is_refused(
    app_client: TestClient, partner: Partner, signed_in: None
) -> None:
    response = app_client.post(
        "/portal/users/new", data={"email": "csrf@acme.test", "roles": ["partner_read_only"]}
    )

    assert response.status_code == 403
    assert outbox(app_client, "csrf@acme.test") == []
