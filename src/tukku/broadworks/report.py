"""The plan's human report, with no I/O: Markdown for people, CSV rows for spreadsheets."""

from __future__ import annotations

from tukku.broadworks.plan import Finding, Plan

SECTIONS = (
    ("blocked", "Blocked: fix these first"),
    ("changed", "Changed to fit"),
    ("not_moved", "Will not move"),
    ("warning", "Check these"),
    ("notice", "What users will notice"),
)
CSV_HEADER = ("category", "subject", "operation", "detail")


def report_markdown(plan: Plan) -> str:
    """report.md: what will be created, what changes to fit, what does not move and why."""
    state = "ready to run" if plan.ready else "BLOCKED: fix the items below and plan again"
    lines = [
        f"# Migration plan of {plan.service_provider_id}",
        "",
        f"Status: {state}. {len(plan.operations)} operations.",
        "",
        "## Will be created",
        "",
    ]
    lines += [f"- `{op.id}`: {op.title}" for op in plan.operations]
    for category, heading in SECTIONS:
        found = [f for f in plan.findings if f.category == category]
        if found:
            lines += ["", f"## {heading}", ""]
            lines += [f"- {_md(f)}" for f in found]
    return "\n".join(lines) + "\n"


def _md(finding: Finding) -> str:
    return f"**{finding.subject}**: {finding.detail}"


def report_rows(plan: Plan) -> list[tuple[str, str, str, str]]:
    """report.csv's rows after CSV_HEADER: one per operation, then one per finding."""
    rows = [
        ("created", f"{op.source['type']} {op.source['id']}", op.id, op.title)
        for op in plan.operations
    ]
    rows += [(f.category, f.subject, "", f.detail) for f in plan.findings]
    return rows
