"""SAML 2.0 sign-in with a partner's identity provider, tukku being the service provider (SP):
the IdP's metadata read safely, tukku's SP key pair and metadata, the signed AuthnRequest
(HTTP-Redirect binding) and the checks of the IdP's response (HTTP-POST binding).

pysaml2 does the protocol and, through the `xmlsec1` program, the XML signatures. It parses
every document with defusedxml, as this module does. A response is accepted only when:
the Response or its assertion is signed by a certificate of the IdP's metadata; it answers the
request this browser sent (`InResponseTo`, unsolicited responses refused); its `Destination`
and the bearer confirmation's `Recipient` are this IdP's assertion consumer service URL; the
assertion's audience is this IdP's SP entity ID; its issuer is the configured IdP entity ID; and
its `NotBefore` / `NotOnOrAfter` hold (with `LEEWAY_SECONDS`). pysaml2 judges that window on the
system clock, not on an injected one. Refusing a replayed assertion needs the database (see
`service.consume_assertion`). Nothing here logs a key, an assertion or a response.
"""

from __future__ import annotations

import base64
import calendar
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, tostring

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT  # type: ignore[import-untyped]
from saml2.client import Saml2Client  # type: ignore[import-untyped]
from saml2.config import SPConfig  # type: ignore[import-untyped]
from saml2.metadata import create_metadata_string  # type: ignore[import-untyped]
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NameID, Subject  # type: ignore[import-untyped]
from saml2.time_util import str_to_time  # type: ignore[import-untyped]
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256  # type: ignore[import-untyped]

from tukku.core.errors import Codes, Problem
from tukku.sso import rules
from tukku.sso.oidc import SsoFailed

MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
SAML_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
MAX_METADATA_BYTES = 1024 * 1024
TIMEOUT = 10.0
LEEWAY_SECONDS = 60
CERT_YEARS = 10
# Where IdPs put the e-mail address, most specific first (after conversion by pysaml2).
EMAIL_ATTRIBUTES = (
    "email",
    "mail",
    "emailAddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "urn:oid:0.9.2342.19200300.100.1.3",
)
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
NAMEID_UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


@dataclass(frozen=True)
class Metadata:
    """An IdP's metadata, checked: its one entity descriptor (as stored), where the browser is
    sent to sign in, and its signing certificates."""

    xml: str
    sso_url: str
    certificates: tuple[str, ...]


@dataclass(frozen=True)
class SpKeys:
    """tukku's SP key pair for one IdP: the private key (PEM) and its self-signed certificate."""

    key_pem: str
    certificate_pem: str


@dataclass(frozen=True)
class Sp:
    """What tukku is to one IdP: its SP entity ID and assertion consumer service URL."""

    entity_id: str
    acs_url: str


@dataclass(frozen=True)
class Request:
    """An AuthnRequest on its way: the URL to send the browser to and the request's ID."""

    url: str
    request_id: str


@dataclass(frozen=True)
class Asserted:
    """Who the IdP says signed in, and the assertion that said so (for the replay check)."""

    email: str | None
    assertion_id: str
    issuer: str
    expires: datetime


class MetadataRefused(Exception):
    """The metadata cannot be used: `problem` names the field and the reason."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.description)
        self.problem = problem


def _refused(code: Any, field: str, why: str) -> MetadataRefused:
    return MetadataRefused(Problem(code, f"{field}: {why}", field))


def fetch_metadata(url: str, field: str = "idpMetadataUrl") -> str:
    """The metadata at `url`, fetched once (https with TLS verified, or http on 127.0.0.1; no
    redirects; at most `MAX_METADATA_BYTES`)."""
    if not rules.endpoint_allowed(url):
        raise _refused(
            Codes.SAML_METADATA_URL_INVALID,
            field,
            "must be an https URL (plain http only on 127.0.0.1)",
        )
    try:
        with (
            httpx.Client(timeout=TIMEOUT, verify=True, follow_redirects=False) as http,
            http.stream("GET", url, headers={"Accept": "application/samlmetadata+xml"}) as answer,
        ):
            answer.raise_for_status()
            body = b""
            for chunk in answer.iter_bytes():
                body += chunk
                if len(body) > MAX_METADATA_BYTES:
                    raise _refused(Codes.SAML_METADATA_INVALID, field, "larger than 1 MiB")
    except httpx.HTTPError as failed:
        raise _refused(
            Codes.SAML_METADATA_UNREACHABLE, field, f"fetching it failed ({type(failed).__name__})"
        ) from failed
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as failed:
        raise _refused(Codes.SAML_METADATA_INVALID, field, "not UTF-8 XML") from failed


def read_metadata(xml: str, entity_id: str, field: str = "idpMetadata") -> Metadata:
    """The IdP `entity_id`'s entity descriptor from `xml` (one descriptor or an aggregate),
    parsed with defusedxml (no entities, no DTD tricks); `MetadataRefused` naming `field` when
    it lacks an HTTP-Redirect single sign-on service at an allowed URL or a signing certificate.
    Only that descriptor is kept: no other IdP of an aggregate can vouch for anyone."""
    if len(xml.encode()) > MAX_METADATA_BYTES:
        raise _refused(Codes.SAML_METADATA_INVALID, field, "larger than 1 MiB")
    try:
        root = fromstring(xml.encode(), forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as failed:
        raise _refused(
            Codes.SAML_METADATA_INVALID, field, "not well-formed XML, or XML with a DTD"
        ) from failed
    if root.tag == f"{MD}EntityDescriptor":
        entities = [root]
    elif root.tag == f"{MD}EntitiesDescriptor":
        entities = list(root.iter(f"{MD}EntityDescriptor"))
    else:
        raise _refused(Codes.SAML_METADATA_INVALID, field, "not SAML 2.0 metadata")
    entity = next((e for e in entities if e.get("entityID") == entity_id), None)
    if entity is None:
        named = ", ".join(str(e.get("entityID")) for e in entities[:3])
        raise _refused(
            Codes.SAML_METADATA_ENTITY_MISSING,
            field,
            f"describes no IdP with the entity ID {entity_id!r} (it names: {named or 'none'})",
        )
    role = next(
        (
            r
            for r in entity.findall(f"{MD}IDPSSODescriptor")
            if SAML_PROTOCOL in (r.get("protocolSupportEnumeration") or "").split()
        ),
        None,
    )
    if role is None:
        raise _refused(
            Codes.SAML_METADATA_ENTITY_MISSING, field, f"{entity_id!r} is no SAML 2.0 IdP"
        )
    sso_url = next(
        (
            str(s.get("Location"))
            for s in role.findall(f"{MD}SingleSignOnService")
            if s.get("Binding") == BINDING_HTTP_REDIRECT
            and rules.endpoint_allowed(s.get("Location") or "")
        ),
        None,
    )
    if sso_url is None:
        raise _refused(
            Codes.SAML_METADATA_NO_SSO,
            field,
            "no HTTP-Redirect single sign-on service at an https URL (http only on 127.0.0.1)",
        )
    certificates = tuple(_signing_certificates(role))
    if not certificates:
        raise _refused(Codes.SAML_METADATA_NO_CERTIFICATE, field, "no signing certificate")
    return Metadata(tostring(entity, encoding="unicode"), sso_url, certificates)


def _signing_certificates(role: Element) -> Iterator[str]:
    for descriptor in role.findall(f"{MD}KeyDescriptor"):
        if descriptor.get("use") not in (None, "signing"):
            continue
        for cert in descriptor.iter(f"{DS}X509Certificate"):
            text = "".join((cert.text or "").split())
            try:
                x509.load_der_x509_certificate(base64.b64decode(text, validate=True))
            except ValueError:
                continue
            yield text


def new_sp_keys(sp_id: str, now: datetime) -> SpKeys:
    """A fresh RSA key pair and self-signed certificate for tukku's SP to one IdP (IdPs check
    the key, not the issuer, of an SP's certificate)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"tukku SP {sp_id}")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * CERT_YEARS))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return SpKeys(key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode())


def new_sp_id() -> str:
    """A random, URL-safe identifier of tukku's SP to one IdP (part of its entity ID)."""
    return secrets.token_hex(16)


def xmlsec_binary() -> str:
    """The `xmlsec1` program pysaml2 signs and verifies with (Debian's `xmlsec1` package)."""
    found = shutil.which("xmlsec1")
    if found is None:
        raise SsoFailed("the xmlsec1 program is missing (Debian package xmlsec1)")
    return found


@contextmanager
def _client(sp: Sp, keys: SpKeys, idp_metadata: str | None) -> Iterator[Saml2Client]:
    """pysaml2's client for one IdP. xmlsec1 reads the key from a file: it lives in a private
    temporary folder only while the client is used."""
    with tempfile.TemporaryDirectory(prefix="tukku-saml-") as folder:
        key_file = Path(folder) / "sp.key"
        cert_file = Path(folder) / "sp.crt"
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(keys.key_pem)
        cert_file.write_text(keys.certificate_pem)
        config = SPConfig()
        config.load(
            {
                "entityid": sp.entity_id,
                "xmlsec_binary": xmlsec_binary(),
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "metadata": {"inline": [idp_metadata]} if idp_metadata else {},
                "accepted_time_diff": LEEWAY_SECONDS,
                "allow_unknown_attributes": True,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "service": {
                    "sp": {
                        "name": "tukku",
                        "endpoints": {
                            "assertion_consumer_service": [(sp.acs_url, BINDING_HTTP_POST)]
                        },
                        "allow_unsolicited": False,
                        "authn_requests_signed": True,
                        "want_response_signed": False,
                        "want_assertions_signed": False,
                        "want_assertions_or_response_signed": True,
                        "name_id_format_allow_create": False,
                    }
                },
            }
        )
        yield Saml2Client(config)


def sp_metadata(sp: Sp, keys: SpKeys) -> str:
    """tukku's SP metadata for one IdP: its entity ID, the assertion consumer service
    (HTTP-POST), its signing certificate; AuthnRequests signed, assertions wanted signed."""
    with _client(sp, keys, None) as client:
        client.config.xmlsec_binary = None  # lists no algorithms, the weak ones included
        document: bytes | str = create_metadata_string(None, config=client.config)
    return document.decode() if isinstance(document, bytes) else document


def authn_request(
    sp: Sp, keys: SpKeys, metadata: Metadata, *, entity_id: str, email: str | None
) -> Request:
    """A signed AuthnRequest to the IdP's single sign-on service (HTTP-Redirect), with the
    e-mail as a Subject NameID hint when one is given."""
    extra: dict[str, Any] = {}
    if email:
        extra["subject"] = Subject(name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email))
    try:
        with _client(sp, keys, metadata.xml) as client:
            request_id, info = client.prepare_for_authenticate(
                entityid=entity_id,
                binding=BINDING_HTTP_REDIRECT,
                sign=True,
                sigalg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
                **extra,
            )
    except SsoFailed:
        raise
    except Exception as failed:  # pysaml2 raises many kinds for a bad configuration
        raise SsoFailed(f"the AuthnRequest could not be made: {type(failed).__name__}") from failed
    location = dict(info["headers"]).get("Location")
    if not location:
        raise SsoFailed("the AuthnRequest has no URL")
    return Request(str(location), str(request_id))


def check_response(
    sp: Sp,
    keys: SpKeys,
    metadata: Metadata,
    *,
    entity_id: str,
    saml_response: str,
    request_id: str,
    now: datetime,
) -> Asserted:
    """The IdP's answer (base64, HTTP-POST) once every check of the module's docstring holds;
    `SsoFailed` otherwise."""
    try:
        with _client(sp, keys, metadata.xml) as client:
            answer = client.parse_authn_request_response(
                saml_response, BINDING_HTTP_POST, outstanding={request_id: "/"}
            )
    except Exception as failed:  # pysaml2 raises many kinds for a refused response
        raise SsoFailed(f"the SAML response was refused: {type(failed).__name__}") from failed
    if answer is None or answer.assertion is None:
        raise SsoFailed("the SAML response holds no assertion")
    if answer.in_response_to != request_id:
        raise SsoFailed("the SAML response answers another request")
    if answer.response.destination and answer.response.destination != sp.acs_url:
        raise SsoFailed("the SAML response is meant for another destination")
    if not _bearer_for(answer.assertion, sp.acs_url, request_id):
        raise SsoFailed("the assertion's bearer confirmation names another recipient or request")
    issuer = answer.assertion.issuer.text if answer.assertion.issuer is not None else None
    if issuer != entity_id:
        raise SsoFailed("the assertion was issued by another entity")
    if not answer.assertion.id:
        raise SsoFailed("the assertion has no ID")
    return Asserted(
        email=_email(answer),
        assertion_id=str(answer.assertion.id),
        issuer=issuer,
        expires=_expiry(answer.assertion, now),
    )


def _bearer_for(assertion: Any, acs_url: str, request_id: str) -> bool:
    """Whether the assertion's subject is confirmed as a bearer for this ACS URL and request
    (SAML profiles §4.1.4.2: `Recipient` and `NotOnOrAfter` required; pysaml2 leaves the
    recipient unchecked)."""
    subject = assertion.subject
    for confirmation in subject.subject_confirmation if subject is not None else []:
        data = confirmation.subject_confirmation_data
        if (
            confirmation.method == BEARER
            and data is not None
            and data.recipient == acs_url
            and data.not_on_or_after
            and data.in_response_to in (None, request_id)
        ):
            return True
    return False


def _email(answer: Any) -> str | None:
    """The e-mail address the assertion vouches for: an e-mail attribute, else a NameID of the
    e-mail format (or of no format, when it is an address)."""
    attributes: dict[str, list[str]] = answer.ava or {}
    for name in EMAIL_ATTRIBUTES:
        for value in attributes.get(name, []):
            if isinstance(value, str) and EMAIL.fullmatch(value.strip()):
                return value.strip()
    name_id = answer.name_id
    if name_id is None or not name_id.text:
        return None
    text = str(name_id.text).strip()
    if name_id.format in (NAMEID_FORMAT_EMAILADDRESS, NAMEID_UNSPECIFIED, None) and EMAIL.fullmatch(
        text
    ):
        return text
    return None


def _expiry(assertion: Any, now: datetime) -> datetime:
    """The latest moment the assertion could still be accepted (its `NotOnOrAfter`s, plus the
    leeway); kept that long against replay."""
    times: list[str] = []
    if assertion.conditions is not None and assertion.conditions.not_on_or_after:
        times.append(assertion.conditions.not_on_or_after)
    subject = assertion.subject
    for confirmation in subject.subject_confirmation if subject is not None else []:
        data = confirmation.subject_confirmation_data
        if data is not None and data.not_on_or_after:
            times.append(data.not_on_or_after)
    stamps = [calendar.timegm(str_to_time(t)) for t in times]
    latest = max(stamps) if stamps else int(now.timestamp()) + 3600
    return datetime.fromtimestamp(max(latest, int(now.timestamp())) + LEEWAY_SECONDS, UTC)
