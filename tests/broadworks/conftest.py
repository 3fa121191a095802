"""The example enterprise of the migration notes (§3.2), as a fresh dict for each test.

One deliberate difference: the notes' phones have MACs A1B2C3D4000x, multicast addresses no
phone can have (tukku refuses them, and so does the plan); here they are A0B2C3D4000x."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ACME = FIXTURES / "acme.json"


@pytest.fixture
def acme() -> dict[str, Any]:
    """The notes' example extract, to change in a test."""
    data: dict[str, Any] = json.loads(ACME.read_text())
    return data
