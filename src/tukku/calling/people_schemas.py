"""Wire models of `/v1/people` (read side), as the public Webex People API names them."""

from __future__ import annotations

from tukku.core.schemas import CamelModel


class PhoneNumberOut(CamelModel):
    """One of a person's phone numbers."""

    type: str
    value: str
    primary: bool


class PersonOut(CamelModel):
    """A person: a user of the organization; calling details from its subscriber, if any."""

    id: str
    emails: list[str]
    phone_numbers: list[PhoneNumberOut]
    extension: str | None = None
    location_id: str | None = None
    display_name: str
    first_name: str | None = None
    last_name: str | None = None
    org_id: str
    roles: list[str]
    licenses: list[str]
    created: str
    status: str
    type: str
    login_enabled: str


class PersonPage(CamelModel):
    """One page of `GET /v1/people` (`notFoundIds`: IDs of the `id` filter that are no one of
    the organization, when it was used)."""

    items: list[PersonOut]
    not_found_ids: list[str] | None = None
