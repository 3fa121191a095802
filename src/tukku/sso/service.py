"""Use cases of partner single sign-on, the same for the API and the portal:

- a partner's full administrators (`SSO_MANAGE`) read, set and remove their organization's one
  identity provider; the client secret is stored encrypted with the platform key, never answered
  and never logged; every change is audited (without the secret);
- "apply to staff" makes the partner organization sign in as `partner_oidc`; customers created
  afterwards from a template with that `authMode` sign in through the partner's provider too,
  while existing customers keep their own sign-in;
- who an identity provider may sign in: a user matched by verified e-mail, of the provider's
  partner, or of a customer of that partner whose organization signs in through it; no account
  is ever created by signing in;
- password sign-in is closed for users whose organization signs in through a configured
  provider, except once for a user an operator grants a break-glass sign-in (audited).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.core.errors import Codes, Conflict, Invalid, NotFound, invalid_all
from tukku.core.sealing import fernet
from tukku.customers.models import Customer
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.events import SecurityEvent, raise_event
from tukku.identity.models import Organization, User
from tukku.identity.permissions import Permission
from tukku.identity.rules import PARTNER_KINDS, OrgKind
from tukku.sso import oidc, rules
from tukku.sso.models import BreakGlass, PartnerIdp

SECRET_PURPOSE = b"tukku partner IdP client secret v1"
AUDITED = (
    "kind",
    "name",
    "client_id",
    "scopes",
    "authorization_endpoint",
    "token_endpoint",
    "discovery_endpoint",
    "userinfo_endpoint",
    "jwks_endpoint",
    "issuer",
)


@dataclass(frozen=True)
class IdpView:
    """A partner's identity provider and whether its own staff sign in through it."""

    idp: PartnerIdp
    apply_to_staff: bool


def _own(session: Session, actor: Actor) -> PartnerIdp | None:
    actor.require(Permission.SSO_MANAGE)
    return session.get(PartnerIdp, actor.org_id)


def get(session: Session, *, actor: Actor) -> IdpView:
    """The acting partner's identity provider; 404 when it has none."""
    idp = _own(session, actor)
    if idp is None:
        raise NotFound("identity provider", Codes.SSO_NOT_CONFIGURED)
    return IdpView(idp, _staff_mode(session, actor.org_id) == "partner_oidc")


def _staff_mode(session: Session, org_id: str) -> str:
    org = identity.get_org_unscoped(session, org_id)
    return org.auth_mode if org else "webex"


def _snapshot(idp: PartnerIdp | None, apply_to_staff: bool) -> dict[str, Any] | None:
    if idp is None:
        return None
    shown = audit.snapshot(idp, AUDITED)
    return (
        shown
        | {"clientSecretSet": bool(idp.client_secret_encrypted)}
        | {"applyToStaff": apply_to_staff}
    )


def put(
    session: Session,
    *,
    actor: Actor,
    settings: rules.OidcSettings,
    apply_to_staff: bool,
    now: datetime,
    key: str,
) -> IdpView:
    """Create or replace the acting partner's OIDC identity provider (400 naming each bad
    field; 409 when another partner's provider has the name). A blank client secret keeps the
    stored one."""
    idp = _own(session, actor)
    was_applied = _staff_mode(session, actor.org_id) == "partner_oidc"
    before = _snapshot(idp, was_applied)
    problems = rules.check_oidc(
        settings, secret_stored=bool(idp and idp.client_secret_encrypted and idp.kind == "oidc")
    )
    if problems:
        raise invalid_all(problems)
    taken = session.scalars(
        select(PartnerIdp.org_id).where(
            PartnerIdp.name == settings.name, PartnerIdp.org_id != actor.org_id
        )
    ).first()
    if taken is not None:
        raise Conflict("idpName", "another identity provider has this name", Codes.IDP_NAME_TAKEN)
    if idp is None:
        idp = PartnerIdp(org_id=actor.org_id, created_at=now)
        session.add(idp)
    idp.kind = rules.OIDC
    idp.name = settings.name
    idp.client_id = settings.client_id.strip()
    if settings.client_secret:
        idp.client_secret_encrypted = seal_secret(key, settings.client_secret)
    idp.scopes = " ".join(rules.scope_list(settings.scopes))
    idp.authorization_endpoint = settings.authorization_endpoint or None
    idp.token_endpoint = settings.token_endpoint or None
    idp.discovery_endpoint = settings.discovery_endpoint or None
    idp.userinfo_endpoint = settings.userinfo_endpoint or None
    idp.jwks_endpoint = settings.jwks_endpoint or None
    idp.issuer = settings.issuer or None
    idp.updated_at = now
    if apply_to_staff:
        identity.set_sign_in(
            session, org_id=actor.org_id, auth_mode="partner_oidc", idp_entity_id=idp.name
        )
    elif was_applied:
        identity.set_sign_in(session, org_id=actor.org_id, auth_mode="webex", idp_entity_id=None)
    session.flush()
    action = "sso.idp.update" if before else "sso.idp.create"
    after = _snapshot(idp, apply_to_staff)
    if settings.client_secret:
        after = (after or {}) | {"clientSecretChanged": True}
    audit.record(
        session,
        action=action,
        target_type="identity_provider",
        target_id=actor.org_id,
        now=now,
        actor=actor,
        before=before,
        after=after,
    )
    return IdpView(idp, apply_to_staff)


def delete(session: Session, *, actor: Actor, now: datetime) -> None:
    """Remove the acting partner's identity provider: its staff and customers sign in with
    passwords again (404 when it has none)."""
    view = get(session, actor=actor)
    before = _snapshot(view.idp, view.apply_to_staff)
    session.delete(view.idp)
    if view.apply_to_staff:
        identity.set_sign_in(session, org_id=actor.org_id, auth_mode="webex", idp_entity_id=None)
    session.flush()
    audit.record(
        session,
        action="sso.idp.delete",
        target_type="identity_provider",
        target_id=actor.org_id,
        now=now,
        actor=actor,
        before=before,
    )


def seal_secret(key: str, secret: str) -> str:
    """A client secret as stored: a Fernet token under the platform key."""
    return fernet(key, SECRET_PURPOSE).encrypt(secret.encode()).decode()


def client_secret(idp: PartnerIdp, key: str) -> str:
    """The stored client secret, for the token endpoint only."""
    sealed = idp.client_secret_encrypted or ""
    return fernet(key, SECRET_PURPOSE).decrypt(sealed.encode()).decode()


def idp_named(session: Session, name: str) -> PartnerIdp | None:
    """The OIDC identity provider of this name (public: a partner's sign-in link names it)."""
    idp = session.scalars(select(PartnerIdp).where(PartnerIdp.name == name)).first()
    return idp if idp is not None and idp.kind == rules.OIDC else None


def idp_of_org(session: Session, org_id: str) -> PartnerIdp | None:
    """A partner's identity provider, by the partner's organization."""
    return session.get(PartnerIdp, org_id)


def match_user(session: Session, idp: PartnerIdp, email: str) -> User | None:
    """The active user the provider may sign in with this (verified) e-mail: one of the
    provider's partner's staff, or of a customer of that partner whose organization signs in
    through the provider; None for anyone else."""
    user = identity.find_user_by_email(session, email)
    if user is None or user.status != "active":
        return None
    if user.org_id == idp.org_id:
        return user
    org = identity.get_org_unscoped(session, user.org_id)
    mode = rules.AUTH_MODE_OF_KIND[idp.kind]
    if org is None or org.kind != OrgKind.CUSTOMER or org.auth_mode != mode:
        return None
    owner = session.scalars(select(Customer.owner_org_id).where(Customer.org_id == org.id)).first()
    return user if owner == idp.org_id else None


def _responsible_idp(session: Session, org: Organization) -> PartnerIdp | None:
    """The identity provider an organization's sign-in depends on: its own (a partner's) or
    its owning partner's (a customer's)."""
    if org.kind in PARTNER_KINDS:
        return session.get(PartnerIdp, org.id)
    if org.kind == OrgKind.CUSTOMER:
        owner = session.scalars(
            select(Customer.owner_org_id).where(Customer.org_id == org.id)
        ).first()
        return session.get(PartnerIdp, owner) if owner else None
    return None


def closing_idp(session: Session, user: User) -> PartnerIdp | None:
    """The identity provider that closes password sign-in for `user`, if any."""
    org = identity.get_org_unscoped(session, user.org_id)
    if org is None:
        return None
    idp = _responsible_idp(session, org)
    return idp if idp and rules.password_closed(org.auth_mode, idp.kind) else None


def password_gate(session: Session, user: User, now: datetime) -> str | None:
    """Called once a user's password is right: the name of the identity provider the user
    must sign in through instead, or None to let the sign-in go on. A live break-glass grant
    lets it go on once, and is spent (audited)."""
    idp = closing_idp(session, user)
    if idp is None:
        return None
    grant = session.scalars(
        select(BreakGlass)
        .where(
            BreakGlass.user_id == user.id,
            BreakGlass.used_at.is_(None),
            BreakGlass.expires_at > now,
        )
        .order_by(BreakGlass.created_at)
    ).first()
    if grant is None:
        return idp.name
    grant.used_at = now
    audit.record(
        session,
        action="user.sso_break_glass_used",
        target_type="user",
        target_id=user.id,
        now=now,
        partner_org_id=_partner_of(session, user),
        owner_org_id=user.org_id,
        after={"grant": grant.id, "identityProvider": idp.name},
    )
    return None


def _partner_of(session: Session, user: User) -> str | None:
    org = identity.get_org_unscoped(session, user.org_id)
    if org is None:
        return None
    if org.kind == OrgKind.CUSTOMER:
        return session.scalars(
            select(Customer.partner_org_id).where(Customer.org_id == org.id)
        ).first()
    return org.parent_id if org.kind == OrgKind.SUB_PARTNER else org.id


def grant_break_glass(
    session: Session, *, email: str, reason: str, now: datetime, lifetime: timedelta
) -> BreakGlass:
    """An operator lets one user sign in once with a password although the user's
    organization signs in through its identity provider (the provider is down or
    misconfigured); 404 for an unknown user, 409 when the user's password sign-in is open."""
    user = identity.find_user_by_email(session, email)
    if user is None or user.status != "active":
        raise NotFound("user", field_name="email")
    idp = closing_idp(session, user)
    if idp is None:
        raise Conflict(
            "email", "this user may sign in with a password already", Codes.BREAK_GLASS_NOT_NEEDED
        )
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", "required: say why the user needs in")
    grant = BreakGlass(
        id=secrets.token_hex(16),
        user_id=user.id,
        reason=reason[:500],
        created_at=now,
        expires_at=now + lifetime,
        used_at=None,
    )
    session.add(grant)
    audit.record(
        session,
        action="user.sso_break_glass",
        target_type="user",
        target_id=user.id,
        now=now,
        partner_org_id=_partner_of(session, user),
        owner_org_id=user.org_id,
        after={
            "grant": grant.id,
            "reason": grant.reason,
            "expires": grant.expires_at.isoformat(),
            "identityProvider": idp.name,
        },
    )
    return grant


@dataclass(frozen=True)
class Started:
    """A sign-in sent to an identity provider: which one, and the request on its way."""

    idp: PartnerIdp
    request: oidc.Request


def begin(session: Session, *, name: str, redirect_uri: str, key: str) -> Started | None:
    """An authorization request to the identity provider named `name` (None when no provider
    has that name; `oidc.SsoFailed` when the provider cannot be reached or is misconfigured)."""
    idp = idp_named(session, name)
    if idp is None:
        return None
    secret = client_secret(idp, key)
    return Started(idp, oidc.authorization_request(idp, secret=secret, redirect_uri=redirect_uri))


def complete(
    session: Session,
    *,
    idp_org_id: str,
    code: str,
    verifier: str,
    nonce: str,
    redirect_uri: str,
    key: str,
    now: datetime,
    response_issuer: str | None = None,
) -> Vouched:
    """Finish a sign-in at the callback: the code redeemed, the ID token checked, the user
    matched by verified e-mail; `oidc.SsoFailed` otherwise. Reads only: the provider is asked
    outside any write (`record_sign_in` writes)."""
    idp = idp_of_org(session, idp_org_id)
    if idp is None or idp.kind != rules.OIDC:
        raise oidc.SsoFailed("the identity provider was removed meanwhile")
    who = oidc.finish(
        idp,
        secret=client_secret(idp, key),
        redirect_uri=redirect_uri,
        code=code,
        verifier=verifier,
        nonce=nonce,
        response_issuer=response_issuer,
        now=now.timestamp(),
    )
    if not who.email or not who.email_verified:
        raise oidc.SsoFailed("the provider did not vouch for the e-mail (email_verified)")
    user = match_user(session, idp, who.email)
    if user is None:
        raise oidc.SsoFailed("no account of this provider's partner matches the e-mail")
    return Vouched(user.id, idp.org_id, idp.name)


@dataclass(frozen=True)
class Vouched:
    """A user an identity provider vouched for, not signed in yet."""

    user_id: str
    idp_org_id: str
    idp_name: str


def record_sign_in(session: Session, *, vouched: Vouched, address: str, now: datetime) -> User:
    """The user signing in through the provider, audited as a password sign-in is (naming the
    provider); `oidc.SsoFailed` if the user or the provider went meanwhile."""
    user = identity.get_user_unscoped(session, vouched.user_id)
    idp = idp_of_org(session, vouched.idp_org_id)
    if user is None or user.status != "active" or idp is None:
        raise oidc.SsoFailed("the user or the provider went meanwhile")
    after = {"address": address, "via": "oidc", "identityProvider": vouched.idp_name}
    raise_event(
        session, SecurityEvent("user.sign_in", "user", user.id, user.org_id, now, after=after)
    )
    return user
