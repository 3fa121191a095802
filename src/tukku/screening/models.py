"""Tables of denied-party screening: the loaded lists, their entries, and review cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class ScreeningList(Base):
    """One load of a list file. The newest is in force; older ones keep only this summary."""

    __tablename__ = "screening_lists"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    source_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int]
    loaded_at: Mapped[datetime]
    loaded_by: Mapped[str | None] = mapped_column(String(128))


class ScreeningEntry(Base):
    """One listed party of the list in force."""

    __tablename__ = "screening_entries"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("screening_lists.id"), index=True)
    ref: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(Text)
    alt_names: Mapped[list[Any]]
    addresses: Mapped[list[Any]]
    countries: Mapped[list[Any]]
    programs: Mapped[str] = mapped_column(Text)


class ScreeningCase(Base):
    """A customer that may be a listed party, from the possible match to the decision."""

    __tablename__ = "screening_cases"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    partner_org_id: Mapped[str] = mapped_column(String(128))
    owner_org_id: Mapped[str] = mapped_column(String(128))
    customer_name: Mapped[str] = mapped_column(String(255))
    country: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(12))
    scripted: Mapped[bool] = mapped_column(default=False)
    list_id: Mapped[int | None]
    matches: Mapped[list[Any]]
    opened_at: Mapped[datetime]
    checked_at: Mapped[datetime]
    escalated_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_screening_cases_status_opened", "status", "opened_at"),)
