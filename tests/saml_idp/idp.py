"""A real SAML 2.0 identity provider for the tests: pysaml2's own IdP (`saml2.server.Server`),
signing with a key of its own, made once per process. `respond` answers an AuthnRequest the way
a working IdP does, or, for the refusals tukku must make, with one thing altered before the
IdP signs (or after, for a tampered response)."""

from __future__ import annotations

import base64
import shutil
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.s_utils import UnsupportedBinding
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.samlp import response_from_string

with warnings.catch_warnings():  # pysaml2's IdP names a cipher mode cryptography moved (CFB)
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
    from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

VARIANTS = (
    "good",
    "tampered",
    "foreign-key",
    "unsigned",
    "wrong-audience",
    "expired",
    "wrong-recipient",
    "wrong-destination",
)
ELSEWHERE = "https://elsewhere.example/saml"


def write_key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA key and self-signed certificate in `folder`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


@dataclass(frozen=True)
class Answer:
    """A SAML response on its way back: where the browser posts it, and what."""

    acs_url: str
    saml_response: str
    relay_state: str


class IdentityProvider:
    """pysaml2's IdP at `base_url`, trusting the SPs whose metadata files are given."""

    def __init__(self, base_url: str, folder: Path, sp_metadata: Path) -> None:
        self.base_url = base_url.rstrip("/")
        self.folder = folder
        self.sp_metadata = sp_metadata
        self.key_file, self.cert_file = write_key_pair(folder, "idp")
        self.foreign_key, self.foreign_cert = write_key_pair(folder, "stranger")
        self._loaded: tuple[float, Server] | None = None
        self.hints: list[str | None] = []

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/metadata"

    def _config(self, key_file: Path, cert_file: Path) -> IdPConfig:
        metadata = [str(self.sp_metadata)] if self.sp_metadata.exists() else []
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "metadata": {"local": metadata},
                "service": {
                    "idp": {
                        "name": "Test IdP",
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{self.base_url}/sso/redirect", BINDING_HTTP_REDIRECT)
                            ]
                        },
                        "want_authn_requests_signed": True,
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                    }
                },
            }
        )
        return config

    def server(self) -> Server:
        """The IdP, made again when the SP metadata file changed (a test configured tukku)."""
        stamp = self.sp_metadata.stat().st_mtime if self.sp_metadata.exists() else 0.0
        if self._loaded is None or self._loaded[0] != stamp:
            self._loaded = (stamp, Server(config=self._config(self.key_file, self.cert_file)))
        return self._loaded[1]

    def metadata(self) -> str:
        """This IdP's metadata, as a partner uploads it to tukku or tukku fetches it."""
        from saml2.metadata import create_metadata_string

        config = self._config(self.key_file, self.cert_file)
        config.xmlsec_binary = None
        document = create_metadata_string(None, config=config)
        return document.decode() if isinstance(document, bytes) else document

    def respond(
        self, query: dict[str, str], email: str, variant: str = "good"
    ) -> tuple[Answer, str]:
        """Answer the AuthnRequest of a redirect's `query` for `email`: the response and the
        hint the request carried (its Subject NameID), refusing an unsigned request."""
        server = self.server()
        parsed = server.parse_authn_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        request = parsed.message
        if parsed.signature_check is None and "Signature" not in query:
            raise UnsupportedBinding("the AuthnRequest is not signed")
        hint = request.subject.name_id.text if request.subject and request.subject.name_id else None
        self.hints.append(hint)
        acs = request.assertion_consumer_service_url
        sp_entity_id = request.issuer.text
        xml = server.create_authn_response(
            {"mail": [email], "displayName": ["Test User"]},
            in_response_to=request.id,
            destination=acs,
            sp_entity_id=sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_response=False,
            sign_assertion=False,
        )
        response = response_from_string(str(xml))
        self._alter(response, variant)
        signed = str(response)
        if variant != "unsigned":
            key = self.foreign_key if variant == "foreign-key" else self.key_file
            cert = self.foreign_cert if variant == "foreign-key" else self.cert_file
            signer = Server(config=self._config(key, cert))
            response.signature = None
            signed = signer.sec.sign_statement(
                _with_signature(signer, response),
                "urn:oasis:names:tc:SAML:2.0:protocol:Response",
                node_id=response.id,
            )
        if variant == "tampered":
            signed = signed.replace(email, "someone.else@elsewhere.test")
        encoded = base64.b64encode(signed.encode()).decode()
        return Answer(acs, encoded, query.get("RelayState", "")), str(hint or "")

    @staticmethod
    def _alter(response: object, variant: str) -> None:
        assertion = response.assertion[0]  # type: ignore[attr-defined]
        confirmation = assertion.subject.subject_confirmation[0].subject_confirmation_data
        if variant == "wrong-audience":
            assertion.conditions.audience_restriction[0].audience[0].text = ELSEWHERE
        elif variant == "expired":
            past = (datetime.now(UTC) - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
            older = (datetime.now(UTC) - timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
            assertion.conditions.not_on_or_after = past
            assertion.conditions.not_before = older
            confirmation.not_on_or_after = past
            assertion.issue_instant = older
            response.issue_instant = older  # type: ignore[attr-defined]
        elif variant == "wrong-recipient":
            confirmation.recipient = ELSEWHERE + "/acs"
        elif variant == "wrong-destination":
            response.destination = ELSEWHERE + "/acs"  # type: ignore[attr-defined]


def _with_signature(server: Server, response: object) -> str:
    """The response with an empty enveloped signature for xmlsec1 to fill in."""
    from saml2.sigver import pre_signature_part

    response.signature = pre_signature_part(  # type: ignore[attr-defined]
        ident=response.id,  # type: ignore[attr-defined]
        public_key=server.sec.my_cert,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    return str(response)
