"""Routes of a partner's identity provider (`/v1/partner/sso`): read, set and remove it; full
administrators only; audited. The client secret is write-only."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, Response

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
    """Create or replace your OIDC identity provider; leave `clientSecret` out to keep the
    stored one. `applyToStaff` makes your own staff sign in through it only."""
    view = service.put(
        session,
        actor=actor,
        settings=settings_of(body),
        apply_to_staff=body.apply_to_staff,
        now=clock.now(),
        key=key,
    )
    return idp_out(view, link_base_url(request))


@router.delete("", status_code=204, summary="Remove your identity provider")
def delete_idp(session: DbSession, clock: WallClockDep, actor: SsoWriter) -> Response:
    """Your staff and customers sign in with passwords again."""
    service.delete(session, actor=actor, now=clock.now())
    return Response(status_code=204)
