"""The app under test with small limits, so a burst of a few requests crosses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tukku.core.settings import Settings

READS_PER_TOKEN = 5
WRITES_PER_TOKEN = 10
WRITES_PER_PARTNER = 6
SIGN_INS_PER_ADDRESS = 3


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The suite's settings with small limits per token, partner and address."""
    return Settings(
        database_url=database_url,
        sandbox=False,
        public_base_url="http://tukku.test",
        job_retry_base_seconds=0.01,
        report_dir=str(tmp_path / "reports"),
        throttle_read_per_token=READS_PER_TOKEN,
        throttle_read_per_partner=0,
        throttle_wholesale_write_per_token=WRITES_PER_TOKEN,
        throttle_wholesale_write_per_partner=WRITES_PER_PARTNER,
        throttle_portal_sign_in_per_address=SIGN_INS_PER_ADDRESS,
    )
