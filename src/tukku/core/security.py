"""Signed, expiring tokens for links that work without a bearer token (consent, downloads).

Expiry is checked against the platform clock, so the sandbox clock can age links too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer


def sign(secret: str, purpose: str, data: Any, *, expires_at: datetime) -> str:
    """A URL-safe token carrying `data` until `expires_at`, bound to `purpose`."""
    return URLSafeSerializer(secret, salt=purpose).dumps({"d": data, "e": expires_at.timestamp()})


def unsign(secret: str, purpose: str, token: str, *, now: datetime) -> Any | None:
    """The data in `token`, or None if it is forged, altered, for another purpose, or expired."""
    try:
        envelope = URLSafeSerializer(secret, salt=purpose).loads(token)
    except BadSignature:
        return None
    if not isinstance(envelope, dict) or float(envelope.get("e", 0)) <= now.timestamp():
        return None
    return envelope.get("d")
