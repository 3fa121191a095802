"""The one authorization scope: who acts for which organization, what they may do, and which
rows their queries reach (tried against a real database, on both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.errors import Codes, DomainError
from tukku.identity import actor as actors
from tukku.identity import service as identity
from tukku.identity.models import Organization
from tukku.identity.permissions import Permission
from tukku.identity.principal import Principal
from tukku.identity.rules import Role

Tree = dict[str, str]


@pytest.fixture
def tree(db: Database, clock: ManualClock) -> Tree:
    """Partner P with sub-partners S1 and S2, partner Q with sub-partner QS, a customer C."""
    now = clock.now()
    with db.unit_of_work() as session:

        def org(kind: str, name: str, parent: str | None = None) -> str:
            return identity.create_organization(
                session, kind=kind, name=name, now=now, parent_id=parent
            ).id

        p = org("partner", "P")
        q = org("partner", "Q")
        return {
            "P": p,
            "S1": org("sub_partner", "S1", p),
            "S2": org("sub_partner", "S2", p),
            "Q": q,
            "QS": org("sub_partner", "QS", q),
            "C": org("customer", "C"),
        }


def principal(tree: Tree, org: str, kind: str, *roles: Role) -> Principal:
    org_id = tree[org]
    parent = {"S1": "P", "S2": "P", "QS": "Q"}.get(org, org)
    return Principal(
        user_id=f"user-of-{org}",
        org_id=org_id,
        org_kind=kind,
        partner_org_id=tree[parent] if kind == "sub_partner" else org_id,
        roles=frozenset(r.value for r in roles or (Role.PARTNER_FULL_ADMIN,)),
        scopes=frozenset(),
        token_id="t",
    )


def visible_orgs(db: Database, tree: Tree, actor: actors.Actor) -> set[str]:
    names = {v: k for k, v in tree.items()}
    with db.unit_of_work(write=False) as session:
        found = session.scalars(select(Organization.id).where(actor.sees(Organization.id)))
        return {names[i] for i in found}


def test_a_parent_sees_itself_and_its_sub_partners_never_another_partners(
    db: Database, tree: Tree
) -> None:
    parent = actors.own(principal(tree, "P", "partner"))

    assert visible_orgs(db, tree, parent) == {"P", "S1", "S2"}
    assert parent.is_parent
    assert parent.sub_partner_org_id is None


def test_a_sub_partner_and_a_parent_acting_for_it_see_only_that_sub_partner(
    db: Database, tree: Tree
) -> None:
    itself = actors.own(principal(tree, "S1", "sub_partner"))
    with db.unit_of_work(write=False) as session:
        for_it = actors.resolve(session, principal(tree, "P", "partner"), tree["S1"])

    assert visible_orgs(db, tree, itself) == {"S1"}
    assert visible_orgs(db, tree, for_it) == {"S1"}
    assert (for_it.org_id, for_it.partner_org_id, for_it.sub_partner_org_id) == (
        tree["S1"],
        tree["P"],
        tree["S1"],
    )


@pytest.mark.parametrize(
    ("caller", "kind", "target"),
    [
        ("P", "partner", "QS"),  # another partner's sub-partner
        ("P", "partner", "Q"),  # another partner
        ("P", "partner", "C"),  # a customer
        ("S1", "sub_partner", "S2"),  # a sibling
        ("S1", "sub_partner", "P"),  # its own parent
        ("P", "partner", "nonexistent"),
    ],
)
def test_acting_for_anything_but_your_own_sub_partner_is_404(
    db: Database, tree: Tree, caller: str, kind: str, target: str
) -> None:
    with db.unit_of_work(write=False) as session, pytest.raises(DomainError) as refused:
        actors.resolve(session, principal(tree, caller, kind), tree.get(target, target))

    assert refused.value.status == 404
    assert [p.code for p in refused.value.problems] == [Codes.SUB_PARTNER_NOT_FOUND]


def test_only_partner_organizations_act_on_the_wholesale_side(tree: Tree) -> None:
    with pytest.raises(DomainError) as refused:
        actors.own(principal(tree, "C", "customer", Role.CUSTOMER_FULL_ADMIN))

    assert refused.value.status == 403


def test_an_operator_acts_only_for_a_partner_it_names(db: Database, tree: Tree) -> None:
    operator = principal(tree, "P", "operator", Role.OPERATOR)
    with db.unit_of_work(write=False) as session:
        acting = actors.for_named_partner(session, operator, tree["Q"], what="partner")
        refusals = []
        for wrong in (None, tree["QS"], tree["C"], "nonexistent"):
            with pytest.raises(DomainError) as refused:
                actors.for_named_partner(session, operator, wrong, what="partner")
            refusals.append(refused.value.status)

    assert (acting.org_id, acting.partner_org_id, acting.operator) == (tree["Q"], tree["Q"], True)
    assert visible_orgs(db, tree, acting) == {"Q", "QS"}
    assert refusals == [404, 404, 404, 404]


def test_permissions_come_from_the_acting_users_roles(tree: Tree) -> None:
    reader = actors.own(principal(tree, "P", "partner", Role.PARTNER_READ_ONLY))
    admin = actors.own(principal(tree, "P", "partner", Role.WHOLESALE_ADMIN))

    assert reader.may(Permission.CUSTOMERS_READ)
    assert not reader.may(Permission.CUSTOMERS_WRITE)
    assert admin.may(Permission.CUSTOMERS_WRITE)
    with pytest.raises(DomainError) as refused:
        reader.require(Permission.CUSTOMERS_WRITE)
    assert refused.value.status == 403


def test_a_customer_admin_acts_only_for_its_own_customer_organization(
    db: Database, tree: Tree
) -> None:
    admin = principal(tree, "C", "customer", Role.CUSTOMER_FULL_ADMIN)
    partner_admin = principal(tree, "P", "partner", Role.PARTNER_FULL_ADMIN)
    with db.unit_of_work(write=False) as session:
        customer_org = session.get(Organization, tree["C"])
        partner_org = session.get(Organization, tree["P"])
        assert customer_org is not None
        assert partner_org is not None
        acting = actors.customer_admin(
            admin, customer_org, partner_org_id=tree["P"], restricted=False
        )
        refusals = []
        for who, org in ((partner_admin, customer_org), (admin, partner_org)):
            with pytest.raises(DomainError) as refused:
                actors.customer_admin(who, org, partner_org_id=None, restricted=False)
            refusals.append(refused.value.status)

    assert (acting.org_id, acting.partner_org_id) == (tree["C"], tree["P"])
    assert refusals == [403, 403]


def test_restricted_mode_takes_what_it_names_from_customer_admins_and_says_why(
    db: Database, tree: Tree
) -> None:
    admin = principal(tree, "C", "customer", Role.CUSTOMER_FULL_ADMIN)
    with db.unit_of_work(write=False) as session:
        org = session.get(Organization, tree["C"])
        assert org is not None
        free = actors.customer_admin(admin, org, partner_org_id=tree["P"], restricted=False)
        held = actors.customer_admin(admin, org, partner_org_id=tree["P"], restricted=True)

    assert free.may(Permission.COMPANY_NAME_EDIT)
    assert not held.may(Permission.COMPANY_NAME_EDIT)
    assert held.may(Permission.USERS_READ)
    with pytest.raises(DomainError) as refused:
        held.require(Permission.COMPANY_NAME_EDIT)
    assert refused.value.status == 403
    assert "restricted by your partner" in str(refused.value)
