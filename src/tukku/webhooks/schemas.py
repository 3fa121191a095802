"""Wire models of `/v1/partner/webhooks`."""

from __future__ import annotations

from pydantic import Field

from tukku.core.schemas import CamelModel


class EndpointIn(CamelModel):
    """A new endpoint, or the whole of one replaced (PUT)."""

    url: str = Field(min_length=1, max_length=2048)
    event_types: list[str] = Field(min_length=1, max_length=100)
    enabled: bool = True
    description: str | None = Field(default=None, max_length=500)


class EndpointPatch(CamelModel):
    """The fields of an endpoint to change; the others stay."""

    url: str | None = Field(default=None, min_length=1, max_length=2048)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=100)
    enabled: bool | None = None
    description: str | None = Field(default=None, max_length=500)


class EndpointOut(CamelModel):
    """An endpoint; `secret` only in the answer that creates or rotates it."""

    id: str
    org_id: str
    url: str
    event_types: list[str]
    enabled: bool
    description: str | None = None
    disabled_reason: str | None = None
    created: str
    updated: str
    secret: str | None = None
    previous_secret_expires: str | None = None


class EndpointPage(CamelModel):
    """A page of endpoints."""

    items: list[EndpointOut]


class AttemptOut(CamelModel):
    """One delivery attempt of the log."""

    id: int
    delivery_id: int
    event_id: str
    event_type: str
    attempt: int
    status: str
    response_code: int | None = None
    latency_ms: int | None = None
    error: str | None = None
    time: str


class AttemptPage(CamelModel):
    """A page of the delivery log, newest first."""

    items: list[AttemptOut]


class ReplayIn(CamelModel):
    """Which events to send again: those created in [since, until] (ISO 8601)."""

    since: str
    until: str | None = None


class ReplayOut(CamelModel):
    """How many deliveries were queued again."""

    queued: int
