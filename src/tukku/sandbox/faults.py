"""Scripted faults: magic customer `externalId` values that make provisioning misbehave on purpose.

Only honoured by processes started with `--sandbox`: their provisioning backend
(`tukku.sandbox.provisioning`) reads the fault from the customer's `externalId` each time it acts.

- `sandbox-fault-error-<code>[--anything]`: the customer ends in `error` with `<code>`.
- `sandbox-fault-package-<package>-<code>[--anything]`: that package ends in `error` with `<code>`
  (the customer becomes `provisioned_with_errors`, or `error` if it was its only package).
- `sandbox-fault-slow-<seconds>[--anything]`: provisioning takes that long (at most 300 s of
  real time; the job is rescheduled, no worker waits).
- `sandbox-fault-compliance[--anything]`: screening reports a possible denied-party match, so the
  customer waits in `pending_rpl_review` (and escalates after 72 hours) whatever list is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    """One scripted misbehaviour of provisioning."""

    error_code: int | None = None
    package: str | None = None
    package_code: int | None = None
    slow_seconds: int = 0
    compliance: bool = False


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
