"""Tables for organizations, their users, API tokens and signing keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType, str_enum
from tukku.identity.rules import OrgKind


class Organization(Base):
    """A tenant: the operator, a partner, a sub-partner, a customer or a standalone organization."""

    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, 20))
    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    locale: Mapped[str | None] = mapped_column(String(5))
    region: Mapped[str | None] = mapped_column(String(8))
    sip_domain: Mapped[str | None] = mapped_column(String(255), unique=True)
    auth_mode: Mapped[str] = mapped_column(String(20), default="webex")
    idp_entity_id: Mapped[str | None] = mapped_column(String(1024))
    webex_assistant: Mapped[bool] = mapped_column(default=False)
    internal: Mapped[bool] = mapped_column(default=False)
    verified_domains: Mapped[list[Any]] = mapped_column(default=list)
    claimed_domains: Mapped[list[Any]] = mapped_column(default=list)
    license_statuses: Mapped[list[Any]] = mapped_column(default=list)
    block_admin_invite_emails: Mapped[bool] = mapped_column(default=False)
    email_locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_organizations_kind", "kind"),)


class User(Base):
    """A person with an e-mail unique across the platform, belonging to one organization."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime]
    # Argon2id (`identity.passwords`); None: the user cannot sign in to the portals with one.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None]


class RoleAssignment(Base):
    """A role a user holds in an organization (its own, for now)."""

    __tablename__ = "role_assignments"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))

    __table_args__ = (Index("ix_role_assignments_org_role", "org_id", "role"),)


class ApiToken(Base):
    """A bearer token: only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token as shown (not enough to use it): to find a leaked one.
    prefix: Mapped[str | None] = mapped_column(String(16), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    scopes: Mapped[list[Any]]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class SigningKey(Base):
    """Random keys for signed links, generated once and shared by every process."""

    __tablename__ = "signing_keys"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


class WebSession(Base):
    """A portal sign-in: the browser's cookie holds a random secret, the table its SHA-256, so
    that reading the table gives no one a session. It ends when revoked, idle too long (since
    `last_seen_at`) or at `expires_at`, however active."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class SignInFailure(Base):
    """A failed portal sign-in, counted against the account and the address it came from
    (`subject` is `account:<e-mail>` or `address:<ip>`) to slow down password guessing."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime]

    __table_args__ = (Index("ix_sign_in_failures_subject_at", "subject", "at"),)


class PasswordLink(Base):
    """A single-use link to set a password (an invitation's or a reset's): the e-mail holds a
    random token, the table its SHA-256; it is spent at `used_at` or dead after `expires_at`."""

    __tablename__ = "password_links"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
