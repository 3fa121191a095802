"""`POST /customers/validate`: would provisioning succeed? Checks everything, changes nothing.
The portal's create-customer wizard asks the same plan at each step (`draft_problems`), and
which packages a template can provision (`offered_packages`).

It plans the request as provisioning does (`plan_customer`), and screens the customer as
provisioning would: a possible match, which provisioning holds for a review, is reported. A
module of its own: it changes nothing, and answers every problem where provisioning raises the
first.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tukku.catalog.packages import catalog
from tukku.core.errors import Codes, Problem
from tukku.core.precheck import PrecheckOut, precheck_answer
from tukku.customers import rules
from tukku.customers.backend import Order, OrderKind, ProvisioningBackend
from tukku.customers.schemas import CustomerCreate, CustomerPrecheck
from tukku.customers.service._plan import plan_customer, template_named
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


def draft_problems(session: Session, *, actor: Actor, data: CustomerCreate) -> list[Problem]:
    """Every problem provisioning `data` would meet, step by step, before screening it (which
    provisioning does when it accepts it). A refusal of the caller outright (403: a suspended
    sub-partner) is raised, as provisioning raises it."""
    actor.require(Permission.CUSTOMERS_WRITE)
    planned = plan_customer(session, actor=actor, data=data, lock=False)
    refusal = planned.findings.refusal()
    if refusal is not None and refusal.status == 403:
        raise refusal
    return planned.findings.problems


def offered_packages(session: Session, *, actor: Actor, provisioning_id: str) -> list[str]:
    """The packages and add-ons a new customer of the actor's template can be given, in catalog
    order (none for an unknown template)."""
    actor.require(Permission.CUSTOMERS_WRITE)
    template, _ = template_named(session, actor=actor, provisioning_id=provisioning_id)
    if template is None:
        return []
    return rules.offered_packages(catalog(), template.pstn_provider)
