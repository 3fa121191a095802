"""Tables of wholesale customers, their packages, locations and meeting sites."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, text, true
from sqlalchemy.orm import Mapped, mapped_column, validates

from tukku.core.db import Base, SeqType, str_enum
from tukku.customers.rules import CUSTOMER_STATES, PACKAGE_STATES, PackageStatus, Status


class AddressColumns:
    """A postal address (lines of at most 50 characters, ISO 3166 alpha-2 country)."""

    address_line1: Mapped[str] = mapped_column(String(50))
    address_line2: Mapped[str | None] = mapped_column(String(50))
    city: Mapped[str] = mapped_column(String(255))
    state_or_province: Mapped[str | None] = mapped_column(String(255))
    zip_or_postal_code: Mapped[str | None] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(2))


class Customer(AddressColumns, Base):
    """The wholesale mapping of an organization to the partner (or sub-partner) that sells to it."""

    __tablename__ = "customers"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(128), unique=True)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    partner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    template_id: Mapped[str] = mapped_column(ForeignKey("onboarding_templates.id"))
    external_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    primary_email: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(5))
    status: Mapped[Status] = mapped_column(str_enum(Status, 32))
    meetings_timezone: Mapped[str | None] = mapped_column(String(64))
    sub_partner_admin_email: Mapped[str | None] = mapped_column(String(320))
    attached: Mapped[bool] = mapped_column(default=False)
    restricted_by_partner: Mapped[bool] = mapped_column(default=True)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_status_change: Mapped[datetime]
    removed_at: Mapped[datetime | None]

    __table_args__ = (
        Index(
            "uq_customers_owner_external_id",
            "owner_org_id",
            "external_id",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
        Index("ix_customers_owner_status", "owner_org_id", "status"),
    )

    @property
    def sub_partner_org_id(self) -> str | None:
        """The sub-partner reselling this customer (billing's second level), or None when its
        partner serves it directly."""
        return None if self.owner_org_id == self.partner_org_id else self.owner_org_id

    @validates("status")
    def _move(self, _key: str, new: Status) -> Status:
        return CUSTOMER_STATES.moved(self.status, new)


class CustomerPackage(Base):
    """A package or add-on on a customer, with its own provisioning state and limit."""

    __tablename__ = "customer_packages"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    name: Mapped[str] = mapped_column(String(64))
    status: Mapped[PackageStatus] = mapped_column(str_enum(PackageStatus, 20))
    limit: Mapped[int | None]
    license_id: Mapped[str | None] = mapped_column(String(255))
    errors: Mapped[list[Any]] = mapped_column(default=list)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("customer_id", "name"),)

    @validates("status")
    def _move(self, _key: str, new: PackageStatus) -> PackageStatus:
        return PACKAGE_STATES.moved(self.status, new)


class Location(AddressColumns, Base):
    """A customer site with calling; the first one is the headquarters."""

    __tablename__ = "locations"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(5))
    emergency_location_identifier: Mapped[str | None] = mapped_column(String(255))
    is_headquarters: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    # Set through the public Locations API (`/v1/locations`); None for locations made before.
    announcement_language: Mapped[str | None] = mapped_column(String(5))
    latitude: Mapped[str | None] = mapped_column(String(32))
    longitude: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(String(1024))
    # Webex Calling at the site: provisioning's and the customers API's locations have it from
    # the start; one made through the public Locations API once it is enabled for calling.
    calling_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class MeetingSite(Base):
    """The meeting site of a customer with a meetings package."""

    __tablename__ = "meeting_sites"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), unique=True)
    site_url: Mapped[str] = mapped_column(String(255), unique=True)
    locale: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))
    call_in_numbers: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]


class AttachRequest(Base):
    """A partner's request to attach wholesale to an organization that exists outside it, when
    the organization's own administrator must approve (PRODUCT.md section 4.3)."""

    __tablename__ = "attach_requests"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), unique=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(String(1000))
