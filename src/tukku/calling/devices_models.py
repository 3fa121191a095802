"""Tables of devices (phones, ATAs, generic SIP devices), their activation codes, and the
per-customer device options an operator sets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class Device(Base):
    """A device of an organization, owned by one person (a user) or one workspace.

    `mac` is normalized (12 upper-case hex digits) and unique platform-wide; devices activated
    by code may have none. A customer-managed device keeps its SIP password only encrypted
    (`sip_password_encrypted`, a Fernet token)."""

    __tablename__ = "devices"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(128), unique=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    workspace_id: Mapped[str | None] = mapped_column(ForeignKey("workspaces.id"), index=True)
    location_id: Mapped[str | None] = mapped_column(ForeignKey("locations.id"))
    mac: Mapped[str | None] = mapped_column(String(12), unique=True)
    model: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(255))
    management: Mapped[str] = mapped_column(String(32))
    activation_state: Mapped[str] = mapped_column(String(16))
    # Set while the phone is cut over to tukku (`actions/cutover/invoke`): the state it had
    # before, which a rollback puts back.
    cutover_from_state: Mapped[str | None] = mapped_column(String(16))
    sip_user_name: Mapped[str | None] = mapped_column(String(64))
    sip_password_encrypted: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_devices_org_seq", "org_id", "seq"),)


class DeviceActivationCode(Base):
    """A single-use, expiring code that activates a device for a person or a workspace. Only
    the code's keyed hash is kept."""

    __tablename__ = "device_activation_codes"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    workspace_id: Mapped[str | None] = mapped_column(ForeignKey("workspaces.id"), index=True)
    model: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    device_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]


class CustomerDeviceOptions(Base):
    """Device options an operator enables for a customer on request."""

    __tablename__ = "customer_device_options"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    third_party_devices: Mapped[bool]
    updated_at: Mapped[datetime]
