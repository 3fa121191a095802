"""Secrets kept at rest encrypted with the platform key: Fernet (AES-128-CBC with an HMAC),
its key derived with HKDF from the deployment's link secret and a purpose label, so that each
kind of secret (devices' SIP passwords, identity providers' client secrets, sign-in cookies)
has a key of its own and a leak of one never opens the others."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def fernet(secret: str, purpose: bytes) -> Fernet:
    """The cipher for secrets of `purpose`, keyed from the platform's link secret."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))
