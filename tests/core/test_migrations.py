"""Schema migrations carry existing data, on both backends: the channel-and-compliance revision
(0004) upgrades a database that already holds organizations and customers; the queue-numbers
revision (0017) moves call queues' numbers into `directory_numbers`; the partner SAML revision
(0018) keeps OIDC identity providers as they were; undoing the hunt groups revision (0019) leaves
their phone numbers at their locations, unassigned; the location calling revision (0020) keeps
calling at every location made before it."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.calling.test_locations_api import location_body
from tests.conftest import Partner
from tests.support import provision_customer
from tukku.core.migrate import current_revision, differences, downgrade, head_revision, upgrade
from tukku.schema import metadata

NOW = "2027-01-03 09:00:00"


def _execute(url: str, *statements: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text(sql))]
    finally:
        engine.dispose()


def test_upgrading_to_0004_keeps_customers_restricted_and_gives_orgs_empty_lists(
    database_url: str,
) -> None:
    downgrade(database_url, "0003")
    _execute(
        database_url,
        "INSERT INTO organizations (id, kind, name, auth_mode, created_at, internal, "
        f"webex_assistant) VALUES ('P1', 'partner', 'Partner', 'webex', '{NOW}', false, false)",
        "INSERT INTO organizations (id, kind, name, auth_mode, created_at, internal, "
        f"webex_assistant) VALUES ('O1', 'customer', 'Old', 'webex', '{NOW}', false, false)",
        "INSERT INTO onboarding_templates (id, owner_org_id, provisioning_id, name, country, "
        "language, auth_mode, pstn_provider, brand_name, allow_admin_invite_emails_on_attach, "
        "disable_webex_to_webex_calling, subscription_id, created_at, updated_at) VALUES "
        f"('T1', 'P1', 'PV1', 'Default', 'US', 'en', 'webex', NULL, 'Partner', false, false, "
        f"'Sub1', '{NOW}', '{NOW}')",
        "INSERT INTO customers (id, owner_org_id, partner_org_id, org_id, template_id, "
        "external_id, name, locale, status, attached, errors, created_at, updated_at, "
        "last_status_change, address_line1, city, country) VALUES ('C1', 'P1', 'P1', 'O1', "
        f"'T1', 'old-1', 'Old Customer', 'en_US', 'provisioned', false, '[]', '{NOW}', '{NOW}', "
        f"'{NOW}', '1 Road', 'Leeds', 'GB')",
    )

    upgrade(database_url)

    assert current_revision(database_url) == head_revision()
    assert differences(database_url, metadata) == []
    assert _rows(database_url, "SELECT restricted_by_partner FROM customers WHERE id = 'C1'") == [
        (True,)
    ]
    [(verified, claimed, licenses, blocked)] = _rows(
        database_url,
        "SELECT verified_domains, claimed_domains, license_statuses, block_admin_invite_emails "
        "FROM organizations WHERE id = 'O1'",
    )
    assert [_json(verified), _json(claimed), _json(licenses)] == [[], [], []]
    assert bool(blocked) is False


def _json(value: object) -> object:
    """JSON columns read back raw: text on SQLite, decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def test_upgrading_to_0017_moves_call_queues_numbers_into_directory_numbers(
    database_url: str, app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    params = {"orgId": customer["orgId"]}
    hq = app_client.get("/v1/locations", params=params, headers=partner.headers).json()["items"][0][
        "id"
    ]
    added = app_client.post(
        f"/v1/telephony/config/locations/{hq}/numbers",
        params=params,
        json={"phoneNumbers": ["+14085550170"]},
        headers=partner.headers,
    )
    assert added.status_code == 201, added.text
    queue_ids = []
    for name, numbers in (
        ("Sales", {"extension": "7200", "phoneNumber": "+14085550170"}),
        ("Support", {"extension": "7201"}),
        ("Billing", {"phoneNumber": "+14085550171"}),
    ):
        body = {"name": name, "callPolicies": {"policy": "CIRCULAR"}, "agents": [], **numbers}
        body["queueSettings"] = {"queueSize": 5}
        created = app_client.post(
            f"/v1/telephony/config/locations/{hq}/queues",
            params=params,
            json=body,
            headers=partner.headers,
        )
        assert created.status_code == 201, created.text
        queue_ids.append(created.json()["id"])
    held = "SELECT queue_id, extension, phone_number FROM directory_numbers ORDER BY extension"
    before = _rows(database_url, held)

    downgrade(database_url, "0013")
    upgrade(database_url)

    assert current_revision(database_url) == head_revision()
    assert differences(database_url, metadata) == []
    assert sorted(before, key=str) == sorted(
        [
            (queue_ids[0], "7200", "+14085550170"),
            (queue_ids[1], "7201", None),
            (queue_ids[2], None, "+14085550171"),
        ],
        key=str,
    )
    assert sorted(_rows(database_url, held), key=str) == sorted(before, key=str)


def test_upgrading_to_0018_keeps_oidc_providers_and_downgrading_drops_only_saml(
    database_url: str, app_client: TestClient, partner: Partner
) -> None:
    body = {
        "idpName": "kept-oidc",
        "clientId": "tukku",
        "clientSecret": "a-secret",
        "scopes": "openid email",
        "discoveryEndpoint": "https://login.acme.example/.well-known/openid-configuration",
    }
    assert app_client.put("/v1/partner/sso", json=body, headers=partner.headers).status_code == 200
    held = "SELECT name, kind, client_id FROM partner_idps"

    downgrade(database_url, "0015")
    downgraded = _rows(database_url, held)
    upgrade(database_url)

    assert downgraded == [("kept-oidc", "oidc", "tukku")]
    assert current_revision(database_url) == head_revision()
    assert differences(database_url, metadata) == []
    assert _rows(database_url, held) == downgraded
    assert _rows(database_url, "SELECT saml_send_email_hint, saml_sp_id FROM partner_idps") == [
        (False, None)
    ]


def test_downgrading_0019_leaves_hunt_groups_phone_numbers_at_their_location(
    database_url: str, app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    params = {"orgId": customer["orgId"]}
    hq = app_client.get("/v1/locations", params=params, headers=partner.headers).json()["items"][0][
        "id"
    ]
    body = {
        "name": "Front desk",
        "extension": "7400",
        "phoneNumber": "+14085550180",
        "alternateNumbers": [{"phoneNumber": "+14085550181"}],
    }
    created = app_client.post(
        f"/v1/telephony/config/locations/{hq}/huntGroups",
        params=params,
        json=body,
        headers=partner.headers,
    )
    assert created.status_code == 201, created.text
    numbers = "SELECT location_id, extension, phone_number FROM directory_numbers"

    downgrade(database_url, "0018")
    kept = _rows(database_url, numbers)
    upgrade(database_url)

    assert sorted(kept, key=str) == [(hq, None, "+14085550180"), (hq, None, "+14085550181")]
    assert current_revision(database_url) == head_revision()
    assert differences(database_url, metadata) == []
    assert _rows(database_url, "SELECT count(*) FROM hunt_groups") == [(0,)]
    assert _rows(database_url, "SELECT hunt_group_id FROM directory_numbers") == [(None,), (None,)]


def test_upgrading_to_0020_keeps_calling_at_every_earlier_location(
    database_url: str, app_client: TestClient, partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    params = {"orgId": customer["orgId"]}
    made = app_client.post(
        "/v1/locations", params=params, json=location_body("Branch"), headers=partner.headers
    )
    assert made.status_code == 201, made.text
    flags = "SELECT name, calling_enabled FROM locations ORDER BY name"
    assert _rows(database_url, flags) == [("Branch", False), ("Head Office", True)]

    downgrade(database_url, "0019")
    upgrade(database_url)

    assert _rows(database_url, flags) == [("Branch", True), ("Head Office", True)]
    assert differences(database_url, metadata) == []
    branch = made.json()["id"]
    details = app_client.get(
        f"/v1/telephony/config/locations/{branch}", params=params, headers=partner.headers
    )
    assert details.status_code == 200, details.text
