"""Background jobs completing customer provisioning, update and removal."""

from __future__ import annotations

from tukku.customers import flows
from tukku.customers.backend import PROVISIONING
from tukku.customers.job_kinds import PROVISION, REMOVE, UPDATE, CustomerPayload
from tukku.jobs.registry import JobContext


def _failed(ctx: JobContext, payload: CustomerPayload, _error: str) -> None:
    flows.fail_provisioning(ctx.session, customer_id=payload["customerId"], now=ctx.clock.now())


@PROVISION.handler(on_failure=_failed)
def provision(ctx: JobContext, payload: CustomerPayload) -> None:
    """Complete a customer accepted by `POST /customers`."""
    flows.complete_provisioning(
        ctx.session,
        customer_id=payload["customerId"],
        now=ctx.clock.now(),
        settings=ctx.settings,
        backend=ctx.backends.get(PROVISIONING),
        resumed=payload.get("resumed", False),
    )


@UPDATE.handler(on_failure=_failed)
def update(ctx: JobContext, payload: CustomerPayload) -> None:
    """Complete a package change accepted by `PUT /customers/{id}`."""
    flows.complete_update(
        ctx.session,
        customer_id=payload["customerId"],
        now=ctx.clock.now(),
        backend=ctx.backends.get(PROVISIONING),
    )


@REMOVE.handler()
def remove(ctx: JobContext, payload: CustomerPayload) -> None:
    """Complete a removal accepted by `DELETE /customers/{id}`."""
    flows.complete_removal(ctx.session, customer_id=payload["customerId"], now=ctx.clock.now())
