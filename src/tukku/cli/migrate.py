"""`tukku migrate broadworks`: check a BroadWorks extract and plan its move onto tukku.

Exit codes: 0 success; 1 the input has problems (each printed with its JSON path); 2 wrong usage
(unknown option, missing argument)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tukku.broadworks.extract import FORMAT, Extract
from tukku.broadworks.inputs import load_extract
from tukku.broadworks.problems import InputError, Problem
from tukku.cli.common import emit_json

app = typer.Typer(help="Move customers from other platforms onto tukku.", no_args_is_help=True)
broadworks = typer.Typer(
    help="Move one BroadWorks enterprise (a bw-extract/1 file) onto tukku.", no_args_is_help=True
)
app.add_typer(broadworks, name="broadworks")

AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
ExtractPath = Annotated[
    Path, typer.Argument(help="A bw-extract/1 JSON file (one enterprise).", show_default=False)
]


def _problems_out(problems: list[Problem]) -> list[dict[str, str]]:
    return [{"path": p.path, "message": p.message} for p in problems]


def _summary(extract: Extract) -> dict[str, Any]:
    groups = extract.groups
    return {
        "serviceProviderId": extract.service_provider.service_provider_id,
        "groups": len(groups),
        "users": sum(len(g.users) for g in groups),
        "huntGroups": sum(len(g.hunt_groups) for g in groups),
        "callCenters": sum(len(g.call_centers) for g in groups),
        "autoAttendants": sum(len(g.auto_attendants) for g in groups),
        "devices": sum(len(g.access_devices) for g in groups),
    }


def _report_problems(source: Path, problems: list[Problem], as_json: bool) -> None:
    if as_json:
        emit_json({"valid": False, "format": FORMAT, "problems": _problems_out(problems)})
    else:
        typer.echo(f"{source}: {len(problems)} problem(s):")
        for problem in problems:
            typer.echo(f"  {problem}")
    raise typer.Exit(1)


@broadworks.command("validate")
def validate(extract: ExtractPath, as_json: AsJson = False) -> None:
    """Check EXTRACT and explain every problem with its JSON path (exit 0 valid, 1 not)."""
    try:
        parsed = load_extract(extract)
    except InputError as exc:
        _report_problems(extract, exc.problems, as_json)
        return
    summary = _summary(parsed)
    if as_json:
        emit_json({"valid": True, "format": FORMAT, "problems": [], "summary": summary})
        return
    typer.echo(
        f"{extract}: a valid {FORMAT} extract of {summary['serviceProviderId']}: "
        f"{summary['groups']} groups, {summary['users']} users, {summary['huntGroups']} hunt "
        f"groups, {summary['callCenters']} call centers, {summary['autoAttendants']} auto "
        f"attendants, {summary['devices']} devices."
    )
