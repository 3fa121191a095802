"""The onboarding template table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, SeqType


class OnboardingTemplate(Base):
    """A partner's (or sub-partner's) recipe for provisioning customers."""

    __tablename__ = "onboarding_templates"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(128), unique=True)
    provisioning_id: Mapped[str] = mapped_column(String(128), unique=True)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    country: Mapped[str] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(5))
    auth_mode: Mapped[str] = mapped_column(String(20))
    idp_entity_id: Mapped[str | None] = mapped_column(String(1024))
    pstn_provider: Mapped[str | None] = mapped_column(String(255))
    brand_name: Mapped[str] = mapped_column(String(255))
    allow_admin_invite_emails_on_attach: Mapped[bool]
    disable_webex_to_webex_calling: Mapped[bool]
    subscription_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]

    __table_args__ = (
        Index(
            "uq_onboarding_templates_owner_name",
            "owner_org_id",
            "name",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )
