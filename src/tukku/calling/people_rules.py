"""Rules of the public People API (read side), without I/O: the `id` filter and a person's
names and numbers as the API shows them."""

from __future__ import annotations

from tukku.core.errors import Codes, Invalid

MAX_IDS = 85  # the reference's limit of IDs in one `id` filter


def person_ids(raw: str | None) -> list[str] | None:
    """The IDs of the `id` filter (comma-separated, at most 85); None when it is absent."""
    if raw is None:
        return None
    ids = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not ids:
        raise Invalid("id", "give one or more person IDs, separated by commas", Codes.INVALID_QUERY)
    if len(ids) > MAX_IDS:
        reason = f"at most {MAX_IDS} person IDs (got {len(ids)})"
        raise Invalid("id", reason, Codes.INVALID_QUERY)
    return ids


def display_name(display: str | None, first: str | None, last: str | None, email: str) -> str:
    """The name shown for a person: its display name, else first and last name, else e-mail."""
    if display and display.strip():
        return display.strip()
    joined = " ".join(part.strip() for part in (first, last) if part and part.strip())
    return joined or email


def phone_numbers(phone_number: str | None) -> list[dict[str, object]]:
    """A person's `phoneNumbers`: its directory number, the primary work number (an extension
    travels in `extension`)."""
    if not phone_number:
        return []
    return [{"type": "work", "value": phone_number, "primary": True}]
