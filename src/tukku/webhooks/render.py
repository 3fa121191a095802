"""Resources as events carry them: the API's own wire form of each, read at commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.billing import invoices, reports
from tukku.billing.models import BillingReport, Invoice
from tukku.calling.devices_models import Device
from tukku.core.timefmt import iso
from tukku.customers import service as customers
from tukku.customers.models import Customer
from tukku.customers.rules import Status as CustomerStatus
from tukku.customers.schemas import AttachmentOut
from tukku.screening.models import ScreeningCase
from tukku.subscribers import service as subscribers
from tukku.subscribers.models import Subscriber
from tukku.subscribers.rules import Status as SubscriberStatus


@dataclass(frozen=True)
class Rendered:
    """A resource's wire form; `ended` when it is gone for its partner (removed)."""

    data: dict[str, Any]
    ended: bool = False


def _wire(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def _one(session: Session, model: Any, resource_id: str) -> Any:
    return session.scalars(select(model).where(model.id == resource_id)).first()


def _customer(session: Session, resource_id: str) -> Rendered | None:
    customer: Customer | None = _one(session, Customer, resource_id)
    if customer is None:
        return None
    attachment = None
    if customer.attached:
        request = customers.request_of(session, customer.id)
        attachment = (
            AttachmentOut(approval=request.status, reasons=list(request.reasons))
            if request is not None
            else AttachmentOut(approval="not_required")
        )
    packages = customers.packages_of(session, [customer.id])[customer.id]
    out = customers.to_out(customer, packages, attachment=attachment)
    return Rendered(_wire(out), ended=customer.status == CustomerStatus.REMOVED)


def _subscriber(session: Session, resource_id: str) -> Rendered | None:
    subscriber: Subscriber | None = _one(session, Subscriber, resource_id)
    if subscriber is None:
        return None
    out = subscribers.to_out(subscriber, subscribers.external_id_of(session, subscriber))
    return Rendered(_wire(out), ended=subscriber.status == SubscriberStatus.REMOVED)


def _billing_report(session: Session, resource_id: str) -> Rendered | None:
    report: BillingReport | None = _one(session, BillingReport, resource_id)
    # No download link: it is signed for a short time; the receiver fetches the report.
    return None if report is None else Rendered(_wire(reports.to_out(report, None)))


def _invoice(session: Session, resource_id: str) -> Rendered | None:
    invoice: Invoice | None = _one(session, Invoice, resource_id)
    return None if invoice is None else Rendered(_wire(invoices.invoice_out(session, invoice)))


def _screening_case(session: Session, resource_id: str) -> Rendered | None:
    """A case as its partner may see it: the step and its dates, not the list's matches nor
    the operator who decided (those stay with operators)."""
    case = session.get(ScreeningCase, resource_id)
    if case is None:
        return None
    data: dict[str, Any] = {
        "id": case.id,
        "customerId": case.customer_id,
        "status": case.status,
        "opened": iso(case.opened_at),
        "checked": iso(case.checked_at),
    }
    if case.escalated_at is not None:
        data["escalated"] = iso(case.escalated_at)
    if case.decided_at is not None:
        data["decided"] = iso(case.decided_at)
    if case.reason is not None:
        data["reason"] = case.reason
    return Rendered(data)


def _device(session: Session, resource_id: str) -> Rendered | None:
    # Imported here: `tukku.calling.devices` loads the HTTP layer (FastAPI), which `tukku
    # worker` must start without; devices change in requests, where it is loaded already.
    from tukku.calling import devices

    device: Device | None = _one(session, Device, resource_id)
    return None if device is None else Rendered(devices.to_out(device))


RENDERERS: dict[str, Callable[[Session, str], Rendered | None]] = {
    "customer": _customer,
    "subscriber": _subscriber,
    "billing_report": _billing_report,
    "invoice": _invoice,
    "screening_case": _screening_case,
    "device": _device,
}


def render(session: Session, resource: str, resource_id: str) -> Rendered | None:
    """The resource as the API returns it now, or None when its row is gone."""
    return RENDERERS[resource](session, resource_id)
