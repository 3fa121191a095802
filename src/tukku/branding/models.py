"""The brands table: one row per branded organization (a partner, a sub-partner, or a customer
organization its partner gave an override)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from tukku.core.db import Base


class BrandRow(Base):
    """A brand as set: colours always, the rest only when given. `partner_org_id` is the
    top-level partner above the organization and `owner_org_id` the partner or sub-partner that
    manages it (itself, for a partner's own brand): tenant queries scope on them."""

    __tablename__ = "brands"

    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    partner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str | None] = mapped_column(String(80))
    light_text: Mapped[str] = mapped_column(String(7))
    light_background: Mapped[str] = mapped_column(String(7))
    light_accent: Mapped[str] = mapped_column(String(7))
    dark_text: Mapped[str] = mapped_column(String(7))
    dark_background: Mapped[str] = mapped_column(String(7))
    dark_accent: Mapped[str] = mapped_column(String(7))
    support_url: Mapped[str | None] = mapped_column(String(1024))
    support_email: Mapped[str | None] = mapped_column(String(320))
    support_phone: Mapped[str | None] = mapped_column(String(40))
    # The logo as served (a PNG tukku drew), loaded only when served.
    logo_png: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_digest: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_brands_partner_org_id", "partner_org_id"),
        Index("ix_brands_logo_digest", "logo_digest"),
    )
