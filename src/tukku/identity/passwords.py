"""Password rules and hashing for the portals' local accounts.

A new password must be long (NIST SP 800-63B: length matters, composition rules do not), not
one of the common passwords people pick (`data/common-passwords.txt`, also with digits and
symbols around it), and not the account's own e-mail. Passwords are stored as Argon2id hashes
(argon2-cffi's defaults, RFC 9106's second recommended option); a hash made with older
parameters is replaced at the next successful sign-in.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
# Long enough for any passphrase, short enough that hashing it is no denial of service.
MAX_LENGTH = 256
MIN_DISTINCT = 5

_hasher = PasswordHasher()
_SURROUNDING = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, lower case."""
    text = resources.files("tukku.identity").joinpath("data/common-passwords.txt").read_text()
    return frozenset(line for line in text.splitlines() if line)


def password_problems(password: str, *, email: str) -> list[str]:
    """Why `password` may not be used by the account of `email`; empty if it may."""
    if len(password) < MIN_LENGTH:
        return [f"must be at least {MIN_LENGTH} characters long"]
    if len(password) > MAX_LENGTH:
        return [f"must be at most {MAX_LENGTH} characters long"]
    problems = []
    folded = password.casefold()
    core = _SURROUNDING.sub("", folded)
    listed = common_passwords()
    if {folded, core, _repeated_unit(core)} & listed:
        problems.append("is one of the passwords most often guessed; choose another")
    if len(set(folded)) < MIN_DISTINCT:
        problems.append(f"must use at least {MIN_DISTINCT} different characters")
    local_part = email.casefold().partition("@")[0]
    if len(local_part) >= 4 and local_part in folded:
        problems.append("must not contain your e-mail address")
    return problems


def _repeated_unit(text: str) -> str:
    """The shortest string `text` repeats (`qwertyqwerty` → `qwerty`); `text` itself if none."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return text


def hash_password(password: str) -> str:
    """The Argon2id hash to store for `password`."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> tuple[bool, bool]:
    """Whether `password` matches the `stored` hash, and whether the hash should be remade
    with the current parameters (only ever True when it matches)."""
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, _hasher.check_needs_rehash(stored)


_UNUSABLE = hash_password("no account has this password: it only spends the same time")


def spend_verification_time(password: str) -> None:
    """Verify against a hash no account has, so that signing in as an unknown or password-less
    account takes as long as a wrong password (the answer must not tell which)."""
    verify_password(_UNUSABLE, password)
