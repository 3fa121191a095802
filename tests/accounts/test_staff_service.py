"""The staff use cases called directly, as the API and the portal call them: who may grant
which roles, the invitation link's single use and lifetime, a parent acting for its
sub-partner's staff, and a removed user coming back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import Partner
from tukku.accounts import staff
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.core.errors import DomainError
from tukku.identity import actor as actors
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.models import Organization
from tukku.identity.principal import Principal
from tukku.identity.rules import OrgKind, Role
from tukku.mail.models import MailMessage

INVITATION = staff.Invitation(link_base="https://hub.example.test/", lifetime=timedelta(days=7))
TOKEN = re.compile(r"https://hub\.example\.test/portal/set-password/(\S+)")


def _actor(db: Database, email: str, org_id: str | None = None) -> Actor:
    """The user owning `email` acting for its own organization (or for `org_id`, one of its
    sub-partners)."""
    with db.unit_of_work(write=False) as session:
        user = identity.find_user_by_email(session, email)
        assert user is not None
        org = session.get(Organization, user.org_id)
        assert org is not None
        roles = identity.roles_of(session, user.id)
        principal = Principal(
            user_id=user.id,
            org_id=org.id,
            org_kind=org.kind,
            partner_org_id=org.parent_id or org.id,
            roles=roles,
            scopes=frozenset(),
            token_id="t",
        )
        if org_id is None:
            return actors.own(principal)
        return actors.resolve(session, principal, org_id)


def _invite(db: Database, clock: ManualClock, actor: Actor, email: str, *roles: Role) -> str:
    with db.unit_of_work() as session:
        member = staff.invite(
            session,
            actor=actor,
            email=email,
            roles=[r.value for r in roles],
            now=clock.now(),
            invitation=INVITATION,
        )
        return member.user.id


def _link_token(db: Database, email: str) -> str:
    with db.unit_of_work(write=False) as session:
        bodies = session.query(MailMessage.body).filter(MailMessage.to_address == email).all()
    found = TOKEN.search(bodies[-1][0])
    assert found is not None, bodies
    return found.group(1)


def test_full_administrators_may_grant_every_partner_role_and_nobody_else_any(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    admin = _actor(db, partner.admin_email)
    _invite(db, clock, admin, "w@acme.test", Role.WHOLESALE_ADMIN)
    wholesale = _actor(db, "w@acme.test")

    assert set(staff.grantable_roles(admin)) == {
        Role.PARTNER_FULL_ADMIN,
        Role.WHOLESALE_ADMIN,
        Role.PARTNER_READ_ONLY,
        Role.PROVISIONING_ADMIN,
    }
    assert staff.grantable_roles(wholesale) == []
    with pytest.raises(DomainError) as refused:
        _invite(db, clock, wholesale, "x@acme.test", Role.PARTNER_READ_ONLY)
    assert refused.value.status == 403


def test_the_invitation_link_works_once_within_its_lifetime(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    _invite(db, clock, _actor(db, partner.admin_email), "late@acme.test", Role.PARTNER_READ_ONLY)
    _invite(db, clock, _actor(db, partner.admin_email), "soon@acme.test", Role.PARTNER_READ_ONLY)
    late, soon = _link_token(db, "late@acme.test"), _link_token(db, "soon@acme.test")

    with db.unit_of_work() as session:
        within = clock.now() + timedelta(days=6, hours=23)
        assert identity.password_link_user(session, token=soon, now=within) is not None
        identity.redeem_password_link(
            session, token=soon, password="correct horse battery staple", now=within
        )
        assert identity.password_link_user(session, token=soon, now=within) is None
        past = clock.now() + timedelta(days=7, seconds=1)
        assert identity.password_link_user(session, token=late, now=past) is None


def test_a_parent_manages_its_sub_partners_staff_and_only_in_that_organization(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    with db.unit_of_work() as session:
        sub = identity.create_organization(
            session,
            kind=OrgKind.SUB_PARTNER,
            name="Reseller",
            parent_id=partner.org_id,
            now=clock.now(),
        )
        sub_id = sub.id
    for_sub = _actor(db, partner.admin_email, sub_id)

    user_id = _invite(db, clock, for_sub, "rita@reseller.test", Role.PARTNER_FULL_ADMIN)

    with db.unit_of_work(write=False) as session:
        user = identity.get_user_unscoped(session, user_id)
        assert user is not None
        assert user.org_id == sub_id
        own = staff.list_staff(session, actor=_actor(db, partner.admin_email), offset=0, limit=10)
        assert "rita@reseller.test" not in [m.user.email for m in own]
        theirs = staff.list_staff(session, actor=for_sub, offset=0, limit=10)
        assert [m.user.email for m in theirs] == ["rita@reseller.test"]


def test_a_removed_user_comes_back_without_its_old_roles(
    db: Database, clock: ManualClock, partner: Partner
) -> None:
    admin = _actor(db, partner.admin_email)
    user_id = _invite(db, clock, admin, "again@acme.test", Role.WHOLESALE_ADMIN)
    with db.unit_of_work() as session:
        staff.remove(session, actor=admin, user_id=user_id, now=clock.now())
        with pytest.raises(DomainError) as gone:
            staff.get_staff(session, actor=admin, user_id=user_id)
        assert gone.value.status == 404

    back = _invite(db, clock, admin, "again@acme.test", Role.PARTNER_READ_ONLY)

    with db.unit_of_work(write=False) as session:
        member = staff.get_staff(session, actor=admin, user_id=back)
    assert back == user_id
    assert member.roles == {Role.PARTNER_READ_ONLY.value}


def test_another_partners_removed_user_is_a_conflict_not_a_return(
    db: Database, clock: ManualClock, partner: Partner, other_partner: Partner
) -> None:
    theirs = _actor(db, other_partner.admin_email)
    user_id = _invite(db, clock, theirs, "mover@rival.test", Role.WHOLESALE_ADMIN)
    with db.unit_of_work() as session:
        staff.remove(session, actor=theirs, user_id=user_id, now=clock.now())

    with pytest.raises(DomainError) as refused:
        _invite(
            db, clock, _actor(db, partner.admin_email), "mover@rival.test", Role.PARTNER_READ_ONLY
        )

    assert refused.value.status == 409
