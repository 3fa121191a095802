"""The plan speaks tukku's public API: each request the notes' example plans goes to a route
tukku serves, with a body tukku's own request model takes whole (no field of it ignored). Issue
13's three (enabling calling at a location, its PSTN connection and main number) are served now:
no planned route is left unserved."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from tests.broadworks.conftest import ACME, FIXTURES
from tukku.app import routers
from tukku.broadworks.config import parse_config
from tukku.broadworks.extract import parse_extract
from tukku.broadworks.plan import build_plan
from tukku.calling.devices_schemas import DeviceCreate
from tukku.calling.hunt_groups_schemas import HuntGroupCreate
from tukku.calling.location_calling_schemas import (
    ConnectionIn,
    LocationCallingEnable,
    LocationCallingUpdate,
)
from tukku.calling.locations_schemas import LocationIn
from tukku.core.settings import Settings
from tukku.customers.schemas import CustomerCreate
from tukku.subscribers.schemas import SubscriberCreate

PLACEHOLDER = re.compile(r"\{\{[^}]+\}\}")
BODY_MODELS: dict[str, type[BaseModel]] = {
    "customer": CustomerCreate,
    "location": LocationIn,
    "location.enableCalling": LocationCallingEnable,
    "location.pstn": ConnectionIn,
    "location.mainNumber": LocationCallingUpdate,
    "subscriber": SubscriberCreate,
    "huntGroup": HuntGroupCreate,
    "device": DeviceCreate,
}
NOT_SERVED_YET: set[str] = set()


def served_routes(tmp_path: Path) -> list[tuple[str, re.Pattern[str]]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    found = []
    for router in routers(settings):
        for route in router.routes:
            pattern = re.sub(r"\{[^}]+\}", "[^/]+", getattr(route, "path", ""))
            for method in getattr(route, "methods", set()):
                found.append((method, re.compile(f"{pattern}$")))
    return found


def operations() -> list[dict[str, Any]]:
    config = parse_config((FIXTURES / "acme.toml").read_text(), "toml")
    planned = build_plan(parse_extract(ACME.read_text()), config).to_json()
    ops: list[dict[str, Any]] = planned["operations"]
    return ops


def test_every_planned_request_goes_to_a_route_tukku_serves_but_the_known_ones(
    tmp_path: Path,
) -> None:
    routes = served_routes(tmp_path)
    unserved = set()
    for op in operations():
        path = PLACEHOLDER.sub("x", op["request"]["path"]).split("?")[0]
        method = op["request"]["method"]
        if not any(m == method and p.match(path) for m, p in routes):
            unserved.add(op["kind"])

    assert unserved == NOT_SERVED_YET


@pytest.mark.parametrize("kind", sorted(BODY_MODELS))
def test_every_planned_body_is_accepted_by_tukkus_request_model(kind: str) -> None:
    bodies = [op["request"]["body"] for op in operations() if op["kind"] == kind]

    assert bodies, f"the example plans no {kind}"
    for body in bodies:
        accepted = BODY_MODELS[kind].model_validate(body)
        # tukku ignores fields it does not know: a misnamed one would vanish here
        assert accepted.model_dump(by_alias=True, exclude_unset=True, mode="json") == body
