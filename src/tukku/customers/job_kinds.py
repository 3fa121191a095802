"""The customers domain's job kinds: what `service` and `flows` enqueue and `tasks` handles."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from tukku.jobs.registry import JobKind


class CustomerPayload(TypedDict):
    """The customer whose accepted change completes; `resumed`: the provisioning backends asked
    to be asked again, and this job is that time."""

    customerId: str
    resumed: NotRequired[bool]


PROVISION = JobKind[CustomerPayload]("customers.provision")
"""Complete a customer accepted by `POST /customers`: `tukku.customers.tasks.provision`."""

UPDATE = JobKind[CustomerPayload]("customers.update")
"""Complete a package change of `PUT /customers/{id}`: `tukku.customers.tasks.update`."""

REMOVE = JobKind[CustomerPayload]("customers.remove")
"""Complete a removal of `DELETE /customers/{id}`: `tukku.customers.tasks.remove`."""
