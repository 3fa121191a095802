"""Which body cap a route has: large for the screening list upload, medium for files (logos,
portal forms with files), 1 MiB for every JSON route."""

from __future__ import annotations

from collections.abc import Callable

from tukku.core.settings import Settings

SCREENING_LIST_PATH = "/v1/ops/screening/list"


def body_limits(settings: Settings) -> Callable[[str, str], int]:
    """The cap (bytes) of a request's body by method and path, from the settings."""

    def limit_of(method: str, path: str) -> int:
        if path == SCREENING_LIST_PATH and method == "PUT":
            return settings.max_screening_list_bytes
        if path.startswith("/portal/") or path.endswith("/branding/logo"):
            return settings.max_upload_body_bytes
        return settings.max_body_bytes

    return limit_of
