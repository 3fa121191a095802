"""Tables of a customer's locations beyond the `locations` row itself: its floors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base


class Floor(Base):
    """A floor of a location (workspaces name the floor they are on); numbers unique per
    location."""

    __tablename__ = "location_floors"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    floor_number: Mapped[int]
    display_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("location_id", "floor_number"),)
