"""Fixtures of the metrics tests: the app seen from loopback (where `/metrics` is served by
default), and the metrics page parsed by prometheus-client's own parser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tukku.app import create_app
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.settings import Settings

LOOPBACK = ("127.0.0.1", 50000)
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def local_client(settings: Settings, db: Database, clock: ManualClock) -> Iterator[TestClient]:
    """The app (no in-process worker: tests drain jobs), called from 127.0.0.1."""
    app = create_app(settings, db=db, clock=clock, wall_clock=clock)
    with TestClient(app, base_url="http://tukku.test", client=LOOPBACK) as client:
        yield client


def scrape(client: TestClient) -> Samples:
    """Every sample of `/metrics`, by name and labels, as Prometheus would read them."""
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 for a labelled series that has no sample yet."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    """How much a sample grew between two scrapes."""
    return value(after, name, **labels) - value(before, name, **labels)
