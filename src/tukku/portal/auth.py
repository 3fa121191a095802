"""Who is signed in to the portal, and the CSRF check of every form.

The browser holds a random session secret in an `HttpOnly`, `SameSite=Lax` cookie (`Secure`
when the public base URL is HTTPS); `identity` keeps only its hash. A page gets the signed-in
user from `PortalUserDep`, which sends anyone else to the sign-in page, and acts through the
same `Actor` as the API (`identity.actor.own`), so a page can never show or change what the
API would refuse. A parent partner acting for one of its sub-partners holds that sub-partner's
organization ID in the `tukku_acting` cookie; it is no secret, since every request resolves it
again as the API resolves `onBehalfOfSubPartnerOrgId`, and any other ID is refused. A partner's
user who cross-launches into a customer's portal (`/hub`) holds that customer's ID in the
`tukku_hub` cookie, resolved the same way on every request among the customers it manages.

Every form carries a CSRF token: a signature (itsdangerous) of a hash of the browser's session
cookie, or, before sign-in, of a random pre-session cookie. A POST whose token does not match
its cookies is refused (403) before anything else happens.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, Signer
from starlette.concurrency import run_in_threadpool

from tukku.branding import service as branding
from tukku.core.clock import Clock
from tukku.core.db import Database
from tukku.core.errors import DomainError
from tukku.core.http import note_caller_org
from tukku.core.settings import Settings
from tukku.identity import actor as actors
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.principal import Principal
from tukku.web.brand import DEFAULT, Brand

SESSION_COOKIE = "tukku_session"
PRE_SESSION_COOKIE = "tukku_pre"
ACTING_COOKIE = "tukku_acting"
HUB_COOKIE = "tukku_hub"
CSRF_FIELD = "csrf"
SIGN_IN_PATH = "/portal/sign-in"


class SignInRequired(Exception):
    """No live portal session: the page answers with a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    """A form posted without the CSRF token of its own browser session (403)."""


class ActingRefused(Exception):
    """The `tukku_acting` cookie names no sub-partner of the user's own: the page answers 404
    and drops the cookie, showing nothing of that organization."""


class HubRefused(Exception):
    """A partner's user opened the customer portal without a customer it manages in the
    `tukku_hub` cookie: the page answers 404 and drops the cookie."""


@dataclass(frozen=True)
class Acting:
    """The sub-partner a parent partner's user acts for, resolved for this request."""

    actor: Actor
    name: str


@dataclass(frozen=True)
class PortalUser:
    """The signed-in user of a page: the API's `Principal`, the user's name and e-mail, the
    stored ID of the session (to sign it out), the CSRF token its forms carry, when it acts
    for one of its sub-partners, that sub-partner (`acting_refused`: the cookie named another),
    and the brand its organization's pages wear (its partner's, or its own override)."""

    principal: Principal
    email: str
    name: str
    session_id: str
    csrf: str
    acting: Acting | None = None
    acting_refused: bool = False
    brand: Brand = DEFAULT

    @property
    def actor(self) -> Actor:
        """Who the user's pages act as: the sub-partner it acts for, as the API's `acting` gives
        it for `onBehalfOfSubPartnerOrgId`, or else its own organization."""
        if self.acting_refused:
            raise ActingRefused
        return self.acting.actor if self.acting else actors.own(self.principal)

    @property
    def own_actor(self) -> Actor:
        """The user acting for its own organization, whoever it acts for now (managing its
        sub-partners is the parent's own business)."""
        return actors.own(self.principal)


def sign_in_url(next_path: str) -> str:
    """The sign-in page, coming back to `next_path` (a path of this site) afterwards."""
    return f"{SIGN_IN_PATH}?next={quote(safe_next(next_path), safe='/')}"


def safe_next(next_path: str | None) -> str:
    """`next_path` if it is a path of the portals; the portal's home otherwise (never another
    site: `//evil.example` and `https://…` are refused)."""
    if next_path and next_path.startswith(("/portal", "/hub")) and not next_path.startswith("//"):
        return next_path
    return "/portal/"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _signer(request: Request) -> Signer:
    secret: str = request.app.state.link_secret
    return Signer(secret, salt="tukku.portal.csrf")


def _anchor(value: str) -> bytes:
    return hashlib.sha256(value.encode()).hexdigest().encode()


def csrf_token(request: Request, cookie_value: str) -> str:
    """The CSRF token of forms shown to the browser holding `cookie_value` (its session or
    pre-session cookie)."""
    return _signer(request).get_signature(_anchor(cookie_value)).decode()


def check_csrf(request: Request, submitted: str | None) -> None:
    """Raise `CsrfRefused` unless `submitted` is the token of this browser's cookies."""
    for name in (SESSION_COOKIE, PRE_SESSION_COOKIE):
        value = request.cookies.get(name)
        if value and submitted:
            try:
                if _signer(request).verify_signature(_anchor(value), submitted.encode()):
                    return
            except BadSignature:
                continue
    raise CsrfRefused


def set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int | None
) -> None:
    """A cookie scripts cannot read, sent back only to this site's own pages and forms."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=(_settings(request).public_base_url or "").startswith("https://"),
    )


def client_address(request: Request) -> str:
    """The address a request came from (as uvicorn's trusted-proxy handling resolved it)."""
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True)
class _Found:
    user: identity.SessionUser
    acting: Acting | None
    refused: bool
    brand: Brand = DEFAULT


def _look_up(request: Request, secret: str, acting_id: str | None) -> _Found | None:
    db: Database = request.app.state.db
    clock: Clock = request.app.state.wall_clock
    idle = timedelta(minutes=_settings(request).portal_idle_minutes)
    with db.unit_of_work() as session:
        found = identity.session_user(session, secret=secret, now=clock.now(), idle=idle)
        if found is None:
            return None
        brand = branding.brand_for_org(session, found.principal.org_id)
        if not acting_id:
            return _Found(found, None, False, brand)
        try:
            actor = actors.resolve(session, found.principal, acting_id)
        except DomainError:
            return _Found(found, None, True, brand)
        if actor.is_parent:  # its own organization: nothing to act for
            return _Found(found, None, False, brand)
        org = identity.get_org_unscoped(session, actor.org_id)
        return _Found(found, Acting(actor, org.name if org else actor.org_id), False, brand)


async def portal_user(request: Request) -> PortalUser:
    """The signed-in user of this page request; `SignInRequired` for anyone else.

    Looked up in a short unit of work of its own (it notes the session's use), before the
    page's own unit of work starts; the sub-partner the user acts for is resolved there too.
    """
    secret = request.cookies.get(SESSION_COOKIE)
    acting_id = request.cookies.get(ACTING_COOKIE)
    found = await run_in_threadpool(_look_up, request, secret, acting_id) if secret else None
    if found is None or secret is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(path)
    note_caller_org(request, found.user.principal.org_id)
    user = found.user.user
    name = " ".join(n for n in (user.first_name, user.last_name) if n) or user.email
    return PortalUser(
        found.user.principal,
        user.email,
        name,
        found.user.session_id,
        csrf_token(request, secret),
        found.acting,
        found.refused,
        found.brand,
    )


PortalUserDep = Annotated[PortalUser, Depends(portal_user)]
