"""The customer portal (`/hub`) as a customer's administrators live it (PRODUCT.md 10.2, 12):
signing in lands there; a new customer is in restricted mode, whose banner shows and whose
removed controls are absent from the pages and refused when posted anyway; with the mode off the
administrator adds users by hand, changes packages and mails users waiting to consent again;
read-only administrators change nothing; another organization's users are not found."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import csrf_of, give_password, sign_in
from tests.support import (
    consent_mails,
    operator_headers,
    provision_customer,
    provision_subscriber,
    subscriber_waiting_for_consent,
)
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity
from tukku.identity.rules import Role

PACKAGES = ["webex_calling", "webex_suite"]


@dataclass(frozen=True)
class Org:
    """A provisioned customer: its ID, organization, administrator's e-mail and one more user."""

    id: str
    org_id: str
    admin_email: str
    user_id: str
    user_email: str


def new_org(client: TestClient, partner: Partner, db: Database, clock: ManualClock, n: int) -> Org:
    customer = provision_customer(
        client,
        partner,
        packages=PACKAGES,
        customerInfo={"name": f"Pizza {n}", "primaryEmail": f"owner{n}@pizza.test"},
        externalId=f"pizza-{n}",
    )
    first = provision_subscriber(client, partner, customer["id"])
    second = provision_subscriber(client, partner, customer["id"])
    with db.unit_of_work() as session:
        admin = identity.first_admin(session, customer["orgId"])
        assert admin is not None
        email = admin.email
    give_password(db, clock, email)
    assert first["personId"] != second["personId"]
    return Org(customer["id"], customer["orgId"], email, second["personId"], second["email"])


@pytest.fixture
def org(app_client: TestClient, partner: Partner, db: Database, clock: ManualClock) -> Org:
    return new_org(app_client, partner, db, clock, 1)


@pytest.fixture
def admin(app_client: TestClient, org: Org) -> TestClient:
    """The customer's full administrator, signed in."""
    assert sign_in(app_client, org.admin_email).status_code == 303
    return app_client


def set_restricted(client: TestClient, partner: Partner, customer_id: str, on: bool) -> None:
    response = client.put(
        f"/v1/partner/customers/{customer_id}/restrictedMode",
        json={"enabled": on},
        headers=partner.headers,
    )
    assert response.status_code == 200, response.text


def main_of(page: httpx.Response) -> str:
    """The page's own content (the layout's sign-out and leave forms left out)."""
    return page.text.split('<main id="main"', 1)[1]


def user_names(db: Database, org_id: str) -> dict[str, tuple[str | None, str | None]]:
    with db.unit_of_work(write=False) as session:
        return {u.email: (u.first_name, u.last_name) for u in identity.users_of(session, org_id)}


def package_of(client: TestClient, partner: Partner, email: str) -> list[str]:
    found = client.get(
        "/v1/wholesale/subscribers", params={"email": email}, headers=partner.headers
    ).json()["items"]
    return [s["package"] for s in found]


def rows(*users: dict[str, str]) -> dict[str, str]:
    """The add-users form's fields for `users`, one row each."""
    form = {"rows": str(len(users)), "go": "add"}
    for i, user in enumerate(users):
        form.update({f"r{i}-{k}": v for k, v in user.items()})
    return form


# -- landing --------------------------------------------------------------------------------
def test_a_customer_administrator_signing_in_lands_in_the_customer_portal(
    app_client: TestClient, org: Org
) -> None:
    signed_in = sign_in(app_client, org.admin_email)
    home = app_client.get(signed_in.headers["location"], follow_redirects=False)
    landed = app_client.get(home.headers["location"])

    assert home.status_code == 303
    assert home.headers["location"] == "/hub"
    assert landed.status_code == 200
    assert "<h1>Pizza 1</h1>" in landed.text
    assert 'href="/hub/users"' in landed.text
    assert "Acting as partner" not in landed.text


def test_partner_staff_keep_the_partner_portal_and_need_a_launch_for_the_hub(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    give_password(db, clock, partner.admin_email)
    sign_in(app_client, partner.admin_email)

    assert app_client.get("/portal/").status_code == 200
    assert app_client.get("/hub/users").status_code == 404


def test_the_hub_asks_for_sign_in_and_comes_back(app_client: TestClient) -> None:
    page = app_client.get("/hub/users", follow_redirects=False)

    assert page.status_code == 303
    assert page.headers["location"] == "/portal/sign-in?next=/hub/users"


# -- restricted mode on (a new customer's default) ------------------------------------------
def test_restricted_mode_shows_its_banner_and_leaves_out_what_it_removes(
    admin: TestClient, org: Org
) -> None:
    users = admin.get("/hub/users")
    one = admin.get(f"/hub/users/{org.user_id}")

    assert "Restricted mode is on" in users.text
    assert "/hub/users/new" not in main_of(users)
    assert org.user_email in users.text
    assert f'action="/hub/users/{org.user_id}"' in one.text  # names stay editable
    assert 'name="firstName"' in one.text
    assert "/package" not in main_of(one)
    assert "ask your partner" in one.text


def test_restricted_mode_refuses_forged_adds_and_package_changes(
    admin: TestClient, partner: Partner, db: Database, org: Org
) -> None:
    token = csrf_of(admin.get("/hub/users"))
    before = user_names(db, org.org_id)

    form = admin.get("/hub/users/new")
    added = admin.post(
        "/hub/users/new",
        data={
            "csrf": token,
            **rows({"firstName": "New", "lastName": "Comer", "email": "n@p.test"}),
        },
    )
    package = admin.post(
        f"/hub/users/{org.user_id}/package", data={"csrf": token, "package": "webex_suite"}
    )

    assert form.status_code == added.status_code == package.status_code == 403
    assert "restricted by your partner" in added.text
    assert user_names(db, org.org_id) == before
    assert package_of(admin, partner, org.user_email) == ["webex_calling"]


def test_restricted_mode_leaves_names_and_email_editable(
    admin: TestClient, db: Database, org: Org
) -> None:
    page = admin.get(f"/hub/users/{org.user_id}")
    data = {
        "csrf": csrf_of(page),
        "firstName": "Grace",
        "lastName": "Hopper",
        "displayName": "Amazing Grace",
        "email": "grace@pizza.test",
    }

    saved = admin.post(f"/hub/users/{org.user_id}", data=data, follow_redirects=False)
    shown = admin.get(saved.headers["location"])

    assert saved.status_code == 303
    assert "The user is changed." in shown.text
    assert "<h1>Amazing Grace</h1>" in shown.text
    assert user_names(db, org.org_id)["grace@pizza.test"] == ("Grace", "Hopper")


def test_a_refused_edit_shows_the_reason_next_to_the_field(admin: TestClient, org: Org) -> None:
    page = admin.get(f"/hub/users/{org.user_id}")
    token = csrf_of(page)
    data = {"csrf": token, "firstName": "", "lastName": "X", "email": org.user_email}
    taken = {"csrf": token, "firstName": "Y", "lastName": "X", "email": org.admin_email}

    empty = admin.post(f"/hub/users/{org.user_id}", data=data)
    refused = admin.post(f"/hub/users/{org.user_id}", data=taken)

    assert empty.status_code == refused.status_code == 400
    assert 'id="firstName-error"' in empty.text
    assert 'id="email-error"' in refused.text
    assert "already in use" in refused.text


# -- restricted mode off --------------------------------------------------------------------
def test_with_restricted_mode_off_the_admin_adds_users_by_hand_row_by_row(
    admin: TestClient, partner: Partner, db: Database, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)
    form = admin.get("/hub/users/new")
    assert form.status_code == 200
    assert form.text.count("<fieldset") == 5
    wanted = rows(
        {"firstName": "Ada", "lastName": "Plain", "email": "ada@pizza.test"},
        {
            "firstName": "Bo",
            "lastName": "Caller",
            "email": "bo@pizza.test",
            "package": "webex_calling",
            "extension": "4711",
        },
        {"firstName": "Cy", "lastName": "Taken", "email": org.user_email},
        {"firstName": "Di", "lastName": "Nobody", "email": "not-an-address"},
        {"firstName": "", "lastName": "", "email": ""},
    )

    results = admin.post("/hub/users/new", data={"csrf": csrf_of(form), **wanted})

    assert results.status_code == 200
    assert "2 of 4 users added; 2 not added" in results.text
    assert results.text.count("Not added:") == 2
    assert "already in use" in results.text
    names = user_names(db, org.org_id)
    assert names["ada@pizza.test"] == ("Ada", "Plain")
    assert names["bo@pizza.test"] == ("Bo", "Caller")
    assert "not-an-address" not in names
    assert package_of(admin, partner, "bo@pizza.test") == ["webex_calling"]


def test_a_refused_row_with_a_package_leaves_nothing_behind(
    admin: TestClient, partner: Partner, db: Database, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)
    form = admin.get("/hub/users/new")
    before = set(user_names(db, org.org_id))
    first = rows(
        {
            "firstName": "Ed",
            "lastName": "One",
            "email": "ed@pizza.test",
            "package": "webex_calling",
            "extension": "4800",
        },
        {
            "firstName": "Flo",
            "lastName": "Two",
            "email": "flo@pizza.test",
            "package": "webex_calling",
            "extension": "4800",  # Ed's, a row earlier
        },
    )

    results = admin.post("/hub/users/new", data={"csrf": csrf_of(form), **first})

    assert "1 of 2 users added" in results.text
    assert set(user_names(db, org.org_id)) - before == {"ed@pizza.test"}
    assert package_of(admin, partner, "flo@pizza.test") == []


def test_more_rows_on_request_and_never_more_than_25(
    admin: TestClient, partner: Partner, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)
    token = csrf_of(admin.get("/hub/users/new"))

    more = admin.post("/hub/users/new", data={"csrf": token, "rows": "5", "go": "more"})
    most = admin.get("/hub/users/new?rows=99")

    assert more.text.count("<fieldset") == 10
    assert most.text.count("<fieldset") == 25
    assert "Add more rows" not in most.text


def test_with_restricted_mode_off_the_admin_changes_a_package(
    admin: TestClient, partner: Partner, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)
    page = admin.get(f"/hub/users/{org.user_id}")
    assert f'action="/hub/users/{org.user_id}/package"' in page.text
    assert "Restricted mode is on" not in page.text

    changed = admin.post(
        f"/hub/users/{org.user_id}/package",
        data={"csrf": csrf_of(page), "package": "webex_suite"},
        follow_redirects=False,
    )
    downgrade = admin.post(
        f"/hub/users/{org.user_id}/package",
        data={"csrf": csrf_of(page), "package": "webex_calling"},
    )

    assert changed.status_code == 303
    assert package_of(admin, partner, org.user_email) == ["webex_suite"]
    assert downgrade.status_code == 400
    assert "ask your partner" in downgrade.text
    assert package_of(admin, partner, org.user_email) == ["webex_suite"]


# -- read-only administrators ---------------------------------------------------------------
@pytest.mark.parametrize("restricted", [True, False], ids=["restricted", "unrestricted"])
def test_a_read_only_administrator_sees_no_write_controls_and_is_refused(
    app_client: TestClient,
    partner: Partner,
    db: Database,
    clock: ManualClock,
    org: Org,
    restricted: bool,
) -> None:
    set_restricted(app_client, partner, org.id, restricted)
    with db.unit_of_work() as session:
        identity.create_user(
            session,
            org_id=org.org_id,
            email="reader@pizza.test",
            roles=[Role.CUSTOMER_READ_ONLY],
            now=clock.now(),
        )
    give_password(db, clock, "reader@pizza.test")
    sign_in(app_client, "reader@pizza.test")
    before = user_names(db, org.org_id)

    users = app_client.get("/hub/users")
    one = app_client.get(f"/hub/users/{org.user_id}")
    token = csrf_of(users)
    refused = [
        app_client.post(
            f"/hub/users/{org.user_id}",
            data={"csrf": token, "firstName": "Sneaky", "lastName": "X", "email": "s@p.test"},
        ),
        app_client.post(
            f"/hub/users/{org.user_id}/package", data={"csrf": token, "package": "webex_suite"}
        ),
        app_client.post(
            "/hub/users/new",
            data={"csrf": token, **rows({"firstName": "A", "lastName": "B", "email": "a@p.test"})},
        ),
        app_client.get("/hub/users/new"),
    ]

    assert users.status_code == one.status_code == 200
    assert "/hub/users/new" not in main_of(users)
    assert re.search(r"<form[^>]*method=\"post\"", main_of(one)) is None
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert user_names(db, org.org_id) == before


# -- tenancy --------------------------------------------------------------------------------
def test_another_organizations_users_are_not_found(
    admin: TestClient,
    app_client: TestClient,
    partner: Partner,
    db: Database,
    clock: ManualClock,
    org: Org,
) -> None:
    other = new_org(app_client, partner, db, clock, 2)
    set_restricted(admin, partner, org.id, False)
    token = csrf_of(admin.get("/hub/users"))
    before = user_names(db, other.org_id)

    answers = [
        admin.get(f"/hub/users/{other.user_id}"),
        admin.post(
            f"/hub/users/{other.user_id}",
            data={"csrf": token, "firstName": "Hijacked", "lastName": "X", "email": "h@p.test"},
        ),
        admin.post(
            f"/hub/users/{other.user_id}/package", data={"csrf": token, "package": "webex_suite"}
        ),
    ]
    listed = admin.get("/hub/users", params={"search": "pizza.test"})

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert all(other.user_email not in a.text for a in answers)
    assert other.user_email not in listed.text
    assert user_names(db, other.org_id) == before


def test_a_post_without_the_forms_token_is_refused(
    admin: TestClient, db: Database, org: Org
) -> None:
    before = user_names(db, org.org_id)

    forged = admin.post(
        f"/hub/users/{org.user_id}",
        data={"csrf": "x", "firstName": "Forged", "lastName": "X", "email": org.user_email},
    )

    assert forged.status_code == 403
    assert user_names(db, org.org_id) == before


# -- the list -------------------------------------------------------------------------------
def test_users_are_searched_and_paged_25_at_a_time(
    admin: TestClient, db: Database, clock: ManualClock, org: Org
) -> None:
    with db.unit_of_work() as session:
        for i in range(30):
            identity.create_user(
                session,
                org_id=org.org_id,
                email=f"staff{i:02d}@pizza.test",
                first_name="Staff",
                last_name=f"Member{i:02d}",
                now=clock.now(),
            )
        for i in range(3):
            identity.create_user(
                session,
                org_id=org.org_id,
                email=f"baker{i:02d}@pizza.test",
                first_name="Bread",
                last_name=f"Baker{i:02d}",
                now=clock.now(),
            )

    first = admin.get("/hub/users")
    second = admin.get("/hub/users", params={"page": "2"})
    bakers = admin.get("/hub/users", params={"search": "BAKER"})
    nobody = admin.get("/hub/users", params={"search": "%"})

    assert first.text.count("<tr>") - 1 == 25
    assert 'rel="next"' in first.text
    assert second.text.count("<tr>") - 1 == 35 - 25
    assert 'rel="next"' not in second.text
    assert bakers.text.count("<tr>") - 1 == 3
    assert "baker02@pizza.test" in bakers.text
    assert "staff00@pizza.test" not in bakers.text
    assert "No user matches" in nobody.text


# -- users waiting to consent ---------------------------------------------------------------


def test_the_admin_sends_the_consent_email_again_to_a_waiting_user(
    admin: TestClient, partner: Partner, db: Database, clock: ManualClock, org: Org
) -> None:
    waiting = subscriber_waiting_for_consent(
        admin, partner.headers, operator_headers(db, clock), org.id
    )
    set_restricted(admin, partner, org.id, False)
    users = admin.get("/hub/users")
    assert "Waiting for consent" in users.text
    assert f'action="/hub/users/pending/{waiting}/consent-email"' in users.text

    sent = admin.post(
        f"/hub/users/pending/{waiting}/consent-email",
        data={"csrf": csrf_of(users)},
        follow_redirects=False,
    )

    assert sent.status_code == 303
    assert "sent again" in admin.get(sent.headers["location"]).text
    assert consent_mails(admin) == 2


def test_restricted_mode_shows_waiting_users_without_the_button_and_refuses_the_post(
    admin: TestClient, partner: Partner, db: Database, clock: ManualClock, org: Org
) -> None:
    waiting = subscriber_waiting_for_consent(
        admin, partner.headers, operator_headers(db, clock), org.id
    )
    users = admin.get("/hub/users")

    forged = admin.post(
        f"/hub/users/pending/{waiting}/consent-email", data={"csrf": csrf_of(users)}
    )

    assert "grace@freemail.test" in users.text
    assert "/consent-email" not in users.text
    assert forged.status_code == 403
    assert consent_mails(admin) == 1


# -- branding -------------------------------------------------------------------------------
def test_the_hub_wears_the_partners_brand_and_then_the_customers_own(
    admin: TestClient, partner: Partner, org: Org
) -> None:
    unbranded = admin.get("/hub")
    brand = {
        "name": "PizzaPhone",
        "lightText": "#222222",
        "lightBackground": "#fff8e7",
        "lightAccent": "#a4161a",
        "darkText": "#fff8e7",
        "darkBackground": "#2b0a0b",
        "darkAccent": "#ffb4a2",
    }
    assert admin.put("/v1/partner/branding", json=brand, headers=partner.headers).status_code == 200
    partners = admin.get("/hub/users")
    override = {**brand, "name": "Pizza Own Line", "lightAccent": "#1b4d89"}
    assert (
        admin.put(
            f"/v1/partner/customers/{org.id}/branding",
            json=override,
            headers=partner.headers,
        ).status_code
        == 200
    )
    own = admin.get("/hub")

    assert "PizzaPhone" not in unbranded.text
    assert ">PizzaPhone</a>" in partners.text
    assert "a4161a" in partners.text  # the theme stylesheet carries the partner's colours
    assert ">Pizza Own Line</a>" in own.text
    assert "1b4d89" in own.text
    assert "a4161a" not in own.text
