"""The test IdP as a web server (WSGI, on loopback): its metadata, its single sign-on service
(HTTP-Redirect) showing a sign-in form, and the signed response posted back to the SP's ACS as
a browser would. The form's `variant` picks an altered response (see `idp.VARIANTS`)."""

from __future__ import annotations

import html
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, make_server

from tests.saml_idp.idp import VARIANTS, IdentityProvider

Start = Any


def page(title: str, body: str) -> bytes:
    return (
        f'<!doctype html><html lang="en"><head><title>{title}</title></head>'
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    ).encode()


def application(idp: IdentityProvider) -> Any:
    """The WSGI application of `idp`."""

    def app(environ: dict[str, Any], start: Start) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metadata":
            start("200 OK", [("Content-Type", "application/samlmetadata+xml")])
            return [idp.metadata().encode()]
        if path == "/sso/redirect":
            query = environ.get("QUERY_STRING", "")
            fields = dict(parse_qsl(query))
            hint = ""
            if "SAMLRequest" in fields:
                parsed = idp.server().parse_authn_request(
                    fields["SAMLRequest"],
                    relay_state=fields.get("RelayState"),
                    sigalg=fields.get("SigAlg"),
                    signature=fields.get("Signature"),
                )
                subject = parsed.message.subject
                hint = subject.name_id.text if subject and subject.name_id else ""
            options = "".join(f"<option>{v}</option>" for v in VARIANTS)
            form = (
                f'<form method="post" action="/sso/login">'
                f'<input type="hidden" name="query" value="{html.escape(query)}">'
                f'<p><label for="login">E-mail</label> <input id="login" name="login" '
                f'value="{html.escape(hint)}"></p>'
                f'<p><label for="variant">Answer</label> <select id="variant" name="variant">'
                f"{options}</select></p><p><button>Sign in</button></p></form>"
            )
            start("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [page("Test IdP sign-in", form)]
        if path == "/sso/login" and environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            posted = dict(parse_qsl(environ["wsgi.input"].read(size).decode()))
            query = dict(parse_qsl(posted["query"]))
            answer, _ = idp.respond(query, posted["login"], posted.get("variant", "good"))
            form = (
                f'<form method="post" action="{html.escape(answer.acs_url)}">'
                f'<input type="hidden" name="SAMLResponse" value="{answer.saml_response}">'
                f'<input type="hidden" name="RelayState" value="{html.escape(answer.relay_state)}">'
                "<p><button>Continue</button></p></form>"
            )
            start("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [page("Back to the service", form)]
        start("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    return app


class Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def main() -> None:
    """`python -m tests.saml_idp.app PORT SP_METADATA_FILE`: serve on 127.0.0.1:PORT."""
    port, sp_metadata = int(sys.argv[1]), Path(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="saml-idp-") as folder:
        idp = IdentityProvider(f"http://127.0.0.1:{port}", Path(folder), sp_metadata)
        with make_server("127.0.0.1", port, application(idp), handler_class=Quiet) as server:
            server.serve_forever()


if __name__ == "__main__":
    main()
