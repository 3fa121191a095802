"""Wire models of the devices requests (answers are built as dicts shaped as the reference's
Device, ActivationCode, deviceList and supportedDevicesObject schemas)."""

from __future__ import annotations

from tukku.core.schemas import CamelModel


class DeviceCreate(CamelModel):
    """`POST /v1/devices`: create a device by MAC for a person or a workspace."""

    mac: str | None = None
    model: str | None = None
    workspace_id: str | None = None
    person_id: str | None = None
    password: str | None = None


class ActivationCodeCreate(CamelModel):
    """`POST /v1/devices/activationCode`."""

    workspace_id: str | None = None
    person_id: str | None = None
    model: str | None = None


class ActivateIn(CamelModel):
    """`POST /v1/devices/activate` (tukku's): what a device sends with the code typed into it."""

    code: str | None = None
    mac: str | None = None
    model: str | None = None


class CutoverIn(CamelModel):
    """`POST /v1/devices/{deviceId}/actions/cutover/invoke` (tukku's): `move` or `rollback`."""

    direction: str | None = None


class ValidateMacsIn(CamelModel):
    """`POST /v1/telephony/config/devices/actions/validateMacs/invoke`."""

    macs: list[str] | None = None


class DeviceOptionsIn(CamelModel):
    """An operator's change of a customer's device options."""

    third_party_devices: bool


class DeviceOptionsOut(CamelModel):
    """A customer's device options."""

    customer_id: str
    third_party_devices: bool


class SipCredentialsOut(CamelModel):
    """What a customer-managed device is configured with."""

    device_id: str
    mac: str | None
    model: str
    sip_user_name: str
    sip_password: str
    line_port: str
    outbound_proxy: str
