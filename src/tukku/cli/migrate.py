"""`tukku migrate broadworks`: check a BroadWorks extract and plan its move onto tukku.

Exit codes: 0 success; 1 the input has problems (each printed with its JSON path; nothing is
written); 2 wrong usage (unknown option, missing argument); 3 (`plan`) the plan is written but
blocked: some objects cannot move until fixed (the report says which)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from tukku.broadworks.extract import FORMAT, Extract, parse_extract
from tukku.broadworks.inputs import convert_ocip, load_config, load_extract
from tukku.broadworks.plan import build_plan, check_config
from tukku.broadworks.problems import InputError, Problem
from tukku.broadworks.report import CSV_HEADER, report_markdown, report_rows
from tukku.broadworks.synthetic import EnterpriseSpec, config_for, config_toml, synthesize
from tukku.cli import migrate_run
from tukku.cli.common import emit_json
from tukku.core.csvsafe import text_cell

app = typer.Typer(help="Move customers from other platforms onto tukku.", no_args_is_help=True)
broadworks = typer.Typer(
    help="Move one BroadWorks enterprise (a bw-extract/1 file) onto tukku.", no_args_is_help=True
)
app.add_typer(broadworks, name="broadworks")

AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
ExtractPath = Annotated[
    Path,
    typer.Argument(
        help="A bw-extract/1 JSON file (one enterprise), or a folder of OCI-P exchanges.",
        show_default=False,
    ),
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


@broadworks.command("convert")
def convert(
    folder: Annotated[
        Path,
        typer.Argument(
            help="A folder of OCI-P exchanges: NAME.request.xml and NAME.response.xml pairs.",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="The bw-extract/1 JSON file to write.")],
    as_json: AsJson = False,
) -> None:
    """Convert the OCI-P exchanges in FOLDER into a bw-extract/1 file, checked as `validate`
    checks one (exit 0 written, 1 problems: nothing written)."""
    try:
        document = convert_ocip(folder)
        parsed = parse_extract(json.dumps(document))
    except InputError as exc:
        _report_problems(folder, exc.problems, as_json)
        return
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = _summary(parsed)
    if as_json:
        emit_json({"valid": True, "format": FORMAT, "out": str(out), "summary": summary})
        return
    typer.echo(
        f"{out}: {summary['serviceProviderId']} with {summary['groups']} groups, "
        f"{summary['users']} users, {summary['huntGroups']} hunt groups and "
        f"{summary['devices']} devices."
    )


@broadworks.command("plan")
def plan(
    extract: ExtractPath,
    config: Annotated[
        Path,
        typer.Option(
            "--config", help="The partner configuration (.toml or .json).", show_default=False
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write plan.json, report.md and report.csv to.")
    ],
    as_json: AsJson = False,
) -> None:
    """Plan moving EXTRACT onto tukku, with no side effects (no network, no database): writes
    the ordered API requests (plan.json) and the report (report.md, report.csv) to OUT."""
    try:
        parsed = load_extract(extract)
    except InputError as exc:
        _report_problems(extract, exc.problems, as_json)
        return
    try:
        settings = load_config(config)
    except InputError as exc:
        _report_problems(config, exc.problems, as_json)
        return
    problems = check_config(parsed, settings)
    if problems:
        _report_problems(config, problems, as_json)
    result = build_plan(parsed, settings)
    out.mkdir(parents=True, exist_ok=True)
    (out / "plan.json").write_text(
        json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
    )
    (out / "report.md").write_text(report_markdown(result))
    with (out / "report.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        writer.writerows([text_cell(cell) for cell in row] for row in report_rows(result))
    summary = result.to_json()["summary"]
    blocked = [f for f in result.findings if f.category == "blocked"]
    if as_json:
        emit_json(
            {
                "ready": result.ready,
                "out": str(out),
                "operations": len(result.operations),
                "summary": summary,
                "blocked": [{"subject": f.subject, "detail": f.detail} for f in blocked],
            }
        )
    else:
        counts = ", ".join(f"{n} {phase}" for phase, n in summary.items())
        typer.echo(f"Planned {len(result.operations)} operations ({counts}) in {out}.")
        for finding in blocked:
            typer.echo(f"  blocked: {finding.subject}: {finding.detail}")
    if not result.ready:
        raise typer.Exit(3)


broadworks.command("run")(migrate_run.run)
broadworks.command("status")(migrate_run.status)
broadworks.command("rollback")(migrate_run.rollback)
broadworks.command("devices")(migrate_run.devices)
broadworks.command("report")(migrate_run.report)


def _count(flag: str, help_text: str) -> Any:
    return typer.Option(flag, min=0, help=help_text)


@broadworks.command("synthesize")
def synthesize_command(
    out: Annotated[Path, typer.Option("--out", help="The bw-extract/1 JSON file to write.")],
    users: Annotated[int, _count("--users", "Users.")] = 20,
    groups: Annotated[int, typer.Option("--groups", min=1, help="Groups (locations).")] = 2,
    numbers: Annotated[int, _count("--numbers", "Phone numbers (DNs) over all groups.")] = 30,
    devices: Annotated[int, _count("--devices", "Phones, one per user at most.")] = 10,
    hunt_groups: Annotated[int, _count("--hunt-groups", "Hunt groups.")] = 1,
    call_centers: Annotated[int, _count("--call-centers", "Call centers.")] = 1,
    auto_attendants: Annotated[int, _count("--auto-attendants", "Auto attendants.")] = 1,
    meetings_only: Annotated[
        int, _count("--meetings-only", "Users with no number, extension or phone.")
    ] = 0,
    missing_email_share: Annotated[
        float,
        typer.Option(
            "--missing-email-share", min=0.0, max=1.0, help="Share of users with no e-mail."
        ),
    ] = 0.0,
    extension_clashes: Annotated[
        int, _count("--extension-clashes", "Users reusing an extension of the first group.")
    ] = 0,
    unsupported_devices: Annotated[
        int, _count("--unsupported-devices", "Phones of a type the configuration does not map.")
    ] = 0,
    national_share: Annotated[
        float,
        typer.Option(
            "--national-share", min=0.0, max=1.0, help="Share of numbers written without +1."
        ),
    ] = 0.5,
    range_size: Annotated[
        int, typer.Option("--range-size", min=1, help="Largest range of spare numbers.")
    ] = 100,
    prefix: Annotated[
        int,
        typer.Option(
            "--prefix",
            min=0,
            help="Enterprises with different prefixes share no id, e-mail, number or MAC.",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same file.")] = 0,
    config_out: Annotated[
        Path | None,
        typer.Option(
            "--config-out",
            help="Also write a partner configuration for it (.toml or .json).",
            show_default=False,
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Write a made-up BroadWorks enterprise of the given shape to OUT (a valid bw-extract/1
    file), for load tests and demos; exit 2 if the shape is impossible."""
    try:
        spec = EnterpriseSpec(
            users=users,
            groups=groups,
            numbers=numbers,
            devices=devices,
            hunt_groups=hunt_groups,
            call_centers=call_centers,
            auto_attendants=auto_attendants,
            meetings_only=meetings_only,
            missing_email_share=missing_email_share,
            extension_clashes=extension_clashes,
            unsupported_devices=unsupported_devices,
            national_share=national_share,
            range_size=range_size,
            prefix=prefix,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    document = synthesize(spec, seed)
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if config_out is not None:
        config = config_for(spec)
        text = (
            config_toml(config)
            if config_out.suffix.lower() == ".toml"
            else json.dumps(config, indent=2) + "\n"
        )
        config_out.write_text(text, encoding="utf-8")
    summary = _summary(parse_extract(json.dumps(document)))
    if as_json:
        emit_json(
            {
                "out": str(out),
                "configOut": str(config_out) if config_out else None,
                "seed": seed,
                "summary": summary,
            }
        )
        return
    typer.echo(
        f"{out}: {summary['serviceProviderId']} with {summary['groups']} groups, "
        f"{summary['users']} users, {numbers} numbers and {summary['devices']} devices "
        f"(seed {seed})."
    )
