"""The app in sandbox mode, and an operator token issued on its virtual clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.support import operator_headers
from tukku.app import create_app
from tukku.core.db import Database
from tukku.core.settings import Settings


@pytest.fixture
def sandbox(database_url: str, db: Database) -> Iterator[TestClient]:
    """The app in sandbox mode, with its virtual clock and no background worker of its own."""
    settings = Settings(
        database_url=database_url, sandbox=True, public_base_url="http://tukku.test"
    )
    with TestClient(create_app(settings, db=db), base_url="http://tukku.test") as client:
        yield client


@pytest.fixture
def ops(sandbox: TestClient, db: Database) -> dict[str, str]:
    """An operator's token, on the sandbox's clock: only operators move the clock."""
    return operator_headers(db, sandbox.app.state.clock)  # type: ignore[attr-defined]
