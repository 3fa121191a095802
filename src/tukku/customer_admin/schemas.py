"""Wire models of the customer administrator's own API (`/v1/customer/...`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tukku.core.schemas import CamelModel
from tukku.core.validation import Name


class OrganizationOut(CamelModel):
    """The caller's organization, its settings and what the caller may change."""

    org_id: str
    name: str
    country: str | None
    locale: str | None
    verified_domains: list[str]
    auth_mode: str
    idp_entity_id: str | None
    block_admin_invite_emails: bool
    email_locale: str | None
    restricted_by_partner: bool = Field(description="Show the restricted-mode banner when true.")
    permissions: list[str] = Field(description="What the caller may do, all rules applied.")


class OrganizationUpdate(CamelModel):
    """Company name."""

    name: Name = Field(min_length=1, max_length=255)


class DomainsIn(CamelModel):
    """The organization's verified e-mail domains (the complete list)."""

    domains: list[str] = Field(max_length=100)


class EmailSettingsIn(CamelModel):
    """E-mail settings."""

    block_admin_invite_emails: bool
    email_locale: str | None = None


class AuthenticationIn(CamelModel):
    """How the organization's users sign in."""

    mode: Literal["webex", "partner_saml", "partner_oidc"]
    idp_entity_id: str | None = None


class CustomerUserOut(CamelModel):
    """A user of the organization, with its package if it is a subscriber."""

    id: str
    email: str
    first_name: str | None
    last_name: str | None
    display_name: str | None
    roles: list[str]
    subscriber_id: str | None = None
    package: str | None = None
    subscriber_status: str | None = None


class CustomerUserPage(CamelModel):
    """The organization's users."""

    items: list[CustomerUserOut]


class PendingUserOut(CamelModel):
    """A user asked to move into the organization, whose consent the package waits for."""

    subscriber_id: str
    email: str
    first_name: str | None
    last_name: str | None
    package: str
    requested: str


class PendingUserPage(CamelModel):
    """Users waiting to consent, oldest first."""

    items: list[PendingUserOut]


class UserCreate(CamelModel):
    """Add a user; with `package`, the user becomes a subscriber at once."""

    email: str
    first_name: Name = Field(min_length=1, max_length=255)
    last_name: Name = Field(min_length=1, max_length=255)
    package: str | None = None
    extension: str | None = None
    primary_phone_number: str | None = None
    location_id: str | None = None


class UserUpdate(CamelModel):
    """Edit a user (names and primary e-mail stay editable even in restricted mode)."""

    first_name: Name | None = Field(default=None, min_length=1, max_length=255)
    last_name: Name | None = Field(default=None, min_length=1, max_length=255)
    display_name: Name | None = Field(default=None, max_length=255)
    email: str | None = None
    primary_phone_number: str | None = None


class PackageChange(CamelModel):
    """Change a subscriber's package; moving to a calling package needs a number or extension."""

    package: str
    extension: str | None = None
    primary_phone_number: str | None = None
    location_id: str | None = None


class AttachRequestOut(CamelModel):
    """A partner's request to manage the organization."""

    id: str
    customer_id: str
    status: str
    reasons: list[str]
    requested: str
    decided: str | None = None
    note: str | None = None


class AttachRequestPage(CamelModel):
    """Requests, oldest first."""

    items: list[AttachRequestOut]


class DecisionIn(CamelModel):
    """An optional note with a decision."""

    note: str | None = Field(default=None, max_length=1000)
