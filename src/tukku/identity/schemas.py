"""Wire models of the operator's organization routes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tukku.core.schemas import CamelModel
from tukku.core.validation import Name


class OrgUserIn(CamelModel):
    """A user of an organization that exists outside wholesale."""

    email: str
    first_name: Name | None = None
    last_name: Name | None = None
    admin: bool = Field(default=False, description="The organization's full administrator.")


class StandaloneOrgCreate(CamelModel):
    """An organization outside wholesale (a direct customer, a free account), e.g. migrated."""

    name: Name = Field(min_length=1, max_length=255)
    country: str | None = None
    language: str | None = Field(default=None, description="Its locale, e.g. en_GB.")
    users: list[OrgUserIn] = Field(default_factory=list, max_length=5000)
    verified_domains: list[str] = Field(default_factory=list)
    claimed_domains: list[str] = Field(default_factory=list)
    license_statuses: list[Literal["active", "suspended", "cancelled"]] = Field(
        default_factory=list, description="The state of each license it holds."
    )


class OrgUpdate(CamelModel):
    """Operator changes to an organization."""

    internal: bool = Field(description="One of the platform's own test organizations.")


class OrgUserOut(CamelModel):
    """A user as the operator sees it."""

    id: str
    email: str
    first_name: str | None
    last_name: str | None


class OrgOut(CamelModel):
    """An organization as the operator sees it."""

    id: str
    kind: str
    name: str
    country: str | None
    internal: bool
    verified_domains: list[str]
    claimed_domains: list[str]
    license_statuses: list[str]
    created: str
    users: list[OrgUserOut]
