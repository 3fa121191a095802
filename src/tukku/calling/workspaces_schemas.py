"""Wire models of `/v1/workspaces`, named and shaped as the reference's Workspace schemas."""

from __future__ import annotations

from typing import Any

from tukku.core.schemas import CamelModel


class WebexCallingIn(CamelModel):
    """`calling.webexCalling` of a request."""

    phone_number: str | None = None
    extension: str | None = None
    location_id: str | None = None
    licenses: list[str] | None = None


class CallingIn(CamelModel):
    """`calling` of a request."""

    type: str | None = None
    webex_calling: WebexCallingIn | None = None


class WorkspaceWrite(CamelModel):
    """The fields of a create (`displayName` required) or an update request. Calendar, device
    hosted meetings, indoor navigation and SIP address are accepted and answered with their
    defaults (docs/conformance.md). `orgId` is where the reference puts a partner's customer
    organization on create (tukku also takes the `orgId` query parameter)."""

    org_id: str | None = None
    display_name: str | None = None
    location_id: str | None = None
    workspace_location_id: str | None = None
    floor_id: str | None = None
    capacity: float | None = None
    type: str | None = None
    calling: CallingIn | None = None
    notes: str | None = None
    hotdesking_status: str | None = None
    supported_devices: str | None = None
    calendar: dict[str, Any] | None = None
    device_hosted_meetings: dict[str, Any] | None = None
    indoor_navigation: dict[str, Any] | None = None
    sip_address: str | None = None


class WebexCallingOut(CamelModel):
    """`calling.webexCalling` of an answer: the license applied."""

    licenses: list[str]


class CallingOut(CamelModel):
    """`calling` of an answer."""

    type: str
    webex_calling: WebexCallingOut | None = None


class CalendarOut(CamelModel):
    """`calendar`: tukku keeps no calendars."""

    type: str = "none"


class DeviceHostedMeetingsOut(CamelModel):
    """`deviceHostedMeetings`: not offered."""

    enabled: bool = False


class HealthOut(CamelModel):
    """`health`: tukku monitors nothing, so every workspace is `ok`."""

    level: str = "ok"
    issues: list[dict[str, Any]] = []


class WorkspaceOut(CamelModel):
    """A workspace as the reference's `Workspace` shows it."""

    id: str
    org_id: str
    location_id: str | None = None
    workspace_location_id: str | None = None
    floor_id: str | None = None
    display_name: str
    capacity: int | None = None
    type: str | None = None
    created: str
    calling: CallingOut
    calendar: CalendarOut = CalendarOut()
    notes: str | None = None
    hotdesking_status: str | None = None
    supported_devices: str
    device_hosted_meetings: DeviceHostedMeetingsOut = DeviceHostedMeetingsOut()
    device_platform: str = "cisco"
    health: HealthOut = HealthOut()


class WorkspacePage(CamelModel):
    """A page of workspaces."""

    items: list[WorkspaceOut]


class Capability(CamelModel):
    """Whether any device of the workspace supports, and has configured, a capability."""

    supported: bool = False
    configured: bool = False


class CapabilityMap(CamelModel):
    """The reference's `CapabilityMap`: without devices nothing is supported."""

    occupancy_detection: Capability = Capability()
    presence_detection: Capability = Capability()
    ambient_noise: Capability = Capability()
    sound_level: Capability = Capability()
    temperature: Capability = Capability()
    air_quality: Capability = Capability()
    relative_humidity: Capability = Capability()


class CapabilitiesOut(CamelModel):
    """`GET /workspaces/{workspaceId}/capabilities`."""

    capabilities: CapabilityMap = CapabilityMap()
