"""The service backends that a customer's packages entitle, behind one interface.

`LocalProvisioning` is tukku's own working implementation: it screens against the list in force
and issues licenses itself. The sandbox wraps it to apply scripted faults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy.orm import Session

from tukku.catalog.packages import catalog
from tukku.core.backends import Port
from tukku.core.ids import derived_id, id_uuid, new_id
from tukku.screening import service as screening
from tukku.screening.rules import Candidate

ErrorEntry = dict[str, object]
"""`{"errorCode": ..., "description": ...}`, as customers and packages report errors."""


class OrderKind(StrEnum):
    """Why the backends are asked: a new customer, or a change of a provisioned one."""

    NEW = "new"
    CHANGE = "change"


@dataclass(frozen=True)
class Order:
    """A customer's provisioning as the backends see it.

    `customer_id` is None in a precheck (nothing exists yet). `resumed`: the backends asked to
    be asked again later (`Admission.retry_at`), and this is that time.
    """

    customer_id: str | None
    external_id: str
    kind: OrderKind
    resumed: bool = False


@dataclass(frozen=True)
class Admission:
    """The backends' answer to an order: go ahead (both None); ask again at `retry_at`
    (wall-clock time, nothing done yet); or `error`, a refusal (the customer ends in `error`)."""

    retry_at: datetime | None = None
    error: ErrorEntry | None = None


@dataclass(frozen=True)
class Enablement:
    """One package of an organization: enabled with `license_id`, or not (None), with the
    backend's `errors` and `warnings`."""

    license_id: str | None = None
    errors: tuple[ErrorEntry, ...] = ()
    warnings: tuple[ErrorEntry, ...] = ()


class ProvisioningBackend(Protocol):
    """The services behind packages (calling, meetings, messaging...) that a customer gets."""

    def screen(self, session: Session, order: Order, candidate: Candidate) -> screening.Screening:
        """Screen a new customer for restricted parties before it is taken on (a precheck asks
        too); any match holds the customer for a review."""

    def admit(self, order: Order) -> Admission:
        """Whether the backends take the order on now; asked before anything is set up."""

    def enable(self, order: Order, org_id: str, package: str) -> Enablement:
        """Entitle the organization to one package: its license, or why not."""


class LocalProvisioning:
    """The backends as tukku runs them itself: every order is admitted at once, every package
    enabled with a license issued here."""

    def screen(self, session: Session, order: Order, candidate: Candidate) -> screening.Screening:
        """Against the restricted-party list in force (no list: nothing matches)."""
        del order
        return screening.screen(session, candidate)

    def admit(self, order: Order) -> Admission:
        """Always now."""
        del order
        return Admission()

    def enable(self, order: Order, org_id: str, package: str) -> Enablement:
        """A new license of the package's SKU for the organization."""
        del order
        suffix = f"{id_uuid(org_id)}:{catalog()[package].sku}_{new_id('L')[-12:]}"
        return Enablement(license_id=derived_id("LICENSE", suffix))


PROVISIONING = Port[ProvisioningBackend]("provisioning backend")
