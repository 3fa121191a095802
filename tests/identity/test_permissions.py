"""Roles, permissions and restricted-by-partner mode as pure rules (PRODUCT.md 10.1 and 10.2).

The expectation table below is written out by hand from the spec, one row per permission and one
column per role, and `effective_permissions` must agree with it for every role, every permission
and restricted mode on and off. The module's own constants are deliberately not used to build it.
"""

from __future__ import annotations

import pytest

from tukku.core.errors import DomainError
from tukku.identity.permissions import Permission, authorize, effective_permissions
from tukku.identity.principal import Principal
from tukku.identity.rules import Role

# Columns, in order: operator, partner full admin, wholesale admin, partner read-only,
# provisioning admin, customer full admin, customer read-only.
COLUMNS = (
    "operator",
    "partner_full_admin",
    "wholesale_admin",
    "partner_read_only",
    "provisioning_admin",
    "customer_full_admin",
    "customer_read_only",
)
# Y: granted whether or not restricted mode is on.
# U: granted only while restricted-by-partner mode is off (10.2 "removed when on").
# .: never granted.
TABLE = """
customers.read                     Y Y Y Y Y . .
customers.write                    . Y Y . Y . .
subscribers.read                   Y Y Y Y Y . .
subscribers.write                  . Y Y . Y . .
provisioning.precheck              . Y . . . . .
templates.read                     Y Y Y Y Y . .
templates.write                    . Y Y . . . .
billing.read                       Y Y Y Y . . .
billing.write                      . Y Y . . . .
sub_partners.read                  Y Y Y Y . . .
sub_partners.write                 Y Y Y . . . .
customers.restricted_mode.write    . Y Y . . . .
audit.read                         Y Y Y Y . . .
staff.read                         Y Y Y Y . . .
staff.manage                       . Y . . . . .
api_tokens.manage                  . Y Y . Y . .
sso.manage                         . Y . . . . .
branding.read                      Y Y Y Y . . .
branding.write                     . Y Y . . . .
webhooks.manage                    . Y Y . . . .
org.settings.read                  . . . . . Y Y
users.read                         . . . . . Y Y
users.manage                       . . . . . U .
users.names.edit                   . . . . . Y .
users.package.change               . . . . . U .
users.services.edit                . . . . . U .
users.service_status.view          . . . . . U U
users.primary_number.edit          . . . . . U .
org.company_name.edit              . . . . . U .
org.domains.edit                   . . . . . U .
org.email_settings.edit            . . . . . U .
org.authentication.edit            . . . . . U .
org.attach_requests.decide         . . . . . Y .
calling.app_call_priority.edit     . . . . . . .
calling.behaviour.edit             . . . . . U .
calling.local_gateway.view         . . . . . U U
calling.pstn.view                  . . . . . U U
calling.pstn.manage                . . . . . . .
calling.setup_after_location.view  . . . . . . .
calling.recording.edit             . . . . . . .
calling.phone_numbers.manage       . Y Y . Y . .
calling.config.read                Y Y Y Y Y Y Y
calling.locations.manage           . Y Y . Y Y .
calling.workspaces.manage          . Y Y . Y Y .
calling.devices.manage             . Y Y . Y Y .
calling.queues.manage              . Y Y . Y Y .
calling.migrations.run             . . . . . U .
calling.connected_uc.use           . . . . . U .
platform.operate                   Y . . . . . .
compliance.screening.decide        Y . . . . . .
"""
# Why the customer-side rows read as they do (PRODUCT.md 10.2):
# - restricted mode removes managing users, (re)setting packages, editing services, viewing full
#   service status, editing the primary work number; names and primary e-mail stay editable;
#   company name, domains, e-mail settings and authentication become read-only; calling
#   behaviour read-only, local gateway and PSTN settings hidden, migrations and connected UC
#   blocked;
# - whatever the mode, customer admins get app call-priority read-only, calling set-up after
#   location creation hidden, PSTN management and call recording greyed, number management off.
# Deciding a partner's attach request is the full administrator's, whatever the mode (4.3).
# Partner side (10.1, section 6): only partner full admins precheck; only partner
# administrators toggle restricted mode; read-only roles never write. Only partner full admins
# manage their organization's staff (invite, roles, remove); everyone who writes may make API
# tokens for themselves (read-only staff may not).
# A customer's calling set-up (section 11): every role reads it; those who write customers
# manage its locations, workspaces, devices and queues, as does the customer's full
# administrator; numbers only the partner's (never the customer's admins, 10.2).


def _parse(table: str) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for line in table.strip().splitlines():
        permission, *cells = line.split()
        assert len(cells) == len(COLUMNS), line
        rows[permission] = dict(zip(COLUMNS, cells, strict=True))
    return rows


EXPECTED = _parse(TABLE)
ALWAYS_REMOVED_FROM_CUSTOMER_ADMINS = {
    "calling.app_call_priority.edit",
    "calling.setup_after_location.view",
    "calling.pstn.manage",
    "calling.recording.edit",
    "calling.phone_numbers.manage",
}
CUSTOMER_ROLES = ("customer_full_admin", "customer_read_only")
NON_CUSTOMER_ROLES = tuple(r for r in COLUMNS if r not in CUSTOMER_ROLES)


def expected_granted(role: str, permission: str, *, restricted: bool) -> bool:
    """What the hand-written table says."""
    cell = EXPECTED[permission][role]
    return cell == "Y" or (cell == "U" and not restricted)


def test_the_table_names_every_permission_and_every_role() -> None:
    # a new permission or role must be classified here before this suite passes again
    assert set(EXPECTED) == {p.value for p in Permission}
    assert set(COLUMNS) == {r.value for r in Role}


@pytest.mark.parametrize("restricted", [False, True], ids=["unrestricted", "restricted"])
@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("role", COLUMNS)
def test_effective_permissions_agree_with_the_table(
    role: str, permission: str, restricted: bool
) -> None:
    granted = Permission(permission) in effective_permissions(
        frozenset({role}), restricted=restricted
    )

    assert granted is expected_granted(role, permission, restricted=restricted)


@pytest.mark.parametrize("restricted", [False, True])
@pytest.mark.parametrize("role", CUSTOMER_ROLES)
def test_always_on_removals_apply_to_customer_admins_in_both_modes(
    role: str, restricted: bool
) -> None:
    granted = {p.value for p in effective_permissions(frozenset({role}), restricted=restricted)}

    assert granted.isdisjoint(ALWAYS_REMOVED_FROM_CUSTOMER_ADMINS)


def test_restricted_mode_leaves_a_full_admin_reading_editing_names_deciding_attach() -> None:
    granted = {
        p.value for p in effective_permissions(frozenset({"customer_full_admin"}), restricted=True)
    }

    assert granted == {
        "org.settings.read",
        "users.read",
        "users.names.edit",
        "org.attach_requests.decide",
        # Its calling set-up stays its own (section 11; 10.2 restricts none of it).
        "calling.config.read",
        "calling.locations.manage",
        "calling.workspaces.manage",
        "calling.devices.manage",
        "calling.queues.manage",
    }


def test_turning_restricted_mode_off_lets_a_full_admin_add_users_and_change_packages() -> None:
    on = effective_permissions(frozenset({"customer_full_admin"}), restricted=True)
    off = effective_permissions(frozenset({"customer_full_admin"}), restricted=False)

    assert Permission("users.manage") not in on
    assert Permission("users.package.change") not in on
    assert Permission("users.manage") in off
    assert Permission("users.package.change") in off


@pytest.mark.parametrize("role", NON_CUSTOMER_ROLES)
def test_operator_and_partner_roles_are_unaffected_by_restricted_mode(role: str) -> None:
    roles = frozenset({role})

    on = effective_permissions(roles, restricted=True)
    off = effective_permissions(roles, restricted=False)

    assert on == off
    assert {p.value for p in on} == {p for p in EXPECTED if EXPECTED[p][role] == "Y"}


def test_several_roles_grant_the_union_of_their_rows() -> None:
    roles = frozenset({"partner_read_only", "provisioning_admin"})

    granted = {p.value for p in effective_permissions(roles, restricted=True)}

    assert granted == {
        p
        for p, row in EXPECTED.items()
        if "Y" in (row["partner_read_only"], row["provisioning_admin"])
    }


@pytest.mark.parametrize(
    "roles", [frozenset(), frozenset({"no_such_role"})], ids=["none", "unknown"]
)
def test_no_known_role_grants_nothing(roles: frozenset[str]) -> None:
    assert effective_permissions(roles, restricted=False) == frozenset()
    assert effective_permissions(roles, restricted=True) == frozenset()


def principal(*roles: str) -> Principal:
    """A caller holding `roles` (scopes play no part in permission checks)."""
    return Principal(
        user_id="user",
        org_id="org",
        org_kind="customer",
        partner_org_id="org",
        roles=frozenset(roles),
        scopes=frozenset(),
        token_id="token",
    )


def test_authorize_refuses_with_the_documented_403_code() -> None:
    with pytest.raises(DomainError) as refused:
        authorize(principal("partner_read_only"), Permission("customers.write"))

    assert refused.value.status == 403
    assert [p.code.number for p in refused.value.problems] == [1012]
    assert "customers.write" in refused.value.message


def test_authorize_applies_restricted_mode_only_when_asked() -> None:
    admin = principal("customer_full_admin")

    authorize(admin, Permission("users.manage"))
    authorize(admin, Permission("users.manage"), restricted=False)
    authorize(admin, Permission("users.names.edit"), restricted=True)
    with pytest.raises(DomainError) as refused:
        authorize(admin, Permission("users.manage"), restricted=True)

    assert refused.value.status == 403
    assert [p.code.number for p in refused.value.problems] == [1012]


def test_authorize_lets_a_partner_admin_toggle_restricted_mode_even_in_restricted_mode() -> None:
    authorize(principal("wholesale_admin"), Permission("customers.restricted_mode.write"))
    authorize(
        principal("partner_full_admin"),
        Permission("customers.restricted_mode.write"),
        restricted=True,
    )
    with pytest.raises(DomainError):
        authorize(principal("partner_read_only"), Permission("customers.restricted_mode.write"))


# A partner's staff acting in a customer organization they manage (cross-launch into the
# customer portal), by hand: what they may do there on top of their own rows. Those who read
# subscribers read its users and settings; those who write subscribers manage its users and
# their packages, restricted mode or not (it binds the customer's administrators, not the
# partner who sets it); the partner administrators who set restricted mode also change what it
# makes read-only (company name, domains, e-mail and sign-in settings: 10.2 "only partner
# administrators may change the restricted settings"); deciding attach requests stays the
# customer's own.
CUSTOMER_ORG_READ = {"org.settings.read", "users.read", "users.service_status.view"}
CUSTOMER_ORG_WRITE = CUSTOMER_ORG_READ | {
    "users.manage",
    "users.names.edit",
    "users.package.change",
    "users.services.edit",
    "users.primary_number.edit",
}
CUSTOMER_ORG_SETTINGS = {
    "org.company_name.edit",
    "org.domains.edit",
    "org.email_settings.edit",
    "org.authentication.edit",
}
IN_CUSTOMER_ORG = {
    "partner_full_admin": CUSTOMER_ORG_WRITE | CUSTOMER_ORG_SETTINGS,
    "wholesale_admin": CUSTOMER_ORG_WRITE | CUSTOMER_ORG_SETTINGS,
    "provisioning_admin": CUSTOMER_ORG_WRITE,
    "partner_read_only": CUSTOMER_ORG_READ,
    "customer_full_admin": set(),
    "customer_read_only": set(),
}


@pytest.mark.parametrize("restricted", [False, True], ids=["unrestricted", "restricted"])
@pytest.mark.parametrize("role", sorted(IN_CUSTOMER_ORG))
def test_partner_staff_in_a_customer_organization_gain_its_user_management(
    role: str, restricted: bool
) -> None:
    roles = frozenset({role})
    there = effective_permissions(roles, restricted=restricted, in_customer_org=True)
    own = effective_permissions(roles, restricted=restricted)

    assert {p.value for p in there - own} == IN_CUSTOMER_ORG[role]
    assert Permission("org.attach_requests.decide") not in there - own
