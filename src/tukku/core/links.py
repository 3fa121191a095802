"""The trusted base of links that leave a request (e-mails, download links) and the hosts
served by default, from settings alone: the worker and the command line use them without
loading the web framework."""

from __future__ import annotations

from urllib.parse import urlsplit


class ConfigurationError(RuntimeError):
    """The process cannot start with these settings."""


def trusted_link_base(public_base_url: str | None, listen_url: str | None) -> str:
    """The base of outgoing links: `TUKKU_PUBLIC_BASE_URL`, else the embedded server's own
    address; with neither, refuse to start rather than trust the callers' `Host` header."""
    base = (public_base_url or listen_url or "").rstrip("/")
    if not base:
        raise ConfigurationError(
            "TUKKU_PUBLIC_BASE_URL is not set: set it to the URL clients use to reach tukku "
            "(e.g. https://tukku.example.com); links in e-mails are built from it"
        )
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"TUKKU_PUBLIC_BASE_URL must be an http(s) URL, not {base!r}")
    return base


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def default_allowed_hosts(public_base_url: str | None, listen_url: str | None) -> list[str]:
    """The Host values served when `TUKKU_ALLOWED_HOSTS` is unset: the public base URL's host
    and, for `tukku serve`, its listen host and the loopback names."""
    urls = [u for u in (public_base_url, listen_url) if u]
    hosts = [_host_of(u) for u in urls]
    if listen_url:
        hosts += LOOPBACK_HOSTS
    return list(dict.fromkeys(h for h in hosts if h))


def _host_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return f"[{host}]" if ":" in host else host
