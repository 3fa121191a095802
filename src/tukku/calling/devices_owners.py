"""Devices leave with their owner: deleting a workspace, or removing a subscriber (its user
loses calling), removes the owner's devices and unused activation codes in the same
transaction, each device audited. Apart from the devices service so that workspaces can call it
without an import cycle; importing it registers the subscriber hook."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.calling.devices_models import Device, DeviceActivationCode
from tukku.customers.models import Customer
from tukku.identity.actor import Actor
from tukku.subscribers import ending


def snapshot(device: Device) -> dict[str, Any]:
    """What an audit event keeps of a device (never its SIP password)."""
    return {
        "orgId": device.org_id,
        "mac": device.mac,
        "model": device.model,
        "management": device.management,
        "personId": device.person_id,
        "workspaceId": device.workspace_id,
    }


def remove_for_workspace(
    session: Session, *, workspace_id: str, now: datetime, actor: Actor | None
) -> list[str]:
    """Remove a workspace's devices and activation codes; the removed devices' IDs."""
    devices = list(session.scalars(select(Device).where(Device.workspace_id == workspace_id)))
    session.execute(
        delete(DeviceActivationCode).where(DeviceActivationCode.workspace_id == workspace_id)
    )
    return _remove(session, devices, now, actor)


def remove_for_person(session: Session, *, customer_id: str, user_id: str, now: datetime) -> None:
    """Remove the devices and activation codes a user has at a customer (its subscriber ended)."""
    devices = list(
        session.scalars(
            select(Device).where(Device.customer_id == customer_id, Device.person_id == user_id)
        )
    )
    session.execute(
        delete(DeviceActivationCode).where(
            DeviceActivationCode.customer_id == customer_id,
            DeviceActivationCode.person_id == user_id,
        )
    )
    _remove(session, devices, now, None)


def _remove(
    session: Session, devices: list[Device], now: datetime, actor: Actor | None
) -> list[str]:
    for device in devices:
        customer = session.scalars(
            select(Customer).where(Customer.id == device.customer_id)
        ).first()
        audit.record(
            session,
            actor=actor,
            action="device.delete",
            target_type="device",
            target_id=device.id,
            now=now,
            owner_org_id=customer.owner_org_id if customer else device.org_id,
            before=snapshot(device),
        )
        session.delete(device)
    session.flush()
    return [d.id for d in devices]


ending.register(remove_for_person)
