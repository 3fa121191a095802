"""The table of idempotency keys: one row per (organization, key), first as the lock of the
running request, then as its stored answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from tukku.core.db import Base, str_enum
from tukku.idempotency.rules import MAX_KEY_LENGTH, KeyState


class IdempotencyKey(Base):
    """A key an organization sent, the request it was first used for, and that request's answer.

    While `state` is running, `owner` (the running request's own random ID) holds the key until
    `locked_until`; the completed answer is written only by its owner, in the transaction of the
    change itself.
    """

    __tablename__ = "idempotency_keys"

    org_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[KeyState] = mapped_column(str_enum(KeyState, 16))
    owner: Mapped[str] = mapped_column(String(32))
    locked_until: Mapped[datetime | None]
    status_code: Mapped[int | None]
    headers: Mapped[dict[str, Any] | None]
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]

    __table_args__ = (Index("ix_idempotency_keys_expires_at", "expires_at"),)
