"""Wire models of a partner's staff and API tokens: `/v1/partner/users`, `/v1/partner/tokens`."""

from __future__ import annotations

from pydantic import Field

from tukku.core.schemas import CamelModel
from tukku.core.validation import Name


class StaffInvite(CamelModel):
    """Invite someone to the caller's organization, with partner roles."""

    email: str = Field(description="Unique on the platform.")
    first_name: Name | None = Field(default=None, max_length=255)
    last_name: Name | None = Field(default=None, max_length=255)
    roles: list[str] = Field(
        description="partner_full_admin, wholesale_admin, partner_read_only, provisioning_admin."
    )


class StaffRoles(CamelModel):
    """The roles a user is to hold from now on (exactly these)."""

    roles: list[str]


class StaffOut(CamelModel):
    """A user of the organization: `invited` until it has chosen a password."""

    id: str
    email: str
    first_name: str | None
    last_name: str | None
    roles: list[str]
    status: str
    created: str


class StaffPage(CamelModel):
    """A page of users."""

    items: list[StaffOut]


class TokenCreate(CamelModel):
    """A new API token of the caller."""

    name: str = Field(description="What the token is for (1 to 100 characters).")
    scopes: list[str] = Field(description="Within what the caller's roles allow.")
    expires_in_days: int | None = Field(
        default=None, description="1 to 365; default: the platform's token lifetime."
    )


class TokenOut(CamelModel):
    """A token as it may be shown: never its secret, only its first characters."""

    id: str
    name: str
    prefix: str | None
    scopes: list[str]
    owner_email: str
    status: str
    created: str
    expires: str | None
    last_used: str | None


class TokenCreated(TokenOut):
    """A token just created, with its secret: shown this once, never again."""

    token: str


class TokenPage(CamelModel):
    """A page of tokens."""

    items: list[TokenOut]
