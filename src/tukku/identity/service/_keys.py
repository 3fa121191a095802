"""The deployment's own signing keys, kept in the database so every process shares them."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from tukku.core.db import insert_ignoring_conflicts
from tukku.identity.models import SigningKey


def link_secret(session: Session, *, configured: str | None, now: datetime) -> str:
    """The key signing links: `TUKKU_SECRET_KEY` if set, else a random one kept in the database.

    Created once, on first start, and shared by every process of the deployment.
    """
    if configured:
        return configured
    insert_ignoring_conflicts(
        session,
        SigningKey.__table__,
        {"name": "links", "secret": secrets.token_urlsafe(48), "created_at": now},
    )
    key = session.get(SigningKey, "links")
    assert key is not None
    return key.secret
