"""Wire models of `/v1/wholesale/customers` (field names and shapes of the public contract)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from tukku.core.schemas import CamelModel
from tukku.core.validation import Name

# Users' addresses are kept lower-case: the mail goes to the administrator as registered.
AdminEmail = Annotated[str, AfterValidator(lambda value: value.strip().lower())]


class AddressIn(CamelModel):
    """A postal address; each line at most 50 characters, `country` ISO 3166 alpha-2."""

    address_line1: str
    address_line2: str | None = None
    city: str
    state_or_province: str | None = None
    zip_or_postal_code: str | None = None
    country: str


class CustomerInfoIn(CamelModel):
    """The new organization's name, primary contact and language."""

    name: Name
    primary_email: str
    language: str | None = Field(default=None, description="`ll` or `ll_CC`, e.g. `en` or `fr_CA`.")


class CallingLocationIn(CamelModel):
    """The headquarters calling location."""

    name: Name
    address: AddressIn
    timezone: str
    language: str
    emergency_location_identifier: str | None = None


class CallingIn(CamelModel):
    """Calling parameters; mandatory when calling packages are provisioned."""

    location: CallingLocationIn


class MeetingsIn(CamelModel):
    """Meeting parameters."""

    timezone: str | None = None


class PackageParametersIn(CamelModel):
    """Per-package limits: subscribers beyond a limit are refused."""

    limits: dict[str, int] | None = None


class ProvisioningParametersIn(CamelModel):
    """Optional for meetings, required with calling packages."""

    calling: CallingIn | None = None
    meetings: MeetingsIn | None = None
    packages: PackageParametersIn | None = None


class CustomerCreate(CamelModel):
    """Body of `POST /v1/wholesale/customers`."""

    provisioning_id: str
    packages: list[str]
    org_id: str | None = None
    external_id: str
    address: AddressIn
    customer_info: CustomerInfoIn | None = None
    provisioning_parameters: ProvisioningParametersIn | None = None
    sub_partner_admin_email: AdminEmail | None = None


class CustomerUpdate(CamelModel):
    """Body of `PUT /v1/wholesale/customers/{id}`: `packages` is the complete list afterwards."""

    packages: list[str]
    external_id: str | None = None
    address: AddressIn | None = None
    provisioning_parameters: ProvisioningParametersIn | None = None
    sub_partner_admin_email: AdminEmail | None = None


class PrecheckCustomerInfoIn(CamelModel):
    """Customer info in a precheck: only the primary e-mail is required."""

    name: Name | None = None
    primary_email: str
    language: str | None = None


class CustomerPrecheck(CamelModel):
    """Body of `POST /v1/wholesale/customers/validate`: the address, plus anything else to check."""

    provisioning_id: str | None = None
    packages: list[str] | None = None
    org_id: str | None = None
    external_id: str | None = None
    address: AddressIn
    customer_info: PrecheckCustomerInfoIn | None = None
    provisioning_parameters: ProvisioningParametersIn | None = None
    sub_partner_admin_email: AdminEmail | None = None


class ErrorOut(CamelModel):
    """An asynchronous error or warning."""

    error_code: int
    description: str


class AddressOut(AddressIn):
    """An address as the API shows it."""


class PackageOut(CamelModel):
    """One package's own provisioning state."""

    name: str
    status: str
    warnings: list[ErrorOut] | None = None
    errors: list[ErrorOut] | None = None
    license_ids: list[str] | None = None


class ResourceDetailsOut(CamelModel):
    """Per-package details."""

    packages: list[PackageOut]


class AttachmentOut(CamelModel):
    """tukku extension: how an existing organization is being attached."""

    approval: str = Field(description="not_required, pending, approved or rejected.")
    reasons: list[str] = Field(default_factory=list, description="Why approval is needed.")


class CustomerOut(CamelModel):
    """A wholesale customer."""

    id: str
    org_id: str | None = None
    external_id: str
    address: AddressOut
    status: str
    packages: list[str]
    resource_details: ResourceDetailsOut
    errors: list[ErrorOut] | None = None
    restricted_by_partner: bool | None = Field(
        default=None, description="tukku extension: restricted-by-partner mode is on."
    )
    attachment: AttachmentOut | None = Field(
        default=None, description="tukku extension: only for attached organizations."
    )


class RestrictedModeIn(CamelModel):
    """Turn restricted-by-partner mode on or off for a customer."""

    enabled: bool


class CustomerPage(CamelModel):
    """A page of customers."""

    items: list[CustomerOut]


class ResourceUrlOut(CamelModel):
    """Where to poll an asynchronous operation's result."""

    url: str
