"""`POST /subscribers/validate`: would provisioning this subscriber succeed? Changes nothing.

With a `customerId`, it plans the request as provisioning does (`plan_subscriber`).
Without one (a customer to be, or the e-mail alone), it checks what can be checked before the
customer exists, with the same rules. Never reveals another tenant's data: an e-mail or number
in use elsewhere is reported only as "already in use". A module of its own: it changes nothing,
and answers every problem where provisioning raises the first.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.core.errors import Code, Codes, NotFound
from tukku.core.precheck import Findings, PrecheckOut, precheck_answer
from tukku.core.validation import email_problem, normalize_email
from tukku.customers import service as customers
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.subscribers.rules import EmailOwner, email_owner_problems
from tukku.subscribers.schemas import SubscriberPrecheck
from tukku.subscribers.service._plan import check_request, email_owner_of, plan_subscriber

INFO = {
    EmailOwner.OUTSIDE: Codes.PRECHECK_CONSENT,
    EmailOwner.MEMBER: Codes.PRECHECK_EXISTING_USER,
}


def _info(owner: EmailOwner | None) -> list[Code]:
    """What a clean precheck adds about the e-mail's owner: consent asked, or a user reused."""
    return [INFO[owner]] if owner in INFO else []


def precheck(session: Session, *, actor: Actor, data: SubscriberPrecheck) -> PrecheckOut:
    """Check the three request variants: existing customer, customer-to-be, or e-mail only."""
    actor.require(Permission.PRECHECK)
    if data.customer_id is None:
        return _before_the_customer(session, actor, data)
    try:
        customer = customers.get_or_404(
            session, actor=actor, customer_id=data.customer_id, field_name="customerId"
        )
    except NotFound as missing:
        findings = Findings()
        findings.add(check_request(data).problems)
        findings.add(missing.problems)
        return precheck_answer(findings)
    plan = plan_subscriber(session, customer=customer, data=data, lock=False)
    return precheck_answer(plan.findings, _info(plan.owner))


def _before_the_customer(session: Session, actor: Actor, data: SubscriberPrecheck) -> PrecheckOut:
    """A customer to be (`provisioningId`, `customerInfo`) or the e-mail alone: the request's own
    rules, the template, and who holds the e-mail; a suspended sub-partner may provision nothing."""
    findings = Findings()
    if not findings.add(partners.suspension_problems(session, actor.org_id)):
        return precheck_answer(findings)
    request = check_request(data)
    problems = list(request.problems)
    if data.provisioning_id is not None:
        problems += customers.template_named(
            session, actor=actor, provisioning_id=data.provisioning_id
        )[1]
    if data.customer_info is not None and normalize_email(data.customer_info.primary_email) is None:
        problems.append(email_problem("customerInfo.primaryEmail"))
    owner = None
    if request.email is not None:
        owner = email_owner_of(session, request.email, None)
        problems += email_owner_problems(owner, request.email)
    findings.add(problems)
    return precheck_answer(findings, _info(owner))
