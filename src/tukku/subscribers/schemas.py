"""Wire models of `/v1/wholesale/subscribers`."""

from __future__ import annotations

from pydantic import Field

from tukku.core.schemas import CamelModel
from tukku.core.validation import Name


class SubscriberParametersIn(CamelModel):
    """Who the subscriber is and, for calling packages, how to reach them."""

    first_name: Name | None = Field(default=None, max_length=255)
    last_name: Name | None = Field(default=None, max_length=255)
    primary_phone_number: str | None = None
    extension: str | None = None
    location_id: str | None = None


class SubscriberCreate(CamelModel):
    """Body of `POST /v1/wholesale/subscribers`: `package` or `packages` (one), never both."""

    customer_id: str
    email: str
    package: str | None = None
    packages: list[str] | None = None
    provisioning_parameters: SubscriberParametersIn | None = None


class SubscriberUpdateParametersIn(CamelModel):
    """Numbers and location; used only when moving from `webex_meetings` to a calling package."""

    primary_phone_number: str | None = None
    extension: str | None = None
    location_id: str | None = None


class SubscriberUpdate(CamelModel):
    """Body of `PUT /v1/wholesale/subscribers/{id}`."""

    package: str | None = None
    packages: list[str] | None = None
    provisioning_parameters: SubscriberUpdateParametersIn | None = None


class PrecheckCustomerInfoIn(CamelModel):
    """The customer, when it is not provisioned yet."""

    primary_email: str


class SubscriberPrecheck(CamelModel):
    """Body of `POST /v1/wholesale/subscribers/validate`; only `email` is required."""

    email: str
    provisioning_id: str | None = None
    customer_id: str | None = None
    package: str | None = None
    packages: list[str] | None = None
    provisioning_parameters: SubscriberParametersIn | None = None
    customer_info: PrecheckCustomerInfoIn | None = None


class SubscriberErrorOut(CamelModel):
    """An error that occurred while provisioning the subscriber."""

    error_code: int
    description: str


class SubscriberOut(CamelModel):
    """A wholesale subscriber."""

    id: str
    person_id: str | None = None
    email: str
    customer_id: str
    external_customer_id: str
    package: str
    packages: list[str]
    status: str
    errors: list[SubscriberErrorOut] | None = None
    created: str
    last_status_change: str


class SubscriberPage(CamelModel):
    """A page of subscribers."""

    items: list[SubscriberOut]
