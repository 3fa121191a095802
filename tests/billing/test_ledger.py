"""The usage ledger is append-only, and the database itself enforces it: on both backends an
interval can be closed once, and nothing else about a row can change; rows are never deleted.
Removing a subscriber closes exactly its open interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from tests.conftest import Partner, drain
from tests.support import provision_customer, provision_subscriber
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.metering.models import PackageAssignment

STARTED = datetime(2027, 1, 3, 9, 30, 0, tzinfo=UTC)
ENDED = datetime(2027, 1, 5, 17, 0, 0, tzinfo=UTC)
APPEND_ONLY = "append-only"
CLOSE_ONLY = "can only be closed"

ROW: dict[str, Any] = {
    "partner_org_id": "PARTNER",
    "sub_partner_org_id": None,
    "customer_id": "CUSTOMER",
    "holder_id": "SUB",
    "subscriber_id": "SUB",
    "workspace_id": None,
    "user_id": "USER",
    "location_id": "LOCATION",
    "package": "webex_calling",
    "sku": "TK-WHL-CALLING",
    "started_at": STARTED,
}
# A different value for every column but `ended_at`.
CHANGES: dict[str, Any] = {
    "partner_org_id": "OTHER-PARTNER",
    "sub_partner_org_id": "SUB-PARTNER",
    "customer_id": "OTHER-CUSTOMER",
    "holder_id": "OTHER-SUB",
    "subscriber_id": "OTHER-SUB",
    "workspace_id": "WORKSPACE",
    "user_id": "OTHER-USER",
    "location_id": "OTHER-LOCATION",
    "package": "webex_suite",
    "sku": "TK-WHL-SUITE",
    "started_at": STARTED + timedelta(seconds=1),
}


def add(db: Database, ended_at: datetime | None) -> int:
    with db.unit_of_work() as session:
        row_id = session.execute(
            insert(PackageAssignment)
            .values(**ROW, ended_at=ended_at)
            .returning(PackageAssignment.id)
        ).scalar_one()
    return int(row_id)


def snapshot(db: Database) -> list[tuple[Any, ...]]:
    """Every ledger row, every column, in id order."""
    table = PackageAssignment.__table__
    with db.unit_of_work(write=False) as session:
        return [tuple(r) for r in session.execute(select(table).order_by(table.c.id))]


def rejected(db: Database, statement: Any, message: str) -> None:
    """The statement fails with the trigger's message and the ledger stays as it was."""
    before = snapshot(db)
    with pytest.raises(DBAPIError, match=message), db.unit_of_work() as session:
        session.execute(statement.execution_options(synchronize_session=False))
    assert snapshot(db) == before


def test_closing_an_open_interval_works(db: Database) -> None:
    open_id = add(db, None)
    with db.unit_of_work() as session:
        session.execute(
            update(PackageAssignment).where(PackageAssignment.id == open_id).values(ended_at=ENDED)
        )
    with db.unit_of_work(write=False) as session:
        row = session.get(PackageAssignment, open_id)
        assert row is not None
        assert row.ended_at == ENDED
        assert {c: getattr(row, c) for c in ROW} == ROW


def test_a_closed_interval_cannot_be_closed_again(db: Database) -> None:
    closed_id = add(db, ENDED)
    later = update(PackageAssignment).where(PackageAssignment.id == closed_id)
    rejected(db, later.values(ended_at=ENDED + timedelta(hours=1)), CLOSE_ONLY)
    rejected(db, later.values(ended_at=ENDED - timedelta(hours=1)), CLOSE_ONLY)


def test_a_closed_interval_cannot_be_reopened(db: Database) -> None:
    closed_id = add(db, ENDED)
    statement = update(PackageAssignment).where(PackageAssignment.id == closed_id)
    rejected(db, statement.values(ended_at=None), CLOSE_ONLY)


def test_an_open_interval_cannot_be_updated_without_closing_it(db: Database) -> None:
    open_id = add(db, None)
    statement = update(PackageAssignment).where(PackageAssignment.id == open_id)
    rejected(db, statement.values(package="webex_suite"), CLOSE_ONLY)
    rejected(db, statement.values(ended_at=None), CLOSE_ONLY)


def test_no_other_column_changes_not_even_while_closing(db: Database) -> None:
    open_id = add(db, None)
    closed_id = add(db, ENDED)
    for column, value in {**CHANGES, "id": open_id + 1000}.items():
        for row_id, values in (
            (open_id, {column: value, "ended_at": ENDED}),  # closing and changing at once
            (closed_id, {column: value}),
        ):
            statement = update(PackageAssignment).where(PackageAssignment.id == row_id)
            rejected(db, statement.values(**values), CLOSE_ONLY)


def test_rows_are_never_deleted(db: Database) -> None:
    open_id, closed_id = add(db, None), add(db, ENDED)
    for row_id in (open_id, closed_id):
        statement = delete(PackageAssignment).where(PackageAssignment.id == row_id)
        rejected(db, statement, APPEND_ONLY)
    rejected(db, delete(PackageAssignment), APPEND_ONLY)
    assert len(snapshot(db)) == 2


def test_removing_a_subscriber_closes_exactly_its_open_interval(
    app_client: TestClient, partner: Partner, clock: ManualClock, db: Database
) -> None:
    customer = provision_customer(
        app_client, partner, packages=["webex_calling", "webex_suite", "webex_meetings"]
    )
    clock.set(datetime(2027, 1, 4, 8, 0, 0, tzinfo=UTC))
    leaving = provision_subscriber(app_client, partner, customer["id"])["id"]
    staying = provision_subscriber(app_client, partner, customer["id"])["id"]
    for moment, package in (
        (datetime(2027, 1, 5, 10, 0, 0, tzinfo=UTC), "webex_suite"),
        (datetime(2027, 1, 6, 11, 0, 0, tzinfo=UTC), "webex_calling"),
    ):
        clock.set(moment)
        response = app_client.put(
            f"/v1/wholesale/subscribers/{leaving}",
            json={"packages": [package]},
            headers=partner.headers,
        )
        assert response.status_code == 200, response.text
    before = {row[0]: row for row in snapshot(db)}
    clock.set(datetime(2027, 1, 7, 12, 34, 56, 789000, tzinfo=UTC))

    removal = app_client.delete(f"/v1/wholesale/subscribers/{leaving}", headers=partner.headers)

    assert removal.status_code == 204, removal.text
    after = {row[0]: row for row in snapshot(db)}
    assert after.keys() == before.keys()
    changed = {row_id for row_id in after if after[row_id] != before[row_id]}
    with db.unit_of_work(write=False) as session:
        rows = {
            r.id: (r.subscriber_id, r.package, r.started_at, r.ended_at)
            for r in session.scalars(select(PackageAssignment))
        }
    assert len(changed) == 1  # one row changed: the subscriber's open interval
    assert rows[changed.pop()] == (
        leaving,
        "webex_calling",
        datetime(2027, 1, 6, 11, 0, 0, tzinfo=UTC),
        datetime(2027, 1, 7, 12, 34, 56, tzinfo=UTC),  # to the second
    )
    history = sorted(row[1:] for row in rows.values() if row[0] == leaving)
    assert history == [
        ("webex_calling", at(2027, 1, 4, 8), at(2027, 1, 5, 10)),
        ("webex_calling", at(2027, 1, 6, 11), at(2027, 1, 7, 12, 34, 56)),
        ("webex_suite", at(2027, 1, 5, 10), at(2027, 1, 6, 11)),
    ]
    assert [row[1:] for row in rows.values() if row[0] == staying] == [
        ("webex_calling", at(2027, 1, 4, 8), None)
    ]


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A UTC instant, to the second."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_a_customer_level_add_on_is_held_by_the_customer_while_provisioned_on_it(
    app_client: TestClient, partner: Partner, db: Database, clock: ManualClock
) -> None:
    clock.set(at(2027, 1, 4, 8))
    customer = provision_customer(
        app_client, partner, packages=["webex_calling", "webex_meetings", "cisco_calling_plan"]
    )
    url = f"/v1/wholesale/customers/{customer['id']}"
    clock.set(at(2027, 1, 5, 10))
    added = app_client.put(
        url,
        json={"packages": ["webex_calling", "cisco_calling_plan", "cx_voice_ports"]},
        headers=partner.headers,
    )
    assert added.status_code == 202, added.text
    drain(app_client)
    clock.set(at(2027, 1, 6, 11))
    dropped = app_client.put(
        url, json={"packages": ["webex_calling", "cx_voice_ports"]}, headers=partner.headers
    )
    assert dropped.status_code == 202, dropped.text
    drain(app_client)
    clock.set(at(2027, 1, 7, 12))
    assert app_client.delete(url, headers=partner.headers).status_code == 202

    with db.unit_of_work(write=False) as session:
        rows = sorted(
            (r.package, r.holder_id, r.started_at, r.ended_at)
            for r in session.scalars(
                select(PackageAssignment).where(PackageAssignment.customer_id == customer["id"])
            )
            if r.subscriber_id is None
            and r.workspace_id is None
            and r.user_id is None
            and r.location_id is None
        )
    assert rows == [
        ("cisco_calling_plan", customer["id"], at(2027, 1, 4, 8), at(2027, 1, 6, 11)),
        ("cx_voice_ports", customer["id"], at(2027, 1, 5, 10), at(2027, 1, 7, 12)),
    ]
