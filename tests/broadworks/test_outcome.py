"""The final report from a plan and its state: each user's fate (moved, failed with the API's
error, blocked or not moved with the plan's reason), its phones, and totals by kind."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tukku.broadworks.outcome import CSV_HEADER, report_json, report_markdown, report_rows
from tukku.broadworks.plan import Operation
from tukku.broadworks.runner import PlanFile
from tukku.broadworks.state import StateFile


def op(
    op_id: str,
    kind: str,
    source: dict[str, str],
    body: dict[str, object],
    depends: tuple[str, ...] = (),
) -> Operation:
    return Operation(op_id, "users", kind, source, "POST", "/v1/x", body, op_id, depends)


def subscriber(user: str, email: str) -> Operation:
    return op(
        f"subscriber/{user}",
        "subscriber",
        {"type": "user", "id": user, "group": "g1"},
        {"email": email, "packages": ["webex_calling"]},
    )


PLAN = PlanFile(
    "sp1",
    False,
    [
        subscriber("ann", "ann@x.example"),
        subscriber("ben", "ben@x.example"),
        op(
            "device/AA01",
            "device",
            {"type": "device", "id": "ph-1"},
            {"mac": "AA01"},
            ("subscriber/ann",),
        ),
    ],
    [
        {"category": "blocked", "subject": "user cy", "detail": "no e-mail address"},
        {"category": "not_moved", "subject": "device ph-9", "detail": "unsupported phone"},
        {"category": "notice", "subject": "user ann", "detail": "package webex_calling"},
    ],
    "digest",
)


def state(tmp_path: Path) -> StateFile:
    file = StateFile(tmp_path / "state.sqlite")
    file.add_planned((o.id, o.phase, o.kind) for o in PLAN.operations)
    file.settled("subscriber/ann", "done", "created", {"id": "s1", "personId": "p-ann"})
    file.failed("subscriber/ben", "POST /v1/wholesale/subscribers: 409 email: in use")
    file.settled("device/AA01", "done", "created", {"id": "d1"})
    file.moved("device/AA01", "moved", 1)
    return file


def test_each_user_has_a_line_with_its_fate_and_phones(tmp_path: Path) -> None:
    file = state(tmp_path)
    document = report_json(PLAN, file.records(), file.moves())

    users = {
        u["user_id"]: (u["status"], u["person_id"], u["devices"], u["detail"])
        for u in document["users"]
    }
    assert users == {
        "ann": ("done", "p-ann", "AA01 (done, moved)", ""),
        "ben": ("failed", "", "", "POST /v1/wholesale/subscribers: 409 email: in use"),
        "cy": ("blocked", "", "", "no e-mail address"),
    }
    assert document["totals"] == {"subscriber": {"done": 1, "failed": 1}, "device": {"done": 1}}
    assert [f["subject"] for f in document["notMoved"]] == ["user cy", "device ph-9"]


def test_the_csv_and_markdown_say_the_same(tmp_path: Path) -> None:
    file = state(tmp_path)
    records, moves = file.records(), file.moves()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(report_rows(PLAN, records, moves))
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    markdown = report_markdown(PLAN, records, moves)

    failed = [r for r in rows if r["status"] == "failed"]
    assert [(r["kind"], r["source"]) for r in failed] == [
        ("subscriber", "user ben"),
        ("user", "user ben"),
    ]
    assert "**user ben** (subscriber/ben): failed: POST /v1/wholesale/subscribers: 409" in markdown
    assert "**device ph-9**: unsupported phone" in markdown
