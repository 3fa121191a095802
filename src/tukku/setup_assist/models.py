"""Tables of Setup Assist: orders and the phases they have reached."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class SetupAssistOrder(Base):
    """A partner's order of onboarding help for one customer location.

    The SKU, seat count and billed quantity are fixed when the order is placed; billing charges
    `quantity` units of `sku` once, on `billed_day` (the day number of the order, UTC).
    """

    __tablename__ = "setup_assist_orders"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(128), unique=True)
    partner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    sub_partner_org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    subscription_id: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    customer_org_id: Mapped[str] = mapped_column(String(128))
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    location_count: Mapped[int]
    deployment_date: Mapped[date]
    package: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))
    seats: Mapped[int]
    quantity: Mapped[int]
    billed_day: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))
    phases_reached: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_setup_assist_orders_partner_day", "partner_org_id", "billed_day"),
        Index("ix_setup_assist_orders_owner_created", "owner_org_id", "created_at", "seq"),
        Index("ix_setup_assist_orders_location", "location_id", "status"),
    )


class SetupAssistPhase(Base):
    """A phase an order has reached: started when operators advanced into it, completed when
    they advanced past it."""

    __tablename__ = "setup_assist_phases"

    order_id: Mapped[str] = mapped_column(ForeignKey("setup_assist_orders.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    started_by: Mapped[str] = mapped_column(String(128))
