"""Background jobs completing customer provisioning, update and removal."""

from __future__ import annotations

from typing import Any

from tukku.customers import flows
from tukku.customers.backend import PROVISIONING
from tukku.jobs.registry import JobContext, job


def _failed(ctx: JobContext, payload: dict[str, Any], _error: str) -> None:
    flows.fail_provisioning(ctx.session, customer_id=payload["customerId"], now=ctx.clock.now())


@job("customers.provision", on_failure=_failed)
def provision(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Complete a customer accepted by `POST /customers`."""
    flows.complete_provisioning(
        ctx.session,
        customer_id=payload["customerId"],
        now=ctx.clock.now(),
        settings=ctx.settings,
        backend=ctx.backends.get(PROVISIONING),
        resumed=payload.get("resumed", False),
    )


@job("customers.update", on_failure=_failed)
def update(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Complete a package change accepted by `PUT /customers/{id}`."""
    flows.complete_update(
        ctx.session,
        customer_id=payload["customerId"],
        now=ctx.clock.now(),
        backend=ctx.backends.get(PROVISIONING),
    )


@job("customers.remove")
def remove(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Complete a removal accepted by `DELETE /customers/{id}`."""
    flows.complete_removal(ctx.session, customer_id=payload["customerId"], now=ctx.clock.now())
