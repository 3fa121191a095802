"""Scripted faults: magic customer `externalId` values that make provisioning misbehave on purpose.

Only honoured when the server runs with `--sandbox`. The fault is decided when the request is
accepted and travels in the job, so every worker obeys it whatever its own mode.

- `sandbox-fault-error-<code>[--anything]`: the customer ends in `error` with `<code>`.
- `sandbox-fault-package-<package>-<code>[--anything]`: that package ends in `error` with `<code>`
  (the customer becomes `provisioned_with_errors`, or `error` if it was its only package).
- `sandbox-fault-slow-<seconds>[--anything]`: provisioning takes that long (at most 300 s).
- `sandbox-fault-compliance[--anything]`: screening reports a possible denied-party match, so the
  customer waits in `pending_rpl_review` (and escalates after 72 hours) whatever list is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PATTERN = re.compile(
    r"sandbox-fault-(?:"
    r"error-(?P<error>\d{1,6})"
    r"|package-(?P<package>[a-z_]+)-(?P<package_code>\d{1,6})"
    r"|slow-(?P<slow>\d{1,3})"
    r"|(?P<compliance>compliance)"
    r")(?:--.*)?",
    re.DOTALL,
)
MAX_SLOW_SECONDS = 300


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour of a provisioning job."""

    error_code: int | None = None
    package: str | None = None
    package_code: int | None = None
    slow_seconds: int = 0
    compliance: bool = False

    def to_payload(self) -> dict[str, Any]:
        """The JSON form carried in the job payload."""
        return {
            "errorCode": self.error_code,
            "package": self.package,
            "packageCode": self.package_code,
            "slowSeconds": self.slow_seconds,
            "compliance": self.compliance,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any] | None) -> Fault | None:
        """Inverse of `to_payload`; None passes through."""
        if not data:
            return None
        return cls(
            error_code=data.get("errorCode"),
            package=data.get("package"),
            package_code=data.get("packageCode"),
            slow_seconds=int(data.get("slowSeconds") or 0),
            compliance=bool(data.get("compliance")),
        )


def parse_fault(external_id: str) -> Fault | None:
    """The fault an `externalId` asks for, or None for an ordinary one."""
    match = PATTERN.fullmatch(external_id)
    if match is None:
        return None
    if match["error"]:
        return Fault(error_code=int(match["error"]))
    if match["compliance"]:
        return Fault(compliance=True)
    if match["package"]:
        return Fault(package=match["package"], package_code=int(match["package_code"]))
    return Fault(slow_seconds=min(int(match["slow"]), MAX_SLOW_SECONDS))
