"""A person or workspace that ends leaves every hunt group it answered for: a hunt group never
rings someone who is gone. Each hunt group it leaves is audited with the agent it lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.calling.hunt_groups_models import HuntGroup, HuntGroupAgent
from tukku.customers.models import Customer
from tukku.identity.actor import Actor
from tukku.subscribers import ending


def remove_agent(
    session: Session, *, customer_id: str, agent_id: str, now: datetime, actor: Actor | None = None
) -> None:
    """Take `agent_id` (a person or workspace ID) out of the customer's hunt groups."""
    rows = session.execute(
        select(HuntGroupAgent, HuntGroup)
        .join(HuntGroup, HuntGroup.id == HuntGroupAgent.hunt_group_id)
        .where(HuntGroup.customer_id == customer_id, HuntGroupAgent.agent_id == agent_id)
    ).all()
    if not rows:
        return
    customer = session.scalars(select(Customer).where(Customer.id == customer_id)).one()
    for agent, group in rows:
        audit.record(
            session,
            actor=actor,
            action="hunt_group.agent_removed",
            target_type="hunt_group",
            target_id=group.id,
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
