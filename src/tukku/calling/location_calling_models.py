"""Table of the Webex Calling settings of a calling-enabled location: its main number and its
PSTN connection (whether a location has calling at all is the location's own flag)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base


class LocationCallingSettings(Base):
    """A location's calling settings, made by the first change of them (none: no main number,
    no PSTN connection). `main_number` is one of the location's phone numbers (E.164); the
    numbers API keeps it from being removed while it is."""

    __tablename__ = "location_calling_settings"

    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    main_number: Mapped[str | None] = mapped_column(String(16))
    connection_type: Mapped[str | None] = mapped_column(String(16))
    connection_id: Mapped[str | None] = mapped_column(String(128))
    updated_at: Mapped[datetime]
