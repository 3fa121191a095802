"""A person or workspace that ends leaves every queue it answered for: a queue never routes
calls to someone who is gone. Each queue it leaves is audited with the agents it had."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.calling.queues_models import CallQueue, CallQueueAgent
from tukku.customers.models import Customer
from tukku.identity.actor import Actor
from tukku.subscribers import ending


def remove_agent(
    session: Session, *, customer_id: str, agent_id: str, now: datetime, actor: Actor | None = None
) -> None:
    """Take `agent_id` (a person or workspace ID) out of the customer's queues."""
    rows = session.execute(
        select(CallQueueAgent, CallQueue)
        .join(CallQueue, CallQueue.id == CallQueueAgent.queue_id)
        .where(CallQueue.customer_id == customer_id, CallQueueAgent.agent_id == agent_id)
    ).all()
    if not rows:
        return
    customer = session.scalars(select(Customer).where(Customer.id == customer_id)).one()
    for agent, queue in rows:
        audit.record(
            session,
            actor=actor,
            action="call_queue.agent_removed",
            target_type="call_queue",
            target_id=queue.id,
            now=now,
            partner_org_id=customer.partner_org_id,
            owner_org_id=customer.owner_org_id,
            before={"agentId": agent_id},
            after=None,
        )
        session.delete(agent)
    session.flush()


def _remove_person(session: Session, *, customer_id: str, user_id: str, now: datetime) -> None:
    remove_agent(session, customer_id=customer_id, agent_id=user_id, now=now)


ending.register(_remove_person)
