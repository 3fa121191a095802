"""Sandbox scripted faults: the magic `externalId` values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tukku.sandbox.faults import Fault, parse_fault


@pytest.mark.parametrize(
    ("external_id", "fault"),
    [
        ("sandbox-fault-error-4019", Fault(error_code=4019)),
        ("sandbox-fault-error-7--order 12", Fault(error_code=7)),
        (
            "sandbox-fault-package-webex_calling-2560",
            Fault(package="webex_calling", package_code=2560),
        ),
        (
            "sandbox-fault-package-cx_essentials-4020--run-3",
            Fault(package="cx_essentials", package_code=4020),
        ),
        ("sandbox-fault-slow-5", Fault(slow_seconds=5)),
        ("sandbox-fault-slow-300--x", Fault(slow_seconds=300)),
        ("sandbox-fault-compliance", Fault(compliance=True)),
        ("sandbox-fault-compliance--acme 2", Fault(compliance=True)),
    ],
)
def test_a_magic_external_id_asks_for_its_fault(external_id: str, fault: Fault) -> None:
    assert parse_fault(external_id) == fault


@pytest.mark.parametrize("seconds", [301, 999])
def test_a_slow_fault_lasts_at_most_300_seconds(seconds: int) -> None:
    assert parse_fault(f"sandbox-fault-slow-{seconds}") == Fault(slow_seconds=300)


@pytest.mark.parametrize(
    "external_id",
    [
        "ext-1",
        "",
        "sandbox-fault",
        "sandbox-fault-error-",
        "sandbox-fault-error-abc",
        "sandbox-fault-error-1234567",
        "sandbox-fault-error-12x",
        "sandbox-fault-package-webex_calling",
        "sandbox-fault-package--2560",
        "sandbox-fault-slow-1000",
        "sandbox-fault-explode-1",
        "my-sandbox-fault-error-1",
        " sandbox-fault-error-1",
        "sandbox-fault-error-1-",
    ],
)
def test_an_ordinary_external_id_asks_for_no_fault(external_id: str) -> None:
    assert parse_fault(external_id) is None


@given(st.text(max_size=30).filter(lambda s: not s.startswith("sandbox-fault-")))
def test_only_the_sandbox_fault_prefix_asks_for_a_fault(external_id: str) -> None:
    assert parse_fault(external_id) is None


@given(code=st.integers(0, 999_999), suffix=st.text(max_size=12))
def test_an_error_fault_carries_any_code_of_up_to_six_digits(code: int, suffix: str) -> None:
    assert parse_fault(f"sandbox-fault-error-{code}--{suffix}") == Fault(error_code=code)
