"""Wire models of `/v1/partner/branding` and a customer's override."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tukku.core.validation import Name
from tukku.web.brand import DEFAULT_DARK, DEFAULT_LIGHT


class BrandingWrite(BaseModel):
    """A brand as set: every field replaced; colours left out take tukku's defaults, contacts
    and the name left out are not set. The logo has its own upload endpoint."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    name: Name | None = Field(None, description="Shown where the logo is missing and in mail.")
    light_text: str = Field(DEFAULT_LIGHT.text, alias="lightText")
    light_background: str = Field(DEFAULT_LIGHT.background, alias="lightBackground")
    light_accent: str = Field(DEFAULT_LIGHT.accent, alias="lightAccent")
    dark_text: str = Field(DEFAULT_DARK.text, alias="darkText")
    dark_background: str = Field(DEFAULT_DARK.background, alias="darkBackground")
    dark_accent: str = Field(DEFAULT_DARK.accent, alias="darkAccent")
    support_url: str | None = Field(None, alias="supportUrl", description="An https:// URL.")
    support_email: str | None = Field(None, alias="supportEmail")
    support_phone: str | None = Field(None, alias="supportPhone")

    def colours(self) -> dict[str, str]:
        """The six colours by their wire names."""
        return {
            "lightText": self.light_text,
            "lightBackground": self.light_background,
            "lightAccent": self.light_accent,
            "darkText": self.dark_text,
            "darkBackground": self.dark_background,
            "darkAccent": self.dark_accent,
        }


class BrandingRead(BaseModel):
    """A brand as stored: `orgId` the organization it brands (a customer's override: the
    customer's organization); `logoUrl` where tukku serves the logo (absent without one);
    `customized` false where nothing is set yet and tukku's defaults are shown."""

    model_config = ConfigDict(populate_by_name=True)

    org_id: str | None = Field(None, alias="orgId")
    customized: bool
    name: str | None = None
    light_text: str = Field(alias="lightText")
    light_background: str = Field(alias="lightBackground")
    light_accent: str = Field(alias="lightAccent")
    dark_text: str = Field(alias="darkText")
    dark_background: str = Field(alias="darkBackground")
    dark_accent: str = Field(alias="darkAccent")
    support_url: str | None = Field(None, alias="supportUrl")
    support_email: str | None = Field(None, alias="supportEmail")
    support_phone: str | None = Field(None, alias="supportPhone")
    logo_url: str | None = Field(None, alias="logoUrl")
