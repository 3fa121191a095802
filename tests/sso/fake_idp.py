"""A fake OpenID provider served on loopback over real HTTP, for the negative cases a real
provider will not produce: the test decides the ID token the token endpoint answers with
(claims, signing key, `kid`) and may rotate the published key set. It records the token
requests it gets (to check PKCE and client authentication)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey


def rsa_key(kid: str) -> RSAKey:
    """A new RSA signing key named `kid`."""
    return RSAKey.generate_key(2048, parameters={"kid": kid})


@dataclass
class FakeIdp:
    """What the fake provider publishes and answers; mutate it from the test."""

    base: str = ""
    keys: list[RSAKey] = field(default_factory=lambda: [rsa_key("k1")])
    claims: dict[str, Any] = field(default_factory=dict)
    signing_key: RSAKey | None = None
    kid: str | None = None
    userinfo: dict[str, Any] = field(default_factory=dict)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    jwks_fetches: int = 0

    @property
    def issuer(self) -> str:
        return self.base

    @property
    def discovery(self) -> str:
        return f"{self.base}/.well-known/openid-configuration"

    def id_token(self) -> str:
        key = self.signing_key or self.keys[0]
        kid = self.kid or key.kid
        return jwt.encode({"alg": "RS256", "kid": kid}, self.claims, key)

    def document(self, path: str) -> Any:
        if path == "/.well-known/openid-configuration":
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.base}/authorize",
                "token_endpoint": f"{self.base}/token",
                "jwks_uri": f"{self.base}/jwks",
                "userinfo_endpoint": f"{self.base}/userinfo",
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }
        if path == "/jwks":
            self.jwks_fetches += 1
            return KeySet(list(self.keys)).as_dict(private=False)
        if path == "/userinfo":
            return self.userinfo
        return None


def _handler(idp: FakeIdp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _json(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            body = idp.document(self.path.split("?")[0])
            self._json(404 if body is None else 200, body or {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            idp.token_requests.append(
                {"form": form, "authorization": self.headers.get("Authorization")}
            )
            token = {"access_token": "at", "token_type": "Bearer", "expires_in": 60}
            self._json(200, token | {"id_token": idp.id_token()})

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def serve() -> Iterator[FakeIdp]:
    """Run a fake provider on 127.0.0.1 (a free port) until the generator is closed."""
    idp = FakeIdp()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(idp))
    idp.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield idp
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
