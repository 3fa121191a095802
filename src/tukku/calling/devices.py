"""Use cases of devices: create by MAC or by activation code for a person (a user with a live
calling subscriber) or a workspace of the scope's organization; list, read, delete; validate
MACs; the supported-models catalog; download the SIP credentials of customer-managed devices;
operators enable platform-managed third-party devices per customer (PRODUCT.md §11).

SIP passwords are kept only as Fernet tokens (`core.sealing`), their key derived from the
deployment's link secret; activation codes only as a keyed hash.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import func, select
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.calling import devices_rules as rules
from tukku.calling import people
from tukku.calling import workspaces as workspaces_service
from tukku.calling.access import OrgScope
from tukku.calling.devices_models import CustomerDeviceOptions, Device, DeviceActivationCode
from tukku.calling.devices_owners import snapshot
from tukku.calling.devices_schemas import ActivateIn, ActivationCodeCreate, DeviceCreate
from tukku.calling.workspaces_models import Workspace
from tukku.catalog.devices import DeviceModel, Management, device_catalog
from tukku.core.errors import Codes, DomainError, NotFound, Problem, invalid_all
from tukku.core.ids import new_id
from tukku.core.pagination import PageRequest
from tukku.core.sealing import fernet
from tukku.core.timefmt import iso
from tukku.customers.models import Customer
from tukku.identity.models import User
from tukku.identity.permissions import Permission, authorize
from tukku.identity.principal import Principal
from tukku.subscribers.models import Subscriber

_HKDF_INFO = b"tukku device SIP credentials v1"
_USER_NAME_ALPHABET = string.ascii_lowercase + string.digits


def device_missing() -> NotFound:
    """The one answer for an unknown device and another organization's."""
    return NotFound("device", Codes.DEVICE_NOT_FOUND, field_name="deviceId")


def owner_org(session: Session, device_id: str) -> str | None:
    """The organization a device belongs to, whoever asks (for requests without `orgId`)."""
    return session.scalars(select(Device.org_id).where(Device.id == device_id)).first()


def get(session: Session, *, scope: OrgScope, device_id: str) -> Device:
    """A device of the scope's organization; 404 for any other."""
    scope.actor.require(Permission.CALLING_READ)
    return _get(session, scope, device_id)


def _get(session: Session, scope: OrgScope, device_id: str) -> Device:
    found = session.scalars(
        select(Device).where(Device.id == device_id, Device.org_id == scope.org.id)
    ).first()
    if found is None:
        raise device_missing()
    return found


@dataclass(frozen=True)
class DeviceFilters:
    """Filters of `GET /v1/devices` (None: not filtered). `none_match` is set when a filter
    asks for something no tukku device has (a serial, tag, software version...)."""

    display_name: str | None = None
    person_id: str | None = None
    workspace_id: str | None = None
    location_id: str | None = None
    mac: str | None = None
    product: str | None = None
    none_match: bool = False


def list_(
    session: Session, *, scope: OrgScope, filters: DeviceFilters, page: PageRequest
) -> list[Device]:
    """The organization's devices in creation order; one extra to detect a next page."""
    scope.actor.require(Permission.CALLING_READ)
    f = filters
    if f.none_match:
        return []
    query = select(Device).where(Device.org_id == scope.org.id)
    if f.display_name is not None:
        query = query.where(func.lower(Device.display_name) == f.display_name.strip().lower())
    if f.person_id is not None:
        query = query.where(Device.person_id == f.person_id)
    if f.workspace_id is not None:
        query = query.where(Device.workspace_id == f.workspace_id)
    if f.location_id is not None:
        query = query.where(Device.location_id == f.location_id)
    if f.mac is not None:
        query = query.where(Device.mac == rules.normalize_mac(f.mac))
    if f.product is not None:
        models = [m.model for m in device_catalog().models if m.display_name == f.product]
        query = query.where(Device.model.in_(models))
    query = query.order_by(Device.seq).offset(page.offset).limit(page.limit + 1)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Owner:
    """Whom a device is for: a person with calling, or a workspace."""

    kind: str  # rules.PEOPLE or rules.PLACE
    person: User | None
    workspace: Workspace | None
    location_id: str | None

    @property
    def person_id(self) -> str | None:
        """The owning person's ID, if a person owns it."""
        return self.person.id if self.person else None

    @property
    def workspace_id(self) -> str | None:
        """The owning workspace's ID, if a workspace owns it."""
        return self.workspace.id if self.workspace else None


def _owner(
    session: Session, scope: OrgScope, person_id: str | None, workspace_id: str | None
) -> Owner:
    """The person (404 if not the organization's; 400 without calling) or workspace (404)."""
    if workspace_id:
        workspace = workspaces_service.get(session, scope=scope, workspace_id=workspace_id)
        return Owner(rules.PLACE, None, workspace, workspace.location_id)
    assert person_id is not None
    person = people.get_person(session, scope=scope, person_id=person_id)
    return Owner(rules.PEOPLE, person, None, _calling_location(session, scope.customer, person))


def _calling_location(session: Session, customer: Customer | None, person: User) -> str:
    """Where the person's live calling subscriber of the customer is (400 without one)."""
    location = None
    if customer is not None:
        location = session.scalars(
            select(Subscriber.location_id).where(
                Subscriber.customer_id == customer.id,
                Subscriber.user_id == person.id,
                Subscriber.removed_at.is_(None),
                Subscriber.location_id.is_not(None),
            )
        ).first()
    if location is None:
        reason = "personId: the person has no Webex Calling subscriber"
        raise invalid_all([Problem(Codes.PERSON_WITHOUT_CALLING, reason, "personId")])
    return location


def _model(name: str | None, problems: list[Problem]) -> DeviceModel | None:
    if not name or not name.strip():
        problems.append(Problem(Codes.MISSING_FIELD, "model: required", "model"))
        return None
    found = device_catalog().find(name)
    if found is None:
        reason = f"model: {name} is not a supported device model"
        problems.append(Problem(Codes.DEVICE_MODEL_UNKNOWN, reason, "model"))
    return found


def third_party_enabled(session: Session, customer_id: str | None) -> bool:
    """Whether an operator enabled platform-managed third-party devices for the customer."""
    if customer_id is None:
        return False
    row = session.get(CustomerDeviceOptions, customer_id)
    return bool(row and row.third_party_devices)


def _check_model(
    session: Session, scope: OrgScope, model: DeviceModel, owner: Owner, onboarding: str
) -> None:
    problems = rules.model_problems(
        model,
        owner_kind=owner.kind,
        third_party_enabled=third_party_enabled(
            session, scope.customer.id if scope.customer else None
        ),
        onboarding=onboarding,
    )
    problems += rules.line_port_problems(model, 1)
    refused = [p for p in problems if p.code is Codes.THIRD_PARTY_DEVICES_DISABLED]
    if len(refused) < len(problems):
        raise invalid_all([p for p in problems if p not in refused])
    if refused:
        raise DomainError(refused, status=409)


def _check_room(session: Session, owner: Owner, mac: str | None) -> None:
    """The owner's device limit, and the MAC unused platform-wide (409 naming it)."""
    problems = []
    owned = session.scalar(
        select(func.count())
        .select_from(Device)
        .where(
            Device.person_id == owner.person_id
            if owner.person
            else Device.workspace_id == owner.workspace_id
        )
    )
    problems += rules.limit_problems(int(owned or 0))
    if mac is not None and session.scalar(select(Device.id).where(Device.mac == mac)):
        problems.append(Problem(Codes.MAC_TAKEN, f"mac: {mac} is already in use", "mac"))
    if problems:
        raise DomainError(problems, status=409)


def create(
    session: Session, *, scope: OrgScope, data: DeviceCreate, now: datetime, secret: str
) -> Device:
    """A device by MAC for a person or a workspace. Every problem of the request is reported
    at once (400); unknown owners 404; a MAC in use, a full owner or third-party devices not
    enabled for the customer 409."""
    scope.actor.require(Permission.DEVICES_MANAGE)
    problems = rules.owner_problems(data.person_id, data.workspace_id)
    if not data.mac:
        problems.append(Problem(Codes.MISSING_FIELD, "mac: required", "mac"))
    else:
        bad_mac = rules.mac_problem(data.mac)
        if bad_mac is not None:
            problems.append(bad_mac)
    model = _model(data.model, problems)
    if model is not None:
        problems += rules.password_problems(model, data.password)
    if problems:
        raise invalid_all(problems)
    assert model is not None and data.mac is not None
    owner = _owner(session, scope, data.person_id, data.workspace_id)
    _check_model(session, scope, model, owner, "MAC_ADDRESS")
    mac = rules.normalize_mac(data.mac)
    _check_room(session, owner, mac)
    device = _new_device(scope.org.id, scope.customer, owner, model, mac, "deactivated", now)
    if rules.has_sip_credentials(model) or data.password is not None:
        password = data.password or _new_password()
        device.sip_user_name = _new_user_name()
        device.sip_password_encrypted = _fernet(secret).encrypt(password.encode()).decode()
    session.add(device)
    session.flush()
    _audit(session, scope, "device.create", device, now, after=snapshot(device))
    return device


def _new_device(
    org_id: str,
    customer: Customer | None,
    owner: Owner,
    model: DeviceModel,
    mac: str | None,
    state: str,
    now: datetime,
) -> Device:
    return Device(
        id=new_id("DEVICE"),
        org_id=org_id,
        customer_id=customer.id if customer else None,
        person_id=owner.person_id,
        workspace_id=owner.workspace_id,
        location_id=owner.location_id,
        mac=mac,
        model=model.model,
        display_name=model.display_name,
        management=model.management.value,
        activation_state=state,
        sip_user_name=None,
        sip_password_encrypted=None,
        created_at=now,
    )


def _new_user_name() -> str:
    return "".join(secrets.choice(_USER_NAME_ALPHABET) for _ in range(rules.SIP_USER_NAME_LENGTH))


def _new_password() -> str:
    alphabet = rules.SIP_PASSWORD_ALPHABET
    return "".join(secrets.choice(alphabet) for _ in range(rules.SIP_PASSWORD_LENGTH))


def _fernet(secret: str) -> Fernet:
    """The cipher of SIP passwords: a key derived from the deployment's link secret."""
    return fernet(secret, _HKDF_INFO)


def delete_(session: Session, *, scope: OrgScope, device_id: str, now: datetime) -> None:
    """Delete a device (its MAC becomes free)."""
    scope.actor.require(Permission.DEVICES_MANAGE)
    device = _get(session, scope, device_id)
    before = snapshot(device)
    session.delete(device)
    session.flush()
    _audit(session, scope, "device.delete", device, now, before=before)


def create_activation_code(
    session: Session,
    *,
    scope: OrgScope,
    data: ActivationCodeCreate,
    now: datetime,
    secret: str,
    lifetime_hours: int,
) -> tuple[str, datetime]:
    """A single-use code that activates one device for the person or workspace until it
    expires; only its keyed hash is kept. The code and its expiry."""
    scope.actor.require(Permission.DEVICES_MANAGE)
    problems = rules.owner_problems(data.person_id, data.workspace_id)
    model = _model(data.model, problems) if data.model is not None else None
    if problems:
        raise invalid_all(problems)
    owner = _owner(session, scope, data.person_id, data.workspace_id)
    if model is not None:
        _check_model(session, scope, model, owner, "ACTIVATION_CODE")
    code = f"{secrets.randbelow(10**rules.ACTIVATION_CODE_DIGITS):0{rules.ACTIVATION_CODE_DIGITS}d}"
    expires = rules.code_expiry(now, lifetime_hours)
    row = DeviceActivationCode(
        code_hash=rules.code_hash(code, secret),
        org_id=scope.org.id,
        customer_id=scope.customer.id if scope.customer else None,
        person_id=owner.person_id,
        workspace_id=owner.workspace_id,
        model=model.model if model else None,
        expires_at=expires,
        used_at=None,
        device_id=None,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=scope.actor,
        action="device.activation_code.create",
        target_type=rules.PEOPLE.lower() if owner.person else "workspace",
        target_id=owner.person_id or owner.workspace_id or "",
        now=now,
        owner_org_id=scope.owner_org_id,
        after={"model": row.model, "expiryTime": iso(expires)},
    )
    return code, expires


def activate(session: Session, *, data: ActivateIn, now: datetime, secret: str) -> Device:
    """A device typed in an activation code: the code's person or workspace gets the device
    and the code is spent. Unknown code 404, used 409, expired 410."""
    problems: list[Problem] = []
    if not data.code or not data.code.strip():
        problems.append(Problem(Codes.MISSING_FIELD, "code: required", "code"))
    if data.mac is not None:
        bad_mac = rules.mac_problem(data.mac)
        if bad_mac is not None:
            problems.append(bad_mac)
    if problems:
        raise invalid_all(problems)
    assert data.code is not None
    hashed = rules.code_hash(data.code, secret)
    row = session.scalars(
        select(DeviceActivationCode).where(DeviceActivationCode.code_hash == hashed)
    ).first()
    if row is None:
        raise NotFound("activation code", Codes.ACTIVATION_CODE_UNKNOWN, field_name="code")
    refused = rules.code_problem(row.expires_at, row.used_at, now)
    if refused is not None:
        raise DomainError([refused])
    model_problems: list[Problem] = []
    model = _model(row.model or data.model, model_problems)
    if model_problems:
        raise invalid_all(model_problems)
    assert model is not None
    customer = (
        session.scalars(select(Customer).where(Customer.id == row.customer_id)).first()
        if row.customer_id
        else None
    )
    owner = _code_owner(session, row, customer)
    enabled = third_party_enabled(session, row.customer_id)
    refused_model = rules.model_problems(
        model, owner_kind=owner.kind, third_party_enabled=enabled, onboarding="ACTIVATION_CODE"
    )
    if refused_model:
        raise DomainError(refused_model, status=409)
    mac = rules.normalize_mac(data.mac) if data.mac else None
    _check_room(session, owner, mac)
    spent = session.execute(
        update_rows(DeviceActivationCode)
        .where(DeviceActivationCode.seq == row.seq, DeviceActivationCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError([Problem(Codes.ACTIVATION_CODE_USED, "code: already used", "code")])
    device = _new_device(row.org_id, customer, owner, model, mac, "activated", now)
    session.add(device)
    session.flush()
    session.execute(
        update_rows(DeviceActivationCode)
        .where(DeviceActivationCode.seq == row.seq)
        .values(device_id=device.id)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        action="device.activate",
        target_type="device",
        target_id=device.id,
        now=now,
        owner_org_id=customer.owner_org_id if customer else row.org_id,
        after=snapshot(device),
    )
    return device


def _code_owner(session: Session, row: DeviceActivationCode, customer: Customer | None) -> Owner:
    """The person or workspace a code was made for (the device typing it in has no
    credentials: the code alone says whose it is). Codes leave with their owner."""
    if row.workspace_id is not None:
        workspace = session.scalars(select(Workspace).where(Workspace.id == row.workspace_id)).one()
        return Owner(rules.PLACE, None, workspace, workspace.location_id)
    person = session.scalars(select(User).where(User.id == row.person_id)).one()
    return Owner(rules.PEOPLE, person, None, _calling_location(session, customer, person))


def validate_macs(
    session: Session, *, scope: OrgScope, macs: list[str] | None
) -> list[rules.MacStatus]:
    """The state of each MAC: available, in use (by any device of the platform), repeated
    or invalid."""
    scope.actor.require(Permission.CALLING_READ)
    if not macs:
        raise invalid_all([Problem(Codes.MISSING_FIELD, "macs: required", "macs")])
    if len(macs) > 100:
        raise invalid_all([Problem(Codes.INVALID_FIELD, "macs: at most 100", "macs")])
    wanted = {rules.normalize_mac(m) for m in macs}
    taken = set(session.scalars(select(Device.mac).where(Device.mac.in_(wanted))))
    return rules.mac_statuses(macs, {m for m in taken if m})


def owned_by(
    session: Session,
    *,
    scope: OrgScope,
    person_id: str | None = None,
    workspace_id: str | None = None,
) -> tuple[Owner, list[Device]]:
    """A person's (404 unless the organization's) or workspace's devices."""
    scope.actor.require(Permission.CALLING_READ)
    if workspace_id is not None:
        workspace = workspaces_service.get(session, scope=scope, workspace_id=workspace_id)
        owner = Owner(rules.PLACE, None, workspace, workspace.location_id)
        where = Device.workspace_id == workspace.id
    else:
        assert person_id is not None
        person = people.get_person(session, scope=scope, person_id=person_id)
        owner = Owner(rules.PEOPLE, person, None, None)
        where = Device.person_id == person.id
    rows = session.scalars(
        select(Device).where(where, Device.org_id == scope.org.id).order_by(Device.seq)
    )
    return owner, list(rows)


@dataclass(frozen=True)
class SipCredentials:
    """What a customer-managed device is configured with (never stored or logged plain)."""

    user_name: str
    password: str
    line_port: str
    outbound_proxy: str


def download_credentials(
    session: Session, *, scope: OrgScope, device_id: str, now: datetime, secret: str
) -> SipCredentials:
    """The SIP credentials of a device that has them, for an administrator who manages
    devices; audited (who downloaded whose), never with the secret."""
    scope.actor.require(Permission.DEVICES_MANAGE)
    device = _get(session, scope, device_id)
    if device.sip_user_name is None or device.sip_password_encrypted is None:
        reason = f"deviceId: {device.model} devices have no SIP credentials"
        raise DomainError([Problem(Codes.NO_SIP_CREDENTIALS, reason, "deviceId")])
    password = _fernet(secret).decrypt(device.sip_password_encrypted.encode()).decode()
    domain = scope.org.sip_domain or f"{scope.org.id.lower()[:16]}.calls.tukku.test"
    _audit(
        session,
        scope,
        "device.sip_credentials.download",
        device,
        now,
        after={"personId": device.person_id, "workspaceId": device.workspace_id},
    )
    return SipCredentials(
        user_name=device.sip_user_name,
        password=password,
        line_port=f"{device.sip_user_name}@{domain}",
        outbound_proxy=f"proxy.{domain}",
    )


def _customer_for_ops(session: Session, customer_id: str) -> Customer:
    found = session.scalars(select(Customer).where(Customer.id == customer_id)).first()
    if found is None:
        raise NotFound("customer", Codes.CUSTOMER_NOT_FOUND, field_name="customerId")
    return found


def options(session: Session, *, principal: Principal, customer_id: str) -> bool:
    """Whether third-party devices are enabled for a customer (operators only)."""
    authorize(principal, Permission.OPERATE)
    customer = _customer_for_ops(session, customer_id)
    return third_party_enabled(session, customer.id)


def set_options(
    session: Session, *, principal: Principal, customer_id: str, third_party: bool, now: datetime
) -> bool:
    """An operator enables (or disables) platform-managed third-party devices for a customer,
    on the partner's request; audited. Devices already added stay."""
    authorize(principal, Permission.OPERATE)
    customer = _customer_for_ops(session, customer_id)
    row = session.get(CustomerDeviceOptions, customer.id)
    before = {"thirdPartyDevices": bool(row and row.third_party_devices)}
    if row is None:
        row = CustomerDeviceOptions(
            customer_id=customer.id, third_party_devices=third_party, updated_at=now
        )
        session.add(row)
    row.third_party_devices = third_party
    row.updated_at = now
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="customer.device_options.update",
        target_type="customer",
        target_id=customer.id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        before=before,
        after={"thirdPartyDevices": third_party},
    )
    return third_party


def _audit(
    session: Session,
    scope: OrgScope,
    action: str,
    device: Device,
    now: datetime,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=scope.actor,
        action=action,
        target_type="device",
        target_id=device.id,
        now=now,
        owner_org_id=scope.owner_org_id,
        before=before,
        after=after,
    )


# -- wire forms ------------------------------------------------------------------------------


def _catalog_model(device: Device) -> DeviceModel | None:
    return device_catalog().find(device.model)


def to_out(device: Device) -> dict[str, Any]:
    """A device as the reference's `Device` shows it."""
    model = _catalog_model(device)
    out: dict[str, Any] = {
        "id": device.id,
        "displayName": device.display_name,
        "orgId": device.org_id,
        "capabilities": [],
        "permissions": [],
        "connectionStatus": "disconnected",
        "product": model.display_name if model else device.model,
        "type": "phone",
        "tags": [],
        "sipUrls": [],
        "errorCodes": [],
        "created": iso(device.created_at),
        "managedBy": model.managed_by if model else "CISCO",
        "devicePlatform": "cisco",
    }
    if device.mac is not None:
        out["mac"] = rules.colon_mac(device.mac)
    if device.person_id is not None:
        out["personId"] = device.person_id
    if device.workspace_id is not None:
        out["workspaceId"] = device.workspace_id
        out["workspaceLocationId"] = device.location_id
    if device.location_id is not None:
        out["locationId"] = device.location_id
    return {k: v for k, v in out.items() if v is not None}


def owner_list_out(owner: Owner, devices: list[Device]) -> dict[str, Any]:
    """`deviceList` (a person's) or `placeDeviceList` (a workspace's)."""
    if owner.person is not None:
        who = {
            "id": owner.person.id,
            "type": rules.PEOPLE,
            "firstName": owner.person.first_name or "",
            "lastName": owner.person.last_name or "",
        }
    else:
        assert owner.workspace is not None
        who = {
            "id": owner.workspace.id,
            "type": rules.PLACE,
            "firstName": owner.workspace.display_name,
            "lastName": "",
        }
    items = []
    for device in devices:
        model = _catalog_model(device)
        item: dict[str, Any] = {
            "id": device.id,
            "description": [],
            "model": device.model,
            "primaryOwner": True,
            "type": "PRIMARY",
            "hoteling": {"enabled": False, "limitGuestUse": False},
            "owner": who,
            # upper case for a person too: the reference's `devices` schema says lower case, but
            # its `placeDevices` (the same objects) and wxc_sdk's one model of both upper case
            "activationState": device.activation_state.upper(),
        }
        if device.mac is not None:
            item["mac"] = device.mac
        if owner.person is not None and model is not None:
            item["modelType"] = model.type
        items.append(item)
    most = rules.MAX_DEVICES_PER_OWNER
    return {"devices": items, "maxDeviceCount": most, "maxOwnedDeviceCount": most}


def _capabilities(model: DeviceModel) -> dict[str, Any]:
    vendor = model.management is Management.PLATFORM
    platform = model.management in (Management.PLATFORM, Management.PLATFORM_THIRD_PARTY)
    entry: dict[str, Any] = {
        "model": model.model,
        "displayName": model.display_name,
        "familyDisplayName": model.family_display_name,
        "type": model.type,
        "manufacturer": model.manufacturer,
        "managedBy": model.managed_by,
        "supportedFor": list(model.supported_for),
        "onboardingMethod": list(model.onboarding_method),
        "allowConfigureLayoutEnabled": vendor and model.line_key_buttons > 0,
        "numberOfLinePorts": model.line_ports,
        "kemSupportEnabled": model.kem_module_count is not None,
        "kemModuleCount": model.kem_module_count,
        "kemModuleType": list(model.kem_module_type) or None,
        "kemLinesSupportEnabled": model.kem_module_count is not None and vendor,
        "upgradeChannelEnabled": vendor,
        "defaultUpgradeChannel": "STABLE" if vendor else None,
        "additionalPrimaryLineAppearancesEnabled": platform,
        "basicEmergencyNomadicEnabled": False,
        "customizedBehaviorsEnabled": platform,
        "allowConfigurePortsEnabled": vendor and model.type == "ATA",
        "customizableLineLabelEnabled": vendor,
        "supportsLinePortReorderingEnabled": platform,
        "portNumberSupportEnabled": False,
        "t38Enabled": model.type == "ATA",
        "callDeclinedEnabled": platform,
        "touchScreenPhone": model.touch_screen,
        "numberOfLineKeyButtons": model.line_key_buttons,
        "deviceSettingsConfiguration": (
            "WEBEX_CALLING_DEVICE_CONFIGURATION"
            if vendor
            else "WEBEX_CALLING_DYNAMIC_DEVICE_CONFIGURATION"
            if platform
            else "NONE"
        ),
        "allowHotelingHostEnabled": platform,
        "supportsLogCollection": "CISCO_PRT" if vendor else "NONE",
        "supportsApplyChangesEnabled": platform,
        "allowConfigureLinesEnabled": True,
        "allowConfigurePhoneSettingsEnabled": platform,
        "supportsHotlineEnabled": platform,
        "maxNumberOfLineAppearances": model.line_ports,
    }
    return {k: v for k, v in entry.items() if v is not None}


def supported_devices(
    session: Session,
    *,
    scope: OrgScope,
    type_filter: str | None,
    allow_configure_layout: bool | None,
) -> dict[str, Any]:
    """The models the organization may add: vendor and customer-managed models, and
    third-party models once enabled for the customer. Partner-managed models are the
    partner's tool's business and are not listed. `type` may be `not:<TYPE>`."""
    scope.actor.require(Permission.CALLING_READ)
    enabled = third_party_enabled(session, scope.customer.id if scope.customer else None)
    shown = []
    for model in device_catalog().models:
        if model.management is Management.PARTNER:
            continue
        if model.management is Management.PLATFORM_THIRD_PARTY and not enabled:
            continue
        if type_filter is not None:
            negated = type_filter.startswith("not:")
            wanted = type_filter.removeprefix("not:")
            if (model.type == wanted) == negated:
                continue
        entry = _capabilities(model)
        if (
            allow_configure_layout is not None
            and entry["allowConfigureLayoutEnabled"] != allow_configure_layout
        ):
            continue
        shown.append(entry)
    return {"upgradeChannelList": list(device_catalog().upgrade_channels), "devices": shown}
