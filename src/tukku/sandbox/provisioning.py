"""The sandbox's provisioning backend: the local one, misbehaving as a customer's `externalId`
scripts (`tukku.sandbox.faults`), read from the order each time the backend acts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from tukku.core.clock import real_now
from tukku.core.errors import Codes
from tukku.customers.backend import (
    Admission,
    Enablement,
    ErrorEntry,
    Order,
    OrderKind,
    ProvisioningBackend,
)
from tukku.sandbox.faults import Fault, parse_fault
from tukku.screening.rules import Candidate, Match
from tukku.screening.service import Screening

SCRIPTED_MATCH = Match(
    ref="sandbox-fault-compliance",
    source="sandbox",
    listed_name="scripted sandbox fault",
    matched_name="scripted sandbox fault",
    score=100.0,
    threshold=0.0,
    address_matched=False,
)


def _entry(code: int) -> ErrorEntry:
    known = {c.number: c.meaning for c in Codes.all()}
    return {"errorCode": code, "description": known.get(code, "Scripted sandbox fault.")}


class SandboxProvisioning:
    """Scripted faults over another backend. They apply to new customers only (a change of a
    provisioned customer goes as usual), and a slow one reschedules the job instead of holding
    a worker: the first try answers "ask again in N seconds" (real time)."""

    def __init__(self, inner: ProvisioningBackend) -> None:
        self.inner = inner

    @staticmethod
    def _fault(order: Order) -> Fault | None:
        return parse_fault(order.external_id) if order.kind is OrderKind.NEW else None

    def screen(self, session: Session, order: Order, candidate: Candidate) -> Screening:
        """A possible match, whatever the list says, for the compliance fault."""
        fault = self._fault(order)
        if fault is not None and fault.compliance:
            return Screening(list_id=None, matches=[SCRIPTED_MATCH], scripted=True)
        return self.inner.screen(session, order, candidate)

    def admit(self, order: Order) -> Admission:
        """Later for the slow fault (once), a refusal for the error fault."""
        fault = self._fault(order)
        if fault is not None and fault.slow_seconds and not order.resumed:
            return Admission(retry_at=real_now() + timedelta(seconds=fault.slow_seconds))
        if fault is not None and fault.error_code is not None:
            return Admission(error=_entry(fault.error_code))
        return self.inner.admit(order)

    def enable(self, order: Order, org_id: str, package: str) -> Enablement:
        """The package fault's package fails with its code (maintenance, 2560, as a warning)."""
        fault = self._fault(order)
        if fault is not None and fault.package == package and fault.package_code is not None:
            entry = _entry(fault.package_code)
            if fault.package_code == Codes.SERVICE_MAINTENANCE.number:
                return Enablement(warnings=(entry,))
            return Enablement(errors=(entry,))
        return self.inner.enable(order, org_id, package)
