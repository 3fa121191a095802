"""The shared throttling counters of a PostgreSQL deployment."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base


class ThrottleCounter(Base):
    """Requests counted in the current window for one key (`<group>:<token|partner>:<id>`).

    One row per key, overwritten when a new window starts; rows of past windows are purged
    hourly (`tukku.throttling.tasks`), since every token string sent, valid or not, is a key.
    """

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    window_no: Mapped[int] = mapped_column(BigInteger)
    hits: Mapped[int] = mapped_column(BigInteger)
