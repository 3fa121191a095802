"""Routes of a partner's identity provider (`/v1/partner/sso`): read, set and remove it, and
tukku's SAML SP metadata to register at a SAML IdP; full administrators only; audited. The client
secret is write-only; the SP private key is never answered."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.responses import PlainTextResponse

from tukku.core.deps import DbSession, LinkSecret, WallClockDep
from tukku.core.http import link_base_url
from tukku.core.routing import api_router
from tukku.core.timefmt import iso
from tukku.identity.actor import Actor
from tukku.identity.deps import acting
from tukku.identity.rules import Scope
from tukku.sso import rules, service
from tukku.sso.schemas import IdpOut, IdpWrite

router = api_router(prefix="/v1/partner/sso", tags=["Single sign-on"])
SsoReader = Annotated[Actor, Depends(acting(Scope.SSO_READ))]
SsoWriter = Annotated[Actor, Depends(acting(Scope.SSO_WRITE))]


def sign_in_link(base: str, name: str) -> str:
    """The sign-in page that offers the partner's identity provider."""
    return f"{base.rstrip('/')}/portal/sign-in/sso/{quote(name, safe='')}"


def idp_out(view: service.IdpView, base: str) -> IdpOut:
    """The wire form of an identity provider (never its client secret)."""
    idp = view.idp
    sp = service.sp_of(idp, base) if idp.kind == rules.SAML else None
    return IdpOut(
        type=idp.kind,
        idp_name=idp.name,
        client_id=idp.client_id or "",
        client_secret_set=bool(idp.client_secret_encrypted),
        scopes=idp.scopes or "",
        authorization_endpoint=idp.authorization_endpoint,
        token_endpoint=idp.token_endpoint,
        discovery_endpoint=idp.discovery_endpoint,
        user_info_endpoint=idp.userinfo_endpoint,
        jwks_endpoint=idp.jwks_endpoint,
        issuer=idp.issuer,
        idp_entity_id=idp.saml_entity_id,
        idp_metadata_url=idp.saml_metadata_url,
        idp_metadata_set=bool(idp.saml_metadata),
        send_email_hint=bool(idp.saml_send_email_hint),
        sp_entity_id=sp.entity_id if sp else None,
        acs_url=sp.acs_url if sp else None,
        sp_metadata_url=sp.entity_id if sp else None,
        apply_to_staff=view.apply_to_staff,
        redirect_uri=rules.redirect_uri(base),
        sign_in_url=sign_in_link(base, idp.name),
        created=iso(idp.created_at),
        last_modified=iso(idp.updated_at),
    )


def settings_of(body: IdpWrite) -> rules.OidcSettings:
    """The settings a body gives, for the pure rules."""
    return rules.OidcSettings(
        name=body.idp_name,
        client_id=body.client_id,
        client_secret=body.client_secret or "",
        scopes=body.scopes,
        authorization_endpoint=(body.authorization_endpoint or "").strip(),
        token_endpoint=(body.token_endpoint or "").strip(),
        discovery_endpoint=(body.discovery_endpoint or "").strip(),
        userinfo_endpoint=(body.user_info_endpoint or "").strip(),
        jwks_endpoint=(body.jwks_endpoint or "").strip(),
        issuer=(body.issuer or "").strip(),
    )


def saml_settings_of(body: IdpWrite) -> rules.SamlSettings:
    """The SAML settings a body gives, for the pure rules."""
    return rules.SamlSettings(
        name=body.idp_name,
        entity_id=body.idp_entity_id or "",
        metadata=body.idp_metadata or "",
        metadata_url=(body.idp_metadata_url or "").strip(),
        send_email_hint=body.send_email_hint,
    )


def save(
    body: IdpWrite, session: DbSession, actor: Actor, now: datetime, key: str
) -> service.IdpView:
    """Save a body through the service of its type (the API's and the portal's way)."""
    if body.type == rules.SAML:
        return service.put_saml(
            session,
            actor=actor,
            settings=saml_settings_of(body),
            apply_to_staff=body.apply_to_staff,
            now=now,
            key=key,
        )
    return service.put(
        session,
        actor=actor,
        settings=settings_of(body),
        apply_to_staff=body.apply_to_staff,
        now=now,
        key=key,
    )


@router.get("", response_model=IdpOut, summary="Get your identity provider")
def get_idp(request: Request, session: DbSession, actor: SsoReader) -> IdpOut:
    """Your organization's identity provider and the redirect URI to register at it (404 when
    none is configured)."""
    return idp_out(service.get(session, actor=actor), link_base_url(request))


@router.put("", response_model=IdpOut, summary="Set your identity provider")
def put_idp(
    body: IdpWrite,
    request: Request,
    session: DbSession,
    clock: WallClockDep,
    key: LinkSecret,
    actor: SsoWriter,
) -> IdpOut:
    """Create or replace your identity provider: `"type": "oidc"` (leave `clientSecret` out to
    keep the stored one) or `"type": "saml"` (its metadata as XML or by URL, fetched once now).
    `applyToStaff` makes your own staff sign in through it only."""
    view = save(body, session, actor, clock.now(), key)
    return idp_out(view, link_base_url(request))


@router.get(
    "/samlMetadata",
    response_class=PlainTextResponse,
    summary="Get tukku's SAML SP metadata",
    responses={200: {"content": {"application/samlmetadata+xml": {}}}},
)
def get_sp_metadata(
    request: Request, session: DbSession, key: LinkSecret, actor: SsoReader
) -> Response:
    """The SP metadata to register at your SAML identity provider: tukku's SP entity ID, its
    assertion consumer service URL and signing certificate (404 without a SAML provider)."""
    xml = service.sp_metadata(session, actor=actor, base_url=link_base_url(request), key=key)
    return Response(xml, media_type="application/samlmetadata+xml")


@router.delete("", status_code=204, summary="Remove your identity provider")
def delete_idp(session: DbSession, clock: WallClockDep, actor: SsoWriter) -> Response:
    """Your staff and customers sign in with passwords again."""
    service.delete(session, actor=actor, now=clock.now())
    return Response(status_code=204)
