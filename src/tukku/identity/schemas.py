"""Wire models of the operator's organization routes."""

from __future__ import annotations

from pydantic import Field

from tukku.core.schemas import CamelModel


class OrgUserIn(CamelModel):
    """A user of an organization that exists outside wholesale."""

    email: str
    first_name: str | None = None
    last_name: str | None = None


class StandaloneOrgCreate(CamelModel):
    """An organization outside wholesale (a direct customer, a free account), e.g. migrated."""

    name: str = Field(min_length=1, max_length=255)
    country: str | None = None
    users: list[OrgUserIn] = Field(default_factory=list, max_length=1000)


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
    created: str
    users: list[OrgUserOut]
