"""Scopes and roles as data, and the pure decisions over them and over organizations' names."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class OrgKind(StrEnum):
    """What an organization is to the platform."""

    OPERATOR = "operator"
    PARTNER = "partner"
    SUB_PARTNER = "sub_partner"
    CUSTOMER = "customer"  # managed for wholesale by a partner
    STANDALONE = "standalone"  # outside wholesale (or no longer in it)


PARTNER_KINDS = frozenset({OrgKind.PARTNER, OrgKind.SUB_PARTNER})
CUSTOMER_KINDS = frozenset({OrgKind.CUSTOMER, OrgKind.STANDALONE})


class Scope(StrEnum):
    """API scopes, named like the original's where the original has them."""

    CUSTOMERS_READ = "spark-admin:wholesale_customers_read"
    CUSTOMERS_WRITE = "spark-admin:wholesale_customers_write"
    SUBSCRIBERS_READ = "spark-admin:wholesale_subscribers_read"
    SUBSCRIBERS_WRITE = "spark-admin:wholesale_subscribers_write"
    BILLING_READ = "spark-admin:wholesale_billing_reports_read"
    BILLING_WRITE = "spark-admin:wholesale_billing_reports_write"
    SUB_PARTNERS_READ = "spark-admin:wholesale_sub_partners_read"
    TEMPLATES_READ = "tukku:onboarding_templates_read"
    TEMPLATES_WRITE = "tukku:onboarding_templates_write"
    SUB_PARTNERS_WRITE = "tukku:sub_partners_write"
    AUDIT_READ = "tukku:audit_read"
    STAFF_READ = "tukku:partner_users_read"
    STAFF_WRITE = "tukku:partner_users_write"
    TOKENS_READ = "tukku:api_tokens_read"
    TOKENS_WRITE = "tukku:api_tokens_write"
    SSO_READ = "tukku:partner_sso_read"
    SSO_WRITE = "tukku:partner_sso_write"
    BRANDING_READ = "tukku:branding_read"
    BRANDING_WRITE = "tukku:branding_write"
    WEBHOOKS_READ = "tukku:webhooks_read"
    WEBHOOKS_WRITE = "tukku:webhooks_write"
    # The public Webex APIs of a customer's set-up (a partner names the customer with orgId)
    LOCATIONS_READ = "spark-admin:locations_read"
    LOCATIONS_WRITE = "spark-admin:locations_write"
    PEOPLE_READ = "spark-admin:people_read"
    WORKSPACES_READ = "spark-admin:workspaces_read"
    WORKSPACES_WRITE = "spark-admin:workspaces_write"
    DEVICES_READ = "spark-admin:devices_read"
    DEVICES_WRITE = "spark-admin:devices_write"
    TELEPHONY_READ = "spark-admin:telephony_config_read"
    TELEPHONY_WRITE = "spark-admin:telephony_config_write"
    SETUP_ASSIST_READ = "tukku:setup_assist_read"
    SETUP_ASSIST_WRITE = "tukku:setup_assist_write"
    CUSTOMER_ADMIN_READ = "tukku:customer_admin_read"
    CUSTOMER_ADMIN_WRITE = "tukku:customer_admin_write"
    OPS = "tukku:ops"


CUSTOMER_SCOPES: frozenset[Scope] = frozenset(
    {Scope.CUSTOMER_ADMIN_READ, Scope.CUSTOMER_ADMIN_WRITE}
)
WHOLESALE_SCOPES: frozenset[Scope] = frozenset(Scope) - CUSTOMER_SCOPES - {Scope.OPS}
READ_SCOPES: frozenset[Scope] = frozenset(s for s in WHOLESALE_SCOPES if s.value.endswith("_read"))
CALLING_SCOPES: frozenset[Scope] = frozenset(
    s for s in Scope if s.value.startswith("spark-admin:") and "wholesale" not in s.value
)
"""The public APIs of a customer's calling set-up: its partner's staff and its own
administrators use them alike."""
CALLING_READ_SCOPES = frozenset(s for s in CALLING_SCOPES if s.value.endswith("_read"))


class Role(StrEnum):
    """Roles of PRODUCT.md section 10.1."""

    OPERATOR = "operator"
    PARTNER_FULL_ADMIN = "partner_full_admin"
    WHOLESALE_ADMIN = "wholesale_admin"
    PARTNER_READ_ONLY = "partner_read_only"
    PROVISIONING_ADMIN = "provisioning_admin"
    CUSTOMER_FULL_ADMIN = "customer_full_admin"
    CUSTOMER_READ_ONLY = "customer_read_only"


PARTNER_ROLES: frozenset[Role] = frozenset(
    {Role.PARTNER_FULL_ADMIN, Role.WHOLESALE_ADMIN, Role.PARTNER_READ_ONLY, Role.PROVISIONING_ADMIN}
)
"""The roles a partner's (or sub-partner's) staff can hold."""


ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.OPERATOR: frozenset(Scope) - CUSTOMER_SCOPES,
    Role.PARTNER_FULL_ADMIN: WHOLESALE_SCOPES,
    Role.WHOLESALE_ADMIN: WHOLESALE_SCOPES,
    Role.PARTNER_READ_ONLY: READ_SCOPES,
    Role.PROVISIONING_ADMIN: frozenset(
        {
            Scope.CUSTOMERS_READ,
            Scope.CUSTOMERS_WRITE,
            Scope.SUBSCRIBERS_READ,
            Scope.SUBSCRIBERS_WRITE,
            Scope.TEMPLATES_READ,
            Scope.TOKENS_READ,
            Scope.TOKENS_WRITE,
        }
    )
    | CALLING_SCOPES,
    Role.CUSTOMER_FULL_ADMIN: CUSTOMER_SCOPES | CALLING_SCOPES,
    Role.CUSTOMER_READ_ONLY: frozenset({Scope.CUSTOMER_ADMIN_READ}) | CALLING_READ_SCOPES,
}


def grantable_scopes(roles: frozenset[str]) -> frozenset[Scope]:
    """The scopes a token may carry for a user holding `roles` (the union over roles)."""
    granted: set[Scope] = set()
    for role in roles:
        if role in Role.__members__.values():
            granted |= ROLE_SCOPES[Role(role)]
    return frozenset(granted)


def sip_domain_label(name: str) -> str:
    """A DNS label made from an organization's name, the first part of its SIP domain: ASCII
    letters and digits, at most 40 characters."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    label = re.sub(r"[^a-z0-9]+", "", ascii_name.lower())[:40]
    return label or "customer"
