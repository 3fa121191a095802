"""A partner's SAML 2.0 identity provider over `/v1/partner/sso` (`"type": "saml"`): its
metadata uploaded and read safely (one IdP kept, no DTD, a redirect sign-on service and a signing
certificate required), each bad field named; tukku's SP key made once, sealed, never answered;
the SP metadata to register, for full administrators, and at its public entity ID."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree.ElementTree import fromstring, tostring

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Partner
from tests.saml_idp.idp import IdentityProvider
from tests.support import error_codes, new_user_headers
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity.rules import Role
from tukku.sso.models import PartnerIdp

SSO = "/v1/partner/sso"
MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> IdentityProvider:
    folder = tmp_path_factory.mktemp("idp")
    return IdentityProvider("https://idp.acme.example", folder, folder / "none.xml")


def body(idp: IdentityProvider, **overrides: Any) -> dict[str, Any]:
    return {
        "type": "saml",
        "idpName": "acme-saml",
        "idpEntityId": idp.entity_id,
        "idpMetadata": idp.metadata(),
        **overrides,
    }


def test_a_full_admin_sets_a_saml_idp_and_gets_what_to_register_but_never_the_key(
    app_client: TestClient, db: Database, partner: Partner, idp: IdentityProvider
) -> None:
    put = app_client.put(SSO, json=body(idp, sendEmailHint=True), headers=partner.headers)

    assert put.status_code == 200, put.text
    shown = put.json()
    assert shown["type"] == "saml"
    assert shown["idpEntityId"] == idp.entity_id
    assert shown["idpMetadataSet"] is True
    assert shown["sendEmailHint"] is True
    assert shown["spEntityId"].startswith("http://tukku.test/portal/sso/saml/")
    assert shown["acsUrl"] == shown["spEntityId"] + "/acs"
    assert shown["signInUrl"] == "http://tukku.test/portal/sign-in/sso/acme-saml"
    sp = app_client.get(f"{SSO}/samlMetadata", headers=partner.headers)
    assert sp.status_code == 200
    assert sp.headers["content-type"].startswith("application/samlmetadata+xml")
    entity = fromstring(sp.text)
    assert entity.get("entityID") == shown["spEntityId"]
    acs = entity.find(f"{MD}SPSSODescriptor/{MD}AssertionConsumerService")
    assert acs is not None
    assert acs.get("Location") == shown["acsUrl"]
    assert acs.get("Binding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    assert "X509Certificate" in sp.text
    public = app_client.get(shown["spEntityId"].removeprefix("http://tukku.test"))
    assert public.status_code == 200
    assert public.text == sp.text
    with db.unit_of_work() as session:
        stored = session.scalars(select(PartnerIdp)).one()
        sealed = stored.saml_sp_key_encrypted or ""
    assert sealed
    for answer in (put.text, sp.text, public.text):
        assert "PRIVATE KEY" not in answer
        assert sealed not in answer
    audit = app_client.get("/v1/partner/auditEvents", headers=partner.headers).text
    assert "sso.idp.create" in audit
    assert "PRIVATE KEY" not in audit


def test_saving_again_keeps_the_sp_key_and_the_stored_metadata(
    app_client: TestClient, db: Database, partner: Partner, idp: IdentityProvider
) -> None:
    first = app_client.put(SSO, json=body(idp), headers=partner.headers).json()
    with db.unit_of_work() as session:
        sealed = session.scalars(select(PartnerIdp.saml_sp_key_encrypted)).one()

    again = app_client.put(
        SSO, json=body(idp, idpMetadata=None, idpName="acme-saml-2"), headers=partner.headers
    )

    assert again.status_code == 200, again.text
    assert again.json()["spEntityId"] == first["spEntityId"]
    assert again.json()["idpMetadataSet"] is True
    with db.unit_of_work() as session:
        assert session.scalars(select(PartnerIdp.saml_sp_key_encrypted)).one() == sealed


def _without(xml: str, tag: str) -> str:
    """The metadata with every element `tag` (in the metadata namespace) dropped."""
    root = fromstring(xml)
    for parent in root.iter():
        for child in list(parent):
            if child.tag == f"{MD}{tag}":
                parent.remove(child)
    return tostring(root, encoding="unicode")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"idpEntityId": ""}, "idpEntityId", 8160),
        ({"idpMetadata": None}, "idpMetadata", 8161),
        (
            {"idpMetadata": None, "idpMetadataUrl": "http://idp.acme.example/md"},
            "idpMetadataUrl",
            8162,
        ),
        ({"idpMetadata": "<not-xml"}, "idpMetadata", 8164),
        ({"idpMetadata": "<x xmlns='urn:other'/>"}, "idpMetadata", 8164),
        ({"idpEntityId": "https://someone.else/idp"}, "idpMetadata", 8165),
        ({"idpName": "has space"}, "idpName", 8141),
    ],
)
def test_each_bad_field_is_named(
    app_client: TestClient,
    partner: Partner,
    idp: IdentityProvider,
    change: dict[str, Any],
    field: str,
    code: int,
) -> None:
    response = app_client.put(SSO, json=body(idp, **change), headers=partner.headers)

    assert response.status_code == 400
    assert code in error_codes(response)
    described = " | ".join(e["description"] for e in response.json()["errors"])
    assert f"{field}:" in described
    assert app_client.get(SSO, headers=partner.headers).status_code == 404


def test_metadata_without_a_redirect_service_or_a_certificate_is_refused(
    app_client: TestClient, partner: Partner, idp: IdentityProvider
) -> None:
    no_sso = _without(idp.metadata(), "SingleSignOnService")
    no_cert = _without(idp.metadata(), "KeyDescriptor")

    first = app_client.put(SSO, json=body(idp, idpMetadata=no_sso), headers=partner.headers)
    second = app_client.put(SSO, json=body(idp, idpMetadata=no_cert), headers=partner.headers)

    assert error_codes(first) == [8166]
    assert error_codes(second) == [8167]


def test_metadata_with_a_dtd_or_entities_is_refused_unread(
    app_client: TestClient, partner: Partner, idp: IdentityProvider
) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        + idp.metadata().replace(idp.entity_id, "&b;", 1)
    )
    external = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + idp.metadata().replace(idp.entity_id, "&x;", 1)
    )

    for xml in (bomb, external):
        refused = app_client.put(SSO, json=body(idp, idpMetadata=xml), headers=partner.headers)
        assert refused.status_code == 400
        assert error_codes(refused) == [8164]
        assert "root:" not in refused.text


def test_only_the_configured_idp_of_an_aggregate_is_kept(
    app_client: TestClient, db: Database, partner: Partner, idp: IdentityProvider, tmp_path: Path
) -> None:
    other = IdentityProvider("https://other.example", tmp_path, tmp_path / "none.xml")
    aggregate = (
        '<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">'
        + other.metadata().split("?>", 1)[-1]
        + idp.metadata().split("?>", 1)[-1]
        + "</md:EntitiesDescriptor>"
    )

    put = app_client.put(SSO, json=body(idp, idpMetadata=aggregate), headers=partner.headers)

    assert put.status_code == 200, put.text
    with db.unit_of_work() as session:
        kept = session.scalars(select(PartnerIdp.saml_metadata)).one() or ""
    assert idp.entity_id in kept
    assert other.entity_id not in kept


def test_switching_to_oidc_drops_the_saml_settings_and_the_sp_metadata(
    app_client: TestClient, partner: Partner, idp: IdentityProvider
) -> None:
    app_client.put(SSO, json=body(idp, applyToStaff=True), headers=partner.headers)
    oidc = {
        "type": "oidc",
        "idpName": "acme-saml",
        "clientId": "tukku",
        "clientSecret": "s3cret",
        "scopes": "openid email",
        "discoveryEndpoint": "https://login.acme.example/.well-known/openid-configuration",
        "applyToStaff": True,
    }

    switched = app_client.put(SSO, json=oidc, headers=partner.headers)

    assert switched.status_code == 200, switched.text
    assert switched.json()["spEntityId"] is None
    assert switched.json()["applyToStaff"] is True
    assert app_client.get(f"{SSO}/samlMetadata", headers=partner.headers).status_code == 404


@pytest.mark.parametrize("role", [Role.WHOLESALE_ADMIN, Role.PARTNER_READ_ONLY])
def test_only_full_administrators_get_the_sp_metadata(
    app_client: TestClient,
    db: Database,
    clock: ManualClock,
    partner: Partner,
    other_partner: Partner,
    idp: IdentityProvider,
    role: Role,
) -> None:
    app_client.put(SSO, json=body(idp), headers=partner.headers)
    headers = new_user_headers(db, clock, partner.org_id, role)

    assert app_client.get(f"{SSO}/samlMetadata", headers=headers).status_code == 403
    assert app_client.put(SSO, json=body(idp), headers=headers).status_code == 403
    assert app_client.get(f"{SSO}/samlMetadata", headers=other_partner.headers).status_code == 404
