"""OpenID Connect sign-in with a partner's identity provider: the authorization code flow with
PKCE (S256), `state` and `nonce`, and the checks of the ID token (PRODUCT.md §10.3).

Authlib builds the authorization request and redeems the code; joserfc (Authlib's JOSE library)
checks the ID token: its signature against the provider's JWKS (fetched again once when the
token names a key the cached set lacks, which is how providers rotate keys), and its issuer,
audience, expiry, issue time and nonce. Every request to the provider goes over httpx with TLS
verified; `rules.endpoint_allowed` refuses plain http except to 127.0.0.1, for discovered
endpoints as for configured ones. Nothing here logs a secret, a code or a token.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token  # type: ignore[import-untyped]
from authlib.integrations.httpx_client import OAuth2Client  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from tukku.sso import rules
from tukku.sso.models import PartnerIdp

TIMEOUT = 10.0
CACHE_SECONDS = 300
LEEWAY_SECONDS = 60
# Asymmetric algorithms only: a token signed with the client secret (HS256) or unsigned is refused.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
WELL_KNOWN = "/.well-known/openid-configuration"


class SsoFailed(Exception):
    """The sign-in did not go through: `reason` is for the log (never a secret)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Endpoints:
    """Where the provider's flow runs, from its settings and its discovery document."""

    issuer: str
    authorization: str
    token: str
    jwks: str
    userinfo: str | None
    token_auth_methods: tuple[str, ...]


@dataclass(frozen=True)
class Request:
    """An authorization request on its way: the URL to send the browser to and what the
    callback must match (kept sealed in the browser until then)."""

    url: str
    state: str
    nonce: str
    verifier: str


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in."""

    subject: str
    email: str | None
    email_verified: bool


_cache: dict[str, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def _client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, verify=True, follow_redirects=False)


def _get_json(url: str, *, fresh: bool = False) -> Any:
    """A provider's JSON document (discovery, JWKS), kept for `CACHE_SECONDS` unless `fresh`."""
    if not rules.endpoint_allowed(url):
        raise SsoFailed(f"endpoint not allowed: {url}")
    now = time.monotonic()
    with _cache_lock:
        held = _cache.get(url)
    if held and not fresh and now - held[0] < CACHE_SECONDS:
        return held[1]
    try:
        with _client() as http:
            response = http.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as failed:
        raise SsoFailed(f"fetching {url} failed: {type(failed).__name__}") from failed
    if not isinstance(document, dict):
        raise SsoFailed(f"{url} is not a JSON object")
    with _cache_lock:
        _cache[url] = (now, document)
    return document


def endpoints(idp: PartnerIdp) -> Endpoints:
    """The provider's endpoints: those configured, the rest from its discovery document (whose
    `issuer` must be the URL it was discovered under, OpenID Connect Discovery §4.3)."""
    found: dict[str, Any] = {}
    if idp.discovery_endpoint:
        found = _get_json(idp.discovery_endpoint)
        issuer = str(found.get("issuer", ""))
        if idp.discovery_endpoint.endswith(WELL_KNOWN):
            expected = idp.discovery_endpoint.removesuffix(WELL_KNOWN)
            if issuer.rstrip("/") != expected.rstrip("/"):
                raise SsoFailed("the discovery document's issuer is not where it was found")
    picked = Endpoints(
        issuer=idp.issuer or str(found.get("issuer", "")),
        authorization=idp.authorization_endpoint or str(found.get("authorization_endpoint", "")),
        token=idp.token_endpoint or str(found.get("token_endpoint", "")),
        jwks=idp.jwks_endpoint or str(found.get("jwks_uri", "")),
        userinfo=idp.userinfo_endpoint or found.get("userinfo_endpoint") or None,
        token_auth_methods=tuple(
            found.get("token_endpoint_auth_methods_supported") or ("client_secret_basic",)
        ),
    )
    for url in (picked.authorization, picked.token, picked.jwks, picked.userinfo):
        if url is not None and not rules.endpoint_allowed(url):
            raise SsoFailed(f"endpoint missing or not allowed: {url!r}")
    if not picked.issuer:
        raise SsoFailed("no issuer")
    return picked


def _oauth(idp: PartnerIdp, secret: str, redirect_uri: str, ends: Endpoints) -> Any:
    method = (
        "client_secret_basic"
        if "client_secret_basic" in ends.token_auth_methods
        else "client_secret_post"
    )
    return OAuth2Client(
        idp.client_id,
        secret,
        scope=" ".join(rules.scope_list(idp.scopes or "")),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method=method,
        timeout=TIMEOUT,
        verify=True,
        follow_redirects=False,
    )


def authorization_request(idp: PartnerIdp, *, secret: str, redirect_uri: str) -> Request:
    """A fresh authorization request: new `state`, `nonce` and PKCE verifier."""
    ends = endpoints(idp)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    with _oauth(idp, secret, redirect_uri, ends) as oauth:
        url, _ = oauth.create_authorization_url(
            ends.authorization, state=state, nonce=nonce, code_verifier=verifier
        )
    return Request(str(url), state, nonce, verifier)


def finish(
    idp: PartnerIdp,
    *,
    secret: str,
    redirect_uri: str,
    code: str,
    verifier: str,
    nonce: str,
    response_issuer: str | None = None,
    now: float | None = None,
) -> Identity:
    """Redeem `code` and check the ID token; who signed in, or `SsoFailed`. A provider that
    names itself in the authorization response (`iss`, RFC 9207) must be the one expected, so a
    code from another provider is never sent to this one (mix-up attacks)."""
    ends = endpoints(idp)
    if response_issuer is not None and response_issuer != ends.issuer:
        raise SsoFailed("the authorization response came from another issuer")
    with _oauth(idp, secret, redirect_uri, ends) as oauth:
        try:
            token = oauth.fetch_token(
                ends.token,
                code=code,
                code_verifier=verifier,
                grant_type="authorization_code",
            )
        except Exception as failed:  # Authlib raises its own errors and httpx's alike
            raise SsoFailed(f"the token endpoint refused the code: {type(failed).__name__}") from (
                failed
            )
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise SsoFailed("no ID token in the token response")
        claims = verify_id_token(
            id_token, ends=ends, client_id=idp.client_id or "", nonce=nonce, now=now
        )
        if ("email" not in claims or "email_verified" not in claims) and ends.userinfo:
            claims = {**_userinfo(oauth, ends.userinfo, claims["sub"]), **claims}
    return Identity(
        subject=str(claims["sub"]),
        email=claims.get("email") if isinstance(claims.get("email"), str) else None,
        email_verified=claims.get("email_verified") is True,
    )


def _userinfo(oauth: Any, url: str, subject: str) -> dict[str, Any]:
    """The user-info claims, which must be about the ID token's subject (Core §5.3.2)."""
    try:
        response = oauth.get(url)
        response.raise_for_status()
        claims = response.json()
    except (httpx.HTTPError, ValueError) as failed:
        raise SsoFailed(f"the user-info endpoint failed: {type(failed).__name__}") from failed
    if not isinstance(claims, dict) or claims.get("sub") != subject:
        raise SsoFailed("the user-info claims are about another subject")
    return {k: v for k, v in claims.items() if k in ("email", "email_verified")}


def verify_id_token(
    id_token: str, *, ends: Endpoints, client_id: str, nonce: str, now: float | None = None
) -> dict[str, Any]:
    """The ID token's claims once its signature (against the JWKS, refetched once for a key it
    lacks), issuer, audience (and `azp` when several), expiry, issue time and nonce hold."""
    keys = KeySet.import_key_set(_get_json(ends.jwks))
    try:
        try:
            decoded = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
        except InvalidKeyIdError:
            keys = KeySet.import_key_set(_get_json(ends.jwks, fresh=True))
            decoded = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
        checks = jwt.JWTClaimsRegistry(
            now=int(now if now is not None else time.time()),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": ends.issuer},
            sub={"essential": True},
            aud={"essential": True, "value": client_id},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        checks.validate(decoded.claims)
    except ExpiredTokenError as expired:
        raise SsoFailed("the ID token has expired") from expired
    except (JoseError, ValueError, TypeError) as refused:
        raise SsoFailed(f"the ID token was refused: {type(refused).__name__} {refused}") from (
            refused
        )
    claims = decoded.claims
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
        raise SsoFailed("the ID token names several audiences and another party")
    return claims


def forget_cached() -> None:
    """Drop every cached discovery document and key set (tests; a provider changed at once)."""
    with _cache_lock:
        _cache.clear()
