"""Wire models of `/v1/partner/sso`: a partner's identity provider, OpenID Connect or SAML 2.0.
The client secret is write-only: it is accepted, never answered; tukku's SAML SP private key is
never answered either (its SP metadata, with the certificate, is)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tukku.core.schemas import CamelModel


class IdpWrite(CamelModel):
    """Body of PUT: the whole configuration (validated by `sso.rules.check_oidc`)."""

    type: Literal["oidc", "saml"] = Field(
        default="oidc", description="The kind of identity provider: `oidc` or `saml`."
    )
    idp_name: str = Field(
        default="",
        description="Unique, case-sensitive; letters, digits, `-`, `_`, `~` and `.`; at most 128.",
    )
    client_id: str = Field(default="", description="The client ID registered at the IdP.")
    client_secret: str | None = Field(
        default=None,
        description="The client secret; may be left out to keep the stored one. Never returned.",
    )
    scopes: str = Field(
        default="openid email profile",
        description="Space-separated; must include `openid` and `email`.",
    )
    authorization_endpoint: str | None = Field(
        default=None, description="Required unless `discoveryEndpoint` is given."
    )
    token_endpoint: str | None = Field(
        default=None, description="Required unless `discoveryEndpoint`."
    )
    discovery_endpoint: str | None = Field(
        default=None, description="The IdP's `.well-known/openid-configuration` URL (optional)."
    )
    user_info_endpoint: str | None = Field(default=None, description="Optional.")
    jwks_endpoint: str | None = Field(
        default=None, description="Required unless `discoveryEndpoint`."
    )
    issuer: str | None = Field(
        default=None,
        description="The `iss` of the IdP's ID tokens; required unless `discoveryEndpoint`.",
    )
    idp_entity_id: str | None = Field(
        default=None, description="SAML: the IdP's entity ID (required for `saml`)."
    )
    idp_metadata: str | None = Field(
        default=None,
        description="SAML: the IdP's metadata XML (this, or `idpMetadataUrl`; left out, the "
        "stored metadata is kept).",
    )
    idp_metadata_url: str | None = Field(
        default=None,
        description="SAML: where to fetch the IdP's metadata, once, now (https; http only on "
        "127.0.0.1).",
    )
    send_email_hint: bool = Field(
        default=False,
        description="SAML: send the e-mail address the user typed as the AuthnRequest's "
        "Subject NameID (a hint for the IdP's sign-in page).",
    )
    apply_to_staff: bool = Field(
        default=False,
        description="Your own staff sign in to the partner portal only through this IdP.",
    )


class IdpOut(CamelModel):
    """A partner's identity provider as answered (never the client secret)."""

    type: str
    idp_name: str
    client_id: str
    client_secret_set: bool = Field(description="A client secret is stored (it is never shown).")
    scopes: str
    authorization_endpoint: str | None
    token_endpoint: str | None
    discovery_endpoint: str | None
    user_info_endpoint: str | None
    jwks_endpoint: str | None
    issuer: str | None
    idp_entity_id: str | None = Field(default=None, description="SAML: the IdP's entity ID.")
    idp_metadata_url: str | None = Field(
        default=None, description="SAML: the URL the IdP's metadata was fetched from, if any."
    )
    idp_metadata_set: bool = Field(default=False, description="SAML: the IdP's metadata is stored.")
    send_email_hint: bool = False
    sp_entity_id: str | None = Field(
        default=None, description="SAML: tukku's SP entity ID to register at the IdP."
    )
    acs_url: str | None = Field(
        default=None,
        description="SAML: the assertion consumer service URL to register (HTTP-POST).",
    )
    sp_metadata_url: str | None = Field(
        default=None, description="SAML: tukku's SP metadata (also its entity ID), public."
    )
    apply_to_staff: bool
    redirect_uri: str = Field(description="OIDC: the redirect URI to register at the IdP.")
    sign_in_url: str = Field(description="The sign-in page link to give your users.")
    created: str
    last_modified: str
