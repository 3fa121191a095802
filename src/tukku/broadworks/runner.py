"""Carrying out a written plan against a tukku deployment, resumably: phase after phase, each
operation once everything it refers to is done, at most `concurrency` requests at a time, its
outcome in the state file as soon as the API answers. Re-running continues where a run stopped
(or was killed): what is done is left alone, what may have been sent is looked up first, and
what failed is tried again."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from tukku.broadworks.client import ApiClient, ApiError
from tukku.broadworks.placeholders import MissingAnswer, fill
from tukku.broadworks.plan import PHASES, PLAN_FORMAT, Operation
from tukku.broadworks.state import Record, StateFile, Status
from tukku.broadworks.steps import Call, Polling, create, find, numbers_missing, settle, undo

PLAN_FILE = "plan.json"


class PlanFileError(Exception):
    """plan.json is missing or is not a plan this version can run."""


@dataclass(frozen=True)
class PlanFile:
    """A plan as `plan` wrote it."""

    service_provider_id: str
    ready: bool
    operations: list[Operation]
    findings: list[dict[str, str]]
    digest: str

    def of_phase(self, phase: str) -> list[Operation]:
        """The phase's operations in plan order."""
        return [op for op in self.operations if op.phase == phase]


def load_plan(directory: Path) -> PlanFile:
    """The plan in `directory` (written by `plan`)."""
    path = directory / PLAN_FILE
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except FileNotFoundError:
        raise PlanFileError(
            f"{path}: no plan here; write one with `plan --out {directory}`"
        ) from None
    except ValueError as exc:
        raise PlanFileError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
        raise PlanFileError(f"{path}: not a {PLAN_FORMAT} plan")
    operations = [Operation.from_json(op) for op in data["operations"]]
    return PlanFile(
        data["serviceProviderId"],
        bool(data["ready"]),
        operations,
        data.get("findings", []),
        hashlib.sha256(raw).hexdigest(),
    )


class Listener(Protocol):
    """Told of progress, for the progress bars."""

    def phase_started(self, phase: str, total: int, done: int) -> None:
        """A phase begins; `done` of its `total` operations were done before."""

    def advanced(self, phase: str, status: Status) -> None:
        """One operation of the phase ended with `status`."""


@dataclass
class PhaseFigures:
    """One phase's outcome, for the summary table and `--json`."""

    phase: str
    total: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    created: int = 0
    adopted: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The figures as `--json` prints them."""
        return {
            "phase": self.phase,
            "total": self.total,
            **{s: self.statuses.get(s, 0) for s in ("done", "failed", "skipped", "waiting")},
            "created": self.created,
            "adopted": self.adopted,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Problem:
    """An operation that did not succeed, named by its source object."""

    op_id: str
    title: str
    source: str
    status: str
    error: str


def _source(op: Operation) -> str:
    return f"{op.source.get('type')} {op.source.get('id')}"


def _answers(records: dict[str, Record]) -> dict[str, dict[str, Any]]:
    return {op_id: r.answer for op_id, r in records.items() if r.status in ("done", "waiting")}


class Runner:
    """One run of a plan against one deployment."""

    def __init__(
        self,
        plan: PlanFile,
        state: StateFile,
        client: ApiClient,
        polling: Polling,
        listener: Listener,
    ) -> None:
        self.plan = plan
        self.state = state
        self.client = client
        self.polling = polling
        self.listener = listener
        state.add_planned((op.id, op.phase, op.kind) for op in plan.operations)
        self.records = state.records()
        self.answers = _answers(self.records)
        self.finished: dict[str, asyncio.Event] = {}
        # Operations, not only requests, are bounded: one's look-up, create and settling go
        # together, so at most `concurrency` are ever `sending` and progress is steady.
        self.slots = asyncio.Semaphore(client.concurrency)

    def _refresh(self, op_id: str) -> None:
        record = self.state.record(op_id)
        self.records[op_id] = record
        if record.status in ("done", "waiting"):
            self.answers[op_id] = record.answer
        else:
            self.answers.pop(op_id, None)

    async def run(self, phases: Iterable[str] = PHASES) -> list[PhaseFigures]:
        """Run the given phases in order; the figures of each."""
        return [await self._phase(phase) for phase in phases]

    async def _phase(self, phase: str) -> PhaseFigures:
        ops = self.plan.of_phase(phase)
        figures = PhaseFigures(phase, total=len(ops))
        done_before = sum(self.records[op.id].status == "done" for op in ops)
        self.listener.phase_started(phase, len(ops), done_before)
        began = time.monotonic()
        self.finished = {op.id: asyncio.Event() for op in ops}
        await asyncio.gather(*(self._operation(op) for op in ops))
        figures.seconds = time.monotonic() - began
        for op in ops:
            record = self.records[op.id]
            figures.statuses[record.status] += 1
            if record.status == "done":
                figures.created += record.origin == "created"
                figures.adopted += record.origin == "adopted"
        return figures

    async def _operation(self, op: Operation) -> None:
        try:
            await self._run_one(op)
        finally:
            self.finished[op.id].set()
            self.listener.advanced(op.phase, self.records[op.id].status)

    async def _run_one(self, op: Operation) -> None:
        if self.records[op.id].status == "done":
            return
        for needed in op.depends_on:
            if needed in self.finished:
                await self.finished[needed].wait()
        blocking = [d for d in op.depends_on if self.records[d].status != "done"]
        if blocking:
            first = self.records[blocking[0]]
            self.state.skipped(op.id, f"needs {first.id}, which is {first.status}")
            self._refresh(op.id)
            return
        try:
            call = Call(
                op.kind, op.method, fill(op.path, self.answers), fill(op.body, self.answers)
            )
        except MissingAnswer as exc:
            self.state.skipped(op.id, f"needs {exc}")
            self._refresh(op.id)
            return
        try:
            async with self.slots:
                await self._carry_out(op, call)
        except ApiError as exc:
            self.state.failed(op.id, str(exc))
        self._refresh(op.id)

    async def _carry_out(self, op: Operation, call: Call) -> None:
        record = self.records[op.id]
        origin: Any = "created" if record.attempts else "adopted"
        if record.status == "waiting" and record.resource_id:
            answer: dict[str, Any] | None = record.answer
            origin = record.origin or origin
        else:
            answer = await find(self.client, call)
            if call.kind == "numbers":
                missing = await numbers_missing(self.client, call)
                answer = {"added": 0} if not missing else None
                call = replace(call, body={**call.body, "phoneNumbers": missing})
            if answer is None:
                self.state.sending(op.id)
                answer = await create(self.client, call)
                origin = "created"
                if call.kind == "customer":
                    self.state.settled(op.id, "waiting", origin, answer)
        assert answer is not None
        settled = await settle(self.client, call, answer, self.polling)
        if settled.waiting:
            self.state.settled(op.id, "waiting", origin, settled.answer, settled.note)
        else:
            self.state.settled(op.id, "done", origin, settled.answer, settled.note)


def problems(plan: PlanFile, records: dict[str, Record]) -> list[Problem]:
    """Operations that failed, were skipped or still wait, with their source object."""
    return [
        Problem(op.id, op.title, _source(op), r.status, r.error or "")
        for op in plan.operations
        if (r := records.get(op.id)) and r.status in ("failed", "skipped", "waiting")
    ]


async def precheck(plan: PlanFile, client: ApiClient) -> list[Problem]:
    """`--dry-run`: the API's own prechecks of the customer and of every subscriber, with
    nothing created; the refusals."""
    found: list[Problem] = []
    customer = next((op for op in plan.operations if op.kind == "customer"), None)

    async def check(op: Operation, path: str, body: dict[str, Any]) -> None:
        try:
            await client.request("POST", path, body)
        except ApiError as exc:
            found.append(Problem(op.id, op.title, _source(op), "failed", str(exc)))

    checks = []
    if customer:
        checks.append(check(customer, "/v1/wholesale/customers/validate", customer.body))
    for op in plan.operations:
        if op.kind != "subscriber":
            continue
        params = {k: v for k, v in op.body["provisioningParameters"].items() if k != "locationId"}
        body = {
            "email": op.body["email"],
            "packages": op.body["packages"],
            "provisioningParameters": params,
        }
        if customer:
            body["provisioningId"] = customer.body["provisioningId"]
            body["customerInfo"] = {"primaryEmail": customer.body["customerInfo"]["primaryEmail"]}
        checks.append(check(op, "/v1/wholesale/subscribers/validate", body))
    await asyncio.gather(*checks)
    return found


async def roll_back(
    plan: PlanFile, state: StateFile, client: ApiClient, polling: Polling, listener: Listener
) -> list[Problem]:
    """Delete what the state says this migration created, the latest phase first, each kind
    after the kinds that depend on it; what was there before (`adopted`) stays. The failures."""
    records = state.records()
    answers = _answers(records)
    failures: list[Problem] = []
    for phase in reversed(PHASES):
        ops = [op for op in plan.of_phase(phase) if op.id in records]
        kinds = list(dict.fromkeys(op.kind for op in ops))
        listener.phase_started(phase, len(ops), 0)
        for kind in reversed(kinds):
            group = [op for op in ops if op.kind == kind]
            if kind == "numbers":  # one at a time, latest first: the main number goes last
                group.reverse()
                results = [
                    await _undo_one(op, records[op.id], answers, state, client, polling)
                    for op in group
                ]
            else:
                results = await asyncio.gather(
                    *(
                        _undo_one(op, records[op.id], answers, state, client, polling)
                        for op in group
                    )
                )
            for op, failure in zip(group, results, strict=True):
                if failure:
                    failures.append(Problem(op.id, op.title, _source(op), "failed", failure))
                listener.advanced(phase, state.record(op.id).status)
    return failures


async def _undo_one(
    op: Operation,
    record: Record,
    answers: dict[str, dict[str, Any]],
    state: StateFile,
    client: ApiClient,
    polling: Polling,
) -> str | None:
    if record.status in ("pending", "skipped", "rolled_back"):
        return None
    if record.origin == "adopted" and record.status == "done":
        return None
    try:
        call = Call(op.kind, op.method, fill(op.path, answers), fill(op.body, answers))
    except MissingAnswer:
        state.rolled_back(op.id, "nothing was made")
        return None
    resource_id = record.resource_id
    try:
        if record.status in ("sending", "failed"):
            if not record.attempts:
                return None
            existing = await find(client, call)
            if existing is None and op.kind != "numbers":
                state.rolled_back(op.id, "nothing was made")
                return None
            resource_id = (existing or {}).get("id")
        await undo(client, call, resource_id, polling)
    except ApiError as exc:
        return str(exc)
    state.rolled_back(op.id)
    return None


async def cut_over(
    plan: PlanFile, state: StateFile, client: ApiClient, direction: str, batch: int | None
) -> tuple[int, list[Problem]]:
    """Move phones (`move`) onto tukku or back (`rollback`), at most `batch` of them: the
    batch's number and the phones that could not be flipped."""
    records = state.records()
    moves = state.moves()
    wanted: Literal["moved", "returned"] = "moved" if direction == "move" else "returned"
    candidates = [
        op
        for op in plan.operations
        if op.kind == "device"
        and (r := records.get(op.id))
        and r.status == "done"
        and r.resource_id
        and (moves.get(op.id) != "moved" if direction == "move" else moves.get(op.id) == "moved")
    ]
    chosen = candidates[:batch] if batch else candidates
    number = state.next_batch()
    answers = _answers(records)
    failures: list[Problem] = []

    async def flip(op: Operation) -> None:
        call = Call(op.kind, op.method, fill(op.path, answers), {})
        path = call.at(f"/{records[op.id].resource_id}/actions/cutover/invoke")
        try:
            await client.request("POST", path, {"direction": direction})
        except ApiError as exc:
            failures.append(Problem(op.id, op.title, _source(op), "failed", str(exc)))
            return
        state.moved(op.id, wanted, number)

    await asyncio.gather(*(flip(op) for op in chosen))
    return number, failures
