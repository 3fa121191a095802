"""Tables of partner single sign-on: each partner's one identity provider, and the operator's
one-time break-glass grants of a password sign-in past it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base


class PartnerIdp(Base):
    """A partner's identity provider: one per partner, of `kind` `oidc` (or, later, `saml`,
    whose settings will take columns of their own). The client secret is kept only as a Fernet
    token (`core.sealing`); `name` is unique platform-wide, case-sensitive."""

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
