"""Subscribers provisioned at the same moment: limits hold and only one becomes administrator."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import Partner
from tests.support import CALLING, provision_customer, subscriber_body
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.errors import DomainError
from tukku.identity.actor import Actor
from tukku.identity.models import RoleAssignment
from tukku.identity.principal import Principal
from tukku.subscribers import service
from tukku.subscribers.schemas import SubscriberCreate

LINKS = service.Links(
    base_url="http://tukku.test",
    secret="s" * 32,
    consent_max_age=timedelta(days=1),
)


def _actor(partner: Partner) -> Actor:
    principal = Principal(
        "",
        partner.org_id,
        "partner",
        partner.org_id,
        frozenset({"partner_full_admin"}),
        frozenset(),
        "",
    )
    return Actor(principal=principal, org_id=partner.org_id, partner_org_id=partner.org_id)


def _race(
    db: Database, clock: ManualClock, partner: Partner, bodies: list[dict[str, Any]]
) -> list[str]:
    """Provision every body from its own thread and unit of work, all released at once."""
    start = threading.Barrier(len(bodies))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(body: dict[str, Any]) -> None:
        start.wait()
        try:
            with db.unit_of_work() as session:
                service.provision(
                    session,
                    actor=_actor(partner),
                    data=SubscriberCreate.model_validate(body),
                    now=clock.now(),
                    links=LINKS,
                )
            result = "ok"
        except DomainError as exc:
            result = str(exc.problems[0].code.number)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(b,)) for b in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_simultaneous_first_subscribers_make_exactly_one_administrator(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    customer = provision_customer(app_client, partner)

    outcomes = _race(db, clock, partner, [subscriber_body(customer["id"]) for _ in range(6)])

    assert outcomes == ["ok"] * 6
    with db.unit_of_work(write=False) as session:
        admins = session.scalar(
            select(func.count())
            .select_from(RoleAssignment)
            .where(
                RoleAssignment.role == "customer_full_admin",
                RoleAssignment.org_id == customer["orgId"],
            )
        )
    assert admins == 1


def test_a_package_limit_holds_when_many_subscribers_arrive_at_once(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    limited = {**CALLING, "packages": {"limits": {"webex_calling": 3}}}
    customer = provision_customer(app_client, partner, provisioningParameters=limited)

    outcomes = _race(db, clock, partner, [subscriber_body(customer["id"]) for _ in range(8)])

    assert outcomes == ["5008"] * 5 + ["ok"] * 3
