"""Sending one signed request to an endpoint: to the address the SSRF check approved (the
host's name kept for `Host` and TLS), a short timeout, no redirects, a capped read."""

from __future__ import annotations

import functools
import ssl
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from standardwebhooks import Webhook

from tukku.core.settings import Settings
from tukku.webhooks import rules, targets

MAX_RESPONSE_BYTES = 64 * 1024
"""How much of an answer is read (its body is never kept: only its status matters)."""


@functools.cache
def _tls() -> ssl.SSLContext:
    """httpx's default TLS context (certificates and host names verified), made once per
    process: loading the CA bundle takes about 45 ms, more than the rest of a delivery."""
    return httpx.create_ssl_context()


@dataclass(frozen=True)
class Outcome:
    """How one attempt went: the status answered (None if none), its time, what failed."""

    status_code: int | None
    latency_ms: int
    error: str | None = None

    @property
    def delivered(self) -> bool:
        """Any 2xx answer delivers."""
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_headers(
    secrets: list[str], event_id: str, timestamp: datetime, body: str
) -> dict[str, str]:
    """The Standard Webhooks headers: one signature per secret, space-separated."""
    signatures = " ".join(Webhook(s).sign(event_id, timestamp, body) for s in secrets)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
        "user-agent": "tukku-webhooks/1",
    }


def _pinned_url(target: rules.Target, address: rules.Address, url: str) -> str:
    """`url` with its host replaced by the address checked (so a second resolution, perhaps
    rebound to a private address, never happens)."""
    parts = urlsplit(url)
    host = f"[{address}]" if address.version == 6 else str(address)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"{target.scheme}://{host}:{target.port}{path}"


def send(url: str, headers: dict[str, str], body: str, settings: Settings) -> Outcome:
    """POST `body` to `url` once, checking where it leads first (a refused address is a failed
    attempt, never a request)."""
    started = time.perf_counter()

    def elapsed() -> int:
        return round((time.perf_counter() - started) * 1000)

    try:
        target, address = targets.check(url, settings)
    except targets.Refused as exc:
        return Outcome(None, elapsed(), f"refused: {exc}")
    host_header = urlsplit(url).netloc  # credentials are refused: the host and its port
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    try:
        with (
            httpx.Client(
                timeout=settings.webhook_timeout_seconds,
                follow_redirects=False,
                verify=_tls(),
                trust_env=False,
            ) as client,
            client.stream(
                "POST",
                _pinned_url(target, address, url),
                content=body.encode(),
                headers={**headers, "host": host_header},
                extensions=extensions,
            ) as response,
        ):
            read = 0
            for chunk in response.iter_raw():
                read += len(chunk)
                if read >= MAX_RESPONSE_BYTES:
                    break
            return Outcome(response.status_code, elapsed())
    except httpx.HTTPError as exc:
        return Outcome(None, elapsed(), f"{type(exc).__name__}: {exc}"[:500])
