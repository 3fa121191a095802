"""Wire models of `/v1/partner/onboardingTemplates`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tukku.core.schemas import CamelModel
from tukku.core.validation import Name

AuthMode = Literal["webex", "partner_saml", "partner_oidc"]


class TemplateWrite(CamelModel):
    """Body of create and replace; every field but `name` has a documented default."""

    name: Name = Field(
        min_length=1, max_length=255, description="Template name, unique per partner."
    )
    country: str | None = Field(
        default=None, description="ISO 3166 alpha-2 country of the customers; default `US`."
    )
    language: str | None = Field(
        default=None,
        description="Default language (`ll` or `ll_CC`) when requests name none; default `en_US`.",
    )
    auth_mode: AuthMode = Field(default="webex", description="How customers' users sign in.")
    idp_entity_id: str | None = Field(
        default=None,
        max_length=1024,
        description="IdP entity ID (SAML) or IdP name (OIDC); required unless authMode is webex.",
    )
    pstn_provider: Name | None = Field(
        default=None,
        max_length=255,
        description="Cloud-connected PSTN provider; required to provision calling packages.",
    )
    brand_name: Name | None = Field(
        default=None, max_length=255, description="Offer name in e-mails; default: partner name."
    )
    allow_admin_invite_emails_on_attach: bool = Field(
        default=False, description="Send admin invite e-mails when attaching existing orgs."
    )
    disable_webex_to_webex_calling: bool = Field(
        default=False, description="Disable Webex-to-Webex 1:1 (non-PSTN) calling."
    )
    subscription_id: str | None = Field(
        default=None, description="Wholesale subscription; default: the partner's own (shared)."
    )


class TemplateRead(CamelModel):
    """An onboarding template as the API shows it."""

    id: str
    provisioning_id: str
    name: str
    country: str
    language: str
    auth_mode: AuthMode
    idp_entity_id: str | None
    pstn_provider: str | None
    brand_name: str
    allow_admin_invite_emails_on_attach: bool
    disable_webex_to_webex_calling: bool
    subscription_id: str
    created: str
    last_modified: str


class TemplatePage(CamelModel):
    """A page of templates."""

    items: list[TemplateRead]
