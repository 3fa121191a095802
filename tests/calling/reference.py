"""Response bodies checked against the reference OpenAPI files the APIs copy, loaded from
`../shared/reference` at test time (a missing file fails the test, never skips it).

`strict` schemas also refuse properties the reference does not define, so a misspelt field
cannot pass.
"""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from tests.conftest import REPOSITORY

# The public descriptions live beside the repository (`../shared/reference`), never in it;
# TUKKU_REFERENCE_DIR names another place.
REFERENCE = Path(
    os.environ.get("TUKKU_REFERENCE_DIR") or REPOSITORY.parent / "shared" / "reference"
)
LOCATIONS = "webex-devices-workspaces-locations.openapi.json"
PEOPLE = "webex-people.openapi.json"


@cache
def spec(name: str) -> dict[str, Any]:
    """One reference OpenAPI file."""
    path = REFERENCE / name
    assert path.is_file(), f"the reference {path} is missing (set TUKKU_REFERENCE_DIR)"
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def _inline(node: Any, schemas: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(schemas[node["$ref"].rsplit("/", 1)[1]], schemas)
        inlined = {k: _inline(v, schemas) for k, v in node.items()}
        if inlined.get("type") == "object" and "properties" in inlined:
            inlined["additionalProperties"] = False
        return inlined
    if isinstance(node, list):
        return [_inline(v, schemas) for v in node]
    return node


def schema(name: str, component: str) -> dict[str, Any]:
    """A component schema of a reference file, `$ref`s inlined, strict about properties."""
    schemas = spec(name)["components"]["schemas"]
    inlined: dict[str, Any] = _inline(schemas[component], schemas)
    return inlined


def response_schema(name: str, path: str, method: str, status: str) -> dict[str, Any]:
    """The schema of one operation's answer in a reference file."""
    operation = spec(name)["paths"][path][method]
    content = operation["responses"][status]["content"]["application/json"]
    schemas = spec(name)["components"]["schemas"]
    inlined: dict[str, Any] = _inline(content["schema"], schemas)
    return inlined


def location_schema() -> dict[str, Any]:
    """A location as `GET /locations/{locationId}` answers it.

    The cut-out reference file's `Location` component is the workspaces' location (a name clash
    when it was cut from webex-device.json: `displayName`, `countryCode`...), while the
    operation's own example shows the Locations API's shape: the fields of
    `PostCommonLocationObject` plus `id` and `orgId`. So that is what a location must match.
    """
    base = copy.deepcopy(schema(LOCATIONS, "PostCommonLocationObject"))
    base["properties"]["id"] = {"type": "string"}
    base["properties"]["orgId"] = {"type": "string"}
    base["required"] = [*base["required"], "id", "orgId"]
    example = spec(LOCATIONS)["paths"]["/locations/{locationId}"]["get"]["responses"]["200"]
    assert set(example["content"]["application/json"]["example"]) <= set(base["properties"])
    return base


def person_devices_schema() -> dict[str, Any]:
    """`GET /telephony/config/people/{personId}/devices`'s answer, its `activationState` upper
    case: the reference's `devices` schema lists it lower case, while its `placeDevices` (the
    same telephony device objects, for a workspace) lists it upper case and the operation's
    example shows neither; `wxc_sdk` reads both lists with one model that only accepts upper
    case (docs/conformance.md, Devices)."""
    base = copy.deepcopy(
        response_schema(LOCATIONS, "/telephony/config/people/{personId}/devices", "get", "200")
    )
    place = schema(LOCATIONS, "placeDevices")["properties"]["activationState"]
    base["properties"]["devices"]["items"]["properties"]["activationState"] = place
    return base


def location_page_schema() -> dict[str, Any]:
    """A page of `GET /locations`: `items` of locations."""
    return {
        "type": "object",
        "properties": {"items": {"type": "array", "items": location_schema()}},
        "required": ["items"],
        "additionalProperties": False,
    }


def validate(instance: Any, schema_name: str, document: str = LOCATIONS) -> None:
    """Validate `instance` against `#/components/schemas/<schema_name>` of a reference file, as
    the reference writes it (not strict about extra properties)."""
    components = spec(document)["components"]
    assert schema_name in components["schemas"], schema_name
    jsonschema.validate(
        instance, {"$ref": f"#/components/schemas/{schema_name}", "components": components}
    )


def operation(path: str, method: str, document: str = LOCATIONS) -> dict[str, Any]:
    """One operation of a reference file (to check status codes and parameters against it)."""
    found: dict[str, Any] = spec(document)["paths"][path][method]
    return found


def check(body: Any, against: dict[str, Any]) -> None:
    """Fail with jsonschema's explanation unless `body` matches."""
    jsonschema.validate(body, against)
