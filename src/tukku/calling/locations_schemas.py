"""Wire models of `/v1/locations` and its floors, as the public Webex Locations API names them."""

from __future__ import annotations

from pydantic import Field

from tukku.core.schemas import CamelModel


class LocationAddressIn(CamelModel):
    """A location's address; which parts are required is checked by `locations_rules` (so that
    every missing one is named at once)."""

    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


class LocationIn(CamelModel):
    """Body of `POST /v1/locations` (name, timeZone, preferredLanguage, announcementLanguage and
    address required) and of `PUT /v1/locations/{locationId}` (only what changes)."""

    name: str | None = None
    time_zone: str | None = None
    preferred_language: str | None = None
    announcement_language: str | None = None
    address: LocationAddressIn | None = None
    latitude: str | float | None = None
    longitude: str | float | None = None
    notes: str | None = None


class LocationAddressOut(CamelModel):
    """A location's address as the API answers it."""

    address1: str
    address2: str | None = None
    city: str
    state: str | None = None
    postal_code: str | None = None
    country: str


class LocationOut(CamelModel):
    """A location (`id` is the `locationId` other APIs take)."""

    id: str
    name: str
    org_id: str
    address: LocationAddressOut
    time_zone: str
    preferred_language: str
    announcement_language: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    notes: str | None = None


class LocationPage(CamelModel):
    """One page of `GET /v1/locations`."""

    items: list[LocationOut]


class FloorIn(CamelModel):
    """Body of creating a floor, and of replacing one (a missing `displayName` clears it)."""

    floor_number: int | float | str | None = Field(default=None)
    display_name: str | None = None


class FloorOut(CamelModel):
    """A floor of a location."""

    id: str
    location_id: str
    floor_number: int
    display_name: str | None = None


class FloorPage(CamelModel):
    """Every floor of a location (the reference does not page floors)."""

    items: list[FloorOut]
