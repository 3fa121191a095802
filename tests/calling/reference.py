"""The reference OpenAPI descriptions, loaded at test time from ../shared/reference (a missing
folder fails the test: the wire shapes are checked against Cisco's, never against our own)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema

from tests.conftest import REPOSITORY

REFERENCE = REPOSITORY.parent / "shared" / "reference"
DEVICES = "webex-devices-workspaces-locations.openapi.json"


@cache
def _document(name: str) -> dict[str, Any]:
    path = REFERENCE / name
    assert path.is_file(), f"the reference {path} is missing"
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def validate(instance: Any, schema_name: str, document: str = DEVICES) -> None:
    """Validate `instance` against `#/components/schemas/<schema_name>` of the reference."""
    components = _document(document)["components"]
    assert schema_name in components["schemas"], schema_name
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
    jsonschema.validate(instance, schema)


def operation(path: str, method: str, document: str = DEVICES) -> dict[str, Any]:
    """One operation of the reference (to check our status codes and parameters against it)."""
    found: dict[str, Any] = _document(document)["paths"][path][method]
    return found
