"""Attaching wholesale to an organization that exists outside it (PRODUCT.md section 4.3).

Approval by the organization's own administrator is needed at 100 or more users, a verified
e-mail domain, or a claimed domain; otherwise attachment is automatic and silent. The customer
waits in `provisioning`, visibly (`attachment.approval` is `pending`), until then. Separate from
`_provision`, whose `accept` it calls, because only attaching waits for an approval.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.core.errors import Codes, InvalidState, NotFound
from tukku.core.ids import new_id
from tukku.customers.backend import ProvisioningBackend
from tukku.customers.models import AttachRequest, Customer
from tukku.customers.rules import Status, approval_reasons
from tukku.customers.schemas import CustomerCreate
from tukku.customers.service._lookup import lock_unscoped
from tukku.customers.service._plan import plan_customer
from tukku.customers.service._provision import accept, start_provisioning
from tukku.customers.service._status import transition
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.mail.service import queue_mail
from tukku.screening import service as screening

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
WAITING = frozenset({Status.PROVISIONING, Status.PENDING_RPL_REVIEW})


def provision_attached(
    session: Session,
    *,
    actor: Actor,
    data: CustomerCreate,
    now: datetime,
    backend: ProvisioningBackend,
) -> Customer:
    """Attach wholesale to an existing organization: at once, or once its administrator approves."""
    actor.require(Permission.CUSTOMERS_WRITE)
    planned = plan_customer(session, actor=actor, data=data, lock=True)
    planned.findings.raise_first()
    org, template, plan = planned.org, planned.template, planned.new
    assert org is not None and template is not None and plan is not None
    admins = identity.admins_of(session, org.id)
    reasons = approval_reasons(
        user_count=identity.user_count(session, org.id),
        verified_domains=org.verified_domains,
        claimed_domains=org.claimed_domains,
    )
    customer = accept(
        session,
        actor=actor,
        data=data,
        template=template,
        plan=plan,
        now=now,
        backend=backend,
        attach_to=org.id,
        start=not reasons,
    )
    if reasons:
        session.add(
            AttachRequest(
                id=new_id("ATTACH_REQUEST"),
                customer_id=customer.id,
                org_id=org.id,
                status=PENDING,
                reasons=reasons,
                requested_at=now,
            )
        )
        for admin in admins:
            queue_mail(
                session,
                to=admin.email,
                kind="attach_request",
                now=now,
                partner_org_id=actor.partner_org_id,
                owner_org_id=actor.org_id,
                customer_org_id=org.id,
                subject=f"{template.brand_name} asks to manage {org.name}",
                body=(
                    f"Hello {admin.first_name or ''},\n\n{template.brand_name} would like "
                    f"to provide its services to {org.name} and manage it. Approve or reject the "
                    "request as your organization's administrator.\n"
                ),
            )
    return customer


def awaits_approval(session: Session, customer_id: str) -> bool:
    """Whether the customer's organization has yet to approve its attachment."""
    request = request_of(session, customer_id)
    return request is not None and request.status == PENDING


def request_of(session: Session, customer_id: str) -> AttachRequest | None:
    """The attach request of a customer, if its organization had to approve."""
    return session.scalars(
        select(AttachRequest).where(AttachRequest.customer_id == customer_id)
    ).first()


def pending_for(session: Session, actor: Actor) -> list[AttachRequest]:
    """The requests waiting for the actor's decision (its organization's full administrator;
    nobody else has any to decide)."""
    if not actor.may(Permission.ATTACH_REQUESTS_DECIDE):
        return []
    return list(
        session.scalars(
            select(AttachRequest)
            .where(actor.owns(AttachRequest.org_id))
            .order_by(AttachRequest.requested_at)
        )
    )


def decide(
    session: Session,
    *,
    actor: Actor,
    request_id: str,
    approve: bool,
    note: str | None,
    now: datetime,
) -> AttachRequest:
    """The organization's administrator approves (provisioning starts, once screening has
    cleared too) or rejects (the customer ends in `error`) a partner's request."""
    request = session.scalars(
        select(AttachRequest).where(
            AttachRequest.id == request_id, actor.owns(AttachRequest.org_id)
        )
    ).first()
    if request is None or not actor.may(Permission.ATTACH_REQUESTS_DECIDE):
        raise NotFound("attach request", Codes.ATTACH_REQUEST_NOT_FOUND)
    if request.status != PENDING:
        raise InvalidState(
            "requestId", f"the request was already {request.status}", Codes.ATTACH_ALREADY_DECIDED
        )
    customer = lock_unscoped(session, request.customer_id)
    if customer is None or customer.status not in WAITING:
        raise InvalidState(
            "requestId", "the partner withdrew the request", Codes.ATTACH_ALREADY_DECIDED
        )
    request.status = APPROVED if approve else REJECTED
    request.decided_at, request.decided_by, request.note = now, actor.principal.user_id, note
    if not approve:
        code = Codes.ATTACH_REJECTED
        customer.errors = [{"errorCode": code.number, "description": code.meaning}]
        screening.withdraw(session, customer.id, now)
        transition(customer, Status.ERROR, now)
    elif customer.status == Status.PROVISIONING:
        start_provisioning(session, customer.id, now)
    audit.record(
        session,
        actor=actor,
        action=f"attach_request.{request.status}",
        target_type="customer",
        target_id=customer.id,
        now=now,
        partner_org_id=customer.partner_org_id,
        owner_org_id=customer.owner_org_id,
        before={"approval": PENDING},
        after={"approval": request.status, "note": note},
    )
    return request
