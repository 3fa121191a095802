"""`/v1/partner/branding` and a customer's override: validation naming the field, logo upload
served safely, tenancy (another partner's customer is 404), the audit log, and which brand
applies to whom."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import Partner
from tests.support import error_codes, new_user_headers, provision_customer
from tukku.branding import service
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity.rules import Role
from tukku.web.brand import DEFAULT

BRANDING = "/v1/partner/branding"
GOOD: dict[str, Any] = {
    "name": "PizzaPhone",
    "lightText": "#222222",
    "lightBackground": "#fff8e7",
    "lightAccent": "#a4161a",
    "darkText": "#fff8e7",
    "darkBackground": "#2b0a0b",
    "darkAccent": "#ffb4a2",
    "supportUrl": "https://help.pizzaphone.test/",
    "supportEmail": "help@pizzaphone.test",
    "supportPhone": "+44 20 7946 0000",
}


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), "#a4161a").save(out, format="PNG")
    return out.getvalue()


def customer_branding(customer_id: str) -> str:
    return f"/v1/partner/customers/{customer_id}/branding"


def test_a_partner_without_a_brand_gets_the_defaults(
    app_client: TestClient, partner: Partner
) -> None:
    got = app_client.get(BRANDING, headers=partner.headers)
    assert got.status_code == 200
    assert got.json()["customized"] is False
    assert got.json()["lightText"] == DEFAULT.light.text


def test_a_partner_sets_its_brand_and_the_change_is_audited(
    app_client: TestClient, partner: Partner
) -> None:
    put = app_client.put(BRANDING, json=GOOD, headers=partner.headers)
    assert put.status_code == 200, put.text

    got = app_client.get(BRANDING, headers=partner.headers).json()
    assert got["customized"] is True
    assert {k: got[k] for k in GOOD} == GOOD
    events = app_client.get("/v1/partner/auditEvents", headers=partner.headers).json()["items"]
    (event,) = [e for e in events if e["action"] == "branding.update"]
    assert event["targetId"] == partner.org_id
    assert event["after"]["lightAccent"] == "#a4161a"


def test_unreadable_colours_are_refused_naming_the_field(
    app_client: TestClient, partner: Partner
) -> None:
    refused = app_client.put(
        BRANDING, json=GOOD | {"lightText": "#777777"}, headers=partner.headers
    )
    assert refused.status_code == 400
    assert error_codes(refused) == [8131]
    assert "lightText" in refused.text
    assert app_client.get(BRANDING, headers=partner.headers).json()["customized"] is False


def test_several_bad_fields_are_all_named(app_client: TestClient, partner: Partner) -> None:
    body = GOOD | {"darkBackground": "black", "supportUrl": "http://help.test", "supportPhone": "x"}
    refused = app_client.put(BRANDING, json=body, headers=partner.headers)
    assert refused.status_code == 400
    fields = [e["description"].split(":")[0] for e in refused.json()["errors"]]
    assert fields == ["darkBackground", "supportUrl", "supportPhone"]


def test_a_logo_is_uploaded_and_served_as_a_safe_png(
    app_client: TestClient, partner: Partner
) -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">'
        b'<script>x()</script><rect width="20" height="10"/></svg>'
    )
    put = app_client.put(f"{BRANDING}/logo", content=svg, headers=partner.headers)
    assert put.status_code == 200, put.text
    logo_url = put.json()["logoUrl"]
    assert logo_url.startswith("http://tukku.test/brand/logos/")

    served = app_client.get(logo_url)  # no sign-in: sign-in pages and mail show it
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]
    assert "default-src 'none'" in served.headers["content-security-policy"]
    assert served.content.startswith(b"\x89PNG")
    assert app_client.get("/brand/logos/" + "0" * 64 + ".png").status_code == 404

    assert app_client.delete(f"{BRANDING}/logo", headers=partner.headers).status_code == 204
    assert app_client.get(BRANDING, headers=partner.headers).json()["logoUrl"] is None


def test_a_logo_that_is_not_an_image_is_refused(app_client: TestClient, partner: Partner) -> None:
    refused = app_client.put(
        f"{BRANDING}/logo",
        content=b"<html><script>alert(1)</script></html>",
        headers=partner.headers | {"Content-Type": "image/png"},
    )
    assert refused.status_code == 400
    assert error_codes(refused) == [8133]
    too_big = app_client.put(
        f"{BRANDING}/logo", content=b"\x89PNG\r\n\x1a\n" + b"0" * 600_000, headers=partner.headers
    )
    assert too_big.status_code == 413


def test_read_only_staff_may_read_but_not_change(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    reader = new_user_headers(db, clock, partner.org_id, Role.PARTNER_READ_ONLY)
    assert app_client.get(BRANDING, headers=reader).status_code == 200
    assert app_client.put(BRANDING, json=GOOD, headers=reader).status_code == 403


def test_a_customer_override_applies_to_that_customer_only(
    app_client: TestClient, partner: Partner, db: Database
) -> None:
    app_client.put(BRANDING, json=GOOD, headers=partner.headers)
    branded = provision_customer(app_client, partner)
    plain = provision_customer(app_client, partner)
    override = GOOD | {"name": "Luigi's", "lightAccent": "#005a32"}

    put = app_client.put(customer_branding(branded["id"]), json=override, headers=partner.headers)
    assert put.status_code == 200, put.text
    assert put.json()["orgId"] == branded["orgId"]
    logo = app_client.put(
        f"{customer_branding(branded['id'])}/logo", content=png_bytes(), headers=partner.headers
    )
    assert logo.status_code == 200, logo.text

    with db.unit_of_work(write=False) as session:
        assert service.brand_for_org(session, branded["orgId"]).name == "Luigi's"
        assert service.brand_for_org(session, branded["orgId"]).logo_digest is not None
        assert service.brand_for_org(session, plain["orgId"]).name == "PizzaPhone"
        assert service.brand_for_org(session, partner.org_id).light.accent == "#a4161a"
        assert service.brand_for_org(session, "no-such-org") == DEFAULT

    assert (
        app_client.delete(customer_branding(branded["id"]), headers=partner.headers).status_code
        == 204
    )
    with db.unit_of_work(write=False) as session:
        assert service.brand_for_org(session, branded["orgId"]).name == "PizzaPhone"


def test_another_partners_customer_is_not_found(
    app_client: TestClient, partner: Partner, other_partner: Partner
) -> None:
    customer = provision_customer(app_client, partner)
    url = customer_branding(customer["id"])
    app_client.put(url, json=GOOD, headers=partner.headers)
    answers = [
        app_client.get(url, headers=other_partner.headers),
        app_client.put(url, json=GOOD, headers=other_partner.headers),
        app_client.delete(url, headers=other_partner.headers),
        app_client.put(f"{url}/logo", content=png_bytes(), headers=other_partner.headers),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    unknown = app_client.get(customer_branding("no-such-customer"), headers=other_partner.headers)
    assert unknown.json()["errors"] == answers[0].json()["errors"]
    assert app_client.get(url, headers=partner.headers).json()["name"] == "PizzaPhone"
    assert app_client.get(BRANDING, headers=other_partner.headers).json()["customized"] is False
