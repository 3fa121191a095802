"""Wire models of the Webex Calling location API (`/v1/telephony/config/locations`), as the
public Webex Calling API and `wxc_sdk.telephony.location` name them."""

from __future__ import annotations

from tukku.calling.locations_schemas import LocationIn
from tukku.core.schemas import CamelModel


class LocationCallingEnable(LocationIn):
    """Body of `POST /v1/telephony/config/locations`: the `id` of a location made through the
    Locations API, with the location's fields as `POST /v1/locations` takes them (those given
    update it, as `PUT /v1/locations/{id}` would). wxc_sdk sends the whole location, `orgId`
    included."""

    id: str | None = None
    org_id: str | None = None


class LocationCallingEnabled(CamelModel):
    """Answer of enabling a location: its ID."""

    id: str


class CallingLineIdIn(CamelModel):
    """The location's calling line ID as a request sets it: the main number."""

    phone_number: str | None = None


class CallingLineIdOut(CamelModel):
    """The location's calling line ID: the group's name (the organization's) and main number."""

    name: str
    phone_number: str | None = None


class ConnectionIn(CamelModel):
    """A PSTN connection as a request sets it (body of `PUT .../connection`, and `connection` of
    `PUT .../locations/{id}`); checked by `location_calling_rules.check_connection`."""

    type: str | None = None
    id: str | None = None


class ConnectionOut(CamelModel):
    """The location's PSTN connection: TRUNK or ROUTE_GROUP and the route's ID."""

    type: str
    id: str


class LocationCallingUpdate(CamelModel):
    """Body of `PUT /v1/telephony/config/locations/{locationId}`: what it names changes."""

    calling_line_id: CallingLineIdIn | None = None
    connection: ConnectionIn | None = None


class LocationCallingOut(CamelModel):
    """The Webex Calling details of a location (wxc_sdk's `TelephonyLocation`)."""

    id: str
    name: str
    announcement_language: str
    calling_line_id: CallingLineIdOut
    connection: ConnectionOut | None = None
    p_access_network_info: str | None = None


class LocationCallingPage(CamelModel):
    """One page of `GET /v1/telephony/config/locations` (the items are under `locations`)."""

    locations: list[LocationCallingOut]
