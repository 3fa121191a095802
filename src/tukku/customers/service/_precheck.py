"""`POST /customers/validate`: would provisioning succeed? Checks everything, changes nothing.

It plans the request as provisioning does (`plan_customer`), and screens the customer as
provisioning would: a possible match, which provisioning holds for a review, is reported. A
module of its own: it changes nothing, and answers every problem where provisioning raises the
first.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tukku.core.errors import Codes, Problem
from tukku.core.precheck import PrecheckOut, precheck_answer
from tukku.customers.backend import Order, OrderKind, ProvisioningBackend
from tukku.customers.schemas import CustomerPrecheck
from tukku.customers.service._plan import plan_customer
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission


def precheck(
    session: Session, *, actor: Actor, data: CustomerPrecheck, backend: ProvisioningBackend
) -> PrecheckOut:
    """Success, or every problem provisioning this customer would meet (partner full admins)."""
    actor.require(Permission.PRECHECK)
    planned = plan_customer(session, actor=actor, data=data, lock=False)
    if planned.screened is not None:
        order = Order(None, (data.external_id or "").strip(), OrderKind.NEW)
        if backend.screen(session, order, planned.screened).matches:
            where = "customerInfo.name"
            reason = f"{where}: may match a restricted party; provisioning would wait for a review"
            planned.findings.add([Problem(Codes.SCREENING_POSSIBLE_MATCH, reason, where)])
    return precheck_answer(planned.findings)
