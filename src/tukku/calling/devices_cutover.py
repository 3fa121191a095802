"""The cut-over of a migrated phone (tukku's, no Webex equivalent): `move` records that the phone
now registers with tukku (activated, its previous activation state kept), `rollback` puts that
state back (the phone points at BroadWorks again). Idempotent and audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.calling import devices_rules as rules
from tukku.calling.access import OrgScope
from tukku.calling.devices import device_missing
from tukku.calling.devices_models import Device
from tukku.core.errors import invalid_all
from tukku.identity.permissions import Permission


def cut_over(
    session: Session, *, scope: OrgScope, device_id: str, direction: str | None, now: datetime
) -> Device:
    """Move one of the organization's devices to tukku or roll it back (400 naming `direction`
    for anything else, 404 for another organization's device). A device already where the
    request wants it is answered as it is, without an audit event."""
    scope.actor.require(Permission.DEVICES_MANAGE)
    problem = rules.direction_problem(direction)
    if problem is not None:
        raise invalid_all([problem])
    assert direction is not None
    device = session.scalars(
        select(Device)
        .where(Device.id == device_id, Device.org_id == scope.org.id)
        .with_for_update()
    ).first()
    if device is None:
        raise device_missing()
    before = rules.CutoverState(device.activation_state, device.cutover_from_state)
    after = rules.cut_over(before, direction)
    if after == before:
        return device
    device.activation_state = after.activation_state
    device.cutover_from_state = after.cutover_from_state
    session.flush()
    audit.record(
        session,
        actor=scope.actor,
        action=f"device.cutover.{direction}",
        target_type="device",
        target_id=device.id,
        now=now,
        owner_org_id=scope.owner_org_id,
        before={"activationState": before.activation_state, "movedToTukku": before.moved},
        after={"activationState": after.activation_state, "movedToTukku": after.moved},
    )
    return device
