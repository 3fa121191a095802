"""Permissions as data: what each role may do, and what restricted-by-partner mode takes away.

Routes check a token's scopes (what an API client was granted); services check permissions
(what the user's roles allow), so the same rules hold for API clients and, later, the portals.
"""

from __future__ import annotations

from enum import StrEnum

from tukku.core.errors import Codes, Forbidden
from tukku.identity.principal import Principal
from tukku.identity.rules import Role


class Permission(StrEnum):
    """Everything a role can be allowed to do."""

    # Partner side
    CUSTOMERS_READ = "customers.read"
    CUSTOMERS_WRITE = "customers.write"
    SUBSCRIBERS_READ = "subscribers.read"
    SUBSCRIBERS_WRITE = "subscribers.write"
    PRECHECK = "provisioning.precheck"
    TEMPLATES_READ = "templates.read"
    TEMPLATES_WRITE = "templates.write"
    BILLING_READ = "billing.read"
    BILLING_WRITE = "billing.write"
    SUB_PARTNERS_READ = "sub_partners.read"
    SUB_PARTNERS_WRITE = "sub_partners.write"
    RESTRICTED_MODE_WRITE = "customers.restricted_mode.write"
    AUDIT_READ = "audit.read"
    STAFF_READ = "staff.read"
    STAFF_MANAGE = "staff.manage"
    API_TOKENS_MANAGE = "api_tokens.manage"
    SSO_MANAGE = "sso.manage"
    BRANDING_READ = "branding.read"
    BRANDING_WRITE = "branding.write"
    WEBHOOKS_MANAGE = "webhooks.manage"
    # Customer side (PRODUCT.md section 10.2)
    ORG_SETTINGS_READ = "org.settings.read"
    USERS_READ = "users.read"
    USERS_MANAGE = "users.manage"
    USER_NAMES_EDIT = "users.names.edit"
    USER_PACKAGE_CHANGE = "users.package.change"
    USER_SERVICES_EDIT = "users.services.edit"
    USER_SERVICE_STATUS_VIEW = "users.service_status.view"
    USER_PRIMARY_NUMBER_EDIT = "users.primary_number.edit"
    COMPANY_NAME_EDIT = "org.company_name.edit"
    DOMAINS_EDIT = "org.domains.edit"
    EMAIL_SETTINGS_EDIT = "org.email_settings.edit"
    AUTHENTICATION_EDIT = "org.authentication.edit"
    ATTACH_REQUESTS_DECIDE = "org.attach_requests.decide"
    CALL_PRIORITY_EDIT = "calling.app_call_priority.edit"
    CALLING_BEHAVIOUR_EDIT = "calling.behaviour.edit"
    LOCAL_GATEWAY_VIEW = "calling.local_gateway.view"
    PSTN_VIEW = "calling.pstn.view"
    PSTN_MANAGE = "calling.pstn.manage"
    CALLING_SETUP_AFTER_LOCATION_VIEW = "calling.setup_after_location.view"
    CALL_RECORDING_EDIT = "calling.recording.edit"
    PHONE_NUMBERS_MANAGE = "calling.phone_numbers.manage"
    MIGRATIONS_RUN = "calling.migrations.run"
    CONNECTED_UC_USE = "calling.connected_uc.use"
    # A customer's calling set-up (PRODUCT.md section 11), for its partner and its admins
    CALLING_READ = "calling.config.read"
    LOCATIONS_MANAGE = "calling.locations.manage"
    WORKSPACES_MANAGE = "calling.workspaces.manage"
    DEVICES_MANAGE = "calling.devices.manage"
    QUEUES_MANAGE = "calling.queues.manage"
    # Platform
    OPERATE = "platform.operate"
    SCREENING_DECIDE = "compliance.screening.decide"


P = Permission
PARTNER_READ = frozenset(
    {
        P.CUSTOMERS_READ,
        P.SUBSCRIBERS_READ,
        P.TEMPLATES_READ,
        P.BILLING_READ,
        P.SUB_PARTNERS_READ,
        P.AUDIT_READ,
        P.STAFF_READ,
        P.CALLING_READ,
        P.BRANDING_READ,
    }
)
# What a partner may do in its customers' calling set-up (numbers included, which customer
# administrators never manage themselves).
PARTNER_CALLING = frozenset(
    {
        P.CALLING_READ,
        P.LOCATIONS_MANAGE,
        P.WORKSPACES_MANAGE,
        P.DEVICES_MANAGE,
        P.QUEUES_MANAGE,
        P.PHONE_NUMBERS_MANAGE,
    }
)
PARTNER_ALL = (
    PARTNER_READ
    | PARTNER_CALLING
    | {
        P.CUSTOMERS_WRITE,
        P.SUBSCRIBERS_WRITE,
        P.TEMPLATES_WRITE,
        P.BILLING_WRITE,
        P.SUB_PARTNERS_WRITE,
        P.RESTRICTED_MODE_WRITE,
        P.API_TOKENS_MANAGE,
        P.BRANDING_WRITE,
        P.WEBHOOKS_MANAGE,
    }
)
CUSTOMER_READ = frozenset(
    {
        P.ORG_SETTINGS_READ,
        P.USERS_READ,
        P.USER_SERVICE_STATUS_VIEW,
        P.LOCAL_GATEWAY_VIEW,
        P.PSTN_VIEW,
        P.CALLING_SETUP_AFTER_LOCATION_VIEW,
        P.CALLING_READ,
    }
)
CUSTOMER_ALL = frozenset(
    p for p in Permission if p.value.startswith(("org.", "users.", "calling."))
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: frozenset({P.OPERATE, P.SCREENING_DECIDE, P.SUB_PARTNERS_WRITE}) | PARTNER_READ,
    # Only full administrators manage staff: inviting, changing roles, removing (and seeing
    # every token of the organization), and how staff and customers sign in (single sign-on).
    Role.PARTNER_FULL_ADMIN: PARTNER_ALL | {P.PRECHECK, P.STAFF_MANAGE, P.SSO_MANAGE},
    Role.WHOLESALE_ADMIN: PARTNER_ALL,
    Role.PARTNER_READ_ONLY: PARTNER_READ,
    Role.PROVISIONING_ADMIN: frozenset(
        {
            P.CUSTOMERS_READ,
            P.CUSTOMERS_WRITE,
            P.SUBSCRIBERS_READ,
            P.SUBSCRIBERS_WRITE,
            P.TEMPLATES_READ,
            P.API_TOKENS_MANAGE,
        }
    )
    | PARTNER_CALLING,
    Role.CUSTOMER_FULL_ADMIN: CUSTOMER_ALL,
    Role.CUSTOMER_READ_ONLY: CUSTOMER_READ,
}

# Taken from customer administrators whether or not restricted mode is on (section 10.2).
ALWAYS_REMOVED_FROM_CUSTOMER_ADMINS: frozenset[Permission] = frozenset(
    {
        P.CALL_PRIORITY_EDIT,
        P.CALLING_SETUP_AFTER_LOCATION_VIEW,
        P.PSTN_MANAGE,
        P.CALL_RECORDING_EDIT,
        P.PHONE_NUMBERS_MANAGE,
    }
)

# Taken away while the partner keeps the customer in restricted mode (section 10.2).
RESTRICTED_MODE_REMOVES: frozenset[Permission] = frozenset(
    {
        P.USERS_MANAGE,
        P.USER_PACKAGE_CHANGE,
        P.USER_SERVICES_EDIT,
        P.USER_SERVICE_STATUS_VIEW,
        P.USER_PRIMARY_NUMBER_EDIT,
        P.COMPANY_NAME_EDIT,
        P.DOMAINS_EDIT,
        P.EMAIL_SETTINGS_EDIT,
        P.AUTHENTICATION_EDIT,
        P.CALL_PRIORITY_EDIT,
        P.CALLING_BEHAVIOUR_EDIT,
        P.LOCAL_GATEWAY_VIEW,
        P.PSTN_VIEW,
        P.MIGRATIONS_RUN,
        P.CONNECTED_UC_USE,
    }
)
CUSTOMER_ROLES = frozenset({Role.CUSTOMER_FULL_ADMIN.value, Role.CUSTOMER_READ_ONLY.value})

# What a partner's staff may do in a customer organization they act in (cross-launch into the
# customer portal), from what their roles allow over the partner's subscribers, and (for the
# partner administrators who set restricted mode) the settings it makes read-only for the
# customer's own admins. Restricted mode never applies to them (it is theirs to set), and
# deciding attach requests stays the customer's.
PARTNER_IN_CUSTOMER_ORG: dict[Permission, frozenset[Permission]] = {
    P.SUBSCRIBERS_READ: frozenset({P.ORG_SETTINGS_READ, P.USERS_READ, P.USER_SERVICE_STATUS_VIEW}),
    P.SUBSCRIBERS_WRITE: frozenset(
        {
            P.USERS_MANAGE,
            P.USER_NAMES_EDIT,
            P.USER_PACKAGE_CHANGE,
            P.USER_SERVICES_EDIT,
            P.USER_PRIMARY_NUMBER_EDIT,
        }
    ),
    P.RESTRICTED_MODE_WRITE: frozenset(
        {P.COMPANY_NAME_EDIT, P.DOMAINS_EDIT, P.EMAIL_SETTINGS_EDIT, P.AUTHENTICATION_EDIT}
    ),
}


def role_permissions(roles: frozenset[str]) -> frozenset[Permission]:
    """The union of what `roles` allow."""
    granted: set[Permission] = set()
    for role in roles:
        if role in Role.__members__.values():
            granted |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(granted)


def effective_permissions(
    roles: frozenset[str], *, restricted: bool, in_customer_org: bool = False
) -> frozenset[Permission]:
    """What a user may do: its roles' permissions, minus the always-on customer-admin
    restrictions, minus what restricted-by-partner mode removes while it is on; a partner's
    staff acting in a customer organization (`in_customer_org`) also get what
    `PARTNER_IN_CUSTOMER_ORG` derives from their roles."""
    granted = role_permissions(roles)
    if in_customer_org:
        granted |= {p for held in granted for p in PARTNER_IN_CUSTOMER_ORG.get(held, ())}
    if roles & CUSTOMER_ROLES:
        granted -= ALWAYS_REMOVED_FROM_CUSTOMER_ADMINS
        if restricted:
            granted -= RESTRICTED_MODE_REMOVES
    return granted


def authorize(principal: Principal, permission: Permission, *, restricted: bool = False) -> None:
    """Raise 403 unless the principal's roles (in restricted mode, if on) allow `permission`."""
    if permission not in effective_permissions(principal.roles, restricted=restricted):
        raise Forbidden(f"your role does not allow {permission.value}", Codes.FORBIDDEN_ROLE)
