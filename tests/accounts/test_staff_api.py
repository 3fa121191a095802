"""A partner's staff over `/v1/partner/users`: full administrators invite people with partner
roles (the invitation's link sets a password and lets them sign in), change their roles and
remove them; the organization never loses its last full administrator; read-only staff and
other partners change nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import GOOD, csrf_of
from tests.support import error_codes, new_user_headers, next_url, outbox, user_headers
from tukku.app import create_app
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings
from tukku.identity import service as identity
from tukku.identity.rules import READ_SCOPES, Role

USERS = "/v1/partner/users"
LINK = re.compile(r"(\S+/portal/set-password/\S+)")


def invite(
    client: TestClient, partner: Partner, email: str, *roles: str, **more: Any
) -> dict[str, Any]:
    body = {"email": email, "roles": list(roles or ["partner_read_only"]), **more}
    response = client.post(USERS, json=body, headers=partner.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def admin_id(client: TestClient, partner: Partner) -> str:
    users = client.get(USERS, headers=partner.headers).json()["items"]
    (admin,) = [u for u in users if u["email"] == partner.admin_email]
    result: str = admin["id"]
    return result


def test_an_invited_user_is_listed_with_its_roles_and_mailed_a_link_from_the_public_url(
    settings: Settings, db: Database, clock: ManualClock, partner: Partner
) -> None:
    settings = settings.model_copy(update={"allowed_hosts": "tukku.test,api.tukku.test"})
    app = create_app(settings, db=db, clock=clock, wall_clock=clock)
    with TestClient(app, base_url="http://api.tukku.test") as client:
        body = {
            "email": "Vera@Acme.test",
            "firstName": "Vera",
            "lastName": "Viewer",
            "roles": ["partner_read_only"],
        }
        created = client.post(USERS, json=body, headers=partner.headers)

        assert created.status_code == 201, created.text
        user = created.json()
        assert user["email"] == "vera@acme.test"
        assert user["roles"] == ["partner_read_only"]
        assert user["status"] == "invited"
        assert created.headers["location"].endswith(f"{USERS}/{user['id']}")
        listed = client.get(USERS, headers=partner.headers).json()["items"]
        assert {u["email"]: u["roles"] for u in listed} == {
            partner.admin_email: ["partner_full_admin", "wholesale_admin"],
            "vera@acme.test": ["partner_read_only"],
        }
        (mail,) = outbox(client, "vera@acme.test")
        assert mail.kind == "invitation"
        assert "Acme Telecom" in mail.subject
        found = LINK.search(mail.body)
        assert found is not None
        link = found.group(1)
        # from the configured base URL, never the Host the request came to
        assert link.startswith("http://tukku.test/portal/set-password/")

        path = link.removeprefix("http://tukku.test")
        form = client.get(path)
        assert form.status_code == 200
        data = {"password": GOOD, "confirm": GOOD, "csrf": csrf_of(form)}
        assert client.post(path, data=data, follow_redirects=False).status_code == 303
        sign_in = client.get("/portal/sign-in")
        signed = client.post(
            "/portal/sign-in",
            data={"email": "vera@acme.test", "password": GOOD, "csrf": csrf_of(sign_in)},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        assert client.get(f"{USERS}/{user['id']}", headers=partner.headers).json()["status"] == (
            "active"
        )
        # the link works once
        assert client.get(path).status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not an address", "roles": ["partner_read_only"]}, "email"),
        ({"roles": ["partner_read_only"]}, "email"),
        ({"email": "a@acme.test", "roles": []}, "roles"),
        ({"email": "a@acme.test"}, "roles"),
        ({"email": "a@acme.test", "roles": ["customer_full_admin"]}, "roles"),
        ({"email": "a@acme.test", "roles": ["operator"]}, "roles"),
        ({"email": "a@acme.test", "roles": ["emperor"]}, "roles"),
        ({"email": "a@acme.test", "roles": "partner_read_only"}, "roles"),
        (
            {"email": "a@acme.test", "roles": ["partner_read_only"], "firstName": "A\nB"},
            "firstName",
        ),
    ],
)
def test_an_invitation_is_refused_naming_the_field(
    app_client: TestClient, partner: Partner, body: dict[str, Any], field: str
) -> None:
    response = app_client.post(USERS, json=body, headers=partner.headers)

    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["description"].startswith(f"{field}: ")
    assert outbox(app_client, "a@acme.test") == []


def test_an_e_mail_already_in_use_anywhere_is_a_conflict(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    invite(app_client, partner, "taken@acme.test")

    again = app_client.post(
        USERS,
        json={"email": "TAKEN@acme.test", "roles": ["wholesale_admin"]},
        headers=partner.headers,
    )
    theirs = app_client.post(
        USERS,
        json={"email": other_partner.admin_email, "roles": ["partner_read_only"]},
        headers=partner.headers,
    )

    assert again.status_code == 409
    assert error_codes(again) == [10022]
    assert theirs.status_code == 409


def test_the_list_pages_with_link_headers(
    app_client: TestClient, clock: ManualClock, partner: Partner
) -> None:
    for n in range(4):
        clock.advance(timedelta(seconds=1))
        invite(app_client, partner, f"page{n}@acme.test")

    first = app_client.get(USERS, params={"max": 2}, headers=partner.headers)
    follow = next_url(first)
    assert follow is not None
    second = app_client.get(follow, headers=partner.headers)
    third_url = next_url(second)
    assert third_url is not None
    third = app_client.get(third_url, headers=partner.headers)

    emails = [u["email"] for r in (first, second, third) for u in r.json()["items"]]
    assert emails == [partner.admin_email] + [f"page{n}@acme.test" for n in range(4)]
    assert next_url(third) is None


def test_roles_change_to_exactly_those_given(app_client: TestClient, partner: Partner) -> None:
    user = invite(app_client, partner, "rolling@acme.test", "partner_read_only")

    changed = app_client.put(
        f"{USERS}/{user['id']}",
        json={"roles": ["wholesale_admin", "provisioning_admin"]},
        headers=partner.headers,
    )

    assert changed.status_code == 200, changed.text
    assert changed.json()["roles"] == ["provisioning_admin", "wholesale_admin"]
    got = app_client.get(f"{USERS}/{user['id']}", headers=partner.headers).json()
    assert got["roles"] == ["provisioning_admin", "wholesale_admin"]
    bad = app_client.put(f"{USERS}/{user['id']}", json={"roles": ["root"]}, headers=partner.headers)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["description"].startswith("roles: ")


def test_the_last_full_administrator_can_neither_be_demoted_nor_removed(
    app_client: TestClient, partner: Partner
) -> None:
    me = admin_id(app_client, partner)

    demoted = app_client.put(
        f"{USERS}/{me}", json={"roles": ["wholesale_admin"]}, headers=partner.headers
    )
    removed = app_client.delete(f"{USERS}/{me}", headers=partner.headers)

    assert demoted.status_code == 409
    assert "full administrator" in demoted.json()["message"]
    assert removed.status_code == 409
    roles = app_client.get(f"{USERS}/{me}", headers=partner.headers).json()["roles"]
    assert "partner_full_admin" in roles

    # with a second full administrator, the first may step down
    invite(app_client, partner, "second@acme.test", "partner_full_admin")
    stepped_down = app_client.put(
        f"{USERS}/{me}", json={"roles": ["wholesale_admin"]}, headers=partner.headers
    )
    assert stepped_down.status_code == 200


def test_removing_a_user_ends_its_sessions_and_revokes_its_tokens(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    user = invite(app_client, partner, "leaver@acme.test", "wholesale_admin")
    headers = user_headers(db, clock, "leaver@acme.test")
    with db.unit_of_work() as session:
        leaver = identity.find_user_by_email(session, "leaver@acme.test")
        assert leaver is not None
        identity.set_password(session, user=leaver, password=GOOD, now=clock.now())
    form = app_client.get("/portal/sign-in")
    app_client.post(
        "/portal/sign-in",
        data={"email": "leaver@acme.test", "password": GOOD, "csrf": csrf_of(form)},
    )
    assert app_client.get("/portal/account", follow_redirects=False).status_code == 200
    assert app_client.get("/v1/wholesale/customers", headers=headers).status_code == 200

    removed = app_client.delete(f"{USERS}/{user['id']}", headers=partner.headers)

    assert removed.status_code == 204
    clock.advance(timedelta(seconds=10))  # past the token cache
    assert app_client.get("/v1/wholesale/customers", headers=headers).status_code == 401
    assert app_client.get("/portal/account", follow_redirects=False).status_code == 303
    assert app_client.get(f"{USERS}/{user['id']}", headers=partner.headers).status_code == 404
    emails = [u["email"] for u in app_client.get(USERS, headers=partner.headers).json()["items"]]
    assert "leaver@acme.test" not in emails
    form = app_client.get("/portal/sign-in")
    again = app_client.post(
        "/portal/sign-in",
        data={"email": "leaver@acme.test", "password": GOOD, "csrf": csrf_of(form)},
    )
    assert again.status_code == 401
    log = "/v1/partner/auditEvents"
    events = app_client.get(log, params={"targetId": user["id"]}, headers=partner.headers)
    actions = {e["action"] for e in events.json()["items"]}
    assert {"user.invite", "role.grant", "role.revoke", "user.remove"} <= actions
    revoked = app_client.get(log, params={"action": "token.revoke"}, headers=partner.headers)
    assert [e["after"]["userId"] for e in revoked.json()["items"]] == [user["id"]]


def test_a_removed_user_can_be_invited_back(app_client: TestClient, partner: Partner) -> None:
    user = invite(app_client, partner, "boomerang@acme.test", "wholesale_admin")
    app_client.delete(f"{USERS}/{user['id']}", headers=partner.headers)

    back = invite(app_client, partner, "boomerang@acme.test", "partner_read_only")

    assert back["id"] == user["id"]
    assert back["roles"] == ["partner_read_only"]
    assert len(outbox(app_client, "boomerang@acme.test")) == 2


@pytest.mark.parametrize("role", [Role.WHOLESALE_ADMIN, Role.PARTNER_READ_ONLY])
def test_only_full_administrators_manage_staff(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner, role: Role
) -> None:
    headers = new_user_headers(db, clock, partner.org_id, role)
    target = invite(app_client, partner, "target@acme.test")
    body = {"email": "sneaky@acme.test", "roles": ["partner_full_admin"]}

    listed = app_client.get(USERS, headers=headers)
    attempts = [
        app_client.post(USERS, json=body, headers=headers),
        app_client.put(
            f"{USERS}/{target['id']}", json={"roles": ["wholesale_admin"]}, headers=headers
        ),
        app_client.delete(f"{USERS}/{target['id']}", headers=headers),
    ]

    assert listed.status_code == 200
    assert [a.status_code for a in attempts] == [403, 403, 403]
    assert outbox(app_client, "sneaky@acme.test") == []
    assert app_client.get(f"{USERS}/{target['id']}", headers=partner.headers).json()["roles"] == [
        "partner_read_only"
    ]


def test_a_read_only_token_cannot_write_even_for_a_full_administrator(
    app_client: TestClient, db: Database, clock: ManualClock, partner: Partner
) -> None:
    headers = user_headers(db, clock, partner.admin_email, READ_SCOPES)

    response = app_client.post(
        USERS, json={"email": "x@acme.test", "roles": ["partner_read_only"]}, headers=headers
    )

    assert response.status_code == 403
    assert error_codes(response) == [1011]


def test_other_partners_users_answer_404(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    theirs = admin_id(app_client, other_partner)

    answers = [
        app_client.get(f"{USERS}/{theirs}", headers=partner.headers),
        app_client.put(
            f"{USERS}/{theirs}", json={"roles": ["partner_read_only"]}, headers=partner.headers
        ),
        app_client.delete(f"{USERS}/{theirs}", headers=partner.headers),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404]
    mine = app_client.get(USERS, headers=partner.headers).json()["items"]
    assert theirs not in [u["id"] for u in mine]
    roles = app_client.get(f"{USERS}/{theirs}", headers=other_partner.headers).json()["roles"]
    assert roles == ["partner_full_admin", "wholesale_admin"]


def test_without_a_token_the_answer_is_401(app_client: TestClient) -> None:
    assert app_client.get(USERS).status_code == 401
    assert app_client.post(USERS, json={}).status_code == 401
