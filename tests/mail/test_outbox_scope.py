"""Who reads which mail of the outbox: the decision over a principal, every kind of caller."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tukku.identity.principal import Principal
from tukku.identity.rules import ROLE_SCOPES, Role, Scope
from tukku.mail.service import OutboxScope, Reach


def principal(org_kind: str, role: Role, *, org_id: str = "ORG", parent: str = "") -> Principal:
    return Principal(
        user_id="USER",
        org_id=org_id,
        org_kind=org_kind,
        partner_org_id=parent or org_id,
        roles=frozenset({role.value}),
        scopes=frozenset(s.value for s in ROLE_SCOPES[role]),
        token_id="TOKEN",
    )


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        (principal("operator", Role.OPERATOR), OutboxScope(Reach.EVERYTHING)),
        (principal("partner", Role.PARTNER_FULL_ADMIN), OutboxScope(Reach.PARTNER, "ORG")),
        (principal("partner", Role.PARTNER_READ_ONLY), OutboxScope(Reach.PARTNER, "ORG")),
        (
            principal("sub_partner", Role.WHOLESALE_ADMIN, parent="PARENT"),
            OutboxScope(Reach.OWNER, "ORG"),
        ),
        (principal("customer", Role.CUSTOMER_FULL_ADMIN), OutboxScope(Reach.CUSTOMER, "ORG")),
        (principal("customer", Role.CUSTOMER_READ_ONLY), OutboxScope(Reach.CUSTOMER, "ORG")),
        (principal("standalone", Role.CUSTOMER_FULL_ADMIN), OutboxScope(Reach.CUSTOMER, "ORG")),
    ],
)
def test_each_caller_reaches_its_own_tenant(caller: Principal, expected: OutboxScope) -> None:
    assert OutboxScope.of(caller) == expected


def test_an_operator_without_the_ops_scope_reads_nothing() -> None:
    caller = principal("operator", Role.OPERATOR)
    without_ops = replace(caller, scopes=caller.scopes - {Scope.OPS.value})

    assert OutboxScope.of(without_ops) == OutboxScope(Reach.NOTHING)


def test_a_customer_organizations_user_without_an_admin_role_reads_nothing() -> None:
    caller = principal("customer", Role.CUSTOMER_FULL_ADMIN)
    plain = replace(caller, roles=frozenset())

    assert OutboxScope.of(plain) == OutboxScope(Reach.NOTHING)


@pytest.mark.parametrize("reach", [Reach.PARTNER, Reach.OWNER, Reach.CUSTOMER])
def test_a_tenant_scope_without_an_organization_matches_nothing(reach: Reach) -> None:
    assert str(OutboxScope(reach).where()) == str(OutboxScope(Reach.NOTHING).where())
