"""`tukku migrate broadworks run|status|rollback|devices|report DIR`: carry out a written plan
against a tukku deployment over its public API, see where it stands, undo it, cut phones over,
and report what moved. The state file in DIR makes every command safe to repeat.

Exit codes: 0 everything asked for is done; 1 it cannot start (no plan, a blocked plan, the state
belongs to another deployment, the target or token refused); 2 wrong usage; 4 it ran, but some
operations failed, were skipped or still wait (each is printed with its source object)."""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from tukku.broadworks.client import ApiClient, ApiError
from tukku.broadworks.outcome import CSV_HEADER, report_json, report_markdown, report_rows
from tukku.broadworks.plan import PHASES
from tukku.broadworks.runner import (
    PhaseFigures,
    PlanFile,
    PlanFileError,
    Problem,
    Runner,
    cut_over,
    load_plan,
    precheck,
    problems,
    roll_back,
)
from tukku.broadworks.state import STATE_FILE, StateFile, Status
from tukku.broadworks.steps import Polling
from tukku.cli.common import emit_json
from tukku.core.csvsafe import text_cell

console = Console(stderr=True)
PARTIAL = 4
STATUSES = ("pending", "sending", "waiting", "done", "failed", "skipped", "rolled_back")

PlanDir = Annotated[
    Path,
    typer.Argument(
        help="The folder `plan --out` wrote (plan.json); the state file goes there too.",
        show_default=False,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object, no progress bars.")]
Url = Annotated[
    str,
    typer.Option("--url", help="The tukku deployment's base URL, e.g. http://127.0.0.1:8000."),
]
Token = Annotated[
    str,
    typer.Option(
        "--token",
        envvar="TUKKU_TOKEN",
        help="A partner API token (better given as env TUKKU_TOKEN: options show in `ps`).",
        show_default=False,
    ),
]
Concurrency = Annotated[
    int, typer.Option("--concurrency", min=1, max=64, help="Requests in flight at most.")
]
PollTimeout = Annotated[
    float,
    typer.Option("--poll-timeout", min=1, help="Seconds to wait for a customer to provision."),
]


class _Bars:
    """Rich progress bars, one per phase, with counts and time left."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}
        self.troubles: dict[str, int] = {}

    def phase_started(self, phase: str, total: int, done: int) -> None:
        if self.progress is not None:
            self.tasks[phase] = self.progress.add_task(phase, total=total, completed=done)

    def advanced(self, phase: str, status: Status) -> None:
        if self.progress is None:
            return
        self.progress.advance(self.tasks[phase])
        if status in ("failed", "skipped"):
            self.troubles[phase] = self.troubles.get(phase, 0) + 1
            description = f"{phase} ({self.troubles[phase]} not done)"
            self.progress.update(self.tasks[phase], description=description)


@contextmanager
def _bars(quiet: bool) -> Iterator[_Bars]:
    if quiet:
        yield _Bars(None)
        return
    columns = (
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        yield _Bars(progress)


def _fail(message: str, as_json: bool) -> None:
    if as_json:
        emit_json({"ok": False, "error": message})
    else:
        console.print(f"[red]{message}[/]")
    raise typer.Exit(1)


def _open(directory: Path, as_json: bool) -> tuple[PlanFile, StateFile]:
    try:
        plan = load_plan(directory)
    except PlanFileError as exc:
        _fail(str(exc), as_json)
        raise
    return plan, StateFile(directory / STATE_FILE)


def _same_target(state: StateFile, url: str, as_json: bool, *, ran: bool) -> None:
    """Stop unless the migration's state belongs to the deployment at `url` (or, when it need
    not have run yet, to none so far)."""
    target = state.meta("target")
    if target is None and ran:
        _fail("nothing to do: this plan never ran", as_json)
    if target is not None and target != url.rstrip("/"):
        _fail(f"this migration's state belongs to {target}, not {url}", as_json)


def _print_problems(found: list[Problem]) -> None:
    for p in found:
        console.print(f"  [yellow]{p.status}[/] {p.source}: {p.title}: {p.error}")


def _problems_json(found: list[Problem]) -> list[dict[str, str]]:
    return [vars(p) for p in found]


def _finish(as_json: bool, document: dict[str, Any], said: str, found: list[Problem]) -> None:
    """End a command: its JSON (with `ok` and the problems) or its line and the problems;
    exit 4 if anything did not succeed."""
    if as_json:
        emit_json({"ok": not found, **document, "problems": _problems_json(found)})
    else:
        console.print(said)
        _print_problems(found)
    if found:
        raise typer.Exit(PARTIAL)


def _summary_table(figures: list[PhaseFigures]) -> Table:
    table = Table(title="Migration summary")
    headings = ("phase", "ops", "done", "new", "found", "failed", "skipped", "waiting", "s")
    for heading in headings:
        table.add_column(heading, justify="left" if heading == "phase" else "right", no_wrap=True)
    for f in figures:
        row = f.to_json()
        table.add_row(
            *(
                str(row[c])
                for c in (
                    "phase",
                    "total",
                    "done",
                    "created",
                    "adopted",
                    "failed",
                    "skipped",
                    "waiting",
                    "seconds",
                )
            )
        )
    return table


async def _run(
    plan: PlanFile,
    state: StateFile,
    client: ApiClient,
    phases: list[str],
    polling: Polling,
    quiet: bool,
) -> list[PhaseFigures]:
    try:
        with _bars(quiet) as bars:
            return await Runner(plan, state, client, polling, bars).run(phases)
    finally:
        await client.close()


async def _reachable(client: ApiClient) -> str | None:
    try:
        await client.request("GET", "/v1/wholesale/customers?max=1")
    except ApiError as exc:
        return str(exc)
    finally:
        await client.close()
    return None


def run(
    directory: PlanDir,
    url: Url,
    token: Token,
    phase: Annotated[
        str | None,
        typer.Option("--phase", help=f"Run only this phase: {', '.join(PHASES)}."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Only the API's prechecks of customer and subscribers."),
    ] = False,
    allow_blocked: Annotated[
        bool,
        typer.Option("--allow-blocked", help="Run a blocked plan: move what is not blocked."),
    ] = False,
    concurrency: Concurrency = 8,
    poll_timeout: PollTimeout = 600.0,
    as_json: AsJson = False,
) -> None:
    """Carry out the plan in DIR against the deployment at URL, resumably (see the state file).
    Safe to repeat: a finished migration changes nothing."""
    if phase is not None and phase not in PHASES:
        raise typer.BadParameter(f"must be one of {', '.join(PHASES)}", param_hint="--phase")
    plan, state = _open(directory, as_json)
    if not plan.ready and not allow_blocked and not dry_run:
        _fail(
            "the plan is blocked (see report.md); fix and plan again, or --allow-blocked", as_json
        )
    _same_target(state, url, as_json, ran=False)
    refused = asyncio.run(_reachable(ApiClient(url, token, attempts=2, backoff_max=1.0)))
    if refused:
        _fail(f"{url}: {refused}", as_json)
    client = ApiClient(url, token, concurrency=concurrency)
    if dry_run:
        found = asyncio.run(_precheck(plan, client))
        _finish(as_json, {"dryRun": True}, f"Prechecks: {len(found)} refusal(s).", found)
        return
    previous = state.meta("plan")
    if previous is not None and previous != plan.digest and not as_json:
        console.print(
            "The plan changed since the last run: what is done stays done, new operations run."
        )
    state.set_meta("target", url.rstrip("/"))
    state.set_meta("plan", plan.digest)
    phases = [phase] if phase else list(PHASES)
    figures = asyncio.run(_run(plan, state, client, phases, Polling(timeout=poll_timeout), as_json))
    phase_of = {op.id: op.phase for op in plan.operations}
    left = [p for p in problems(plan, state.records()) if phase_of[p.op_id] in phases]
    counters = client.counters
    if not as_json:
        console.print(_summary_table(figures))
    document = {
        "phases": [f.to_json() for f in figures],
        "requests": counters.requests,
        "retries": counters.retries,
        "throttled": counters.throttled,
    }
    said = (
        f"{counters.requests} requests, {counters.retries} retried, "
        f"{counters.throttled} throttled (429)."
    )
    _finish(as_json, document, said, left)


async def _precheck(plan: PlanFile, client: ApiClient) -> list[Problem]:
    try:
        return await precheck(plan, client)
    finally:
        await client.close()


def status(directory: PlanDir, as_json: AsJson = False) -> None:
    """Where the migration in DIR stands: operations by phase and status, phones cut over."""
    plan, state = _open(directory, as_json)
    state.add_planned((op.id, op.phase, op.kind) for op in plan.operations)
    records = state.records()
    moves = state.moves()
    rows: list[dict[str, Any]] = []
    for phase in PHASES:
        ops = plan.of_phase(phase)
        counts = dict.fromkeys(STATUSES, 0)
        for op in ops:
            counts[records[op.id].status] += 1
        rows.append({"phase": phase, "total": len(ops), **counts})
    devices = {
        "moved": sum(s == "moved" for s in moves.values()),
        "returned": sum(s == "returned" for s in moves.values()),
    }
    left = problems(plan, records)
    if as_json:
        emit_json(
            {
                "target": state.meta("target"),
                "phases": rows,
                "devices": devices,
                "problems": _problems_json(left),
            }
        )
        return
    table = Table(
        title=f"Migration of {plan.service_provider_id} → {state.meta('target') or '(not run)'}"
    )
    for column in rows[0]:
        table.add_column(column, justify="left" if column == "phase" else "right")
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    console.print(table)
    console.print(f"Phones cut over: {devices['moved']} moved, {devices['returned']} returned.")
    _print_problems(left)


def rollback(
    directory: PlanDir,
    url: Url,
    token: Token,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    concurrency: Concurrency = 8,
    poll_timeout: PollTimeout = 600.0,
    as_json: AsJson = False,
) -> None:
    """Delete what the state says this migration created, in reverse dependency order
    (devices, features, subscribers, numbers, locations, then the customer). What was already
    there before the migration is left."""
    plan, state = _open(directory, as_json)
    _same_target(state, url, as_json, ran=True)
    if not yes and not as_json:
        typer.confirm(f"Delete everything this migration created on {url}?", abort=True)
    client = ApiClient(url, token, concurrency=concurrency)

    async def go() -> list[Problem]:
        try:
            with _bars(as_json) as bars:
                return await roll_back(plan, state, client, Polling(timeout=poll_timeout), bars)
        finally:
            await client.close()

    failures = asyncio.run(go())
    undone = sum(r.status == "rolled_back" for r in state.records().values())
    _finish(as_json, {"rolledBack": undone}, f"Rolled back {undone} operations.", failures)


def devices(
    directory: PlanDir,
    url: Url,
    token: Token,
    move: Annotated[bool, typer.Option("--move", help="Cut phones over onto tukku.")] = False,
    back: Annotated[
        bool, typer.Option("--rollback", help="Return cut-over phones to the old platform.")
    ] = False,
    batch: Annotated[
        int | None, typer.Option("--batch", min=1, help="At most this many phones this time.")
    ] = None,
    concurrency: Concurrency = 8,
    as_json: AsJson = False,
) -> None:
    """Record the cut-over of the migrated phones, in batches: on tukku each phone's
    provisioning state flips (audited); `--rollback` flips it back."""
    if move == back:
        raise typer.BadParameter("give exactly one of --move and --rollback", param_hint="--move")
    plan, state = _open(directory, as_json)
    _same_target(state, url, as_json, ran=True)
    client = ApiClient(url, token, concurrency=concurrency)

    async def go() -> tuple[int, list[Problem]]:
        try:
            return await cut_over(plan, state, client, "move" if move else "rollback", batch)
        finally:
            await client.close()

    number, failures = asyncio.run(go())
    moves = state.moves()
    summary = {
        "batch": number,
        "moved": sum(s == "moved" for s in moves.values()),
        "returned": sum(s == "returned" for s in moves.values()),
        "devices": sum(op.kind == "device" for op in plan.operations),
    }
    said = (
        f"Batch {number}: {summary['moved']} of {summary['devices']} phones moved, "
        f"{summary['returned']} returned."
    )
    _finish(as_json, summary, said, failures)


def report(directory: PlanDir, as_json: AsJson = False) -> None:
    """Write the final report to DIR: final-report.md, .csv and .json (what moved, what was
    skipped and why, what failed with the API's error, per user and in totals)."""
    plan, state = _open(directory, as_json)
    state.add_planned((op.id, op.phase, op.kind) for op in plan.operations)
    records, moves = state.records(), state.moves()
    document = report_json(plan, records, moves)
    (directory / "final-report.json").write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (directory / "final-report.md").write_text(
        report_markdown(plan, records, moves), encoding="utf-8"
    )
    with (directory / "final-report.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        writer.writerows([text_cell(c) for c in row] for row in report_rows(plan, records, moves))
    if as_json:
        emit_json({"out": str(directory), "totals": document["totals"]})
    else:
        console.print(
            f"Wrote final-report.md, final-report.csv and final-report.json to {directory}."
        )
