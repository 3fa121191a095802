"""The sandbox's provisioning backend: scripted faults read from the order, over the local one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tukku.core.clock import real_now
from tukku.core.ids import new_id
from tukku.customers.backend import (
    Admission,
    LocalProvisioning,
    Order,
    OrderKind,
)
from tukku.sandbox.provisioning import SCRIPTED_MATCH, SandboxProvisioning
from tukku.screening.rules import Candidate
from tukku.screening.service import Screening

ORG = new_id("ORGANIZATION")
UNUSED = Session()  # the sandbox's own answers need no database
CANDIDATE = Candidate.of("Northwind Bakery", "1 Main St", None, "Oslo", "NO")


class Listed(LocalProvisioning):
    """The local backend, with a screening answer fixed by the test (no database needed)."""

    def screen(self, session: Session, order: Order, candidate: Candidate) -> Screening:
        del session, order, candidate
        return Screening(list_id=7, matches=[])


def new(external_id: str, *, resumed: bool = False) -> Order:
    return Order("C1", external_id, OrderKind.NEW, resumed=resumed)


def change(external_id: str) -> Order:
    return Order("C1", external_id, OrderKind.CHANGE)


sandbox = SandboxProvisioning(Listed())


def test_a_slow_order_is_asked_again_later_in_real_time_then_admitted() -> None:
    before = real_now()

    first = sandbox.admit(new("sandbox-fault-slow-300--a"))
    again = sandbox.admit(new("sandbox-fault-slow-300--a", resumed=True))

    assert first.retry_at is not None
    assert before + timedelta(seconds=300) <= first.retry_at <= real_now() + timedelta(seconds=300)
    assert first.error is None
    assert again == Admission()


def test_an_error_order_is_refused_with_its_code() -> None:
    known = sandbox.admit(new("sandbox-fault-error-4019--b"))
    unknown = sandbox.admit(new("sandbox-fault-error-7"))

    assert known.error is not None
    assert known.error["errorCode"] == 4019
    assert known.error["description"] != "Scripted sandbox fault."
    assert unknown.error == {"errorCode": 7, "description": "Scripted sandbox fault."}


def test_a_package_fault_fails_that_package_only() -> None:
    order = new("sandbox-fault-package-webex_calling-4020")

    failed = sandbox.enable(order, ORG, "webex_calling")
    other = sandbox.enable(order, ORG, "webex_meetings")

    assert failed.license_id is None
    assert [e["errorCode"] for e in failed.errors] == [4020]
    assert failed.warnings == ()
    assert other.license_id is not None
    assert not other.errors


def test_maintenance_is_reported_as_a_warning() -> None:
    result = sandbox.enable(new("sandbox-fault-package-webex_calling-2560"), ORG, "webex_calling")

    assert result.license_id is None
    assert [w["errorCode"] for w in result.warnings] == [2560]
    assert result.errors == ()


def test_the_compliance_fault_scripts_a_match_whatever_the_list() -> None:
    screening = sandbox.screen(UNUSED, new("sandbox-fault-compliance--c"), CANDIDATE)

    assert screening.scripted
    assert screening.matches == [SCRIPTED_MATCH]
    assert screening.list_id is None


@pytest.mark.parametrize(
    "external_id",
    [
        "ext-1",
        "sandbox-fault-slow-5",
        "sandbox-fault-error-4019",
        "sandbox-fault-package-webex_calling-4020",
        "sandbox-fault-compliance",
    ],
)
def test_a_change_of_a_provisioned_customer_goes_as_usual(external_id: str) -> None:
    order = change(external_id)

    assert sandbox.admit(order) == Admission()
    assert sandbox.enable(order, ORG, "webex_calling").license_id is not None
    assert sandbox.screen(UNUSED, order, CANDIDATE) == Screening(7, [])


@pytest.mark.parametrize("external_id", ["ext-1", "", " sandbox-fault-error-1", "sandbox-fault"])
def test_an_ordinary_order_goes_to_the_backend_underneath(external_id: str) -> None:
    order = new(external_id)
    local = sandbox.enable(order, ORG, "webex_calling")

    assert sandbox.admit(order) == Admission()
    assert local.license_id is not None
    assert sandbox.screen(UNUSED, order, CANDIDATE) == Screening(7, [])
