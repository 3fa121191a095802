"""Wire models of the numbers API (`/v1/telephony/config/...numbers`), named as the public
Webex Calling API names them (docs/conformance.md, Numbers)."""

from __future__ import annotations

from tukku.core.schemas import CamelModel


class NumbersAdd(CamelModel):
    """`POST /telephony/config/locations/{locationId}/numbers`."""

    phone_numbers: list[str] | None = None
    number_type: str | None = None
    number_usage_type: str | None = None
    state: str | None = None
    subscription_id: str | None = None
    carrier_id: str | None = None


class NumbersRemove(CamelModel):
    """`DELETE /telephony/config/locations/{locationId}/numbers`."""

    phone_numbers: list[str] | None = None


class IdAndName(CamelModel):
    """A location, by ID and name."""

    id: str
    name: str


class NumberOwner(CamelModel):
    """Who holds a number: a person (`PEOPLE`) or a workspace (`PLACE`)."""

    id: str | None = None
    type: str
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None


class NumberOut(CamelModel):
    """One phone number and/or extension of the organization."""

    phone_number: str | None = None
    extension: str | None = None
    state: str | None = None
    phone_number_type: str | None = None
    main_number: bool = False
    toll_free_number: bool = False
    included_telephony_types: str | None = None
    is_service_number: bool = False
    location: IdAndName
    owner: NumberOwner | None = None


class NumberCounts(CamelModel):
    """`count`, with `details=true`: the organization's numbers by kind."""

    assigned: int
    un_assigned: int
    in_active: int
    extension_only: int
    toll_free_numbers: int
    total: int
    mobile_number: int = 0
    service_number: int = 0


class NumberPage(CamelModel):
    """A page of numbers (`phoneNumbers`), with the counts when asked for."""

    phone_numbers: list[NumberOut]
    count: NumberCounts | None = None
