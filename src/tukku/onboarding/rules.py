"""Pure rules of onboarding templates: defaults and validation of settings."""

from __future__ import annotations

from dataclasses import dataclass

from tukku.catalog.locales import resolve_locale
from tukku.catalog.regions import geography
from tukku.core.errors import Codes, Problem
from tukku.onboarding.schemas import TemplateWrite

DEFAULT_COUNTRY = "US"
DEFAULT_LANGUAGE = "en_US"


@dataclass(frozen=True)
class TemplateSettings:
    """A template's settings with every default filled in."""

    name: str
    country: str
    language: str
    auth_mode: str
    idp_entity_id: str | None
    pstn_provider: str | None
    brand_name: str
    allow_admin_invite_emails_on_attach: bool
    disable_webex_to_webex_calling: bool
    subscription_id: str


def settings_from_request(
    data: TemplateWrite, *, partner_name: str, subscription_id: str
) -> TemplateSettings | list[Problem]:
    """Validate a create/replace body and fill defaults; a list of problems if it is not valid."""
    problems: list[Problem] = []
    country = geography().country_code(data.country or DEFAULT_COUNTRY)
    if country is None:
        problems.append(
            Problem(
                Codes.COUNTRY_INVALID,
                f"country: {data.country!r} is not ISO 3166 alpha-2",
                "country",
            )
        )
    language = resolve_locale(data.language or DEFAULT_LANGUAGE, country or DEFAULT_COUNTRY)
    if language is None:
        problems.append(
            Problem(
                Codes.LANGUAGE_INVALID, f"language: {data.language!r} is not supported", "language"
            )
        )
    idp = (data.idp_entity_id or "").strip() or None
    if data.auth_mode != "webex" and idp is None:
        problems.append(
            Problem(
                Codes.TEMPLATE_IDP_REQUIRED,
                f"idpEntityId: required for {data.auth_mode}",
                "idpEntityId",
            )
        )
    if data.subscription_id is not None and data.subscription_id != subscription_id:
        problems.append(
            Problem(
                Codes.INVALID_FIELD,
                "subscriptionId: must be your wholesale subscription",
                "subscriptionId",
            )
        )
    name = data.name.strip()
    if not name:
        problems.append(Problem(Codes.MISSING_FIELD, "name: must not be blank", "name"))
    if problems or language is None or country is None:
        return problems
    return TemplateSettings(
        name=name,
        country=country,
        language=language,
        auth_mode=data.auth_mode,
        idp_entity_id=idp if data.auth_mode != "webex" else None,
        pstn_provider=(data.pstn_provider or "").strip() or None,
        brand_name=(data.brand_name or "").strip() or partner_name,
        allow_admin_invite_emails_on_attach=data.allow_admin_invite_emails_on_attach,
        disable_webex_to_webex_calling=data.disable_webex_to_webex_calling,
        subscription_id=subscription_id,
    )
