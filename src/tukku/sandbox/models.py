"""The sandbox's virtual platform clock, shared by every process of a sandbox deployment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base


class PlatformClock(Base):
    """One row: the current virtual time. It stands still until moved, and only moves forward."""

    __tablename__ = "platform_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    now: Mapped[datetime]
