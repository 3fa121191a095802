"""Tables of partner single sign-on: each partner's one identity provider, and the operator's
one-time break-glass grants of a password sign-in past it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base


class PartnerIdp(Base):
    """A partner's identity provider: one per partner, of `kind` `oidc` or `saml`, each kind
    with columns of its own. The OIDC client secret and the SAML SP private key are kept only as
    Fernet tokens (`core.sealing`); `name` is unique platform-wide, case-sensitive."""

    __tablename__ = "partner_idps"

    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(128), unique=True)
    client_id: Mapped[str | None] = mapped_column(String(255))
    client_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    scopes: Mapped[str | None] = mapped_column(String(1024))
    authorization_endpoint: Mapped[str | None] = mapped_column(String(2048))
    token_endpoint: Mapped[str | None] = mapped_column(String(2048))
    discovery_endpoint: Mapped[str | None] = mapped_column(String(2048))
    userinfo_endpoint: Mapped[str | None] = mapped_column(String(2048))
    jwks_endpoint: Mapped[str | None] = mapped_column(String(2048))
    issuer: Mapped[str | None] = mapped_column(String(2048))
    saml_entity_id: Mapped[str | None] = mapped_column(String(1024))
    saml_metadata: Mapped[str | None] = mapped_column(Text)
    saml_metadata_url: Mapped[str | None] = mapped_column(String(2048))
    saml_send_email_hint: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    saml_sp_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    saml_sp_key_encrypted: Mapped[str | None] = mapped_column(Text)
    saml_sp_certificate: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class BreakGlass(Base):
    """An operator's grant to one user of one password sign-in although the user's organization
    signs in through its identity provider: spent at `used_at`, dead after `expires_at`."""

    __tablename__ = "sso_break_glass"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ConsumedAssertion(Base):
    """A SAML assertion that signed someone in, kept until it expires so that it never signs
    anyone in twice, whichever process receives it again. `digest` is the SHA-256 of the
    issuing IdP's entity ID and the assertion's ID."""

    __tablename__ = "saml_consumed_assertions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
