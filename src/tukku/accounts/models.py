"""Tables of wholesale subscriptions and managing relationships."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base


class PartnerSubscription(Base):
    """A partner's one wholesale subscription (the blanket order its sales run under)."""

    __tablename__ = "partner_subscriptions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime]


class ManagingRelationship(Base):
    """A partner organization administering another organization (a customer or sub-partner)."""

    __tablename__ = "managing_relationships"

    manager_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    managed_org_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    admin_level: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime]


class SubPartner(Base):
    """A reseller one level below a partner, sharing its parent's subscription."""

    __tablename__ = "sub_partners"

    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    parent_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    provisioning_state: Mapped[str] = mapped_column(String(12), default="active")
    billing_start_date: Mapped[date]
    admin_email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime]
