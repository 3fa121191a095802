"""A customer's status and settings once accepted: whether it is ready for subscribers, moving
its status (audited, or failing it with errors), restricted-by-partner mode, and following its
organization's new name. Separate from provisioning: customers' flows, compliance and attach
requests move a customer long after it was accepted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.core.errors import Codes, DomainError, InvalidState, Problem
from tukku.core.metrics import observe_provisioned
from tukku.customers.models import Customer
from tukku.customers.rules import SETTLED, Status
from tukku.customers.service._lookup import get_or_404
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.identity.principal import Principal


def readiness_problems(customer: Customer) -> list[Problem]:
    """Subscribers can be added only to a provisioned customer (or one updating other packages)."""
    if customer.status in SETTLED | {Status.UPDATING}:
        return []
    reason = f"customerId: the customer is {customer.status}; it must be provisioned first"
    return [Problem(Codes.CUSTOMER_NOT_READY, reason, "customerId")]


def require_ready(customer: Customer) -> None:
    """Refuse (409) to add subscribers to a customer that is not ready for them."""
    problems = readiness_problems(customer)
    if problems:
        raise DomainError(problems)


def transition(customer: Customer, new: Status, now: datetime) -> None:
    """Move a customer to `new` now (the caller audits the request that caused it); a move the
    state machine does not make (`rules.TRANSITIONS`) raises `InvalidState`."""
    customer.status = new
    customer.updated_at = now
    customer.last_status_change = now


def set_status(
    session: Session,
    customer: Customer,
    new: Status,
    now: datetime,
    *,
    principal: Principal | None = None,
) -> None:
    """A step of a workflow ends: the status moves, and the audit log says who moved it (no
    principal: the platform itself). A provisioning that settles (provisioned, with errors, or
    in error) is timed from its 202 in the metrics."""
    if customer.status == Status.PROVISIONING and new in SETTLED | {Status.ERROR}:
        accepted_at = customer.created_at
        observe_provisioned(
            session, resource="customer", outcome=new.value, accepted_at=accepted_at, now=now
        )
    audit.record(
        session,
        principal=principal,
        action="customer.status",
        target_type="customer",
        target_id=customer.id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        before={"status": customer.status},
        after={"status": new.value},
    )
    transition(customer, new, now)


def fail(
    session: Session,
    customer: Customer,
    errors: list[dict[str, Any]],
    now: datetime,
    *,
    principal: Principal | None = None,
) -> None:
    """The customer ends in `error`, telling its partner why (`errors`, in the wire format)."""
    customer.errors = errors
    set_status(session, customer, Status.ERROR, now, principal=principal)


def follow_rename(customer: Customer, name: str) -> None:
    """The customer's organization was renamed by its own administrators: the customer (its
    partner's view of it) shows the new name."""
    customer.name = name


def set_restricted_mode(
    session: Session, *, actor: Actor, customer_id: str, enabled: bool, now: datetime
) -> Customer:
    """Turn restricted-by-partner mode on or off (partner administrators only)."""
    actor.require(Permission.RESTRICTED_MODE_WRITE)
    customer = get_or_404(session, actor=actor, customer_id=customer_id, for_update=True)
    before = customer.restricted_by_partner
    customer.restricted_by_partner = enabled
    audit.record(
        session,
        actor=actor,
        action="customer.restricted_mode",
        target_type="customer",
        target_id=customer.id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        before={"restrictedByPartner": before},
        after={"restrictedByPartner": enabled},
    )
    return customer


def cross_launch(session: Session, *, actor: Actor, customer_id: str, now: datetime) -> Customer:
    """A partner administrator opens a customer's own view of its organization, as its
    partner (audited: who looked into which customer, and when); 409 until the customer has
    an organization to open."""
    actor.require(Permission.CUSTOMERS_READ)
    customer = get_or_404(session, actor=actor, customer_id=customer_id)
    if customer.org_id is None:
        reason = "the customer has no organization yet; wait until it is provisioned"
        raise InvalidState("customerId", reason, Codes.CUSTOMER_NOT_READY)
    audit.record(
        session,
        actor=actor,
        action="customer.cross_launch",
        target_type="customer",
        target_id=customer.id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        after={"orgId": customer.org_id},
    )
    return customer
