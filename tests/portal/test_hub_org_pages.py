"""The customer portal's account and organization settings (PRODUCT.md 10.2, 12): the company
name, domains, e-mail settings and sign-in, changed by the customer's administrator while its
partner keeps restricted mode off; shown read-only (no form) while it is on, and forged posts
refused; never changed by a read-only administrator; changed by the partner's administrators
acting in it (cross-launch) whatever the mode, but not by the partner's read-only staff."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner
from tests.portal.pages import GOOD, csrf_of, give_password, read_only_staff, sign_in
from tests.portal.test_hub_cross_launch_pages import launch, user_id_of
from tests.portal.test_hub_pages import Org, main_of, new_org, set_restricted
from tukku.audit.models import AuditEvent
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.customers import service as customers
from tukku.identity import service as identity
from tukku.identity.rules import Role

PAGE = "/hub/organization"
FORMS = ("name", "domains", "email", "authentication")


@pytest.fixture
def org(app_client: TestClient, partner: Partner, db: Database, clock: ManualClock) -> Org:
    return new_org(app_client, partner, db, clock, 1)


@pytest.fixture
def admin(app_client: TestClient, org: Org) -> TestClient:
    """The customer's full administrator, signed in."""
    assert sign_in(app_client, org.admin_email).status_code == 303
    return app_client


def settings_of(
    db: Database, org_id: str
) -> tuple[str, list[str], bool, str | None, str, str | None]:
    with db.unit_of_work(write=False) as session:
        o = identity.get_org_unscoped(session, org_id)
        assert o is not None
        return (
            o.name,
            list(o.verified_domains),
            o.block_admin_invite_emails,
            o.email_locale,
            o.auth_mode,
            o.idp_entity_id,
        )


def forged_posts(client: TestClient, token: str) -> list[httpx.Response]:
    """A post of every form, valid as far as its fields go."""
    return [
        client.post(f"{PAGE}/name", data={"csrf": token, "name": "Hijacked Pizza"}),
        client.post(f"{PAGE}/domains", data={"csrf": token, "domains": "hijack.test"}),
        client.post(
            f"{PAGE}/email",
            data={"csrf": token, "blockAdminInviteEmails": "on", "emailLocale": "fi_FI"},
        ),
        client.post(
            f"{PAGE}/authentication",
            data={"csrf": token, "mode": "partner_saml", "idpEntityId": "https://evil.test"},
        ),
    ]


def forms_in(page: httpx.Response) -> list[str]:
    return re.findall(r'<form method="post" action="/hub/organization/(\w+)"', main_of(page))


# -- restricted mode on (a new customer's default) ------------------------------------------
def test_in_restricted_mode_the_settings_show_read_only_without_forms(
    admin: TestClient, org: Org
) -> None:
    page = admin.get(PAGE)

    assert page.status_code == 200
    assert "Restricted mode is on" in page.text
    assert forms_in(page) == []
    assert "<input" not in main_of(page)
    assert "<dt>Company name</dt><dd>Pizza 1</dd>" in page.text
    assert "your partner keeps this setting while restricted mode is on" in page.text
    assert 'href="/hub/organization" aria-current="page"' in page.text


def test_in_restricted_mode_forged_posts_are_refused_and_change_nothing(
    admin: TestClient, db: Database, org: Org
) -> None:
    before = settings_of(db, org.org_id)

    refused = forged_posts(admin, csrf_of(admin.get(PAGE)))

    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert all("restricted by your partner" in r.text for r in refused)
    assert settings_of(db, org.org_id) == before


def test_a_refused_post_without_its_fields_is_still_refused_not_explained(
    admin: TestClient, org: Org
) -> None:
    token = csrf_of(admin.get(PAGE))

    refused = admin.post(f"{PAGE}/name", data={"csrf": token, "name": ""})

    assert refused.status_code == 403
    assert "field-error" not in refused.text


# -- restricted mode off --------------------------------------------------------------------
def test_with_restricted_mode_off_the_admin_renames_the_company(
    admin: TestClient, partner: Partner, db: Database, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)
    page = admin.get(PAGE)
    assert forms_in(page) == list(FORMS)

    saved = admin.post(
        f"{PAGE}/name",
        data={"csrf": csrf_of(page), "name": "  Pizza Palace  "},
        follow_redirects=False,
    )
    shown = admin.get(saved.headers["location"])

    assert saved.status_code == 303
    assert "The company name is changed." in shown.text
    assert "· Pizza Palace · Control Hub</title>" in shown.text
    assert settings_of(db, org.org_id)[0] == "Pizza Palace"
    with db.unit_of_work(write=False) as session:
        customer = customers.by_org_unscoped(session, org.org_id)
        assert customer is not None
        assert customer.name == "Pizza Palace"  # as the partner's customer list shows it


def test_a_refused_name_is_explained_next_to_the_field_and_on_top(
    admin: TestClient, partner: Partner, db: Database, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)
    token = csrf_of(admin.get(PAGE))

    percent = admin.post(f"{PAGE}/name", data={"csrf": token, "name": "100% Pizza"})
    empty = admin.post(f"{PAGE}/name", data={"csrf": token, "name": "   "})

    assert percent.status_code == empty.status_code == 400
    assert 'id="name-error"' in percent.text
    assert "no &#39;%&#39;" in percent.text
    assert 'value="100% Pizza"' in percent.text  # as typed, to correct
    assert 'class="error-summary"' in percent.text
    assert '<a href="#name">' in percent.text
    assert 'id="name-error"' in empty.text
    assert settings_of(db, org.org_id)[0] == "Pizza 1"


def test_the_admin_replaces_the_domains_and_bad_names_are_shown_next_to_the_field(
    admin: TestClient, partner: Partner, db: Database, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)
    token = csrf_of(admin.get(PAGE))

    bad = admin.post(
        f"{PAGE}/domains", data={"csrf": token, "domains": "pizza.test\nnot a domain\nlocalhost"}
    )
    good = admin.post(
        f"{PAGE}/domains",
        data={"csrf": token, "domains": "Pizza.test\n\nslice.example\n"},
        follow_redirects=False,
    )
    shown = admin.get(good.headers["location"])

    assert bad.status_code == 400
    assert 'id="domains-error"' in bad.text
    assert "localhost" in bad.text.split('id="domains-error"', 1)[1].split("</p>", 1)[0]
    assert '<a href="#domains">' in bad.text
    assert "not a domain\nlocalhost</textarea>" in bad.text
    assert good.status_code == 303
    assert "The domains are saved." in shown.text
    assert settings_of(db, org.org_id)[1] == ["pizza.test", "slice.example"]
    assert ">pizza.test\nslice.example</textarea>" in shown.text


def test_the_admin_sets_the_email_settings(
    admin: TestClient, partner: Partner, db: Database, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)
    token = csrf_of(admin.get(PAGE))

    blocked = admin.post(
        f"{PAGE}/email",
        data={"csrf": token, "blockAdminInviteEmails": "on", "emailLocale": "fi_FI"},
        follow_redirects=False,
    )
    after_block = settings_of(db, org.org_id)[2:4]
    unknown = admin.post(f"{PAGE}/email", data={"csrf": token, "emailLocale": "klingon"})
    cleared = admin.post(f"{PAGE}/email", data={"csrf": token}, follow_redirects=False)

    assert blocked.status_code == cleared.status_code == 303
    assert after_block == (True, "fi_FI")
    assert unknown.status_code == 400
    assert 'id="emailLocale-error"' in unknown.text
    assert settings_of(db, org.org_id)[2:4] == (False, None)
    assert "The e-mail settings are saved." in admin.get(cleared.headers["location"]).text


def test_the_admin_chooses_sign_in_through_an_identity_provider(
    admin: TestClient, partner: Partner, db: Database, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)
    token = csrf_of(admin.get(PAGE))

    missing = admin.post(f"{PAGE}/authentication", data={"csrf": token, "mode": "partner_saml"})
    unknown = admin.post(f"{PAGE}/authentication", data={"csrf": token, "mode": "kerberos"})
    saved = admin.post(
        f"{PAGE}/authentication",
        data={"csrf": token, "mode": "partner_saml", "idpEntityId": "https://idp.pizza.test"},
        follow_redirects=False,
    )
    shown = admin.get(saved.headers["location"])

    assert missing.status_code == unknown.status_code == 400
    assert 'id="idpEntityId-error"' in missing.text
    assert 'id="mode-error"' in unknown.text
    assert saved.status_code == 303
    assert settings_of(db, org.org_id)[4:] == ("partner_saml", "https://idp.pizza.test")
    assert "The sign-in settings are saved." in shown.text
    assert 'value="partner_saml" checked' in shown.text


# -- read-only administrators ---------------------------------------------------------------
@pytest.mark.parametrize("restricted", [True, False], ids=["restricted", "unrestricted"])
def test_a_read_only_administrator_sees_the_settings_and_changes_none(
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
    before = settings_of(db, org.org_id)

    page = app_client.get(PAGE)
    refused = forged_posts(app_client, csrf_of(page))

    assert page.status_code == 200
    assert forms_in(page) == []
    assert "<dt>Company name</dt><dd>Pizza 1</dd>" in page.text
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert settings_of(db, org.org_id) == before


# -- the partner, cross-launched ------------------------------------------------------------
def test_the_partner_acting_in_a_restricted_customer_changes_its_settings_as_itself(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock, org: Org
) -> None:
    give_password(db, clock, partner.admin_email)
    sign_in(app_client, partner.admin_email)
    launch(app_client, org.id)
    page = app_client.get(PAGE)

    renamed = app_client.post(
        f"{PAGE}/name",
        data={"csrf": csrf_of(page), "name": "Pizza by Acme"},
        follow_redirects=False,
    )
    domains = app_client.post(
        f"{PAGE}/domains",
        data={"csrf": csrf_of(page), "domains": "pizza.test"},
        follow_redirects=False,
    )

    assert "Restricted mode is on" in page.text
    assert forms_in(page) == list(FORMS)
    assert renamed.status_code == domains.status_code == 303
    assert settings_of(db, org.org_id)[:2] == ("Pizza by Acme", ["pizza.test"])
    with db.unit_of_work(write=False) as session:
        who = set(
            session.scalars(
                select(AuditEvent.actor_user_id).where(
                    AuditEvent.action.in_(["organization.rename", "organization.domains"])
                )
            )
        )
    assert who == {user_id_of(db, partner.admin_email)}


def test_the_partners_read_only_staff_acting_in_it_change_nothing(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock, org: Org
) -> None:
    set_restricted(app_client, partner, org.id, False)
    read_only_staff(db, clock, partner.org_id, "viewer@acme.test")
    sign_in(app_client, "viewer@acme.test", GOOD)
    launch(app_client, org.id)
    before = settings_of(db, org.org_id)

    page = app_client.get(PAGE)
    refused = forged_posts(app_client, csrf_of(page))

    assert page.status_code == 200
    assert forms_in(page) == []
    assert "your role does not allow changing it" in page.text
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert settings_of(db, org.org_id) == before


def test_another_customers_settings_are_out_of_reach(
    admin: TestClient,
    app_client: TestClient,
    partner: Partner,
    db: Database,
    clock: ManualClock,
    org: Org,
) -> None:
    other = new_org(app_client, partner, db, clock, 2)
    set_restricted(admin, partner, org.id, False)
    before = settings_of(db, other.org_id)

    page = admin.get(PAGE)
    admin.post(f"{PAGE}/name", data={"csrf": csrf_of(page), "name": "Mine Now"})

    assert "Pizza 2" not in page.text
    assert settings_of(db, other.org_id) == before
    assert settings_of(db, org.org_id)[0] == "Mine Now"
