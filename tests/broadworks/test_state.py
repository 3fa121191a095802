"""The state file keeps each operation's outcome across processes: what is known stays known
when the plan is added again, and every change is on disk when the call returns."""

from __future__ import annotations

from pathlib import Path

from tukku.broadworks.state import StateFile

PLANNED = [("customer", "customer", "customer"), ("subscriber/a", "users", "subscriber")]


def test_a_second_process_sees_every_change_at_once(tmp_path: Path) -> None:
    writer = StateFile(tmp_path / "state.sqlite")
    writer.add_planned(PLANNED)
    writer.sending("customer")
    writer.settled("customer", "done", "created", {"id": "c1", "orgId": "o1"})
    writer.failed("subscriber/a", "POST /v1/wholesale/subscribers: 409 e-mail in use")

    reader = StateFile(tmp_path / "state.sqlite")
    records = reader.records()

    assert list(records) == ["customer", "subscriber/a"]
    customer = records["customer"]
    assert (customer.status, customer.origin, customer.resource_id, customer.attempts) == (
        "done",
        "created",
        "c1",
        1,
    )
    assert customer.answer == {"id": "c1", "orgId": "o1"}
    assert records["subscriber/a"].status == "failed"
    assert "409 e-mail in use" in (records["subscriber/a"].error or "")


def test_planning_again_keeps_what_is_known_and_adds_what_is_new(tmp_path: Path) -> None:
    state = StateFile(tmp_path / "state.sqlite")
    state.add_planned(PLANNED)
    state.settled("customer", "done", "adopted", {"id": "c1"})

    state.add_planned([*PLANNED, ("device/AA", "devices", "device")])

    records = state.records()
    assert [r.status for r in records.values()] == ["done", "pending", "pending"]
    assert records["customer"].origin == "adopted"


def test_a_skip_keeps_the_answer_and_a_retry_clears_the_error(tmp_path: Path) -> None:
    state = StateFile(tmp_path / "state.sqlite")
    state.add_planned(PLANNED)
    state.skipped("subscriber/a", "needs customer, which is failed")
    state.sending("subscriber/a")

    record = state.record("subscriber/a")
    assert (record.status, record.error, record.attempts) == ("sending", None, 1)


def test_device_moves_are_batched(tmp_path: Path) -> None:
    state = StateFile(tmp_path / "state.sqlite")
    state.add_planned([("device/A", "devices", "device"), ("device/B", "devices", "device")])
    first = state.next_batch()
    state.moved("device/A", "moved", first)
    second = state.next_batch()
    state.moved("device/B", "moved", second)
    state.moved("device/A", "returned", state.next_batch())

    assert (first, second) == (1, 2)
    assert state.moves() == {"device/A": "returned", "device/B": "moved"}
