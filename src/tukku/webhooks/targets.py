"""Where an endpoint's URL leads, checked against the SSRF rules after resolving its host:
at registration, and again at each delivery (against DNS rebinding, the delivery then goes to
the very address checked)."""

from __future__ import annotations

import socket

from tukku.core.settings import Settings
from tukku.webhooks import rules


class Refused(ValueError):
    """The URL may not be called; the message says why (for a 400 naming `url`, or the log)."""

    def __init__(self, reason: str, *, unsafe: bool) -> None:
        super().__init__(reason)
        self.unsafe = unsafe


def resolve(host: str, port: int) -> list[rules.Address]:
    """Every address `host` resolves to now (a literal address is its own)."""
    literal = rules.literal_address(host)
    if literal is not None:
        return [literal]
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    addresses: list[rules.Address] = []
    for *_, sockaddr in found:
        address = rules.literal_address(str(sockaddr[0]).split("%", 1)[0])
        if address is not None and address not in addresses:
            addresses.append(address)
    return addresses


def check(url: str, settings: Settings) -> tuple[rules.Target, rules.Address]:
    """The URL's target and the address to connect to (the first the host resolves to), every
    resolved address allowed; `Refused` otherwise. https only outside the sandbox; loopback
    allowed in the sandbox; private ranges only when `webhook_allow_private_targets`."""
    try:
        target = rules.parse_target(url, require_https=not settings.sandbox)
    except ValueError as exc:
        raise Refused(str(exc), unsafe=False) from None
    addresses = resolve(target.host, target.port)
    if not addresses:
        raise Refused(f"the host {target.host} does not resolve", unsafe=False)
    for address in addresses:
        reason = rules.refusal(
            address,
            allow_private=settings.webhook_allow_private_targets,
            allow_loopback=settings.sandbox,
        )
        if reason is not None:
            raise Refused(f"the host {target.host} is {reason} ({address})", unsafe=True)
    return target, addresses[0]
