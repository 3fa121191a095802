"""Opaque, URL-safe, unguessable identifiers in the style of the Webex API (base64 of a URI)."""

from __future__ import annotations

import base64
import secrets
import uuid

REGION = "us"


def new_id(kind: str) -> str:
    """A fresh ID such as base64url(`ciscospark://us/SUBSCRIBER/<uuid4>`), without padding."""
    raw = f"ciscospark://{REGION}/{kind}/{uuid.uuid4()}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def id_uuid(value: str) -> str:
    """The UUID part of an ID made by `new_id` (used to derive related IDs such as licenses)."""
    padded = value + "=" * (-len(value) % 4)
    return base64.urlsafe_b64decode(padded.encode()).decode().rsplit("/", 1)[-1]


def derived_id(kind: str, suffix: str) -> str:
    """An ID of `kind` ending in `suffix` (license IDs end in `<org-uuid>:<SKU>_<uuid>`)."""
    raw = f"ciscospark://{REGION}/{kind}/{suffix}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def provisioning_id() -> str:
    """A template provisioning ID: base64 of a UUID, as the original API shows them."""
    return base64.urlsafe_b64encode(str(uuid.uuid4()).encode()).decode().rstrip("=")


def subscription_id() -> str:
    """A wholesale subscription ID such as `Sub48213377`."""
    return f"Sub{secrets.randbelow(10**10):010d}"
