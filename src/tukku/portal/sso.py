"""Partner single sign-on in the portal: the identity provider's settings page (full
administrators; OpenID Connect or SAML 2.0, by a type choice), the sign-in page a partner's users
reach by the partner's link, and the round trip through the provider: OpenID Connect's, or
SAML's (a signed AuthnRequest by redirect; the IdP's response posted to tukku's assertion
consumer service).

The round trip is bound to the browser that started it: the `state`, `nonce` and PKCE verifier
travel in a cookie sealed with the platform key (Fernet, readable by no one else, dead after
`PENDING_SECONDS`) that also names the browser's pre-session cookie; the callback refuses any
other browser, any other `state`, and a second use (the cookie is dropped at the callback).
Once the provider vouches for the user, the session is the same as a password sign-in's.

A SAML response comes back as a cross-site POST, which carries no `SameSite=Lax` cookie: the
SAML round trip's request ID travels in a cookie of its own, sealed likewise, sent back on that
POST (`SameSite=None; Secure` when tukku is served over https or on a loopback host, which
browsers treat as secure; `Lax` otherwise, enough only for an IdP of the same site). The ACS
accepts only a response to that request ID, so a response meant for another browser (or sent
unsolicited) signs no one in here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from cryptography.fernet import InvalidToken
from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tukku.core.clock import Clock
from tukku.core.db import Database
from tukku.core.deps import DbSession, LinkSecret, ReadOnlySession, SettingsDep
from tukku.core.errors import DomainError
from tukku.core.http import link_base_url
from tukku.core.routing import api_router
from tukku.core.sealing import fernet
from tukku.identity import service as identity
from tukku.portal.auth import (
    ACTING_COOKIE,
    PRE_SESSION_COOKIE,
    SESSION_COOKIE,
    PortalUser,
    PortalUserDep,
    check_csrf,
    client_address,
    csrf_token,
    safe_next,
    set_cookie,
)
from tukku.portal.forms import field_errors, undo
from tukku.sso import api as sso_api
from tukku.sso import rules, saml
from tukku.sso import service as sso
from tukku.sso.oidc import SsoFailed
from tukku.sso.schemas import IdpWrite
from tukku.web.templating import templates

router = api_router(prefix="/portal", include_in_schema=False)
log = logging.getLogger("tukku.sso")
FormField = Annotated[str, Form()]
PENDING_COOKIE = "tukku_sso"
PENDING_PURPOSE = b"tukku SSO sign-in in flight v1"
PENDING_SECONDS = 600
SAML_COOKIE = "tukku_saml"
SAML_PURPOSE = b"tukku SAML sign-in in flight v1"
SAML_FIELDS = ("idpName", "idpEntityId", "idpMetadataUrl")
KINDS = {rules.OIDC: "OpenID Connect", rules.SAML: "SAML 2.0"}
FIELDS = (
    "idpName",
    "clientId",
    "scopes",
    "discoveryEndpoint",
    "authorizationEndpoint",
    "tokenEndpoint",
    "jwksEndpoint",
    "userInfoEndpoint",
    "issuer",
)


def _wall(request: Request) -> datetime:
    clock: Clock = request.app.state.wall_clock
    return clock.now()


def _context(request: Request, user: PortalUser, **more: Any) -> dict[str, Any]:
    base = link_base_url(request)
    return {
        "user": user,
        "csrf": user.csrf,
        "nav": "sso",
        "redirect_uri": rules.redirect_uri(base),
        **more,
    }


def _values(view: sso.IdpView | None) -> dict[str, Any]:
    if view is None:
        return dict.fromkeys(FIELDS + SAML_FIELDS, "") | {"scopes": "openid email profile"}
    idp = view.idp
    if idp.kind == rules.SAML:
        return dict.fromkeys(FIELDS, "") | {
            "scopes": "openid email profile",
            "idpName": idp.name,
            "idpEntityId": idp.saml_entity_id or "",
            "idpMetadataUrl": idp.saml_metadata_url or "",
            "sendEmailHint": bool(idp.saml_send_email_hint),
            "applyToStaff": view.apply_to_staff,
        }
    return (
        {
            "idpName": idp.name,
            "clientId": idp.client_id or "",
            "scopes": idp.scopes or "",
            "discoveryEndpoint": idp.discovery_endpoint or "",
            "authorizationEndpoint": idp.authorization_endpoint or "",
            "tokenEndpoint": idp.token_endpoint or "",
            "jwksEndpoint": idp.jwks_endpoint or "",
            "userInfoEndpoint": idp.userinfo_endpoint or "",
            "issuer": idp.issuer or "",
            "applyToStaff": view.apply_to_staff,
        }
        | dict.fromkeys(SAML_FIELDS, "")
        | {"idpName": idp.name}
    )


def _page(
    request: Request,
    user: PortalUser,
    view: sso.IdpView | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    notice: str | None = None,
    kind: str | None = None,
) -> HTMLResponse:
    base = link_base_url(request)
    shown = kind if kind in KINDS else (view.idp.kind if view else rules.OIDC)
    saml_sp = sso.sp_of(view.idp, base) if view and view.idp.kind == rules.SAML else None
    context = _context(
        request,
        user,
        view=view,
        values=values,
        errors=errors,
        notice=notice,
        kind=shown,
        kinds=KINDS,
        saml_sp=saml_sp,
        sign_in_url=sso_api.sign_in_link(base, view.idp.name) if view else None,
    )
    return templates.TemplateResponse(request, "portal/sso.html", context, status)


def _current(session: DbSession, user: PortalUser) -> sso.IdpView | None:
    try:
        return sso.get(session, actor=user.actor)
    except DomainError as refused:
        if refused.status == 404:
            return None
        raise


@router.get("/sso", response_class=HTMLResponse)
def sso_settings(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    done: str | None = None,
    type: str | None = None,
) -> Response:
    """The identity provider's settings (full administrators only) for the type chosen (the
    configured one first), with what to register at the provider and the sign-in link to give
    the users."""
    view = _current(session, user)
    notices = {"saved": "The identity provider is saved.", "removed": "It is removed."}
    return _page(request, user, view, _values(view), {}, notice=notices.get(done or ""), kind=type)


@router.post("/sso", response_class=HTMLResponse)
def save_sso(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    key: LinkSecret,
    csrf: FormField = "",
    idpName: FormField = "",  # noqa: N803 - the form's field names are the API's
    clientId: FormField = "",  # noqa: N803
    clientSecret: FormField = "",  # noqa: N803
    scopes: FormField = "",
    discoveryEndpoint: FormField = "",  # noqa: N803
    authorizationEndpoint: FormField = "",  # noqa: N803
    tokenEndpoint: FormField = "",  # noqa: N803
    jwksEndpoint: FormField = "",  # noqa: N803
    userInfoEndpoint: FormField = "",  # noqa: N803
    issuer: FormField = "",
    applyToStaff: FormField = "",  # noqa: N803
) -> Response:
    """Save the settings through the same service as the API; the form again with the reasons
    next to the fields when it refuses (the secret is never put back in the form)."""
    check_csrf(request, csrf)
    body = IdpWrite(
        idp_name=idpName,
        client_id=clientId,
        client_secret=clientSecret,
        scopes=scopes,
        discovery_endpoint=discoveryEndpoint,
        authorization_endpoint=authorizationEndpoint,
        token_endpoint=tokenEndpoint,
        jwks_endpoint=jwksEndpoint,
        user_info_endpoint=userInfoEndpoint,
        issuer=issuer,
        apply_to_staff=applyToStaff == "1",
    )
    try:
        sso_api.save(body, session, user.actor, _wall(request), key)
    except DomainError as refused:
        undo(session)
        if refused.status == 403:
            raise
        values = {
            "idpName": idpName,
            "clientId": clientId,
            "scopes": scopes,
            "discoveryEndpoint": discoveryEndpoint,
            "authorizationEndpoint": authorizationEndpoint,
            "tokenEndpoint": tokenEndpoint,
            "jwksEndpoint": jwksEndpoint,
            "userInfoEndpoint": userInfoEndpoint,
            "issuer": issuer,
            "applyToStaff": applyToStaff == "1",
        }
        view = _current(session, user)
        return _page(request, user, view, values, field_errors(refused.problems), 400)
    return RedirectResponse("/portal/sso?done=saved", status_code=303)


@router.post("/sso/saml", response_class=HTMLResponse)
def save_saml(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    key: LinkSecret,
    idpMetadata: Annotated[UploadFile | None, File()] = None,  # noqa: N803
    csrf: FormField = "",
    idpName: FormField = "",  # noqa: N803 - the form's field names are the API's
    idpEntityId: FormField = "",  # noqa: N803
    idpMetadataUrl: FormField = "",  # noqa: N803
    sendEmailHint: FormField = "",  # noqa: N803
    applyToStaff: FormField = "",  # noqa: N803
) -> Response:
    """Save a SAML identity provider through the same service as the API (its metadata by
    upload or by URL); the form again with the reasons next to the fields when it refuses."""
    check_csrf(request, csrf)
    uploaded = idpMetadata.file.read(saml.MAX_METADATA_BYTES + 1) if idpMetadata else b""
    values = {
        "idpName": idpName,
        "idpEntityId": idpEntityId,
        "idpMetadataUrl": idpMetadataUrl,
        "sendEmailHint": sendEmailHint == "1",
        "applyToStaff": applyToStaff == "1",
    }
    try:
        metadata = uploaded.decode("utf-8")
    except UnicodeDecodeError:
        view = _current(session, user)
        errors = {"idpMetadata": "not UTF-8 XML"}
        return _page(request, user, view, values, errors, 400, kind=rules.SAML)
    body = IdpWrite(
        type="saml",
        idp_name=idpName,
        idp_entity_id=idpEntityId,
        idp_metadata=metadata or None,
        idp_metadata_url=idpMetadataUrl,
        send_email_hint=sendEmailHint == "1",
        apply_to_staff=applyToStaff == "1",
    )
    try:
        sso_api.save(body, session, user.actor, _wall(request), key)
    except DomainError as refused:
        undo(session)
        if refused.status == 403:
            raise
        view = _current(session, user)
        errors = field_errors(refused.problems)
        return _page(request, user, view, values, errors, 400, kind=rules.SAML)
    return RedirectResponse("/portal/sso?done=saved", status_code=303)


@router.get("/sso/saml-metadata")
def download_sp_metadata(
    request: Request, session: DbSession, user: PortalUserDep, key: LinkSecret
) -> Response:
    """tukku's SP metadata as a file, to upload at the SAML identity provider."""
    xml = sso.sp_metadata(session, actor=user.actor, base_url=link_base_url(request), key=key)
    disposition = 'attachment; filename="tukku-sp-metadata.xml"'
    return Response(
        xml,
        media_type="application/samlmetadata+xml",
        headers={"content-disposition": disposition},
    )


@router.get("/sso/saml/{sp_id}")
def public_sp_metadata(
    sp_id: str, request: Request, session: DbSession, key: LinkSecret
) -> Response:
    """tukku's SP metadata at its entity ID, for IdPs that fetch it (public: the entity ID,
    the ACS URL and the certificate only)."""
    idp = sso.saml_idp(session, sp_id)
    if idp is None:
        return Response("No such service provider.", status_code=404, media_type="text/plain")
    xml = sso.public_sp_metadata(idp, base_url=link_base_url(request), key=key)
    return Response(xml, media_type="application/samlmetadata+xml")


@router.post("/sso/remove")
def remove_sso(
    request: Request, session: DbSession, user: PortalUserDep, csrf: FormField = ""
) -> Response:
    """Remove the identity provider: staff and customers sign in with passwords again."""
    check_csrf(request, csrf)
    sso.delete(session, actor=user.actor, now=_wall(request))
    return RedirectResponse("/portal/sso?done=removed", status_code=303)


def _anonymous(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    """A page for someone not signed in, its forms carrying the pre-session's CSRF token."""
    held = request.cookies.get(PRE_SESSION_COOKIE)
    value = held or secrets.token_urlsafe(32)
    response = templates.TemplateResponse(
        request, template, {**context, "csrf": csrf_token(request, value)}, status
    )
    if held is None:
        set_cookie(request, response, PRE_SESSION_COOKIE, value, max_age=None)
    return response


@router.get("/sign-in/sso/{name}", response_class=HTMLResponse)
def sso_sign_in_page(
    name: str,
    request: Request,
    session: DbSession,
    next: str | None = None,
    idpEmail: str | None = None,  # noqa: N803 - the form's field name
) -> Response:
    """A partner's sign-in link: "Sign in with <provider>", and the password form (for those
    whose organization still signs in with one). A SAML IdP that wants the e-mail as a hint
    first asks for it (a form back to this page: a form may not lead off the site)."""
    idp = sso.idp_named(session, name)
    context: dict[str, Any] = {"next": safe_next(next), "email": "", "notice": None}
    if idp is None:
        context["errors"] = {"form": "No identity provider has this name: check the link."}
        return _anonymous(request, "portal/sign_in.html", context, 404)
    hint = bool(idp.kind == rules.SAML and idp.saml_send_email_hint)
    given = (idpEmail or "").strip()[:320] if hint else ""
    return _anonymous(
        request,
        "portal/sign_in.html",
        context | {"idp_name": idp.name, "idp_hint": hint, "hint_email": given},
    )


@router.get("/sign-in/sso/{name}/start")
def start_sso(
    name: str,
    request: Request,
    session: DbSession,
    key: LinkSecret,
    next: str | None = None,
    idpEmail: str | None = None,  # noqa: N803 - the sign-in page's field name
) -> Response:
    """Send the browser to the identity provider, the round trip's secrets sealed in a cookie
    bound to this browser's pre-session. A link, not a form: browsers refuse a form's redirect
    to another site under the portal's `form-action 'self'`, and starting a sign-in changes
    nothing but this browser's own cookie."""
    pre = request.cookies.get(PRE_SESSION_COOKIE) or secrets.token_urlsafe(32)
    redirect_uri = rules.redirect_uri(link_base_url(request))
    idp = sso.idp_named(session, name)
    if idp is not None and idp.kind == rules.SAML:
        return _start_saml(request, idp, key, safe_next(next), idpEmail)
    try:
        started = sso.begin(session, name=name, redirect_uri=redirect_uri, key=key)
    except SsoFailed as failed:
        log.warning("single sign-on could not start", extra={"idp": name, "why": failed.reason})
        return _failed(request, "The identity provider cannot be reached now. Try again later.")
    if started is None:
        return sso_sign_in_page(name, request, session, next)
    pending = {
        "idp": started.idp.org_id,
        "state": started.request.state,
        "nonce": started.request.nonce,
        "verifier": started.request.verifier,
        "next": safe_next(next),
        "pre": _anchor(pre),
    }
    sealed = fernet(key, PENDING_PURPOSE).encrypt(json.dumps(pending).encode()).decode()
    response = RedirectResponse(started.request.url, status_code=303)
    set_cookie(request, response, PENDING_COOKIE, sealed, max_age=PENDING_SECONDS)
    if PRE_SESSION_COOKIE not in request.cookies:
        set_cookie(request, response, PRE_SESSION_COOKIE, pre, max_age=None)
    return response


def _start_saml(request: Request, idp: Any, key: str, next_url: str, email: str | None) -> Response:
    """Send the browser to the SAML IdP with a signed AuthnRequest, its ID sealed in a cookie
    the IdP's cross-site POST still carries."""
    try:
        sent = sso.begin_saml(
            idp, base_url=link_base_url(request), key=key, email=(email or "").strip() or None
        )
    except SsoFailed as failed:
        log.warning("SAML sign-in could not start", extra={"idp": idp.name, "why": failed.reason})
        return _failed(request, "The identity provider cannot be used now. Try again later.")
    pending = {"idp": idp.org_id, "request": sent.request_id, "next": next_url}
    sealed = fernet(key, SAML_PURPOSE).encrypt(json.dumps(pending).encode()).decode()
    response = RedirectResponse(sent.url, status_code=303)
    secure = _trustworthy(link_base_url(request))
    response.set_cookie(
        SAML_COOKIE,
        sealed,
        max_age=PENDING_SECONDS,
        path="/portal/sso/saml/",
        httponly=True,
        secure=secure,
        samesite="none" if secure else "lax",
    )
    return response


def _trustworthy(base_url: str) -> bool:
    """Whether browsers keep a `Secure` cookie for `base_url`: https, or a loopback host
    (browsers treat those as secure even over plain http)."""
    parts = urlsplit(base_url)
    return parts.scheme == "https" or parts.hostname in ("localhost", "127.0.0.1", "::1")


def _anchor(pre_session: str) -> str:
    return hashlib.sha256(pre_session.encode()).hexdigest()


def _pending(request: Request, key: str) -> dict[str, Any] | None:
    """The round trip this browser started, if its sealed cookie is intact, recent and bound
    to this browser's pre-session."""
    sealed = request.cookies.get(PENDING_COOKIE)
    pre = request.cookies.get(PRE_SESSION_COOKIE)
    if not sealed or not pre:
        return None
    try:
        opened = fernet(key, PENDING_PURPOSE).decrypt(sealed.encode(), ttl=PENDING_SECONDS)
        pending: dict[str, Any] = json.loads(opened)
    except (InvalidToken, ValueError):
        return None
    if not hmac.compare_digest(str(pending.get("pre", "")), _anchor(pre)):
        return None
    return pending


def _failed(request: Request, message: str, status: int = 400) -> HTMLResponse:
    context = {"title": "Single sign-on did not work", "message": message}
    response = templates.TemplateResponse(request, "portal/message.html", context, status)
    response.delete_cookie(PENDING_COOKIE, path="/")
    response.delete_cookie(SAML_COOKIE, path="/portal/sso/saml/")
    return response


AGAIN = "The sign-in took too long or was started in another browser. Start it again."
REFUSED = (
    "Your identity provider signed you in, but tukku cannot let you in with it: your e-mail "
    "address must be verified there and belong to an account of this organization. Ask your "
    "administrator."
)


@router.get("/sso/callback", response_class=HTMLResponse)
def sso_callback(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    key: LinkSecret,
    code: str = "",
    state: str = "",
    error: str = "",
    iss: str | None = None,
) -> Response:
    """Where the identity provider sends the browser back: check the round trip is this
    browser's own, redeem the code, check the ID token, match the user; then the same session
    as a password sign-in."""
    pending = _pending(request, key)
    if pending is None or not state or not hmac.compare_digest(state, str(pending["state"])):
        log.warning("single sign-on callback refused", extra={"why": "state or browser mismatch"})
        return _failed(request, AGAIN)
    if error or not code:
        log.info("identity provider answered an error", extra={"error": error[:100]})
        return _failed(request, "The identity provider did not sign you in.", 401)
    now = _wall(request)
    address = client_address(request)
    db: Database = request.app.state.db
    lifetime = timedelta(hours=settings.portal_session_hours)
    try:
        vouched = sso.complete(
            session,
            idp_org_id=str(pending["idp"]),
            code=code,
            verifier=str(pending["verifier"]),
            nonce=str(pending["nonce"]),
            redirect_uri=rules.redirect_uri(link_base_url(request)),
            key=key,
            now=now,
            response_issuer=iss,
        )
        with db.unit_of_work() as writer:
            user = sso.record_sign_in(writer, vouched=vouched, address=address, now=now)
            secret = identity.open_session(
                writer,
                user=user,
                now=now,
                lifetime=lifetime,
                address=address,
                user_agent=request.headers.get("user-agent"),
            )
    except SsoFailed as failed:
        log.warning("single sign-on refused", extra={"why": failed.reason})
        return _failed(request, REFUSED, 403)
    signed_in = RedirectResponse(safe_next(str(pending["next"])), status_code=303)
    set_cookie(request, signed_in, SESSION_COOKIE, secret, max_age=int(lifetime.total_seconds()))
    for name in (PRE_SESSION_COOKIE, ACTING_COOKIE, PENDING_COOKIE):
        signed_in.delete_cookie(name, path="/")
    return signed_in


@router.post("/sso/saml/{sp_id}/acs", response_class=HTMLResponse)
def saml_acs(
    sp_id: str,
    request: Request,
    session: ReadOnlySession,
    settings: SettingsDep,
    key: LinkSecret,
    SAMLResponse: FormField = "",  # noqa: N803 - the binding's name
) -> Response:
    """The assertion consumer service: check the IdP's response answers this browser's
    request (and every check of `sso.saml`), consume its assertion, match the user; then the
    same session as a password sign-in. Any refusal is a page that says what to do. It reads
    in a read-only unit (xmlsec1 runs outside SQLite's write lock) and writes in its own."""
    sealed = request.cookies.get(SAML_COOKIE)
    pending: dict[str, Any] | None = None
    if sealed:
        try:
            opened = fernet(key, SAML_PURPOSE).decrypt(sealed.encode(), ttl=PENDING_SECONDS)
            pending = json.loads(opened)
        except (InvalidToken, ValueError):
            pending = None
    idp = sso.saml_idp(session, sp_id)
    if pending is None or idp is None or pending.get("idp") != idp.org_id:
        log.warning("SAML response refused", extra={"why": "no sign-in in flight here"})
        return _failed(request, AGAIN)
    if not SAMLResponse:
        return _failed(request, "The identity provider did not sign you in.", 401)
    now = _wall(request)
    address = client_address(request)
    db: Database = request.app.state.db
    lifetime = timedelta(hours=settings.portal_session_hours)
    try:
        vouched = sso.complete_saml(
            session,
            idp=idp,
            saml_response=SAMLResponse,
            request_id=str(pending.get("request", "")),
            base_url=link_base_url(request),
            key=key,
            now=now,
        )
        with db.unit_of_work() as writer:
            sso.consume_assertion(writer, asserted=vouched.asserted, now=now)
            user = sso.record_sign_in(writer, vouched=vouched.vouched, address=address, now=now)
            secret = identity.open_session(
                writer,
                user=user,
                now=now,
                lifetime=lifetime,
                address=address,
                user_agent=request.headers.get("user-agent"),
            )
    except SsoFailed as failed:
        log.warning("SAML sign-in refused", extra={"idp": idp.name, "why": failed.reason})
        return _failed(request, SAML_REFUSED, 403)
    signed_in = RedirectResponse(safe_next(str(pending.get("next", ""))), status_code=303)
    set_cookie(request, signed_in, SESSION_COOKIE, secret, max_age=int(lifetime.total_seconds()))
    for name in (PRE_SESSION_COOKIE, ACTING_COOKIE, PENDING_COOKIE):
        signed_in.delete_cookie(name, path="/")
    signed_in.delete_cookie(SAML_COOKIE, path="/portal/sso/saml/")
    return signed_in


SAML_REFUSED = (
    "Your identity provider's answer cannot sign you in to tukku: it must be signed and meant "
    "for tukku, it can be used once only, and your e-mail address must belong to an account "
    "of this organization. Ask your administrator."
)
