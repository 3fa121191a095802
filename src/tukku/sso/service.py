"""Use cases of partner single sign-on, the same for the API and the portal:

- a partner's full administrators (`SSO_MANAGE`) read, set and remove their organization's one
  identity provider, OpenID Connect or SAML 2.0; the OIDC client secret and the SAML SP private
  key are stored encrypted with the platform key, never answered and never logged; every change
  is audited (without them); a SAML IdP's metadata is fetched once, at save, when given by URL;
- "apply to staff" makes the partner organization sign in as `partner_oidc` (`partner_saml`);
  customers created afterwards from a template with that `authMode` sign in through the
  partner's provider too, while existing customers keep their own sign-in;
- who an identity provider may sign in: a user matched by verified e-mail, of the provider's
  partner, or of a customer of that partner whose organization signs in through it; no account
  is ever created by signing in; a SAML assertion signs in once only;
- password sign-in is closed for users whose organization signs in through a configured
  provider, except once for a user an operator grants a break-glass sign-in (audited).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
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
from tukku.sso import oidc, rules, saml
from tukku.sso.models import BreakGlass, ConsumedAssertion, PartnerIdp

SECRET_PURPOSE = b"tukku partner IdP client secret v1"
SP_KEY_PURPOSE = b"tukku partner SAML SP private key v1"
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
    "saml_entity_id",
    "saml_metadata_url",
    "saml_send_email_hint",
    "saml_sp_id",
)
OIDC_COLUMNS = AUDITED[2:10]
SAML_COLUMNS = (
    "saml_entity_id",
    "saml_metadata",
    "saml_metadata_url",
    "saml_sp_id",
    "saml_sp_key_encrypted",
    "saml_sp_certificate",
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
    return IdpView(idp, _staff_mode(session, actor.org_id) == rules.AUTH_MODE_OF_KIND[idp.kind])


def _staff_mode(session: Session, org_id: str) -> str:
    org = identity.get_org_unscoped(session, org_id)
    return org.auth_mode if org else "webex"


def _staff_applied(session: Session, org_id: str) -> bool:
    """Whether the partner's own staff sign in through its provider, of whichever kind."""
    return _staff_mode(session, org_id) in rules.AUTH_MODE_OF_KIND.values()


def _snapshot(idp: PartnerIdp | None, apply_to_staff: bool) -> dict[str, Any] | None:
    if idp is None:
        return None
    shown = audit.snapshot(idp, AUDITED)
    metadata = idp.saml_metadata
    return (
        shown
        | {"clientSecretSet": bool(idp.client_secret_encrypted)}
        | {
            "samlMetadataSha256": hashlib.sha256(metadata.encode()).hexdigest()
            if metadata
            else None
        }
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
    was_applied = _staff_applied(session, actor.org_id)
    before = _snapshot(idp, was_applied)
    problems = rules.check_oidc(
        settings, secret_stored=bool(idp and idp.client_secret_encrypted and idp.kind == "oidc")
    )
    if problems:
        raise invalid_all(problems)
    _refuse_taken_name(session, actor, settings.name)
    if idp is None:
        idp = PartnerIdp(org_id=actor.org_id, created_at=now)
        session.add(idp)
    for column in SAML_COLUMNS:
        setattr(idp, column, None)
    idp.saml_send_email_hint = False
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
    changed = {"clientSecretChanged": True} if settings.client_secret else {}
    return _saved(session, actor, idp, before, apply_to_staff, was_applied, now, changed)


def _refuse_taken_name(session: Session, actor: Actor, name: str) -> None:
    taken = session.scalars(
        select(PartnerIdp.org_id).where(PartnerIdp.name == name, PartnerIdp.org_id != actor.org_id)
    ).first()
    if taken is not None:
        raise Conflict("idpName", "another identity provider has this name", Codes.IDP_NAME_TAKEN)


def _saved(
    session: Session,
    actor: Actor,
    idp: PartnerIdp,
    before: dict[str, Any] | None,
    apply_to_staff: bool,
    was_applied: bool,
    now: datetime,
    changed: dict[str, Any],
) -> IdpView:
    """The staff's sign-in set after a save, and the save audited."""
    if apply_to_staff:
        identity.set_sign_in(
            session,
            org_id=actor.org_id,
            auth_mode=rules.AUTH_MODE_OF_KIND[idp.kind],
            idp_entity_id=idp.name,
        )
    elif was_applied:
        identity.set_sign_in(session, org_id=actor.org_id, auth_mode="webex", idp_entity_id=None)
    session.flush()
    action = "sso.idp.update" if before else "sso.idp.create"
    after = (_snapshot(idp, apply_to_staff) or {}) | changed
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


def put_saml(
    session: Session,
    *,
    actor: Actor,
    settings: rules.SamlSettings,
    apply_to_staff: bool,
    now: datetime,
    key: str,
) -> IdpView:
    """Create or replace the acting partner's SAML 2.0 identity provider (400 naming each bad
    field; 409 when another partner's provider has the name). Metadata given by URL is fetched
    now, once; none given keeps the stored metadata. tukku's SP key pair for the IdP is made
    the first time and kept while the IdP stays SAML (its private key sealed)."""
    idp = _own(session, actor)
    was_applied = _staff_applied(session, actor.org_id)
    before = _snapshot(idp, was_applied)
    stored = idp.saml_metadata if idp is not None and idp.kind == rules.SAML else None
    problems = rules.check_saml(settings, metadata_stored=bool(stored))
    if problems:
        raise invalid_all(problems)
    entity_id = settings.entity_id.strip()
    url = settings.metadata_url.strip()
    try:
        if settings.metadata:
            metadata = saml.read_metadata(settings.metadata, entity_id, "idpMetadata")
        elif url:
            metadata = saml.read_metadata(saml.fetch_metadata(url), entity_id, "idpMetadataUrl")
        else:
            metadata = saml.read_metadata(stored or "", entity_id, "idpEntityId")
    except saml.MetadataRefused as refused:
        raise invalid_all([refused.problem]) from refused
    _refuse_taken_name(session, actor, settings.name)
    if idp is None:
        idp = PartnerIdp(org_id=actor.org_id, created_at=now)
        session.add(idp)
    if idp.kind != rules.SAML or not idp.saml_sp_key_encrypted:
        for column in (*OIDC_COLUMNS, "client_secret_encrypted"):
            setattr(idp, column, None)
        idp.saml_sp_id = saml.new_sp_id()
        keys = saml.new_sp_keys(idp.saml_sp_id, now)
        idp.saml_sp_key_encrypted = seal(key, SP_KEY_PURPOSE, keys.key_pem)
        idp.saml_sp_certificate = keys.certificate_pem
    idp.kind = rules.SAML
    idp.name = settings.name
    idp.saml_entity_id = entity_id
    idp.saml_metadata = metadata.xml
    if settings.metadata:
        idp.saml_metadata_url = None
    elif url:
        idp.saml_metadata_url = url
    idp.saml_send_email_hint = settings.send_email_hint
    idp.updated_at = now
    return _saved(session, actor, idp, before, apply_to_staff, was_applied, now, {})


def delete(session: Session, *, actor: Actor, now: datetime) -> None:
    """Remove the acting partner's identity provider: its staff and customers sign in with
    passwords again (404 when it has none)."""
    view = get(session, actor=actor)
    before = _snapshot(view.idp, view.apply_to_staff)
    if not view.apply_to_staff and _staff_applied(session, actor.org_id):
        identity.set_sign_in(session, org_id=actor.org_id, auth_mode="webex", idp_entity_id=None)
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
    return seal(key, SECRET_PURPOSE, secret)


def seal(key: str, purpose: bytes, secret: str) -> str:
    """A secret of `purpose` as stored: a Fernet token under the platform key."""
    return fernet(key, purpose).encrypt(secret.encode()).decode()


def client_secret(idp: PartnerIdp, key: str) -> str:
    """The stored client secret, for the token endpoint only."""
    sealed = idp.client_secret_encrypted or ""
    return fernet(key, SECRET_PURPOSE).decrypt(sealed.encode()).decode()


def idp_named(session: Session, name: str) -> PartnerIdp | None:
    """The identity provider of this name (public: a partner's sign-in link names it)."""
    return session.scalars(select(PartnerIdp).where(PartnerIdp.name == name)).first()


def saml_idp(session: Session, sp_id: str) -> PartnerIdp | None:
    """The SAML identity provider tukku's SP `sp_id` is registered at (public: its entity ID
    and ACS URL name it)."""
    idp = session.scalars(select(PartnerIdp).where(PartnerIdp.saml_sp_id == sp_id)).first()
    return idp if idp is not None and idp.kind == rules.SAML else None


def sp_of(idp: PartnerIdp, base_url: str) -> saml.Sp:
    """What tukku is to a SAML IdP: its SP entity ID and ACS URL under `base_url`."""
    sp_id = idp.saml_sp_id or ""
    return saml.Sp(rules.saml_entity_id(base_url, sp_id), rules.saml_acs_url(base_url, sp_id))


def _sp_keys(idp: PartnerIdp, key: str) -> saml.SpKeys:
    sealed = idp.saml_sp_key_encrypted or ""
    key_pem = fernet(key, SP_KEY_PURPOSE).decrypt(sealed.encode()).decode()
    return saml.SpKeys(key_pem, idp.saml_sp_certificate or "")


def public_sp_metadata(idp: PartnerIdp, *, base_url: str, key: str) -> str:
    """tukku's SP metadata for a SAML IdP (public: only the entity ID, the ACS URL and the
    certificate)."""
    return saml.sp_metadata(sp_of(idp, base_url), _sp_keys(idp, key))


def sp_metadata(session: Session, *, actor: Actor, base_url: str, key: str) -> str:
    """The acting partner's SP metadata to register at its SAML IdP (404 unless it has one)."""
    idp = _own(session, actor)
    if idp is None or idp.kind != rules.SAML:
        raise NotFound("SAML identity provider", Codes.SAML_NOT_CONFIGURED)
    return public_sp_metadata(idp, base_url=base_url, key=key)


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
    """An authorization request to the OIDC identity provider named `name` (None when no such
    provider has that name; `oidc.SsoFailed` when it cannot be reached or is misconfigured)."""
    idp = idp_named(session, name)
    if idp is None or idp.kind != rules.OIDC:
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


def begin_saml(idp: PartnerIdp, *, base_url: str, key: str, email: str | None) -> saml.Request:
    """A signed AuthnRequest to a SAML IdP, hinting `email` when the partner asked for it."""
    try:
        metadata = saml.read_metadata(idp.saml_metadata or "", idp.saml_entity_id or "")
    except saml.MetadataRefused as refused:
        raise oidc.SsoFailed("the stored metadata no longer holds") from refused
    hint = email if idp.saml_send_email_hint and email else None
    return saml.authn_request(
        sp_of(idp, base_url),
        _sp_keys(idp, key),
        metadata,
        entity_id=idp.saml_entity_id or "",
        email=hint,
    )


@dataclass(frozen=True)
class SamlVouched:
    """A user a SAML IdP vouched for, and the assertion to consume at sign-in."""

    vouched: Vouched
    asserted: saml.Asserted


def complete_saml(
    session: Session,
    *,
    idp: PartnerIdp,
    saml_response: str,
    request_id: str,
    base_url: str,
    key: str,
    now: datetime,
) -> SamlVouched:
    """Check a SAML IdP's response to `request_id` and match the user by the e-mail it
    asserts; `oidc.SsoFailed` otherwise. Reads only (`consume_assertion` writes)."""
    try:
        metadata = saml.read_metadata(idp.saml_metadata or "", idp.saml_entity_id or "")
    except saml.MetadataRefused as refused:
        raise oidc.SsoFailed("the stored metadata no longer holds") from refused
    asserted = saml.check_response(
        sp_of(idp, base_url),
        _sp_keys(idp, key),
        metadata,
        entity_id=idp.saml_entity_id or "",
        saml_response=saml_response,
        request_id=request_id,
        now=now,
    )
    if not asserted.email:
        raise oidc.SsoFailed("the assertion names no e-mail address")
    user = match_user(session, idp, asserted.email)
    if user is None:
        raise oidc.SsoFailed("no account of this provider's partner matches the e-mail")
    return SamlVouched(Vouched(user.id, idp.org_id, idp.name), asserted)


def consume_assertion(session: Session, *, asserted: saml.Asserted, now: datetime) -> None:
    """Record an assertion as used until it expires (forgetting those expired);
    `oidc.SsoFailed` when it was used already, in any process."""
    session.execute(sql_delete(ConsumedAssertion).where(ConsumedAssertion.expires_at < now))
    digest = hashlib.sha256(f"{asserted.issuer}\0{asserted.assertion_id}".encode()).hexdigest()
    if session.get(ConsumedAssertion, digest) is not None:
        raise oidc.SsoFailed("the assertion was used already (replay)")
    try:
        with session.begin_nested():
            session.add(ConsumedAssertion(digest=digest, expires_at=asserted.expires))
    except IntegrityError as taken:
        raise oidc.SsoFailed("the assertion was used already (replay)") from taken


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
    after = {"address": address, "via": idp.kind, "identityProvider": vouched.idp_name}
    raise_event(
        session, SecurityEvent("user.sign_in", "user", user.id, user.org_id, now, after=after)
    )
    return user
