"""The pure rules of an OIDC identity provider's settings (PRODUCT.md §10.3), each problem
naming its field; which endpoints tukku talks to; whose password sign-in a provider closes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tukku.sso.rules import OidcSettings, check_oidc, endpoint_allowed, password_closed

GOOD = OidcSettings(
    name="Acme-IdP_1~x.y",
    client_id="tukku",
    client_secret="s3cret",
    scopes="openid email profile",
    discovery_endpoint="https://login.acme.example/.well-known/openid-configuration",
)


def fields(settings: OidcSettings, *, secret_stored: bool = False) -> list[str | None]:
    return [p.field for p in check_oidc(settings, secret_stored=secret_stored)]


def test_valid_settings_have_no_problems() -> None:
    assert fields(GOOD) == []


@pytest.mark.parametrize(
    "name", ["a", "A" * 128, "idp.acme~prod_1-x", "UPPER", "0123"], ids=lambda n: n[:20]
)
def test_idp_names_of_the_allowed_characters_up_to_128_are_valid(name: str) -> None:
    assert fields(replace(GOOD, name=name)) == []


@pytest.mark.parametrize("name", ["", "A" * 129, "has space", "slash/", "ümlaut", "a:b", "a@b"])
def test_other_idp_names_are_refused(name: str) -> None:
    assert fields(replace(GOOD, name=name)) == ["idpName"]


@pytest.mark.parametrize("scopes", ["openid", "email profile", "", "openidemail", "OPENID EMAIL"])
def test_scopes_must_include_openid_and_email(scopes: str) -> None:
    assert fields(replace(GOOD, scopes=scopes)) == ["scopes"]


def test_scopes_in_any_order_with_extra_spaces_are_valid() -> None:
    assert fields(replace(GOOD, scopes="  email   groups openid ")) == []


def test_scope_names_with_forbidden_characters_are_refused() -> None:
    assert fields(replace(GOOD, scopes='openid email "quoted"')) == ["scopes"]


def test_client_id_and_secret_are_required() -> None:
    assert fields(replace(GOOD, client_id=" ", client_secret="")) == ["clientId", "clientSecret"]


def test_a_stored_secret_may_be_kept_by_leaving_it_out() -> None:
    assert fields(replace(GOOD, client_secret=""), secret_stored=True) == []


def test_without_discovery_the_flow_endpoints_and_issuer_are_required() -> None:
    bare = replace(GOOD, discovery_endpoint="")
    assert fields(bare) == ["authorizationEndpoint", "tokenEndpoint", "jwksEndpoint", "issuer"]


def test_without_discovery_every_endpoint_given_is_enough() -> None:
    given = replace(
        GOOD,
        discovery_endpoint="",
        authorization_endpoint="https://idp.example/authorize",
        token_endpoint="https://idp.example/token",
        jwks_endpoint="https://idp.example/jwks",
        issuer="https://idp.example",
    )
    assert fields(given) == []


def test_the_user_info_endpoint_is_optional_but_checked() -> None:
    assert fields(replace(GOOD, userinfo_endpoint="https://idp.example/me")) == []
    assert fields(replace(GOOD, userinfo_endpoint="ftp://idp.example/me")) == ["userInfoEndpoint"]


@pytest.mark.parametrize(
    "url",
    [
        "https://idp.example/auth",
        "https://idp.example:8443/a?b=c",
        "http://127.0.0.1:9000/.well-known/openid-configuration",
    ],
)
def test_https_anywhere_and_plain_http_on_127_0_0_1_are_allowed(url: str) -> None:
    assert endpoint_allowed(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://idp.example/auth",
        "http://localhost:9000/auth",
        "http://127.0.0.2/auth",
        "http://[::1]:9000/auth",
        "https://user:pw@idp.example/auth",
        "https://idp.example/auth#frag",
        "https://idp.example:99999/auth",
        "javascript:alert(1)",
        "https:///nohost",
        "https://idp.example/a b",
        "https://idp.example/" + "a" * 2048,
    ],
)
def test_other_urls_are_refused(url: str) -> None:
    assert not endpoint_allowed(url)
    assert fields(replace(GOOD, discovery_endpoint=url)) == ["discoveryEndpoint"]


def test_only_a_configured_provider_of_the_same_kind_closes_password_sign_in() -> None:
    assert password_closed("partner_oidc", "oidc")
    assert not password_closed("partner_oidc", None)  # removed provider: passwords work again
    assert not password_closed("partner_saml", "oidc")
    assert not password_closed("webex", "oidc")
