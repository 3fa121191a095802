"""The final report of a migration (`report DIR`), with no I/O: what moved, what was skipped and
why, what failed with the API's error, per operation, per user and in totals, from the plan and
the state file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from tukku.broadworks.runner import PlanFile
from tukku.broadworks.state import Record

USER_FINDINGS = ("blocked", "not_moved")
CSV_HEADER = ("kind", "source", "operation", "status", "id", "detail")


@dataclass(frozen=True)
class UserLine:
    """One BroadWorks user's outcome."""

    user_id: str
    group: str
    email: str
    package: str
    status: str
    person_id: str
    devices: str
    detail: str


def _status(record: Record | None) -> str:
    if record is None:
        return "not run"
    if record.status == "done" and record.origin == "adopted":
        return "done (already there)"
    return record.status


def user_lines(plan: PlanFile, records: dict[str, Record], moves: dict[str, str]) -> list[UserLine]:
    """Each user the plan moves, then each user it does not (with the plan's reason)."""
    devices: dict[str, list[str]] = {}
    for op in plan.operations:
        if op.kind == "device":
            owner = next((d for d in op.depends_on if d.startswith("subscriber/")), None)
            if owner:
                record = records.get(op.id)
                state = _status(record)
                if moves.get(op.id):
                    state += f", {moves[op.id]}"
                devices.setdefault(owner, []).append(f"{op.body.get('mac')} ({state})")
    lines = []
    planned: set[str] = set()
    for op in plan.operations:
        if op.kind != "subscriber":
            continue
        planned.add(op.source["id"])
        record = records.get(op.id)
        lines.append(
            UserLine(
                op.source["id"],
                op.source.get("group", ""),
                op.body["email"],
                op.body["packages"][0],
                _status(record),
                str((record.answer.get("personId") if record else None) or ""),
                "; ".join(devices.get(op.id, [])),
                (record.error if record else None) or "",
            )
        )
    for finding in plan.findings:
        subject = finding["subject"]
        if finding["category"] in USER_FINDINGS and subject.startswith("user "):
            user_id = subject.removeprefix("user ")
            if user_id not in planned:
                status = "blocked" if finding["category"] == "blocked" else "not moved"
                lines.append(UserLine(user_id, "", "", "", status, "", "", finding["detail"]))
    return lines


def totals(plan: PlanFile, records: dict[str, Record]) -> dict[str, dict[str, int]]:
    """Operations by kind and status."""
    counts: dict[str, Counter[str]] = {}
    for op in plan.operations:
        counts.setdefault(op.kind, Counter())[_status(records.get(op.id))] += 1
    return {kind: dict(c) for kind, c in counts.items()}


def report_json(
    plan: PlanFile, records: dict[str, Record], moves: dict[str, str]
) -> dict[str, Any]:
    """final-report.json."""
    return {
        "serviceProviderId": plan.service_provider_id,
        "totals": totals(plan, records),
        "users": [vars(line) for line in user_lines(plan, records, moves)],
        "operations": [
            {
                "id": op.id,
                "kind": op.kind,
                "source": op.source,
                "title": op.title,
                "status": _status(records.get(op.id)),
                "resourceId": (r.resource_id if (r := records.get(op.id)) else None),
                "detail": (r.error if r else None),
            }
            for op in plan.operations
        ],
        "notMoved": [f for f in plan.findings if f["category"] in ("not_moved", "blocked")],
    }


def report_rows(
    plan: PlanFile, records: dict[str, Record], moves: dict[str, str]
) -> list[tuple[str, ...]]:
    """final-report.csv's rows after CSV_HEADER: operations, users, then what did not move."""
    rows: list[tuple[str, ...]] = []
    for op in plan.operations:
        record = records.get(op.id)
        rows.append(
            (
                op.kind,
                f"{op.source['type']} {op.source['id']}",
                op.id,
                _status(record),
                (record.resource_id if record else None) or "",
                (record.error if record else None) or "",
            )
        )
    for line in user_lines(plan, records, moves):
        rows.append(("user", f"user {line.user_id}", "", line.status, line.person_id, line.detail))
    for finding in plan.findings:
        if finding["category"] in ("not_moved", "blocked"):
            rows.append((finding["category"], finding["subject"], "", "", "", finding["detail"]))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(plan: PlanFile, records: dict[str, Record], moves: dict[str, str]) -> str:
    """final-report.md, for people."""
    counted = totals(plan, records)
    statuses = sorted({s for c in counted.values() for s in c})
    lines = [f"# Migration of {plan.service_provider_id}: final report", "", "## Totals", ""]
    lines += ["| kind | " + " | ".join(statuses) + " |", "|---" * (len(statuses) + 1) + "|"]
    lines += [
        f"| {kind} | " + " | ".join(str(c.get(s, 0)) for s in statuses) + " |"
        for kind, c in counted.items()
    ]
    failed = [
        (op, r)
        for op in plan.operations
        if (r := records.get(op.id)) and r.status in ("failed", "skipped", "waiting")
    ]
    if failed:
        lines += ["", "## Did not complete", ""]
        lines += [
            f"- **{op.source['type']} {op.source['id']}** ({op.title}): {r.status}: {r.error}"
            for op, r in failed
        ]
    lines += ["", "## Users", "", "| user | e-mail | package | status | devices | detail |"]
    lines += ["|---|---|---|---|---|---|"]
    lines += [
        f"| {_cell(u.user_id)} | {_cell(u.email)} | {u.package} | {u.status} | "
        f"{_cell(u.devices)} | {_cell(u.detail)} |"
        for u in user_lines(plan, records, moves)
    ]
    stayed = [f for f in plan.findings if f["category"] == "not_moved"]
    if stayed:
        lines += ["", "## Did not move", ""]
        lines += [f"- **{f['subject']}**: {f['detail']}" for f in stayed]
    return "\n".join(lines) + "\n"
