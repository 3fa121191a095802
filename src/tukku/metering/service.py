"""Use cases of the usage ledger: open an assignment interval when a package is assigned, close it
when the package is removed or changed, or the customer leaves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from tukku.catalog.packages import catalog
from tukku.core.db import table_of
from tukku.metering.models import PackageAssignment


def _second(moment: datetime) -> datetime:
    """Usage is measured to the second."""
    return moment.replace(microsecond=0)


def open_assignment(
    session: Session,
    *,
    partner_org_id: str,
    sub_partner_org_id: str | None,
    customer_id: str,
    subscriber_id: str | None,
    user_id: str | None,
    location_id: str | None,
    package: str,
    at: datetime,
    workspace_id: str | None = None,
) -> None:
    """Billing for `package` starts at `at`. The holder is the subscriber, else the workspace,
    else (both None: a customer-level add-on) the customer itself."""
    session.execute(
        _INSERT,
        {
            "partner_org_id": partner_org_id,
            "sub_partner_org_id": sub_partner_org_id,
            "customer_id": customer_id,
            "holder_id": subscriber_id or workspace_id or customer_id,
            "subscriber_id": subscriber_id,
            "workspace_id": workspace_id,
            "user_id": user_id,
            "location_id": location_id,
            "package": package,
            "sku": catalog()[package].sku,
            "started_at": _second(at),
            "ended_at": None,
        },
    )


# Built once: a Core INSERT run with a row of parameters costs a fraction of building one.
_INSERT = insert(table_of(PackageAssignment))


def close_subscriber_assignment(session: Session, *, subscriber_id: str, at: datetime) -> None:
    """Billing for the subscriber's current package stops at `at`."""
    session.execute(
        update(PackageAssignment)
        .where(
            PackageAssignment.subscriber_id == subscriber_id, PackageAssignment.ended_at.is_(None)
        )
        .values(ended_at=_second(at))
        .execution_options(synchronize_session=False)
    )


def open_customer_assignment(
    session: Session,
    *,
    partner_org_id: str,
    sub_partner_org_id: str | None,
    customer_id: str,
    package: str,
    at: datetime,
) -> None:
    """Billing for a customer-level add-on, held by the customer itself, starts at `at`."""
    open_assignment(
        session,
        partner_org_id=partner_org_id,
        sub_partner_org_id=sub_partner_org_id,
        customer_id=customer_id,
        subscriber_id=None,
        user_id=None,
        location_id=None,
        package=package,
        at=at,
    )


def close_customer_assignment(
    session: Session, *, customer_id: str, package: str, at: datetime
) -> None:
    """Billing for a customer-level add-on stops at `at` (it is taken off the customer)."""
    session.execute(
        update(PackageAssignment)
        .where(
            PackageAssignment.holder_id == customer_id,
            PackageAssignment.package == package,
            PackageAssignment.ended_at.is_(None),
        )
        .values(ended_at=_second(at))
        .execution_options(synchronize_session=False)
    )


def close_customer_assignments(session: Session, *, customer_id: str, at: datetime) -> None:
    """Billing for every assignment of a customer stops at `at` (the customer is being removed)."""
    session.execute(
        update(PackageAssignment)
        .where(PackageAssignment.customer_id == customer_id, PackageAssignment.ended_at.is_(None))
        .values(ended_at=_second(at))
        .execution_options(synchronize_session=False)
    )


def close_workspace_assignment(session: Session, *, workspace_id: str, at: datetime) -> None:
    """Billing for the workspace's current package stops at `at`."""
    session.execute(
        update(PackageAssignment)
        .where(PackageAssignment.workspace_id == workspace_id, PackageAssignment.ended_at.is_(None))
        .values(ended_at=_second(at))
        .execution_options(synchronize_session=False)
    )
