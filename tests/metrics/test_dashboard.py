"""The example Grafana dashboard and docs/metrics.md name only metrics `/metrics` serves, and
the docs name every one of them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

DOCS = Path(__file__).resolve().parents[2] / "docs"
DASHBOARD = DOCS / "grafana" / "tukku-dashboard.json"
NAME = re.compile(r"\btukku_[a-z0-9_]+")
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}


def served(client: TestClient) -> dict[str, set[str]]:
    """tukku's metric families on `/metrics`, each with the sample names it may have (also for
    a labelled family that has no sample yet in this process)."""
    text = client.get("/metrics").text
    return {
        family.name: {family.name + s for s in SUFFIXES.get(family.type, ("",))}
        for family in text_string_to_metric_families(text)
        # `_created` timestamps of single-process counters parse as families of their own.
        if family.name.startswith("tukku_") and not family.name.endswith("_created")
    }


def queries(dashboard: dict[str, object]) -> list[str]:
    """Every PromQL query of the dashboard: panel targets and template variables."""
    panels = dashboard["panels"]
    assert isinstance(panels, list)
    found = [target["expr"] for panel in panels for target in panel["targets"]]
    templating = dashboard["templating"]
    assert isinstance(templating, dict)
    return found + [v["query"] for v in templating["list"] if v["type"] == "query"]


@SQLITE
def test_every_metric_of_the_dashboard_is_served(local_client: TestClient) -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    samples = set().union(*served(local_client).values())
    for panel in dashboard["panels"]:
        assert any(NAME.search(t["expr"]) for t in panel["targets"]), panel["title"]
    used = {name for query in queries(dashboard) for name in NAME.findall(query)}
    assert used
    assert used - samples == set()


@SQLITE
def test_the_docs_name_every_metric_served_and_no_other(local_client: TestClient) -> None:
    families = served(local_client)
    names = NAME.findall((DOCS / "metrics.md").read_text())
    documented = {name for name in names if not name.endswith("_")}  # not `tukku_backlog_*`
    for family, samples in families.items():
        assert documented & (samples | {family}), f"{family} is not in docs/metrics.md"
    assert documented - set(families).union(*families.values()) == set()
