"""Pure rules of partner single sign-on (PRODUCT.md §10.3): what a valid OIDC or SAML 2.0
identity provider's settings are, which endpoints tukku will talk to, the redirect URI (OIDC) or
the SP entity ID and assertion consumer service URL (SAML) a partner registers, and whose
password sign-in an identity provider closes.

Endpoints must be `https` URLs: tukku sends the client secret to them and trusts the keys they
serve. Plain `http` is allowed only on `127.0.0.1` (a provider on the same machine, as in tests
and the local walk-through of docs/sso.md), where nothing crosses a network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from tukku.core.errors import Codes, Problem
from tukku.core.validation import has_control_characters

OIDC = "oidc"
SAML = "saml"
AUTH_MODE_OF_KIND = {OIDC: "partner_oidc", SAML: "partner_saml"}
IDP_NAME = re.compile(r"[A-Za-z0-9_~.\-]{1,128}")
REQUIRED_SCOPES = ("openid", "email")
# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
MAX_URL = 2048
MAX_CLIENT_ID = 255
MAX_CLIENT_SECRET = 1024
CALLBACK_PATH = "/portal/sso/callback"
SAML_PATH = "/portal/sso/saml"
MAX_ENTITY_ID = 1024
# Endpoints the flow needs; without a discovery document, each must be given.
NEEDED_WITHOUT_DISCOVERY = (
    ("authorizationEndpoint", "the authorization endpoint"),
    ("tokenEndpoint", "the token endpoint"),
    ("jwksEndpoint", "the JWKS endpoint"),
    ("issuer", "the issuer"),
)


@dataclass(frozen=True)
class OidcSettings:
    """An OIDC identity provider's settings as given (blank strings for fields left out)."""

    name: str
    client_id: str
    client_secret: str
    scopes: str
    authorization_endpoint: str = ""
    token_endpoint: str = ""
    discovery_endpoint: str = ""
    userinfo_endpoint: str = ""
    jwks_endpoint: str = ""
    issuer: str = ""

    def endpoints(self) -> dict[str, str]:
        """The URL fields by their wire names."""
        return {
            "authorizationEndpoint": self.authorization_endpoint,
            "tokenEndpoint": self.token_endpoint,
            "discoveryEndpoint": self.discovery_endpoint,
            "userInfoEndpoint": self.userinfo_endpoint,
            "jwksEndpoint": self.jwks_endpoint,
            "issuer": self.issuer,
        }


@dataclass(frozen=True)
class SamlSettings:
    """A SAML 2.0 identity provider's settings as given: its metadata by upload (`metadata`, the
    XML) or by URL (`metadata_url`, fetched once at save); blank strings for fields left out."""

    name: str
    entity_id: str
    metadata: str = ""
    metadata_url: str = ""
    send_email_hint: bool = False


def scope_list(scopes: str) -> list[str]:
    """The scopes of a space-separated string, in order, each once."""
    return list(dict.fromkeys(scopes.split()))


def endpoint_allowed(url: str) -> bool:
    """Whether tukku may talk to `url`: `https` to any host, or plain `http` to 127.0.0.1; no
    credentials in it, no fragment."""
    if len(url) > MAX_URL or has_control_characters(url) or " " in url:
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    if not parts.hostname or parts.username or parts.password or parts.fragment:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname == "127.0.0.1"


def _name_problems(name: str) -> list[Problem]:
    if IDP_NAME.fullmatch(name):
        return []
    return [
        Problem(
            Codes.IDP_NAME_INVALID,
            "idpName: 1 to 128 letters, digits, hyphens (-), underscores (_), tildes (~) "
            "and dots (.)",
            "idpName",
        )
    ]


def check_oidc(settings: OidcSettings, *, secret_stored: bool) -> list[Problem]:
    """Every problem of `settings`, each naming its field (empty when they are valid).

    The client secret may be left out when one is stored already (it is never shown, so a form
    cannot send it back)."""
    problems = _name_problems(settings.name)
    client_id = settings.client_id.strip()
    if not client_id:
        problems.append(Problem(Codes.MISSING_FIELD, "clientId: required", "clientId"))
    elif len(client_id) > MAX_CLIENT_ID or has_control_characters(client_id):
        problems.append(
            Problem(
                Codes.INVALID_FIELD,
                f"clientId: at most {MAX_CLIENT_ID} characters, no control characters",
                "clientId",
            )
        )
    secret = settings.client_secret
    if not secret and not secret_stored:
        problems.append(
            Problem(Codes.IDP_CLIENT_SECRET_REQUIRED, "clientSecret: required", "clientSecret")
        )
    elif len(secret) > MAX_CLIENT_SECRET or has_control_characters(secret):
        problems.append(
            Problem(
                Codes.INVALID_FIELD,
                f"clientSecret: at most {MAX_CLIENT_SECRET} characters, no control characters",
                "clientSecret",
            )
        )
    problems += _scope_problems(settings.scopes)
    problems += _endpoint_problems(settings)
    return problems


def check_saml(settings: SamlSettings, *, metadata_stored: bool) -> list[Problem]:
    """Every problem of SAML `settings` that needs no look at the metadata itself, each naming
    its field. The metadata may be left out when some is stored already; given both ways, the
    upload wins."""
    problems = _name_problems(settings.name)
    entity_id = settings.entity_id.strip()
    if (
        not entity_id
        or len(entity_id) > MAX_ENTITY_ID
        or has_control_characters(entity_id)
        or " " in entity_id
    ):
        problems.append(
            Problem(
                Codes.SAML_ENTITY_ID_INVALID,
                f"idpEntityId: required; at most {MAX_ENTITY_ID} characters, no spaces",
                "idpEntityId",
            )
        )
    url = settings.metadata_url.strip()
    if url and not settings.metadata and not endpoint_allowed(url):
        problems.append(
            Problem(
                Codes.SAML_METADATA_URL_INVALID,
                "idpMetadataUrl: must be an https URL (plain http only on 127.0.0.1)",
                "idpMetadataUrl",
            )
        )
    if not settings.metadata and not url and not metadata_stored:
        problems.append(
            Problem(
                Codes.SAML_METADATA_REQUIRED,
                "idpMetadata: required: upload the IdP's metadata XML or give its URL",
                "idpMetadata",
            )
        )
    return problems


def saml_entity_id(base_url: str, sp_id: str) -> str:
    """tukku's SP entity ID for one partner's SAML identity provider: the URL its SP metadata
    is served at (a random `sp_id`, so renaming the IdP changes nothing registered)."""
    return f"{base_url.rstrip('/')}{SAML_PATH}/{sp_id}"


def saml_acs_url(base_url: str, sp_id: str) -> str:
    """The assertion consumer service URL the IdP posts its responses to (HTTP-POST)."""
    return saml_entity_id(base_url, sp_id) + "/acs"


def _scope_problems(scopes: str) -> list[Problem]:
    given = scope_list(scopes)
    if not all(SCOPE_TOKEN.fullmatch(s) for s in given):
        return [Problem(Codes.IDP_SCOPES_INVALID, "scopes: not valid scope names", "scopes")]
    missing = [s for s in REQUIRED_SCOPES if s not in given]
    if missing:
        return [
            Problem(
                Codes.IDP_SCOPES_INVALID,
                f"scopes: must include {' and '.join(missing)}",
                "scopes",
            )
        ]
    return []


def _endpoint_problems(settings: OidcSettings) -> list[Problem]:
    problems: list[Problem] = []
    endpoints = settings.endpoints()
    for field, url in endpoints.items():
        if url and not endpoint_allowed(url):
            problems.append(
                Problem(
                    Codes.IDP_ENDPOINT_INVALID,
                    f"{field}: must be an https URL (plain http only on 127.0.0.1)",
                    field,
                )
            )
    if not settings.discovery_endpoint:
        for field, shown in NEEDED_WITHOUT_DISCOVERY:
            if not endpoints[field]:
                problems.append(
                    Problem(
                        Codes.IDP_ENDPOINT_REQUIRED,
                        f"{field}: required unless a discovery endpoint is given ({shown})",
                        field,
                    )
                )
    return problems


def redirect_uri(base_url: str) -> str:
    """The URI a partner registers at its identity provider: where the provider sends the
    browser back with the authorization code."""
    return base_url.rstrip("/") + CALLBACK_PATH


def password_closed(org_auth_mode: str, idp_kind: str | None) -> bool:
    """Whether an organization signing in as `org_auth_mode` has password sign-in closed, its
    partner's identity provider being of `idp_kind` (None: no provider configured). Only a
    configured provider of the same kind closes it, so users are never left with no way in."""
    return idp_kind is not None and AUTH_MODE_OF_KIND.get(idp_kind) == org_auth_mode
