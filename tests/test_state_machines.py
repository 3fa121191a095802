"""Statuses move only as their state machines allow, whoever assigns them.

Customers, their packages and subscribers check every assignment of `status` on the mapped
attribute itself (`StateMachine.moved`), so a service, flow or job that forgets the rule cannot
make a bad move; bulk UPDATEs, which the check cannot see, are not used on these tables.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import tukku
from tests.conftest import Partner
from tests.support import provision_customer
from tukku.core.db import Database
from tukku.core.errors import InvalidState
from tukku.core.states import StateMachine
from tukku.customers import service as customers
from tukku.customers.models import Customer, CustomerPackage
from tukku.customers.rules import CUSTOMER_STATES, PACKAGE_STATES, Status
from tukku.subscribers.models import Subscriber
from tukku.subscribers.rules import SUBSCRIBER_STATES

GUARDED: list[tuple[type[Any], StateMachine[Any]]] = [
    (Customer, CUSTOMER_STATES),
    (CustomerPackage, PACKAGE_STATES),
    (Subscriber, SUBSCRIBER_STATES),
]
NOW = datetime(2027, 1, 3, tzinfo=UTC)


def _pairs() -> list[tuple[type[Any], StateMachine[Any], StrEnum, StrEnum]]:
    return [
        (model, machine, current, new)
        for model, machine in GUARDED
        for current, new in product(machine.statuses, repeat=2)
    ]


@pytest.mark.parametrize(
    ("model", "machine", "current", "new"),
    _pairs(),
    # Stable IDs (a machine's repr holds frozensets, whose order differs between processes,
    # and pytest-xdist needs every worker to collect the same IDs).
    ids=lambda v: v.__name__ if isinstance(v, type) else getattr(v, "what", None) or str(v),
)
def test_assigning_a_status_checks_the_move(
    model: type[Any], machine: StateMachine[Any], current: StrEnum, new: StrEnum
) -> None:
    row = model(status=current)
    if current == new or machine.allows(current, new):
        row.status = new
        assert row.status is new
    else:
        with pytest.raises(InvalidState):
            row.status = new
        assert row.status is current


@pytest.mark.parametrize(("model", "machine"), GUARDED)
def test_the_status_of_each_guarded_table_reads_as_its_enum(
    model: type[Any], machine: StateMachine[Any]
) -> None:
    assert "status" in model.__mapper__.validators
    assert model.__table__.c.status.type.enum_class is machine.statuses


def test_no_bulk_update_of_a_guarded_table_bypasses_its_machine() -> None:
    src = Path(tukku.__file__).parent
    names = "|".join(model.__name__ for model, _ in GUARDED)
    bulk = re.compile(rf"\bupdate\(\s*({names})\s*\)")
    found = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "migrations" not in path.parts and bulk.search(path.read_text())
    ]
    assert found == []


def test_the_transition_service_refuses_a_bad_move_of_a_stored_customer(
    app_client: TestClient, partner: Partner, db: Database
) -> None:
    customer_id = provision_customer(app_client, partner)["id"]

    with db.unit_of_work() as session:
        stored = session.scalars(select(Customer).where(Customer.id == customer_id)).one()
        assert stored.status is Status.PROVISIONED
        with pytest.raises(InvalidState, match="cannot go from provisioned to provisioning"):
            customers.transition(stored, Status.PROVISIONING, NOW)
        with pytest.raises(InvalidState, match="cannot go from provisioned to error"):
            stored.status = Status.ERROR
        customers.transition(stored, Status.UPDATING, NOW)
        assert (stored.status, stored.last_status_change) == (Status.UPDATING, NOW)
